/*
The live line on stderr (a terminal only): elapsed time, sent, answered, the rate over the last
second and p50/p99 so far, rewritten in place four times a second (carriage return and erase to
the end of the line, cut to the terminal's width, so it never scrolls), erased at the end.
*/
import type {Writable} from 'node:stream';
import type {Clock} from '../shared/clock.js';
import {liveLine} from './report.js';
import {type LoadStats, percentileMs} from './stats.js';

const everyMs = 250;
/** The rate is over the last this many ticks (a second). */
const rateTicks = 4;

export class LiveLine {
	readonly #stderr: Writable & {readonly columns?: number};
	readonly #clock: Clock;
	readonly #stats: LoadStats;
	readonly #startedAt: number;
	readonly #timer: NodeJS.Timeout;
	/** [time, answered] at the last ticks, oldest first. */
	readonly #history: Array<readonly [number, number]> = [];

	constructor(stderr: Writable & {readonly columns?: number}, clock: Clock, stats: LoadStats) {
		this.#stderr = stderr;
		this.#clock = clock;
		this.#stats = stats;
		this.#startedAt = clock.now();
		this.#history.push([this.#startedAt, 0]);
		this.#timer = clock.setInterval(() => {
			this.#draw();
		}, everyMs);
	}

	/** Stops and erases the line. */
	stop(): void {
		this.#clock.clearInterval(this.#timer);
		this.#stderr.write('\r\u001B[K');
	}

	#draw(): void {
		const now = this.#clock.now();
		const {answered, sent, latency} = this.#stats;
		const [then, answeredThen] = this.#history[0]!;
		this.#history.push([now, answered]);
		if (this.#history.length > rateTicks + 1) {
			this.#history.shift();
		}

		const perSecond = now > then ? Math.round((answered - answeredThen) * 1000 / (now - then)) : 0;
		const line = liveLine({elapsedMs: now - this.#startedAt, sent, answered, perSecond, p50: percentileMs(latency, 50), p99: percentileMs(latency, 99)}, this.#stderr.columns || 80);
		this.#stderr.write(`\r${line}\u001B[K`);
	}
}
