/*
What a run counted and measured. Latencies and connect times go into HDR histograms at microsecond
resolution (3 significant digits), so memory stays the same whatever the count; `summary()` is the
one place that turns them into the figures the report, --json and the thresholds read.
*/
import {build, type Histogram} from 'hdr-histogram-js';

/** The longest time a histogram tells apart: an hour, in microseconds (longer ones count as an hour). */
const highestMicroseconds = 3_600_000_000;

export function createHistogram(): Histogram {
	return build({bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: highestMicroseconds, numberOfSignificantValueDigits: 3, autoResize: false});
}

/** A time in whole microseconds, at least 1 (nothing on a network takes less; the minimum then stays a non-zero value). */
function microseconds(ms: number): number {
	const value = Math.round(ms * 1000);
	return value < 1 ? 1 : value > highestMicroseconds ? highestMicroseconds : value;
}

/** Latency figures in milliseconds; null when nothing was measured. */
export type LatencySummary = {
	readonly min: number | null;
	readonly p50: number | null;
	readonly p90: number | null;
	readonly p99: number | null;
	readonly p999: number | null;
	readonly max: number | null;
	readonly mean: number | null;
};

export type ConnectSummary = {
	readonly p50: number | null;
	readonly p99: number | null;
	readonly max: number | null;
};

/** The figures of a run: --json prints exactly these keys. */
export type BenchSummary = {
	readonly connections: number;
	readonly connectFailures: number;
	readonly sent: number;
	readonly answered: number;
	readonly unanswered: number;
	readonly pushes: number;
	readonly errors: number;
	readonly seconds: number;
	readonly perSecond: number;
	readonly latencyMs: LatencySummary;
	readonly connectMs: ConnectSummary;
};

/**
A histogram's value at a percentile, in milliseconds (to the microsecond), or null when it is
empty. HDR gives the top of the value's bucket, which can pass the largest value recorded: the
result is at most that (a p99.9 above the max would only confuse).
*/
export function percentileMs(histogram: Histogram, percentile: number): number | null {
	return histogram.totalCount === 0 ? null : Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue) / 1000;
}

function latencySummary(histogram: Histogram): LatencySummary {
	const empty = histogram.totalCount === 0;
	return {
		min: empty ? null : histogram.minNonZeroValue / 1000,
		p50: percentileMs(histogram, 50),
		p90: percentileMs(histogram, 90),
		p99: percentileMs(histogram, 99),
		p999: percentileMs(histogram, 99.9),
		max: empty ? null : histogram.maxValue / 1000,
		mean: empty ? null : Math.round(histogram.mean) / 1000,
	};
}

export class LoadStats {
	readonly latency = createHistogram();
	readonly connect = createHistogram();
	/** Latencies since the --hist log's last interval, when there is a log. */
	readonly interval: Histogram | undefined;
	connectionsOpened = 0;
	connectFailures = 0;
	sent = 0;
	answered = 0;
	unanswered = 0;
	/** Replies to requests that had already timed out (counted as unanswered). */
	late = 0;
	pushes = 0;
	/** Connections dropped during the run, sends that failed, error responses. */
	errors = 0;
	/** When the first request was sent (or scheduled) and when the last was settled. */
	firstSentAt: number | undefined;
	lastSettledAt: number | undefined;

	constructor({intervals}: {intervals: boolean}) {
		this.interval = intervals ? createHistogram() : undefined;
	}

	recordLatency(ms: number): void {
		const value = microseconds(ms);
		this.latency.recordValue(value);
		this.interval?.recordValue(value);
	}

	recordConnect(ms: number): void {
		this.connect.recordValue(microseconds(ms));
	}

	/** The run's time: from the first request to the last settled one (0 before any). */
	seconds(now: number): number {
		return this.firstSentAt === undefined ? 0 : ((this.lastSettledAt ?? now) - this.firstSentAt) / 1000;
	}

	summary(now: number): BenchSummary {
		const seconds = this.seconds(now);
		return {
			connections: this.connectionsOpened,
			connectFailures: this.connectFailures,
			sent: this.sent,
			answered: this.answered,
			unanswered: this.unanswered,
			pushes: this.pushes,
			errors: this.errors,
			seconds: Math.round(seconds * 1000) / 1000,
			perSecond: seconds > 0 ? Math.round(this.answered / seconds * 10) / 10 : 0,
			latencyMs: latencySummary(this.latency),
			connectMs: {p50: percentileMs(this.connect, 50), p99: percentileMs(this.connect, 99), max: this.connect.totalCount === 0 ? null : this.connect.maxValue / 1000},
		};
	}
}
