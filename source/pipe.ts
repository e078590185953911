import {isUtf8} from 'node:buffer';
import type {EventEmitter} from 'node:events';
import type {Readable, Writable} from 'node:stream';
import {describeCloseCode, isCleanClose} from './close-codes.js';
import type {CloseEvent, Connection, ConnectFailure, OpenEvent, PongEvent} from './connection.js';
import {escapeControl, hexBytes} from './display.js';
import {exitCodes} from './exit-codes.js';
import {closeRecord, formatRecord, payloadRecord} from './jsonl.js';

/** A message given on the command line (`-x`), ready to send. */
export type PipeMessage = {
	readonly data: Buffer | string;
	readonly isBinary: boolean;
};

export type PipeOptions = {
	/** Send stdin's messages as binary. */
	readonly binary: boolean;
	/** Split stdin on NUL instead of line feeds. */
	readonly nullSeparated: boolean;
	/** Read messages from stdin (false when `-x` gives them). */
	readonly readStdin: boolean;
	readonly execute: readonly PipeMessage[];
	readonly jsonl: boolean;
	readonly verbose: boolean;
	readonly showControl: boolean;
	/** Exit once this many messages have been received. */
	readonly count?: number;
	/** Seconds to keep printing after the input is sent; -1: until the server closes. */
	readonly wait?: number;
};

export type PipeIo = {
	readonly stdin: Readable;
	readonly stdout: Writable & {readonly isTTY?: boolean};
	readonly stderr: Writable;
	/** Emits 'SIGINT' and 'SIGTERM' (the process, in production). */
	readonly signals: EventEmitter;
	/** Wall-clock time in milliseconds, for `--jsonl` timestamps. */
	readonly now: () => number;
	readonly setTimeout: (callback: () => void, ms: number) => NodeJS.Timeout;
};

const newline = Buffer.from('\n');
// Output is gathered and written in chunks of about this size, not one write per message.
const outputChunk = 64 * 1024;
// Longest binary message shown in full as hex on a terminal.
const terminalHexLimit = 256;

