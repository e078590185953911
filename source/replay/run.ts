/*
replay/: `wsterm replay` (replaying a recorded conversation as the client) and `wsterm serve
--replay` (answering as the recorded server, responder.ts and recorded-requests.ts); --check
(check.ts, compare-message.ts); what a recording's protocol frames are (wire.ts); the readers of
recordings, HAR files and conversations; the recorder behind `--record`. It may import shared/
and connection/.
This file is `wsterm replay FILE [URL]`: connects, sends the recorded outgoing messages at the
chosen pace, prints what arrives as pipe mode does (plain lines, or `--jsonl` records), and with
`--check` compares what arrived with what was recorded. Resolves with the exit code.
*/
import {describeCloseCode, isCleanClose} from '../connection/close-codes.js';
import type {CloseEvent, Connection, ConnectFailure, OpenEvent} from '../connection/connection.js';
import {describeRoute} from '../connection/route.js';
import {escapeControl, hexBytes} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import {closeRecord, formatRecord, payloadRecord} from '../shared/event-record.js';
import {onInterrupt} from '../shared/interrupt.js';
import type {Io} from '../shared/io.js';
import {onStdoutLoss, type StdoutLoss} from '../shared/stdout-loss.js';
import type {CheckedMessage} from './check.js';
import type {Conversation} from './conversation.js';
import {createPacer, type Pace, type Pacer} from './pacing.js';

/** Mismatches --check shows in full; the rest are counted. */
const mismatchesShown = 20;

export type ReplayOptions = {
	readonly pace: Pace;
	/** Longest wait for recorded replies before going on (reply pace) or ending. */
	readonly replyTimeoutMs: number;
	/** Compare what arrives with the recording; exit 4 on any difference. */
	readonly check: boolean;
	/** JSON keys (and STOMP headers) left out of the comparison, at any depth. */
	readonly ignore: readonly string[];
	/** --check matches each reply with any recorded one, not in order. */
	readonly unordered?: boolean;
	readonly jsonl: boolean;
	readonly verbose: boolean;
};

/** What a replay uses of the world; `clock`: timers for the pacing, and the wall-clock time of `--jsonl` records. */
type ReplayIo = Pick<Io, 'stdout' | 'stderr' | 'signals' | 'clock'>;

// Longest binary message shown in full as hex on a terminal (as in pipe mode).
const terminalHexLimit = 256;

/**
Writes received messages to stdout as pipe mode does; pauses the connection while stdout is full.
Once stdout cannot be written, what arrives is dropped (the connection reads on) and `onLost` says how.
*/
function createPrinter(connection: Connection, options: ReplayOptions, io: ReplayIo, onLost: (loss: StdoutLoss) => void): {message(data: Buffer, isBinary: boolean): void; close(event: CloseEvent): void} {
	const {stdout} = io;
	const toTerminal = stdout.isTTY === true;
	let gone = false;
	let blocked = false;
	onStdoutLoss(stdout, loss => {
		gone = true;
		if (blocked) {
			// No 'drain' comes after an error.
			blocked = false;
			connection.resume();
		}

		onLost(loss);
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
				write(formatRecord(payloadRecord(io.clock.wallNow(), 'in', isBinary ? 'binary' : 'text', data)));
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
				write(formatRecord(closeRecord(io.clock.wallNow(), byUs ? 'out' : 'in', code, reason)));
			}
		},
	};
}

/** One replay, from connecting to the exit code: the pacer sends, the connection's events drive the rest. */
class Replay {
	// What the recording says arrived; kept for --check.
	private readonly expected: readonly CheckedMessage[];
	private readonly conversation: Conversation;
	/** How many messages the recording sent. */
	private readonly outgoing: number;
	// Kept for --check: what was expected plus one, so that a flood costs no memory; the rest are counted.
	private readonly received: CheckedMessage[] = [];
	private extra = 0;
	/** How many recorded messages were sent so far. */
	private sent = 0;
	/** Everything was sent and the replies are in (or the wait for them ran out). */
	private replayDone = false;
	/** The exit code of the signal that asked the replay to end, once one did. */
	private signalExit: number | undefined;
	private finished = false;
	/** How stdout failed, once it did. */
	private stdoutLoss: StdoutLoss | undefined;
	private readonly printer: ReturnType<typeof createPrinter>;
	private readonly pacer: Pacer;
	private stopInterrupt: () => void = () => undefined;

