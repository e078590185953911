/*
The timers a script sets (ctx.setTimeout, ctx.setInterval): on the clock given, each callback run
like a hook (what it throws is an error line), and all of them cleared when the connection closes.
*/
import type {Clock} from '../shared/clock.js';
import type {CallHook} from './call.js';
import type {HookTimer} from './types.js';

type Kind = 'timeout' | 'interval';

export type TimerClock = Pick<Clock, 'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval'>;

export class HookTimers {
	readonly #clock: TimerClock;
	readonly #call: CallHook;
	readonly #running = new Map<NodeJS.Timeout, Kind>();

	constructor(clock: TimerClock, call: CallHook) {
		this.#clock = clock;
		this.#call = call;
	}

	/** ctx.setTimeout / ctx.setInterval: a delay that is not a positive number is 0. */
	start(kind: Kind, callback: (...args: unknown[]) => unknown, ms: unknown, args: unknown[]): HookTimer {
		if (typeof callback !== 'function') {
			throw new TypeError(`ctx.set${kind === 'timeout' ? 'Timeout' : 'Interval'}: the callback must be a function`);
		}

		const delay = typeof ms === 'number' && ms > 0 ? ms : 0;
		const fire = (): void => {
			if (kind === 'timeout') {
				this.#running.delete(timer);
			}

			this.#call(`a ${kind === 'timeout' ? 'setTimeout' : 'setInterval'} callback`, () => callback(...args), () => undefined);
		};

		const timer = kind === 'timeout' ? this.#clock.setTimeout(fire, delay) : this.#clock.setInterval(fire, delay);
		this.#running.set(timer, kind);
		return timer as HookTimer;
	}

	/** ctx.clearTimeout / ctx.clearInterval (either clears either, as in Node); a timer not running: nothing. */
	stop(timer: HookTimer | undefined): void {
		const kind = this.#running.get(timer as NodeJS.Timeout);
		if (kind !== undefined) {
			this.#running.delete(timer as NodeJS.Timeout);
			this.#cancel(timer as NodeJS.Timeout, kind);
		}
	}

	/** The connection closed: every timer stops. */
	clear(): void {
		for (const [timer, kind] of this.#running) {
			this.#cancel(timer, kind);
		}

		this.#running.clear();
	}

	#cancel(timer: NodeJS.Timeout, kind: Kind): void {
		if (kind === 'timeout') {
			this.#clock.clearTimeout(timer);
		} else {
			this.#clock.clearInterval(timer);
		}
	}
}
