/*
`wsterm replay FILE [URL]`: connects, sends the recorded outgoing messages at the chosen pace,
prints what arrives as pipe mode does (plain lines, or `--jsonl` records), and with `--check`
compares what arrived with what was recorded. Resolves with the exit code.
*/
import type {EventEmitter} from 'node:events';
import type {Writable} from 'node:stream';
import {describeCloseCode, isCleanClose} from '../connection/close-codes.js';
import type {Clock, CloseEvent, Connection, ConnectFailure, OpenEvent} from '../connection/connection.js';
import {escapeControl, hexBytes} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import {closeRecord, formatRecord, payloadRecord} from '../shared/event-record.js';
import type {CheckedMessage} from './check.js';
import type {Conversation} from './conversation.js';
import {createPacer, type Pace} from './pacing.js';

export type ReplayOptions = {
	readonly pace: Pace;
	/** Longest wait for recorded replies before going on (reply pace) or ending. */
	readonly replyTimeoutMs: number;
	/** Compare what arrives with the recording; exit 4 on any difference. */
	readonly check: boolean;
	/** JSON keys left out of the comparison, at any depth. */
	readonly ignore: readonly string[];
	readonly jsonl: boolean;
	readonly verbose: boolean;
};

export type ReplayIo = {
	readonly stdout: Writable & {readonly isTTY?: boolean};
	readonly stderr: Writable;
	/** Emits 'SIGINT' and 'SIGTERM' (the process, in production). */
	readonly signals: EventEmitter;
	/** Wall-clock milliseconds, for `--jsonl` times. */
	readonly now: () => number;
	/** Timers for pacing. */
	readonly clock: Clock;
};

// Longest binary message shown in full as hex on a terminal (as in pipe mode).
const terminalHexLimit = 256;

/** Writes received messages to stdout as pipe mode does; pauses the connection while stdout is full. */
function createPrinter(connection: Connection, options: ReplayOptions, io: ReplayIo): {message(data: Buffer, isBinary: boolean): void; close(event: CloseEvent): void} {
	const {stdout} = io;
	const toTerminal = stdout.isTTY === true;
	let gone = false;
	let blocked = false;
	stdout.on('error', () => {
		gone = true;
	});
	const write = (chunk: Buffer | string): void => {
		if (gone || stdout.write(chunk) || blocked) {
			return;
		}

		blocked = true;
		connection.pause();
		stdout.once('drain', () => {
			blocked = false;
			connection.resume();
		});
	};

	return {
		message(data, isBinary) {
			if (options.jsonl) {
				write(formatRecord(payloadRecord(io.now(), 'in', isBinary ? 'binary' : 'text', data)));
			} else if (!toTerminal) {
				write(Buffer.concat([data, Buffer.from('\n')]));
			} else if (isBinary) {
				write(`[binary ${data.length} B] ${hexBytes(data, terminalHexLimit)}\n`);
			} else {
				write(`${escapeControl(data.toString(), {keepLayout: true})}\n`);
			}
		},
		close({code, reason, byUs}) {
			if (options.jsonl) {
				write(formatRecord(closeRecord(io.now(), byUs ? 'out' : 'in', code, reason)));
			}
		},
	};
}

