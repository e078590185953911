/*
The open loop's schedule (--rate N): request k is due at start + k / N seconds, whatever the
server does. Each tick sends every request that has come due, so when the process or the server
falls behind, the requests go late and in a burst, and their latency, counted from when they were
due, shows the stall (coordinated omission: a closed loop would wait politely and hide it).
*/
import type {Clock} from '../shared/clock.js';

/** Sends the request due at `dueAt`; false when it cannot go now (no connection open, or sending is over). */
export type SendDue = (dueAt: number) => boolean;

export class OpenLoop {
	readonly #intervalMs: number;
	readonly #clock: Clock;
	readonly #send: SendDue;
	#startedAt: number | undefined;
	#scheduled = 0;
	#timer: NodeJS.Timeout | undefined;
	#stopped = false;

	constructor(rate: number, clock: Clock, send: SendDue) {
		this.#intervalMs = 1000 / rate;
		this.#clock = clock;
		this.#send = send;
	}

	/** Starts the schedule (the first connection is open); later calls do nothing. */
	start(): void {
		if (this.#startedAt !== undefined || this.#stopped) {
			return;
		}

		this.#startedAt = this.#clock.now();
		this.#tick();
	}

	stop(): void {
		this.#stopped = true;
		if (this.#timer !== undefined) {
			this.#clock.clearTimeout(this.#timer);
			this.#timer = undefined;
		}
	}

	#dueAt(index: number): number {
		return this.#startedAt! + index * this.#intervalMs;
	}

	#tick(): void {
		this.#timer = undefined;
		const now = this.#clock.now();
		while (!this.#stopped && this.#dueAt(this.#scheduled) <= now && this.#send(this.#dueAt(this.#scheduled))) {
			this.#scheduled++;
		}

		if (!this.#stopped) {
			this.#timer = this.#clock.setTimeout(() => {
				this.#tick();
			}, Math.max(1, this.#dueAt(this.#scheduled) - now));
		}
	}
}
