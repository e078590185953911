/*
Pipe mode's output: received messages and events as stdout bytes. Small messages are copied into
one 64 KiB buffer and written together, so that a million one-byte messages are a few dozen
writes and no million small objects waiting; a full stdout is reported so the socket can pause.
*/
import {isUtf8} from 'node:buffer';
import type {Writable} from 'node:stream';
import {escapeControl, escapeJsonControl, hexBytes} from '../shared/escape-text.js';
import {type EventRecord, formatRecord, payloadRecord} from '../shared/event-record.js';
import {onStdoutLoss, type StdoutLoss} from '../shared/stdout-loss.js';
import type {DecodedView} from '../codecs/types.js';

const chunkSize = 64 * 1024;
// Longest binary payload shown in full as hex on a terminal.
const terminalHexLimit = 256;

export type OutputEvents = {
	/** stdout is full: stop reading from the socket until `onDrain`. */
	readonly onFull: () => void;
	readonly onDrain: () => void;
	/**
	Whoever read stdout has gone (EPIPE) or writing failed (ENOSPC, EIO ...: shared/stdout-loss.ts);
	everything written from now on is dropped.
	*/
	readonly onGone: (loss: StdoutLoss) => void;
};

/** Batches bytes to stdout with backpressure. */
export class OutputWriter {
	private readonly stdout: Writable;
	private readonly events: OutputEvents;
	private buffer = Buffer.allocUnsafe(chunkSize);
	private used = 0;
	private flushScheduled = false;
	private full = false;
	private isGone = false;
	private failure: StdoutLoss | undefined;

	constructor(stdout: Writable, events: OutputEvents) {
		this.stdout = stdout;
		this.events = events;
		onStdoutLoss(stdout, loss => {
			this.isGone = true;
			this.used = 0;
			if (!loss.readerGone) {
				this.failure = loss;
			}

			events.onGone(loss);
		});
	}

	get gone(): boolean {
		return this.isGone;
	}

	/**
	Writing failed for another reason than a reader that went away (a full disk, an I/O error):
	what was received did not all reach its file, and the run has failed.
	*/
	get failed(): boolean {
		return this.failure !== undefined;
	}

	write(data: Buffer | string): void {
		if (this.isGone) {
			return;
		}

		const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
		if (this.used + size > chunkSize) {
			this.flush();
		}

		if (size >= chunkSize) {
			// Too big to copy: written as it is, after what came before.
			this.send(typeof data === 'string' ? Buffer.from(data) : data);
			return;
		}

		if (typeof data === 'string') {
			this.buffer.write(data, this.used);
		} else {
			data.copy(this.buffer, this.used);
		}

		this.used += size;
		if (!this.flushScheduled) {
			this.flushScheduled = true;
			setImmediate(() => {
				this.flushScheduled = false;
				this.flush();
			});
		}
	}

	/** Writes what is gathered now. */
	flush(): void {
		if (this.used === 0 || this.isGone) {
			return;
		}

		const chunk = this.buffer.subarray(0, this.used);
		// stdout keeps the chunk until it is written: gather the next one elsewhere.
		this.buffer = Buffer.allocUnsafe(chunkSize);
		this.used = 0;
		this.send(chunk);
	}

	/** Calls back once stdout has taken everything written so far (at once when it has gone). */
	finish(callback: () => void): void {
		this.flush();
		if (this.isGone) {
			callback();
			return;
		}

		this.stdout.write('', callback);
	}

	private send(chunk: Buffer): void {
		if (!this.stdout.write(chunk) && !this.full) {
			this.full = true;
			this.events.onFull();
			this.stdout.once('drain', () => {
				this.full = false;
				this.events.onDrain();
			});
		}
	}
}

export type OutputFormat = {
	/** One JSON record per event. */
	readonly jsonl: boolean;
	/** stdout is a terminal: control characters made visible, binary as hex. */
	readonly terminal: boolean;
	/** After each message to a pipe: a line feed, or NUL with -0. */
	readonly separator: '\n' | '\0';
};

/** A payload for a person: text with control characters made visible, other bytes as hex. */
export function describePayload(payload: Buffer): string {
	if (payload.length === 0) {
		return '';
	}

	return isUtf8(payload) ? ` ${escapeControl(payload.toString())}` : ` [binary ${payload.length} B] ${hexBytes(payload, terminalHexLimit)}`;
}

/**
A JSON record as a line; to a terminal, with C1, DEL and bidi controls escaped as well.
`decodedJson` (JSON text, where integers may be too big for JSON.stringify) is added as `decoded`.
*/
export function recordLine(record: EventRecord, terminal: boolean, decodedJson?: string): string {
	const line = decodedJson === undefined ? formatRecord(record) : `${formatRecord(record).slice(0, -2)},"decoded":${decodedJson}}\n`;
	return terminal ? escapeJsonControl(line) : line;
}

/**
What a stage found in a received message: its badge (the codec or protocol), and for a message
--decode decoded, how it is shown.
*/
export type DecodedMessage = {
	readonly codec: string;
	/** A protocol's line for the message (a JSON-RPC response with its request), printed instead of the payload. */
	readonly line?: string;
	/** Fields a protocol adds to the --jsonl record. */
	readonly fields?: Readonly<Record<string, unknown>>;
} & Partial<DecodedView>;

/** Writes one received message in the chosen format; a decoded one as its value. */
export function writeMessage(output: OutputWriter, format: OutputFormat, data: Buffer, isBinary: boolean, now: number, decoded?: DecodedMessage): void {
	if (format.jsonl) {
		const record = payloadRecord(now, 'in', isBinary ? 'binary' : 'text', data);
		output.write(recordLine(decoded === undefined ? record : {...record, codec: decoded.codec, ...decoded.fields}, format.terminal, decoded?.json));
	} else if (decoded?.line !== undefined) {
		output.write(format.terminal ? escapeControl(decoded.line) : decoded.line);
		output.write(format.terminal ? '\n' : format.separator);
	} else if (decoded?.payload !== undefined) {
		writeMessage(output, format, decoded.payload.data, decoded.payload.isBinary, now);
	} else if (decoded?.json !== undefined) {
		output.write(format.terminal ? escapeJsonControl(decoded.json) : decoded.json);
		output.write(format.terminal ? '\n' : format.separator);
	} else if (!format.terminal) {
		// Not a terminal: the bytes as they came.
		output.write(data);
		output.write(format.separator);
	} else if (isBinary) {
		output.write(`[binary ${data.length} B] ${hexBytes(data, terminalHexLimit)}\n`);
	} else {
		output.write(`${escapeControl(data.toString(), {keepLayout: true})}\n`);
	}
}