	constructor(private readonly connection: Connection, conversation: Conversation, private readonly options: ReplayOptions, private readonly io: ReplayIo, private readonly resolve: (code: number) => void) {
		this.conversation = conversation;
		this.expected = conversation.messages.filter(message => message.dir === 'in');
		this.outgoing = conversation.messages.length - this.expected.length;
		this.printer = createPrinter(connection, options, io, this.stdoutLost);
		this.pacer = createPacer(conversation, {pace: options.pace, replyTimeoutMs: options.replyTimeoutMs, clock: io.clock}, {
			send: (message, index) => {
				this.sent = index + 1;
				connection.send(message.data, message.isBinary);
			},
			timeout: (missing, before) => {
				this.pacerOnTimeout(missing, before);
			},
			done: () => {
				this.replayDone = true;
				connection.close(1000);
			},
		});
	}

	start(): void {
		this.stopInterrupt = onInterrupt(this.io.signals, {
			graceful: this.interruptGracefully,
			immediate: this.done,
		});
		this.connection.on('open', this.connectionOnOpen);
		this.connection.on('message', this.connectionOnMessage);
		this.connection.on('close', this.connectionOnClose);
		this.connection.on('connect-error', this.connectionOnConnectError);
		this.connection.on('error', this.connectionOnError);
		this.connection.connect();
	}

	private note(line: string): void {
		this.io.stderr.write(`wsterm: ${line}\n`);
	}

	private pacerOnTimeout(missing: number, before: number | undefined): void {
		const wait = `${this.options.replyTimeoutMs / 1000} s`;
		const replies = `${missing} recorded repl${missing === 1 ? 'y' : 'ies'}`;
		this.note(before === undefined
			? `${replies} did not arrive within ${wait} of the last message`
			: `${replies} did not arrive within ${wait}; sending message ${before + 1} of ${this.outgoing} anyway`);
	}

	/** The first SIGINT or SIGTERM: stop sending and close; the close ends the replay with the signal's code. */
	private readonly interruptGracefully = (code: number): void => {
		this.signalExit = code;
		this.pacer.stop();
		if (this.connection.state === 'open') {
			this.connection.close(1000);
		} else {
			this.connection.terminate();
		}
	};

	/**
	stdout cannot be written (shared/stdout-loss.ts): the replay ends at once, as pipe mode does: its
	close frame goes, its answer is not waited for. Under --check a reader that went away does not
	end it: the verdict needs every reply, and the exit code says it.
	*/
	private readonly stdoutLost = (loss: StdoutLoss): void => {
		this.stdoutLoss = loss;
		if (loss.failureLine !== undefined) {
			this.note(loss.failureLine);
		} else if (this.options.check) {
			return;
		}

		this.pacer.stop();
		if (this.connection.state === 'open') {
			this.connection.close(1000);
			this.io.clock.setTimeout(() => {
				this.connection.terminate();
			}, 0);
		} else {
			this.connection.terminate();
		}
	};

	/** Whether the replay was ended by its stdout (not --check's reader that went away). */
	private get endedByStdout(): boolean {
		return this.stdoutLoss !== undefined && (this.stdoutLoss.failureLine !== undefined || !this.options.check);
	}

	private readonly done = (code: number): void => {
		if (this.finished) {
			return;
		}

		this.finished = true;
		this.pacer.stop();
		this.stopInterrupt();
		this.io.stdout.write('', () => {
			// Read when the last write is done: a failure may show only then (the close record of --jsonl).
			this.resolve(this.signalExit ?? (this.stdoutLoss?.failureLine === undefined ? code : exitCodes.outputFailed));
		});
	};

