/*
What the bench prints, as pure functions of the figures: the live line (stderr, on a terminal),
the final table (stdout), the --json object (stdout, instead of the table) and the CI thresholds'
verdict. Numbers are grouped by thousands with commas whatever the locale, so that output is the
same on every machine.
*/
import type {Thresholds} from './options.js';
import type {BenchSummary} from './stats.js';

/** 1234567.8 as "1,234,567.8" (fixed `decimals`). */
export function grouped(value: number, decimals = 0): string {
	const [whole, fraction] = value.toFixed(decimals).split('.');
	const digits = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
	return fraction === undefined ? digits : `${digits}.${fraction}`;
}

/** Milliseconds to the microsecond, or "-" when nothing was measured. */
export function ms(value: number | null): string {
	return value === null ? '-' : value.toFixed(3);
}

export type LiveFigures = {
	readonly elapsedMs: number;
	readonly sent: number;
	readonly answered: number;
	/** Replies a second, over the last second or so. */
	readonly perSecond: number;
	readonly p50: number | null;
	readonly p99: number | null;
};

/** The live line, cut to `columns` - 1 characters (a full last column would wrap on some terminals). */
export function liveLine(figures: LiveFigures, columns: number): string {
	const line = `${(figures.elapsedMs / 1000).toFixed(1)} s  sent ${grouped(figures.sent)}  answered ${grouped(figures.answered)}  ${grouped(figures.perSecond)} msgs/s  p50 ${ms(figures.p50)} ms  p99 ${ms(figures.p99)} ms`;
	return line.slice(0, Math.max(10, columns - 1));
}

export type RunDescription = {
	readonly url: string;
	readonly pace: string;
	/** Replies to requests that had timed out: counted as unanswered, shown when there are any. */
	readonly late: number;
};

/** The final table. */
export function reportTable(summary: BenchSummary, run: RunDescription): string {
	const {latencyMs: latency, connectMs: connect} = summary;
	const rows: Array<[string, string]> = [
		['connections', `${grouped(summary.connections)} opened, ${grouped(summary.connectFailures)} failed`],
		['connect time', `p50 ${ms(connect.p50)} ms, p99 ${ms(connect.p99)} ms, max ${ms(connect.max)} ms`],
		['sent', grouped(summary.sent)],
		['answered', grouped(summary.answered)],
		['unanswered', `${grouped(summary.unanswered)}${run.late > 0 ? ` (${grouped(run.late)} answered after the timeout)` : ''}`],
		['pushes', grouped(summary.pushes)],
		['errors', grouped(summary.errors)],
		['msgs/s', `${grouped(summary.perSecond, 1)} (answered, over ${summary.seconds.toFixed(2)} s)`],
	];
	const heads = ['min', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'];
	const values = [latency.min, latency.p50, latency.p90, latency.p99, latency.p999, latency.max, latency.mean].map(value => ms(value));
	const width = Math.max(7, ...values.map(value => value.length));
	return [
		`wsterm bench ${run.url}: ${run.pace}`,
		'',
		...rows.map(([name, value]) => `  ${name.padEnd(14)}${value}`),
		'',
		`  ${'latency'.padEnd(14)}${heads.map(head => head.padStart(width)).join(' ')}`,
		`  ${'ms'.padEnd(14)}${values.map(value => value.padStart(width)).join(' ')}`,
		'',
	].join('\n');
}

/** --json: one object, these keys exactly, on one line. */
export function reportJson(summary: BenchSummary): string {
	const {connections, connectFailures, sent, answered, unanswered, pushes, errors, seconds, perSecond, latencyMs, connectMs} = summary;
	return `${JSON.stringify({connections, connectFailures, sent, answered, unanswered, pushes, errors, seconds, perSecond, latencyMs, connectMs})}\n`;
}

/** The thresholds broken, one line each (empty when all hold). */
export function brokenThresholds(summary: BenchSummary, thresholds: Thresholds): string[] {
	const broken: string[] = [];
	const p99 = summary.latencyMs.p99;
	if (thresholds.maxP99Ms !== undefined && (p99 === null || p99 > thresholds.maxP99Ms)) {
		broken.push(`--max-p99 ${thresholds.maxP99Ms}: ${p99 === null ? 'no request was answered' : `p99 latency was ${ms(p99)} ms`}`);
	}

	const wrong = summary.errors + summary.unanswered + summary.connectFailures;
	if (thresholds.maxErrors !== undefined && wrong > thresholds.maxErrors) {
		broken.push(`--max-errors ${thresholds.maxErrors}: ${grouped(wrong)} went wrong (${grouped(summary.errors)} errors, ${grouped(summary.unanswered)} unanswered, ${grouped(summary.connectFailures)} connections failed)`);
	}

	if (thresholds.minRate !== undefined && summary.perSecond < thresholds.minRate) {
		broken.push(`--min-rate ${thresholds.minRate}: ${grouped(summary.perSecond, 1)} msgs/s`);
	}

	return broken;
}
