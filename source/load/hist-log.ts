/*
--hist FILE: the latency histogram in HdrHistogram's log format (HistogramLogWriter), one interval
a second, for HdrHistogram's plotting tools (HistogramLogAnalyzer, hdr-plot). Values are
microseconds; the Interval_Max column is in milliseconds. The file is opened before the run, so
that a path that cannot be opened is a usage error, not a lost measurement at the end. A write
that fails (a full disk, an I/O error) stops the log and is kept as `failureLine`: the run says
it and exits 1, as for a stdout that cannot be written.
*/
import {closeSync, openSync, writeSync} from 'node:fs';
import {type Histogram, HistogramLogWriter} from 'hdr-histogram-js';
import {UsageError} from '../shared/exit-codes.js';

export class HistLog {
	readonly #file: number;
	readonly #writer: HistogramLogWriter;
	readonly #path: string;
	/** Why the log stopped being written, once a write failed. */
	#failure: NodeJS.ErrnoException | undefined;
	/** Seconds from the start of the log to the end of the last interval written. */
	#writtenUntil = 0;

	/** Opens (creates or empties) `path` and writes the log's header; a path that cannot be written is a usage error. */
	constructor(path: string, wallStart: number) {
		this.#path = path;
		try {
			this.#file = openSync(path, 'w');
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			throw new UsageError(`--hist: cannot write ${path}${code === undefined ? '' : ` (${code})`}`);
		}

		this.#writer = new HistogramLogWriter(text => {
			if (this.#failure !== undefined) {
				return;
			}

			try {
				writeSync(this.#file, text);
			} catch (error) {
				this.#failure = error as NodeJS.ErrnoException;
			}
		});
		this.#writer.outputLogFormatVersion();
		this.#writer.outputComment('wsterm bench: latency in microseconds (Interval_Max in milliseconds)');
		this.#writer.outputStartTime(wallStart);
		this.#writer.outputLegend();
	}

	/** The line (without `wsterm: `) saying the log could not be written, once a write failed. */
	get failureLine(): string | undefined {
		return this.#failure === undefined ? undefined : `--hist: cannot write ${this.#path}: ${this.#failure.message}`;
	}

	/** Writes `histogram` as the interval ending `seconds` after the start, then empties it for the next one. */
	interval(histogram: Histogram, seconds: number): void {
		this.#writer.outputIntervalHistogram(histogram, this.#writtenUntil, seconds, 1000);
		this.#writtenUntil = seconds;
		histogram.reset();
	}

	close(): void {
		closeSync(this.#file);
	}
}
