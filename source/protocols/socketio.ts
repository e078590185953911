/*
Socket.IO 4 over WebSocket (--protocol socketio): Engine.IO 4 and Socket.IO packets are read and
written by the official parsers (engine.io-parser, socket.io-parser); this stage is the glue. On
each open it waits for Engine.IO's handshake, joins the namespace (CONNECT, with --auth's JSON),
and holds the lines until the server's CONNECT answer; it answers Engine.IO pings. Each event
prints as its JSON array (`["welcome",{"v":1}]`), binary attachments as {"$bytes": base64}; each
line that is a JSON array `["event", args...]` is emitted asking for an acknowledgement, and the
ack prints as `ack EVENT => [args]`. Control packets (handshakes, pings) are recorded (--record)
but not printed, not given to hooks and not counted for -n.

An event the server emits with a callback (it carries an ack id) is answered: by a hook's
`message.ack(...args)`, else with no arguments once the hooks are done with it (at once without
hooks). Events received carry their name as badge, for the session (the acks wsterm sends:
`ack EVENT`; what you emit and the acks received keep `socket.io`, their text naming the event);
--jsonl keeps `codec: "socket.io"` and writes the name as `event`.

An event's numbers go out as typed (exact-json.ts): the line is parsed losslessly and the Encoder's
text gets each number token back, so 9007199254740993, 1.10, -0 and 1e400 are sent unchanged;
hooks see plain values.

The libraries are imported in loadSocketIoStage (a dynamic import: the CLI is one bundle, where
a static import of a package would be loaded at every start).
*/
import type * as EngineIo from 'engine.io-parser';
import type * as SocketIo from 'socket.io-parser';
import {escapeControl} from '../shared/escape-text.js';
import {type Acknowledgement, PipelineMessage} from '../pipeline/message.js';
import type {StageFactory} from '../pipeline/stage.js';
import {encodeExact, parseExact, plainJson, stringifyExact} from './exact-json.js';
import {deferred, quote} from './stage-helpers.js';
import {type HandshakeLimit, handshakeWatch} from './handshake.js';

export type SocketIoOptions = {
	/** The namespace joined ('/' by default). */
	readonly namespace: string;
	/** --auth: CONNECT's payload. */
	readonly auth?: Record<string, unknown>;
	/** Milliseconds, for round trips (performance.now in production). */
	readonly now: () => number;
	/** Called for each line refused (not a JSON array with an event name), after its error line. */
	readonly onRefused?: () => void;
	/** The hooks stage follows: it answers acknowledgements the hooks left unanswered. Without it, they are answered here, at once. */
	readonly hooksFollow?: boolean;
	/** How long joining the namespace may take (--connect-timeout). */
	readonly handshake?: HandshakeLimit;
};

type Libraries = {
	readonly engineIo: Pick<typeof EngineIo, 'decodePacket' | 'encodePacket'>;
	readonly socketIo: Pick<typeof SocketIo, 'Decoder' | 'Encoder' | 'PacketType'>;
};

type SentEvent = {readonly name: string; readonly sentAt: number};

/** Acks awaited at most: an ack that never comes must not be kept forever. */
const maxPendingAcks = 100_000;
const badge = 'socket.io';
/** Longest event name kept in a badge. */
const badgeLength = 40;

export async function loadSocketIoStage(options: SocketIoOptions): Promise<StageFactory> {
	const [engineIo, socketIo] = await Promise.all([import('engine.io-parser'), import('socket.io-parser')]);
	return socketIoStage(options, {engineIo, socketIo});
}

