/*
The Socket.IO side of one connection (for all its reconnects): joining the namespace (CONNECT,
CONNECT_ERROR, DISCONNECT), the events received (with the acknowledgement one may ask for), the
ACKs to the events emitted, and binary packets put together from their frames by the decoder.
Engine.IO (socketio-engine.ts) hands it each message packet's data.

Socket.IO 2 (Engine.IO 3) joins the default namespace by itself, its CONNECT unasked: wsterm
joins only another namespace there (joining / again would make a second socket, every event
twice). Spoken to as Socket.IO 3 or 4, such a server gives itself away by that CONNECT (a Socket.IO
3 or 4 answer carries the sid): the run ends there with one line asking for --socketio-version 2.
*/
import type * as SocketIo from 'socket.io-parser';
import type {Clock} from '../shared/clock.js';
import type {CloseEvent} from '../connection/events.js';
import {escapeControl} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import type {PipelineMessage} from '../pipeline/message.js';
import type {Next, StageLink, StageResult} from '../pipeline/stage.js';
import {plainJson, stringifyExact} from './exact-json.js';
import {readEventLine} from './socketio-event.js';
import {deferred, quote} from './stage-helpers.js';
import {type HandshakeLimit, type HandshakeWatch, handshakeWatch} from './handshake.js';
import {acknowledgement, AwaitedAcks} from './socketio-acks.js';
import type {EngineIoVersion} from './socketio-url.js';
import {badge, dataJson, eventName, nameBadge, quotable, showable, type SocketIoWire} from './socketio-wire.js';

export type SocketIoOptions = {
	/** The namespace joined ('/' by default). */
	readonly namespace: string;
	/** --auth: CONNECT's payload. */
	readonly auth?: Record<string, unknown>;
	/** Engine.IO's version: 3 (Socket.IO 2) or 4 (Socket.IO 3 and 4, the default). */
	readonly engineIo?: EngineIoVersion;
	/** Its monotonic `now`, for the acks' round trips; its intervals for Engine.IO 3's pings. */
	readonly clock: Pick<Clock, 'now' | 'setInterval' | 'clearInterval'>;
	/** Called for each line refused (not a JSON array with an event name), after its error line. */
	readonly onRefused?: () => void;
	/** The hooks stage follows: it answers acknowledgements the hooks left unanswered. Without it, they are answered here, at once. */
	readonly hooksFollow?: boolean;
	/** How long joining the namespace may take (--connect-timeout). */
	readonly handshake?: HandshakeLimit;
};

export class SocketIoSocket {
	readonly #link: StageLink;
	readonly #wire: SocketIoWire;
	readonly #options: SocketIoOptions;
	readonly #watch: HandshakeWatch;
	readonly #acks: AwaitedAcks;
	#decoder: SocketIo.Decoder;
	/** The last packet text given to the decoder (a binary packet's header, once its bytes came): its number tokens. */
	#packetText = '';
	#joined = false;
	/** Engine.IO's open packet came on this connection. */
	#engineOpen = false;
	/** The server turned out to speak Socket.IO 2 while spoken to as 4: the run is ending, nothing more is shown. */
	#wrongVersion = false;
	#join = deferred();
	/** Counts connections: an answer given after a reconnect would carry an id of the old one. */
	#generation = 0;

	constructor(link: StageLink, wire: SocketIoWire, options: SocketIoOptions) {
		this.#link = link;
		this.#wire = wire;
		this.#options = options;
		this.#decoder = wire.decoder();
		this.#acks = new AwaitedAcks(options.clock);
		const namespace = escapeControl(options.namespace);
		this.#watch = handshakeWatch(link, {protocol: 'Socket.IO', awaited: `answer to joining namespace ${namespace}`, waiting: `before namespace ${namespace} was joined`}, options.handshake ?? {});
	}

	opened(): void {
		this.#reset();
		this.#watch.opened();
	}