	private readonly connectionOnOpen = ({protocol}: OpenEvent): void => {
		if (this.options.verbose) {
			const {outgoing} = this;
			const route = describeRoute(this.connection.target);
			this.note(`connected to ${this.connection.target.displayUrl}${route === undefined ? '' : ` ${route}`}${protocol === '' ? '' : ` (subprotocol ${escapeControl(protocol)})`}; replaying ${outgoing} message${outgoing === 1 ? '' : 's'} at the ${this.options.pace} pace`);
		}

		this.pacer.start();
	};

	private readonly connectionOnMessage = (data: Buffer, isBinary: boolean): void => {
		this.printer.message(data, isBinary);
		if (this.options.check) {
			if (this.received.length <= this.expected.length) {
				this.received.push({isBinary, data});
			} else {
				this.extra++;
			}
		}

		this.pacer.received();
	};

	private readonly connectionOnClose = (event: CloseEvent): void => {
		this.printer.close(event);
		this.pacer.stop();
		const {code, reason, byUs} = event;
		const shownReason = reason === '' ? '' : `: ${escapeControl(reason)}`;
		if (this.signalExit !== undefined || this.endedByStdout) {
			this.done(this.signalExit ?? exitCodes.ok);
			return;
		}

		if (!this.replayDone) {
			this.note(`${byUs ? 'closed' : `the server closed the connection with ${describeCloseCode(code)}${shownReason}`} before the replay ended (${this.sent} of ${this.outgoing} messages sent)`);
		}

		if (this.options.check) {
			void this.checkResult().then(this.done);
		} else {
			this.done(byUs || isCleanClose(code) ? exitCodes.ok : exitCodes.dropped);
		}
	};

	private readonly connectionOnConnectError = (failure: ConnectFailure): void => {
		this.note(`could not connect to ${this.connection.target.displayUrl}: ${failure.message}`);
		this.done(this.signalExit ?? exitCodes.connectFailed);
	};

	private readonly connectionOnError = (error: Error): void => {
		this.note(`error: ${escapeControl(error.message)}`);
	};

	/** --check: says what differs and resolves with the exit code. */
	private async checkResult(): Promise<number> {
		const {expected, extra} = this;
		// The JSON parser comes with the check, and only with it.
		const [{compareMessages, formatMismatch}, {detectWire, perConnectionNote}] = await Promise.all([import('./check.js'), import('./wire.js')]);
		const wire = detectWire(this.conversation);
		const leftOut = perConnectionNote(wire);
		if (leftOut !== undefined) {
			this.note(`check: ${leftOut}`);
		}

		const mismatches = compareMessages(expected, this.received, new Set(this.options.ignore), {
			...(wire === undefined ? {} : {wire}),
			unordered: this.options.unordered ?? false,
		});
		for (const mismatch of mismatches.slice(0, mismatchesShown)) {
			const [first, ...rest] = formatMismatch(mismatch, expected.length);
			this.note(`check: ${first!}`);
			this.io.stderr.write(rest.map(line => `${line}\n`).join(''));
		}

		if (mismatches.length > mismatchesShown) {
			// A server that says something else entirely would otherwise write four lines per message.
			this.note(`check: ${mismatches.length - mismatchesShown} more mismatches not shown`);
		}

		if (extra > 0) {
			this.note(`check: ${extra} more unexpected message${extra === 1 ? '' : 's'} after those`);
		}

		if (mismatches.length === 0) {
			this.note(`check passed: ${expected.length} message${expected.length === 1 ? '' : 's'} as recorded`);
			return exitCodes.ok;
		}

		this.note(`check failed: ${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'} in ${expected.length} recorded message${expected.length === 1 ? '' : 's'}`);
		return exitCodes.expectedMissing;
	}
}

export async function runReplay(connection: Connection, conversation: Conversation, options: ReplayOptions, io: Pick<Io, 'stdout' | 'stderr' | 'signals' | 'clock'>): Promise<number> {
	return new Promise<number>(resolve => {
		new Replay(connection, conversation, options, io, resolve).start();
	});
}