export function socketIoStage({namespace, auth, now, onRefused, hooksFollow = false, handshake = {}}: SocketIoOptions, {engineIo, socketIo}: Libraries): StageFactory {
	const {PacketType} = socketIo;
	const encoder = new socketIo.Encoder();
	/** An Engine.IO packet as the frame to send. */
	const frame = (packet: EngineIo.Packet): PipelineMessage => {
		let encoded: string | Buffer = '';
		engineIo.encodePacket(packet, true, (data: string | Buffer) => {
			encoded = data;
		});
		return typeof encoded === 'string' ? new PipelineMessage(encoded, false) : new PipelineMessage(encoded, true);
	};

	/** A Socket.IO packet as its frames (more than one when it has binary attachments). */
	const frames = (packet: SocketIo.Packet): PipelineMessage[] => (encoder.encode(packet) as Array<string | Buffer>).map(part => frame({type: 'message', data: part}));
	/** A packet whose data came from a line (no bytes, so one string), its numbers as typed. */
	const exactFrame = (packet: SocketIo.Packet): PipelineMessage => frame({type: 'message', data: encodeExact(replacer => (new socketIo.Encoder(replacer).encode(packet) as [string])[0])});

	return link => {
		let decoder = new socketIo.Decoder();
		let joined = false;
		let join = deferred();
		const watch = handshakeWatch(link, {protocol: 'Socket.IO', awaited: `answer to joining namespace ${escapeControl(namespace)}`, waiting: `before namespace ${escapeControl(namespace)} was joined`}, handshake);
		let nextAckId = 0;
		// Counts connections: an answer given after a reconnect would carry an id of the old one.
		let generation = 0;
		const acks = new Map<number, SentEvent>();
		const control = (message: PipelineMessage): void => {
			link.send(message.annotate({awaitsReply: false, control: true, badge}));
		};

		/** The acknowledgement an event with an ack id asks for: answering sends ACK (BINARY_ACK with bytes) and notes it for --jsonl. */
		const acknowledge = (message: PipelineMessage, name: string, nsp: string, id: number): Acknowledgement => {
			const asked = generation;
			let answered = false;
			return {
				get answered() {
					return answered;
				},
				answer(args) {
					if (answered) {
						throw new Error('message.ack: this event was answered already (wsterm answers with no arguments once onMessage is done)');
					}

					answered = true;
					message.annotate({fields: {...message.fields, acked: showable(args)}});
					if (asked !== generation) {
						// The connection it came on is gone: the server no longer waits for it.
						return;
					}

					for (const [index, part] of frames({type: PacketType.ACK, nsp, id, data: [...args]}).entries()) {
						link.send(index === 0 ? part.annotate({awaitsReply: false, decoded: args, badge: `ack ${nameBadge(name)}`}) : part.annotate({awaitsReply: false}));
					}
				},
			};
		};

		const reset = (): void => {
			generation++;
			decoder.destroy();
			decoder = new socketIo.Decoder();
			if (joined) {
				joined = false;
				join = deferred();
			}
		};

		/** One Socket.IO packet the decoder put together, passed on (or not) with `message`. */
		const onPacket = (packet: SocketIo.Packet, message: PipelineMessage, next: (message: PipelineMessage) => void): void => {
			switch (packet.type) {
				case PacketType.CONNECT: {
					joined = true;
					watch.done();
					join.resolve();
					next(message.annotate({control: true}));
					return;
				}

				case PacketType.CONNECT_ERROR: {
					watch.refused();
					link.error(`the server refused to join namespace ${escapeControl(packet.nsp)}: ${escapeControl(JSON.stringify(packet.data) ?? '')}`);
					next(message.annotate({control: true}));
					link.exit(1);
					return;
				}

				case PacketType.DISCONNECT: {
					link.log(`wsterm: the server left namespace ${escapeControl(packet.nsp)}`);
					next(message.annotate({control: true}));
					link.close(1000, '');
					return;
				}

				case PacketType.EVENT:
				case PacketType.BINARY_EVENT: {
					const shown = JSON.stringify(showable(packet.data));
					const name = eventName(packet.data);
					message.annotate({
						decoded: packet.data,
						badge: name === '' ? badge : nameBadge(name),
						view: {json: shown},
						answers: 0,
						// The badge is the event's name: --jsonl keeps the protocol as `codec`.
						fields: {codec: badge, event: name, ...(packet.id === undefined ? {} : {ackId: packet.id}), ...(packet.nsp === '/' ? {} : {nsp: packet.nsp})},
					});
					if (packet.id !== undefined) {
						const acknowledgement = acknowledge(message, name, packet.nsp, packet.id);
						message.annotate({acknowledgement});
						if (!hooksFollow) {
							acknowledgement.answer([]);
						}
					}

					next(message);
					return;
				}

				case PacketType.ACK:
				case PacketType.BINARY_ACK: {
					const sent = packet.id === undefined ? undefined : acks.get(packet.id);
					if (packet.id !== undefined) {
						acks.delete(packet.id);
					}

					const shown = JSON.stringify(showable(packet.data));
					next(message.annotate({
						decoded: packet.data,
						// Its line names the event already.
						badge,
						line: `ack ${sent === undefined ? `(unknown id ${String(packet.id)})` : JSON.stringify(sent.name)} => ${shown}`,
						fields: {ack: packet.id, ...(sent === undefined ? {} : {event: sent.name, rttMs: Math.round((now() - sent.sentAt) * 10) / 10})},
					}));
				}
			}
		};

		return {
			name: 'socketio',
			event(event) {
				if (event.type === 'open' || event.type === 'close') {
					reset();
				}

				if (event.type === 'open') {
					watch.opened();
				} else if (event.type === 'close') {
					watch.closed(event);
				}
			},
			receive(message, next) {
				let packet: EngineIo.Packet;
				try {
					packet = message.isBinary ? engineIo.decodePacket(message.data, 'nodebuffer') : engineIo.decodePacket(message.text!);
				} catch (error) {
					packet = {type: 'error', data: (error as Error).message};
				}

				switch (packet.type) {
					case 'open': {
						next(message.annotate({control: true}));
						control(exactFrame({type: PacketType.CONNECT, nsp: namespace, ...(auth === undefined ? {} : {data: auth})}));

						return;
					}

					case 'ping': {
						next(message.annotate({control: true}));
						control(frame({type: 'pong'}));
						return;
					}

					case 'message': {
						const packets: SocketIo.Packet[] = [];
						const collect = (decoded: SocketIo.Packet): void => {
							packets.push(decoded);
						};

						decoder.on('decoded', collect);
						try {
							decoder.add(packet.data);
						} catch (error) {
							link.error(`not a Socket.IO packet (${escapeControl((error as Error).message)}): ${quote(message.isBinary ? `[binary ${message.data.length} B]` : message.text!)}`);
							decoder.destroy();
							decoder = new socketIo.Decoder();
						} finally {
							decoder.off('decoded', collect);
						}

						if (packets.length === 0) {
							// A binary event's header or one of its attachments, waiting for the rest.
							next(message.annotate({control: true}));
						}

						for (const decoded of packets) {
							onPacket(decoded, message, next);
						}

						return;
					}

					case 'error': {
						link.error(`not an Engine.IO packet: ${quote(message.isBinary ? `[binary ${message.data.length} B]` : message.text!)}`);
						next(message.annotate({control: true}));
						return;
					}

					default: {
						// close, noop, upgrade, pong: nothing to show.
						next(message.annotate({control: true}));
					}
				}
			},
			send(message, next) {
				let data: unknown;
				try {
					data = message.isBinary ? undefined : parseExact(message.text!);
				} catch {}

				if (!Array.isArray(data) || typeof data[0] !== 'string') {
					link.error(`not sent: give an event as a JSON array, ["name", args...]: ${quote(message.isBinary ? `[binary ${message.data.length} B]` : message.text!)}`);
					onRefused?.();
					return undefined;
				}

				const emit = (): void => {
					const id = nextAckId++;
					if (acks.size >= maxPendingAcks) {
						acks.delete(acks.keys().next().value!);
					}

					acks.set(id, {name: data[0] as string, sentAt: now()});
					// The session shows `view` (the arguments as typed); `decoded` is plain.
					next(exactFrame({type: PacketType.EVENT, nsp: namespace, data, id}).annotate({decoded: plainJson(data), badge, view: {json: stringifyExact(data)}}));
				};

				if (joined) {
					emit();
					return undefined;
				}

				return join.promise.then(emit);
			},
		};
	};
}

/** A value with its bytes (binary attachments) as {"$bytes": base64}, ready for JSON.stringify. */
export function showable(value: unknown): unknown {
	if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
		return {$bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')};
	}

	if (value instanceof ArrayBuffer) {
		return {$bytes: Buffer.from(value).toString('base64')};
	}

	if (Array.isArray(value)) {
		return value.map(item => showable(item));
	}

	if (typeof value === 'object' && value !== null) {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, showable(item)]));
	}

	return value;
}

/** An event's name: its array's first item (a string, for the server's events). */
function eventName(data: unknown): string {
	return Array.isArray(data) && typeof data[0] === 'string' ? data[0] : '';
}

/** A name from the network as a badge: control characters visible, not too long. */
function nameBadge(name: string): string {
	return escapeControl(name.length > badgeLength ? `${name.slice(0, badgeLength)}...` : name);
}
