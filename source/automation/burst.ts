/*
The bound on what hooks send in one go. ctx.send cannot wait, so a hook that sends in a loop
without returning would have every message held in memory before any goes out (a million sends
took 734 MB). What hooks send between two turns of the event loop (when wsterm gets to write) is
counted; past `maxMessages` messages or `maxBytes` bytes, ctx.send (and ctx.broadcast) throw a
RangeError saying so, which the hook's error line shows. The count starts again once the event
loop has turned: one timer per burst, none per message.
*/
import {formatBytes} from '../shared/escape-text.js';
import type {Clock} from '../shared/clock.js';

export type BurstLimits = {
	readonly maxMessages: number;
	/** A single message larger than this still goes, when it comes first. */
	readonly maxBytes: number;
};

export const defaultBurstLimits: BurstLimits = {maxMessages: 10_000, maxBytes: 16 * 1024 * 1024};

export class SendBurst {
	readonly #clock: Pick<Clock, 'setTimeout'>;
	readonly #limits: BurstLimits;
	#messages = 0;
	#bytes = 0;
	#resetting = false;

	constructor(clock: Pick<Clock, 'setTimeout'>, limits: BurstLimits = defaultBurstLimits) {
		this.#clock = clock;
		this.#limits = limits;
	}

	/** Counts a message `what` (ctx.send, ctx.broadcast) is about to send; throws RangeError when the burst is full. */
	count(what: string, bytes: number): void {
		if (this.#messages >= this.#limits.maxMessages || this.#bytes >= this.#limits.maxBytes) {
			throw new RangeError(`${what}: ${this.#messages} messages (${formatBytes(this.#bytes)}) sent in one go are still waiting to go out: let them go (return, or await a timer) before sending more`);
		}

		this.#messages++;
		this.#bytes += bytes;
		if (!this.#resetting) {
			this.#resetting = true;
			this.#clock.setTimeout(this.#reset, 0).unref?.();
		}
	}

	readonly #reset = (): void => {
		this.#resetting = false;
		this.#messages = 0;
		this.#bytes = 0;
	};
}