	closed(event: CloseEvent): void {
		if (this.#wire.engineIoVersion === 3 && !this.#engineOpen && event.fault !== undefined) {
			// A Socket.IO 3 or 4 server without allowEIO3 answers the upgrade with 101 and then an HTTP 400 (engine.io 6): a broken frame here.
			// It never connected (exit 1), and this line says why: no line about lines not sent, nor about the broken frame.
			this.#watch.refused();
			this.#link.error('the server broke off before Engine.IO\'s handshake: a Socket.IO 3 or 4 server without allowEIO3 does so to Engine.IO 3 clients (try without --socketio-version 2 or EIO=3)');
			this.#link.exit(exitCodes.connectFailed);
		}

		this.#reset();
		this.#watch.closed(event);
	}

	/** Engine.IO's handshake came: the CONNECT that joins the namespace, with --auth's payload; none for Socket.IO 2's default namespace (the server joins it). */
	engineOpened(): PipelineMessage | undefined {
		this.#engineOpen = true;
		const {namespace, auth} = this.#options;
		if (this.#wire.engineIoVersion === 3 && namespace === '/') {
			return undefined;
		}

		return this.#wire.exactFrame({type: this.#wire.packetType.CONNECT, nsp: namespace, ...(auth === undefined ? {} : {data: auth})});
	}

	/** An Engine.IO message's data: a Socket.IO packet, or a part of a binary one, passed on with `message`. */
	add(data: unknown, message: PipelineMessage, next: Next): void {
		const packets: SocketIo.Packet[] = [];
		const collect = (decoded: SocketIo.Packet): void => {
			packets.push(decoded);
		};

		if (typeof data === 'string') {
			this.#packetText = data;
		}

		this.#decoder.on('decoded', collect);
		try {
			this.#decoder.add(data);
		} catch (error) {
			this.#link.error(`not a Socket.IO packet (${escapeControl((error as Error).message)}): ${quote(quotable(message))}`);
			this.#decoder.destroy();
			this.#decoder = this.#wire.decoder();
		} finally {
			this.#decoder.off('decoded', collect);
		}

		if (packets.length === 0) {
			// A binary event's header or one of its attachments, waiting for the rest.
			next(message.annotate({control: true}));
		}

		for (const packet of packets) {
			this.#onPacket(packet, message, next);
		}
	}

	/** A line to send: an event (a JSON array, ["name", args...]) emitted asking for an ack, once the namespace is joined. */
	emit(message: PipelineMessage, next: Next): StageResult {
		let event: unknown[];
		try {
			if (message.isBinary) {
				throw new Error('give an event as a JSON array, ["name", args...]');
			}

			event = readEventLine(message.text!);
		} catch (error) {
			this.#link.error(`not sent: ${(error as Error).message}: ${quote(quotable(message))}`);
			this.#options.onRefused?.();
			return undefined;
		}

		const emit = (): void => {
			const id = this.#acks.add(event[0] as string);
			const [first, ...attachments] = this.#wire.exactFrames({type: this.#wire.packetType.EVENT, nsp: this.#options.namespace, data: event, id});
			// The session shows `view` (the arguments as typed, bytes as {"$bytes"}); `decoded` is plain.
			next(first!.annotate({decoded: plainJson(event), badge, view: {json: stringifyExact(showable(event))}}));
			for (const attachment of attachments) {
				next(attachment.annotate({awaitsReply: false, control: true}));
			}
		};

		if (this.#joined) {
			emit();
			return undefined;
		}

		return this.#join.promise.then(emit);
	}