/**
Pipe mode: stdin's lines become messages, received messages become stdout's lines.
Resolves with the exit code once the connection has closed and stdout has taken everything.
*/
export async function runPipe(connection: Connection, options: PipeOptions, io: PipeIo): Promise<number> {
	const {stdin, stdout, stderr} = io;
	const toTerminal = stdout.isTTY === true;
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	let flushScheduled = false;
	let stdoutBlocked = false;
	let received = 0;
	let inputDone = false;
	let finished = false;
	let signalExit: number | undefined;
	let warnedInvalidUtf8 = false;
	let lineNumber = 0;

	const note = (line: string): void => {
		stderr.write(`wsterm: ${line}\n`);
	};

	const verbose = (line: string): void => {
		if (options.verbose) {
			note(line);
		}
	};

	const flushOutput = (): void => {
		flushScheduled = false;
		if (pendingBytes === 0) {
			return;
		}

		const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
		pending = [];
		pendingBytes = 0;
		if (!stdout.write(chunk) && !stdoutBlocked) {
			// stdout is full: stop reading from the socket until it drains, so memory stays flat.
			stdoutBlocked = true;
			connection.pause();
			stdout.once('drain', () => {
				stdoutBlocked = false;
				connection.resume();
			});
		}
	};

	// Set when whoever reads stdout has gone (`wsterm URL | head -1`): output is dropped from then on.
	let stdoutGone = false;
	const output = (data: Buffer | string): void => {
		if (stdoutGone) {
			return;
		}

		const buffer = typeof data === 'string' ? Buffer.from(data) : data;
		pending.push(buffer);
		pendingBytes += buffer.length;
		if (pendingBytes >= outputChunk) {
			flushOutput();
		} else if (!flushScheduled) {
			flushScheduled = true;
			setImmediate(flushOutput);
		}
	};

	const writeRecordOrNote = (record: Parameters<typeof formatRecord>[0], line: string): void => {
		if (options.jsonl) {
			output(formatRecord(record));
		} else {
			note(line);
		}
	};

	const onMessage = (data: Buffer, isBinary: boolean): void => {
		if (options.count !== undefined && received >= options.count) {
			return;
		}

		received++;
		if (options.jsonl) {
			output(formatRecord(payloadRecord(io.now(), 'in', isBinary ? 'binary' : 'text', data)));
		} else if (!toTerminal) {
			// Not a terminal: the bytes as they came, one message a line.
			output(data);
			output(newline);
		} else if (isBinary) {
			output(`[binary ${data.length} B] ${hexBytes(data, terminalHexLimit)}\n`);
		} else {
			output(`${escapeControl(data.toString(), {keepLayout: true})}\n`);
		}

		if (countReached() && inputSent) {
			close();
		}
	};

	const describePayload = (payload: Buffer): string => payload.length === 0 ? '' : ` ${escapeControl(payload.toString())}`;

	const onPing = (payload: Buffer): void => {
		if (options.showControl) {
			writeRecordOrNote(payloadRecord(io.now(), 'in', 'ping', payload), `< ping${describePayload(payload)}`);
		}
	};

	const onPong = ({payload, rtt}: PongEvent): void => {
		if (options.showControl) {
			const record = payloadRecord(io.now(), 'in', 'pong', payload);
			writeRecordOrNote(
				rtt === undefined ? record : {...record, rtt: Number(rtt.toFixed(3))},
				`< pong${describePayload(payload)}${rtt === undefined ? '' : ` (round trip ${rtt.toFixed(1)} ms)`}`,
			);
		}
	};

	const onOpen = ({protocol, extensions, attempt}: OpenEvent): void => {
		maybeEnd();
		const details = [protocol && `subprotocol ${escapeControl(protocol)}`, extensions && `extensions ${escapeControl(extensions)}`].filter(Boolean);
		verbose(`${attempt > 1 ? 'reconnected' : 'connected'} to ${connection.target.displayUrl}${details.length > 0 ? ` (${details.join(', ')})` : ''}`);
	};

	const sendLine = (line: Buffer): void => {
		lineNumber++;
		let data: Buffer | string = line;
		if (!options.binary && !isUtf8(line)) {
			if (!warnedInvalidUtf8) {
				warnedInvalidUtf8 = true;
				note(`message ${lineNumber} is not valid UTF-8: invalid bytes replaced with U+FFFD (--binary sends bytes as they are)`);
			}

			data = line.toString();
		}

		if (!connection.send(data, options.binary)) {
			stdin.pause();
		}
	};

	const separator = options.nullSeparated ? 0 : 10;
	// The message between start and end; with line feeds, a CR before the end belongs to a CRLF.
	const lineOf = (buffer: Buffer, start: number, end: number): Buffer =>
		buffer.subarray(start, separator === 10 && end > start && buffer[end - 1] === 13 ? end - 1 : end);

	const readInput = (): void => {
		let rest: Buffer | undefined;
		stdin.on('data', (chunk: Buffer) => {
			let buffer = chunk;
			let start = 0;
			if (rest !== undefined) {
				// Join only the unfinished line with the start of the chunk, not the whole chunk.
				const first = chunk.indexOf(separator);
				if (first === -1) {
					rest = Buffer.concat([rest, chunk]);
					return;
				}

				buffer = Buffer.concat([rest, chunk.subarray(0, first + 1)]);
				rest = undefined;
				sendLine(lineOf(buffer, 0, buffer.length - 1));
				buffer = chunk;
				start = first + 1;
			}

			let end = buffer.indexOf(separator, start);
			while (end !== -1) {
				sendLine(lineOf(buffer, start, end));
				start = end + 1;
				end = buffer.indexOf(separator, start);
			}

			buffer = buffer.subarray(start);
			rest = buffer.length > 0 ? buffer : undefined;
		});
		stdin.on('end', () => {
			if (rest !== undefined) {
				sendLine(lineOf(rest, 0, rest.length));
			}

			inputDone = true;
			maybeEnd();
		});
		stdin.on('error', error => {
			note(`cannot read stdin: ${error.message}`);
			inputDone = true;
			maybeEnd();
		});
	};

	// Set once the input is all read and written to the open socket: from then on, -n, -w or
	// nothing decides when to close.
	let inputSent = false;
	let waitingForFlush = false;
	let closing = false;
	const close = (): void => {
		if (!closing) {
			closing = true;
			connection.close(1000);
		}
	};

	const countReached = (): boolean => options.count !== undefined && received >= options.count;

	const maybeEnd = (): void => {
		if (!inputDone || inputSent || finished || signalExit !== undefined || connection.state !== 'open') {
			return;
		}

		if (connection.bufferedBytes > 0) {
			if (!waitingForFlush) {
				waitingForFlush = true;
				connection.once('flushed', () => {
					waitingForFlush = false;
					maybeEnd();
				});
			}

			return;
		}

		inputSent = true;
		if (options.count === undefined && options.wait === undefined) {
			close();
			return;
		}

		if (options.wait !== undefined && options.wait >= 0) {
			io.setTimeout(close, options.wait * 1000);
		}

		if (countReached()) {
			close();
		}
	};

	return new Promise<number>(resolve => {
		const done = (code: number): void => {
			if (finished) {
				return;
			}

			finished = true;
			stdin.pause();
			io.signals.off('SIGINT', onSigint);
			io.signals.off('SIGTERM', onSigterm);
			flushOutput();
			if (stdoutGone) {
				resolve(signalExit ?? code);
				return;
			}

			// Resolve once stdout has taken everything written so far.
			stdout.write('', () => {
				resolve(signalExit ?? code);
			});
		};

		const onClose = ({code, reason, byUs, fault, willReconnect}: CloseEvent): void => {
			const shownReason = reason === '' ? '' : `: ${escapeControl(reason)}`;
			if (options.jsonl) {
				output(formatRecord(closeRecord(io.now(), byUs ? 'out' : 'in', code, reason)));
			} else if (options.showControl) {
				note(`${byUs ? '>' : '<'} close ${describeCloseCode(code)}${shownReason}`);
			}

			if (willReconnect) {
				note(`connection lost (${fault ?? describeCloseCode(code)}${fault === undefined ? shownReason : ''}); reconnecting`);
				return;
			}

			if (fault !== undefined) {
				note(code === 1006 ? `dropped the connection: ${fault}` : `closed the connection with ${describeCloseCode(code)}: ${fault}`);
				done(exitCodes.dropped);
				return;
			}

			if (byUs || isCleanClose(code)) {
				verbose(`closed with ${describeCloseCode(code)}${shownReason}`);
				done(exitCodes.ok);
				return;
			}

			note(code === 1006
				? `connection dropped (${describeCloseCode(code)}${shownReason})`
				: `server closed the connection with ${describeCloseCode(code)}${shownReason}`);
			done(exitCodes.dropped);
		};

		const onConnectError = (failure: ConnectFailure): void => {
			if (signalExit !== undefined) {
				verbose(`could not connect: ${failure.message}`);
				return;
			}

			note(`could not connect to ${connection.target.displayUrl}: ${failure.message}`);
			done(exitCodes.connectFailed);
		};

		const onSignal = (code: number): void => {
			if (signalExit !== undefined) {
				// A second signal: stop waiting for the close handshake.
				finished = false;
				done(code);
				return;
			}

			signalExit = code;
			stdin.pause();
			if (connection.state === 'open') {
				connection.close(1000);
			} else {
				connection.terminate();
			}
		};

		const onSigint = (): void => {
			onSignal(exitCodes.sigint);
		};

		const onSigterm = (): void => {
			onSignal(exitCodes.sigterm);
		};

		stdout.on('error', (error: NodeJS.ErrnoException) => {
			if (stdoutGone) {
				return;
			}

			stdoutGone = true;
			pending = [];
			pendingBytes = 0;
			if (error.code !== 'EPIPE') {
				note(`cannot write to stdout: ${error.message}`);
			}

			// Nobody is reading: no reason to go on. Closing is our choice, so the run is clean.
			// Reading resumes (into nothing) so that the server's answer to the close is seen.
			stdin.pause();
			connection.resume();
			close();
		});
		io.signals.on('SIGINT', onSigint);
		io.signals.on('SIGTERM', onSigterm);
		connection.on('open', onOpen);
		connection.on('message', onMessage);
		connection.on('ping', onPing);
		connection.on('pong', onPong);
		connection.on('close', onClose);
		connection.on('connect-error', onConnectError);
		connection.on('error', error => {
			note(`error: ${escapeControl(error.message)}`);
		});
		connection.on('connecting', attempt => {
			verbose(`${attempt > 1 ? 'reconnecting' : 'connecting'} to ${connection.target.displayUrl}${connection.target.proxy === undefined ? '' : ` through ${connection.target.proxy}`}`);
		});
		connection.on('reconnecting', ({attempt, delay, failure}) => {
			const next = `reconnect attempt ${attempt} in ${(delay / 1000).toFixed(1)} s`;
			if (failure === undefined) {
				verbose(next);
			} else {
				note(`reconnect failed: ${failure.message}; ${next}`);
			}
		});
		connection.on('drain', () => {
			if (!finished && signalExit === undefined) {
				stdin.resume();
			}
		});

		for (const message of options.execute) {
			connection.send(message.data, message.isBinary);
		}

		if (options.readStdin) {
			readInput();
		} else {
			inputDone = true;
		}

		connection.connect();
	});
}
