/** Timers and the time, passed in so that tests and benchmarks can use their own. */
export type Clock = {
	readonly now: () => number;
	readonly setTimeout: (callback: () => void, ms: number) => NodeJS.Timeout;
	readonly clearTimeout: (timer: NodeJS.Timeout) => void;
};

export const systemClock: Clock = {
	now: () => performance.now(),
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: timer => {
		clearTimeout(timer);
	},
};