export async function runReplay(connection: Connection, conversation: Conversation, options: ReplayOptions, io: ReplayIo): Promise<number> {
	const note = (line: string): void => {
		io.stderr.write(`wsterm: ${line}\n`);
	};

	const expected: CheckedMessage[] = conversation.messages.filter(message => message.dir === 'in');
	const outgoing = conversation.messages.length - expected.length;
	// Kept for --check: what was expected plus one, so that a flood costs no memory; the rest are counted.
	const received: CheckedMessage[] = [];
	let extra = 0;
	let sent = 0;
	let replayDone = false;
	const printer = createPrinter(connection, options, io);

	const pacer = createPacer(conversation, {pace: options.pace, replyTimeoutMs: options.replyTimeoutMs, clock: io.clock}, {
		send(message, index) {
			sent = index + 1;
			connection.send(message.data, message.isBinary);
		},
		timeout(missing, before) {
			const wait = `${options.replyTimeoutMs / 1000} s`;
			note(before === undefined
				? `${missing} recorded repl${missing === 1 ? 'y' : 'ies'} did not arrive within ${wait} of the last message`
				: `${missing} recorded repl${missing === 1 ? 'y' : 'ies'} did not arrive within ${wait}; sending message ${before + 1} of ${outgoing} anyway`);
		},
		done() {
			replayDone = true;
			connection.close(1000);
		},
	});

	const checkResult = async (): Promise<number> => {
		// The JSON parser comes with the check, and only with it.
		const {compareMessages, formatMismatch} = await import('./check.js');
		const mismatches = compareMessages(expected, received, new Set(options.ignore));
		for (const mismatch of mismatches) {
			const [first, ...rest] = formatMismatch(mismatch, expected.length);
			note(`check: ${first!}`);
			io.stderr.write(rest.map(line => `${line}\n`).join(''));
		}

		if (extra > 0) {
			note(`check: ${extra} more unexpected message${extra === 1 ? '' : 's'} after those`);
		}

		if (mismatches.length === 0) {
			note(`check passed: ${expected.length} message${expected.length === 1 ? '' : 's'} as recorded`);
			return exitCodes.ok;
		}

		note(`check failed: ${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'} in ${expected.length} recorded message${expected.length === 1 ? '' : 's'}`);
		return exitCodes.expectedMissing;
	};

	return new Promise<number>(resolve => {
		let signalExit: number | undefined;
		let finished = false;
		const done = (code: number): void => {
			if (finished) {
				return;
			}

			finished = true;
			pacer.stop();
			io.signals.off('SIGINT', onSigint);
			io.signals.off('SIGTERM', onSigterm);
			io.stdout.write('', () => {
				resolve(code);
			});
		};

		const onSignal = (code: number): void => {
			if (signalExit !== undefined) {
				done(code);
				return;
			}

			signalExit = code;
			pacer.stop();
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

		const connectionOnOpen = ({protocol}: OpenEvent): void => {
			if (options.verbose) {
				note(`connected to ${connection.target.displayUrl}${protocol === '' ? '' : ` (subprotocol ${escapeControl(protocol)})`}; replaying ${outgoing} message${outgoing === 1 ? '' : 's'} at the ${options.pace} pace`);
			}

			pacer.start();
		};

		const connectionOnMessage = (data: Buffer, isBinary: boolean): void => {
			printer.message(data, isBinary);
			if (options.check) {
				if (received.length <= expected.length) {
					received.push({isBinary, data});
				} else {
					extra++;
				}
			}

			pacer.received();
		};

		const connectionOnClose = (event: CloseEvent): void => {
			printer.close(event);
			pacer.stop();
			const {code, reason, byUs} = event;
			const shownReason = reason === '' ? '' : `: ${escapeControl(reason)}`;
			if (signalExit !== undefined) {
				done(signalExit);
				return;
			}

			if (!replayDone) {
				note(`${byUs ? 'closed' : `the server closed the connection with ${describeCloseCode(code)}${shownReason}`} before the replay ended (${sent} of ${outgoing} messages sent)`);
			}

			if (options.check) {
				void checkResult().then(done);
			} else {
				done(byUs || isCleanClose(code) ? exitCodes.ok : exitCodes.dropped);
			}
		};

		const connectionOnConnectError = (failure: ConnectFailure): void => {
			note(`could not connect to ${connection.target.displayUrl}: ${failure.message}`);
			done(signalExit ?? exitCodes.connectFailed);
		};

		io.signals.on('SIGINT', onSigint);
		io.signals.on('SIGTERM', onSigterm);
		connection.on('open', connectionOnOpen);
		connection.on('message', connectionOnMessage);
		connection.on('close', connectionOnClose);
		connection.on('connect-error', connectionOnConnectError);
		connection.on('error', error => {
			note(`error: ${escapeControl(error.message)}`);
		});
		connection.connect();
	});
}
