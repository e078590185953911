/*
When pipe mode closes the connection by itself (besides the hooks: ctx.exit, --until). The rules, in order:
- `-n N`: as soon as N messages have been received, whatever the input is doing.
- Once the input has ended and all of it has been written to the socket:
  - `-w SEC`: SEC seconds later (`-w -1`: never; the server's close ends the run);
  - `-n N` alone: never (the Nth message or the server's close ends the run);
  - `--until` or `--script` without them: never (the message, the hooks or the server end it);
  - neither: linger for replies still in flight. Close as soon as as many messages came back
    as were sent, or when none has come for `--linger` seconds (0: at once).
*/
import type {Clock} from '../shared/clock.js';
import {exitCodes} from '../shared/exit-codes.js';

/** Seconds of quiet after the end of input before closing, when no -n or -w says otherwise. */
export const defaultLinger = 2;

export type EndingOptions = {
	readonly count?: number;
	readonly wait?: number;
	readonly linger?: number;
	/** The end of input does not end the run (`--until`, `--script`): like `-w -1` when neither -n nor -w is given. */
	readonly holdOpen?: boolean;
	/** A protocol's operations may stay open long (subscriptions): no quiet timeout unless `linger` is given. */
	readonly waitForReplies?: boolean;
};

/** The timers the rules use (the run's clock). */
export type EndingClock = Pick<Clock, 'setTimeout' | 'clearTimeout'>;

/** Why wsterm closed: `count` (the Nth message came), `wait` (-w ran out), `replies`, `quiet`. */
export type EndReason = 'count' | 'wait' | 'replies' | 'quiet';

export class EndingRules {
	private readonly options: EndingOptions;
	private readonly clock: EndingClock;
	private readonly close: (reason: EndReason) => void;
	private inputSent = false;
	private timer: NodeJS.Timeout | undefined;
	private ended = false;

	constructor(options: EndingOptions, clock: EndingClock, close: (reason: EndReason) => void) {
		this.options = options;
		this.clock = clock;
		this.close = close;
	}

	/** -n's messages have all come: nothing more is wanted (not even the input). */
	countReached(received: number): boolean {
		return this.options.count !== undefined && received >= this.options.count;
	}

	/**
	Each message received, with the totals so far: `received` counts for -n, `answered` (the
	replies so far; a protocol says which messages are) is compared with `sent`.
	*/
	messageReceived(received: number, sent: number, answered = received): void {
		if (this.countReached(received)) {
			this.end('count');
			return;
		}

		if (this.inputSent && this.lingering) {
			if (answered >= sent) {
				this.end('replies');
			} else {
				this.startQuietTimer();
			}
		}
	}

	/** The input has ended and every message of it has been written to the socket (`received`: the replies so far). */
	allSent(received: number, sent: number): void {
		if (this.inputSent || this.ended) {
			return;
		}

		this.inputSent = true;
		const {wait} = this.options;
		if (wait !== undefined) {
			if (wait >= 0) {
				this.timer = this.clock.setTimeout(() => {
					this.end('wait');
				}, wait * 1000);
			}

			return;
		}

		if (!this.lingering) {
			return;
		}

		if ((this.options.linger ?? defaultLinger) === 0 || received >= sent) {
			this.end(received >= sent ? 'replies' : 'quiet');
		} else {
			this.startQuietTimer();
		}
	}

	/** The run is over for another reason (the server closed, a signal): no timer fires after it. */
	stop(): void {
		this.ended = true;
		this.clearTimer();
	}

	/** The exit code of a clean close: 5 when -n's messages did not all come. */
	exitCode(received: number): number {
		return this.options.count === undefined || this.countReached(received) ? exitCodes.ok : exitCodes.countNotReached;
	}

	private get lingering(): boolean {
		return this.options.count === undefined && this.options.wait === undefined && this.options.holdOpen !== true;
	}

	private startQuietTimer(): void {
		this.clearTimer();
		if (this.options.waitForReplies === true && this.options.linger === undefined) {
			return;
		}

		this.timer = this.clock.setTimeout(() => {
			this.end('quiet');
		}, (this.options.linger ?? defaultLinger) * 1000);
	}

	private end(reason: EndReason): void {
		if (this.ended) {
			return;
		}

		this.stop();
		this.close(reason);
	}

	private clearTimer(): void {
		if (this.timer !== undefined) {
			this.clock.clearTimeout(this.timer);
			this.timer = undefined;
		}
	}
}
