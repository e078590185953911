/*
The Socket.IO side of one connection (for all its reconnects): joining the namespace (CONNECT,
CONNECT_ERROR, DISCONNECT), the events received (with the acknowledgement one may ask for), the
ACKs to the events emitted, and binary packets put together from their frames by the decoder.
Engine.IO (socketio-engine.ts) hands it each message packet's data.
*/
import type * as SocketIo from 'socket.io-parser';
import type {Clock} from '../shared/clock.js';
import type {CloseEvent} from '../connection/events.js';
import {escapeControl} from '../shared/escape-text.js';
import type {PipelineMessage} from '../pipeline/message.js';
import type {Next, StageLink, StageResult} from '../pipeline/stage.js';
import {plainJson, stringifyExact} from './exact-json.js';
import {readEventLine} from './socketio-event.js';
import {deferred, quote} from './stage-helpers.js';
import {type HandshakeLimit, type HandshakeWatch, handshakeWatch} from './handshake.js';
import {acknowledgement, AwaitedAcks} from './socketio-acks.js';
import {badge, eventName, exactData, nameBadge, quotable, showable, type SocketIoWire} from './socketio-wire.js';

export type SocketIoOptions = {
	/** The namespace joined ('/' by default). */
	readonly namespace: string;
	/** --auth: CONNECT's payload. */
	readonly auth?: Record<string, unknown>;
	/** Its monotonic `now`, for the acks' round trips. */
	readonly clock: Pick<Clock, 'now'>;
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
		this.#reset();
		this.#watch.closed(event);
	}

	/** The CONNECT that joins the namespace (once Engine.IO's handshake came), with --auth's payload. */
	joinFrame(): PipelineMessage {
		const {namespace, auth} = this.#options;
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
		switch (packet.type) {
			case PacketType.CONNECT: {
				this.#joined = true;
				this.#watch.done();
				this.#join.resolve();
				next(message.annotate({control: true}));
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

	/** The server's event: its name as badge, the acknowledgement it asks for (answered here at once without hooks). */
	#onEvent(packet: SocketIo.Packet, message: PipelineMessage, next: Next): void {
		const name = eventName(packet.data);
		message.annotate({
			decoded: packet.data,
			badge: name === '' ? badge : nameBadge(name),
			// The server's number tokens (hooks' `decoded` is plain).
			view: {json: stringifyExact(showable(exactData(this.#packetText, packet.data)))},
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
			line: `ack ${sent === undefined ? `(unknown id ${String(packet.id)})` : JSON.stringify(sent.name)} => ${stringifyExact(showable(exactData(this.#packetText, packet.data)))}`,
			fields: {ack: packet.id, ...(sent === undefined ? {} : {event: sent.name, rttMs: this.#acks.roundTrip(sent)})},
		}));
	}
}
