import type {Clock} from '../../source/shared/clock.js';

/** A Clock whose time moves only when the test calls advance(); due timers fire in time order. Wall time starts at `wallStart`. */
export type FakeClock = Clock & {advance(ms: number): void};

export function fakeClock({wallStart = 0}: {wallStart?: number} = {}): FakeClock {
	let time = 0;
	let nextId = 0;
	const timers = new Map<number, {at: number; callback: () => void; every?: number}>();
	const add = (callback: () => void, ms: number, every?: number): NodeJS.Timeout => {
		const id = ++nextId;
		timers.set(id, {at: time + ms, callback, ...(every === undefined ? {} : {every})});
		return id as unknown as NodeJS.Timeout;
	};

	const remove = (timer: NodeJS.Timeout): void => {
		timers.delete(timer as unknown as number);
	};

	return {
		now: () => time,
		wallNow: () => wallStart + time,
		setTimeout: (callback, ms) => add(callback, ms),
		clearTimeout: remove,
		setInterval: (callback, ms) => add(callback, ms, Math.max(1, ms)),
		clearInterval: remove,
		advance(ms) {
			const end = time + ms;
			for (;;) {
				const due = [...timers.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
				if (due === undefined) {
					break;
				}

				const [id, timer] = due;
				time = timer.at;
				if (timer.every === undefined) {
					timers.delete(id);
				} else {
					timer.at += timer.every;
				}

				timer.callback();
			}

			time = end;
		},
	};
}