	/** A new connection (or none): a new decoder, and the namespace to join again. */
	#reset(): void {
		this.#generation++;
		this.#engineOpen = false;
		this.#decoder.destroy();
		this.#decoder = this.#wire.decoder();
		if (this.#joined) {
			this.#joined = false;
			this.#join = deferred();
		}
	}

	/** One Socket.IO packet the decoder put together, passed on (or not) with `message`. */
	#onPacket(packet: SocketIo.Packet, message: PipelineMessage, next: Next): void {
		const PacketType = this.#wire.packetType;
		// Socket.IO 2's default namespace, joined by the server on the way to another one, is not wsterm's to show.
		if (this.#wrongVersion || (this.#wire.engineIoVersion === 3 && packet.nsp !== this.#options.namespace)) {
			next(message.annotate({control: true}));
			return;
		}

		switch (packet.type) {
			case PacketType.CONNECT: {
				this.#onConnect(packet, message, next);
				return;
			}

			case PacketType.CONNECT_ERROR: {
				this.#watch.refused();
				this.#link.error(`the server refused to join namespace ${escapeControl(packet.nsp)}: ${escapeControl(JSON.stringify(packet.data) ?? '')}`);
				next(message.annotate({control: true}));
				this.#link.exit(1);
				return;
			}

			case PacketType.DISCONNECT: {
				this.#link.log(`wsterm: the server left namespace ${escapeControl(packet.nsp)}`);
				next(message.annotate({control: true}));
				this.#link.close(1000, '');
				return;
			}

			case PacketType.EVENT:
			case PacketType.BINARY_EVENT: {
				this.#onEvent(packet, message, next);
				return;
			}

			case PacketType.ACK:
			case PacketType.BINARY_ACK: {
				this.#onAck(packet, message, next);
			}
		}
	}

	/** The server's CONNECT: the namespace joined, or (Socket.IO 2) its own join of the default one. */
	#onConnect(packet: SocketIo.Packet, message: PipelineMessage, next: Next): void {
		next(message.annotate({control: true}));
		if (this.#wire.engineIoVersion === 4 && packet.data === undefined) {
			this.#wrongVersion = true;
			this.#watch.refused();
			this.#link.error('the server speaks Socket.IO 2 (Engine.IO 3), not Socket.IO 3 or 4: give --socketio-version 2');
			this.#link.exit(1);
			return;
		}

		this.#joined = true;
		this.#watch.done();
		this.#join.resolve();
	}

	/** The server's event: its name as badge, the acknowledgement it asks for (answered here at once without hooks). */
	#onEvent(packet: SocketIo.Packet, message: PipelineMessage, next: Next): void {
		const name = eventName(packet.data);
		message.annotate({
			decoded: packet.data,
			badge: name === '' ? badge : nameBadge(name),
			// The server's number tokens (hooks' `decoded` is plain).
			view: {json: dataJson(this.#packetText, packet.data)},
			answers: 0,
			// The badge is the event's name: --jsonl keeps the protocol as `codec`.
			fields: {codec: badge, event: name, ...(packet.id === undefined ? {} : {ackId: packet.id}), ...(packet.nsp === '/' ? {} : {nsp: packet.nsp})},
		});
		if (packet.id !== undefined) {
			const asked = this.#generation;
			const answer = acknowledgement(message, {name, nsp: packet.nsp, id: packet.id}, {wire: this.#wire, link: this.#link, current: () => asked === this.#generation});
			message.annotate({acknowledgement: answer});
			if (this.#options.hooksFollow !== true) {
				answer.answer([]);
			}
		}

		next(message);
	}

	/** The ACK to an event emitted: `ack EVENT => [args]`, with its round trip. */
	#onAck(packet: SocketIo.Packet, message: PipelineMessage, next: Next): void {
		const sent = this.#acks.take(packet.id);
		next(message.annotate({
			decoded: packet.data,
			// Its line names the event already.
			badge,
			line: `ack ${sent === undefined ? `(unknown id ${String(packet.id)})` : JSON.stringify(sent.name)} => ${dataJson(this.#packetText, packet.data)}`,
			fields: {ack: packet.id, ...(sent === undefined ? {} : {event: sent.name, rttMs: this.#acks.roundTrip(sent)})},
		}));
	}
}
