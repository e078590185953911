/*
The one clock: timers and the time, passed in (never reached through globals) so that tests and
benchmarks can use their own (test/helpers/fake-clock.ts). Two times, named for what they are:
`now` is monotonic (durations, timeouts, round trips: it never jumps when the system clock is
set), `wallNow` is the calendar time (timestamps a person or a recording reads).
*/
export type Clock = {
	/** Monotonic milliseconds (performance.now in production): for durations only. */
	readonly now: () => number;
	/** Milliseconds since the Unix epoch (Date.now in production): for timestamps. */
	readonly wallNow: () => number;
	readonly setTimeout: (callback: () => void, ms: number) => NodeJS.Timeout;
	readonly clearTimeout: (timer: NodeJS.Timeout) => void;
	readonly setInterval: (callback: () => void, ms: number) => NodeJS.Timeout;
	readonly clearInterval: (timer: NodeJS.Timeout) => void;
};

export const systemClock: Clock = {
	now: () => performance.now(),
	wallNow: () => Date.now(),
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout(timer) {
		clearTimeout(timer);
	},
	setInterval: (callback, ms) => setInterval(callback, ms),
	clearInterval(timer) {
		clearInterval(timer);
	},
};
