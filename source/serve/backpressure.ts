/*
Backpressure between the server's clients. Sending never blocks, so the server checks the
receiver's buffer: once a send would take it past the high-water mark, the sender is paused (ws
stops reading its socket, so TCP pushes back on it) and the send gets a callback; reading resumes
when a callback sees the buffer under half the mark. Sends are written in order, so the last
callback always comes. In echo mode sender and receiver are the same client. In broadcast mode a
receiver that stays over the mark for `slowReceiverMs` is given up on (the server closes it with
1013), so one stuck client cannot stall the rest.
*/
import type {Clock} from '../shared/clock.js';
import type {WebSocket} from '../connection/ws-library.js';

export type BackpressureLimits = {
	/** Bytes queued for a client above which the clients sending to it stop being read. */
	readonly highWaterMark: number;
	/** A receiver over the mark this long is given up on (broadcast); undefined: never. */
	readonly slowReceiverMs: number | undefined;
	readonly clock: Clock;
};

/** What backpressure uses of a client's socket. */
export type FlowSocket = Pick<WebSocket, 'bufferedAmount' | 'send' | 'pause' | 'resume'>;

// Shared by every send: ws copies them, so there is no need to allocate one per message.
const asBinary = {binary: true};
const asText = {binary: false};

/** One client's side of the backpressure: the senders it holds back and those it waits on. */
export class Backpressure {
	/** Clients whose reading was paused because their messages pushed this one over the high-water mark. */
	private readonly held = new Set<Backpressure>();
	/** How many clients this one waits on to drain; its own reading is paused while this is above 0. */
	private waitingOn = 0;
	private slowTimer: NodeJS.Timeout | undefined;
	private readonly lowWaterMark: number;

	/** `onSlow`: this client stayed over the mark for `slowReceiverMs` (the senders are released after it). */
	constructor(private readonly socket: FlowSocket, private readonly limits: BackpressureLimits, private readonly onSlow: () => void) {
		this.lowWaterMark = limits.highWaterMark / 2;
	}

	/** Its reading is paused until the clients it sent to drain. */
	get waiting(): boolean {
		return this.waitingOn > 0;
	}

	/** Sends to this client a message from `from` (this one itself when echoing), pausing `from` if this client is over the mark. */
	send(from: Backpressure, data: Buffer, isBinary: boolean): void {
		const sendOptions = isBinary ? asBinary : asText;
		if (this.held.size === 0 && this.socket.bufferedAmount + data.length <= this.limits.highWaterMark) {
			this.socket.send(data, sendOptions);
			return;
		}

		this.socket.send(data, sendOptions, this.afterWrite);
		this.hold(from);
		if (this.limits.slowReceiverMs !== undefined && this.slowTimer === undefined) {
			this.slowTimer = this.limits.clock.setTimeout(this.slowTimedOut, this.limits.slowReceiverMs);
		}
	}

	/** Resumes every client this one held back: it drained, or it is closing or gone. */
	release(): void {
		if (this.slowTimer !== undefined) {
			this.limits.clock.clearTimeout(this.slowTimer);
			this.slowTimer = undefined;
		}

		for (const sender of this.held) {
			if (--sender.waitingOn === 0) {
				sender.socket.resume();
			}
		}

		this.held.clear();
	}

	private hold(sender: Backpressure): void {
		if (!this.held.has(sender)) {
			this.held.add(sender);
			if (sender.waitingOn++ === 0) {
				sender.socket.pause();
			}
		}
	}

	// The send callback, made once per client: checks whether the buffer has drained.
	private readonly afterWrite = (): void => {
		if (this.held.size > 0 && this.socket.bufferedAmount <= this.lowWaterMark) {
			this.release();
		}
	};

	private readonly slowTimedOut = (): void => {
		this.slowTimer = undefined;
		this.onSlow();
		this.release();
	};
}
