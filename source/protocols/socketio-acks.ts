/*
Socket.IO acknowledgements, both ways: each event wsterm emits asks for one (AwaitedAcks pairs the
server's ACK with the event, for its line and round trip), and an event the server emits with an
ack id is answered through the Acknowledgement its message carries (a hook's message.ack(...), or
the default answer with no arguments).
*/
import type {Clock} from '../shared/clock.js';
import type {Acknowledgement, PipelineMessage} from '../pipeline/message.js';
import type {StageLink} from '../pipeline/stage.js';
import {nameBadge, showable, type SocketIoWire} from './socketio-wire.js';

/** An event emitted, awaiting its ACK. */
export type SentEvent = {readonly name: string; readonly sentAt: number};

/** Acks awaited at most: an ack that never comes must not be kept forever. */
const maxPendingAcks = 100_000;

/** The events emitted that await their ACK, by ack id (ids count on across reconnects). */
export class AwaitedAcks {
	#nextId = 0;
	readonly #sent = new Map<number, SentEvent>();
	readonly #clock: Pick<Clock, 'now'>;

	constructor(clock: Pick<Clock, 'now'>) {
		this.#clock = clock;
	}

	/** An event about to be emitted: its ack id. */
	add(name: string): number {
		const id = this.#nextId++;
		if (this.#sent.size >= maxPendingAcks) {
			this.#sent.delete(this.#sent.keys().next().value!);
		}

		this.#sent.set(id, {name, sentAt: this.#clock.now()});
		return id;
	}

	/** The event an ACK answers (forgotten then); undefined for an id not awaited. */
	take(id: number | undefined): SentEvent | undefined {
		if (id === undefined) {
			return undefined;
		}

		const sent = this.#sent.get(id);
		this.#sent.delete(id);
		return sent;
	}

	/** Milliseconds since the event was emitted, to a tenth. */
	roundTrip(sent: SentEvent): number {
		return Math.round((this.#clock.now() - sent.sentAt) * 10) / 10;
	}
}

/** The server's event with an ack id, as a received message carries it. */
export type AskedAck = {readonly name: string; readonly nsp: string; readonly id: number};

/**
The acknowledgement an event with an ack id asks for: answering sends ACK (BINARY_ACK with bytes)
and notes it for --jsonl. `current` says the connection it came on is still the one open.
*/
export function acknowledgement(message: PipelineMessage, {name, nsp, id}: AskedAck, {wire, link, current}: {readonly wire: SocketIoWire; readonly link: StageLink; readonly current: () => boolean}): Acknowledgement {
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
			if (!current()) {
				// The connection it came on is gone: the server no longer waits for it.
				return;
			}

			for (const [index, part] of wire.frames({type: wire.packetType.ACK, nsp, id, data: [...args]}).entries()) {
				link.send(index === 0 ? part.annotate({awaitsReply: false, decoded: args, badge: `ack ${nameBadge(name)}`}) : part.annotate({awaitsReply: false}));
			}
		},
	};
}
