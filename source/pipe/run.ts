import {isUtf8} from 'node:buffer';
import type {EventEmitter} from 'node:events';
import type {Readable, Writable} from 'node:stream';
import {describeCloseCode, isCleanClose} from '../connection/close-codes.js';
import type {CloseEvent, Connection, ConnectFailure, OpenEvent, PongEvent} from '../connection/connection.js';
import {escapeControl} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import {closeRecord, payloadRecord} from '../shared/event-record.js';
import {type EndReason, EndingRules} from './ending.js';
import {MessageSplitter} from './input.js';
import {describePayload, type OutputFormat, OutputWriter, recordLine, writeMessage} from './output.js';
import {PipelineMessage} from '../pipeline/message.js';
import {createPipeline, type Pipeline} from '../pipeline/pipeline.js';
import type {PipelineEvent, StageFactory} from '../pipeline/stage.js';

/** A message given on the command line (`-x`), ready to send. */
export type PipeMessage = {
	readonly data: Buffer | string;
	readonly isBinary: boolean;
};

export type PipeOptions = {
	/** Send stdin's messages as binary, byte for byte. */
	readonly binary: boolean;
	/** Split stdin on NUL instead of line feeds, and end each message on stdout with NUL. */
	readonly nullSeparated: boolean;
	/** Read messages from stdin (false when `-x` gives them). */
	readonly readStdin: boolean;
	readonly execute: readonly PipeMessage[];
	readonly jsonl: boolean;
	readonly verbose: boolean;
	readonly showControl: boolean;
	/** End the run once this many messages have been received. */
	readonly count?: number;
	/** Seconds to keep printing after the input is sent; -1: until the server closes. */
	readonly wait?: number;
	/** Without count and wait: seconds of quiet after the input is sent before closing (default 2). */
	readonly linger?: number;
	/** The pipeline's stages (hooks, recorder), from pipeline/load-stages.ts; none by default. */
	readonly stages?: readonly StageFactory[];
	/** `--until` was given: a run that ends before its message came exits 4. */
	readonly until?: boolean;
	/**
	The end of input does not end the run (`--until`, `--script`): without -n or -w it goes on
	until the server closes, the hooks end it, or a signal.
	*/
	readonly holdOpen?: boolean;
	/** A protocol's operations may stay open long (graphql-ws subscriptions): no quiet timeout without --linger. */
	readonly waitForReplies?: boolean;
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
	readonly clearTimeout?: (timer: NodeJS.Timeout) => void;
};

/**
Messages handed to the socket and not yet written, at most: with bytes alone as the bound, a
million one-byte lines would all be in flight at once, each with its frame and callback.
*/
const maxMessagesInFlight = 1024;

/**
Pipe mode: stdin's lines become messages, received messages become stdout's lines.
Resolves with the exit code once the connection has closed and stdout has taken everything.
*/
export async function runPipe(connection: Connection, options: PipeOptions, io: PipeIo): Promise<number> {
	return new Promise<number>(resolve => {
		new PipeRun(connection, options, io, resolve).start();
	});
}

/** One run of pipe mode: the input, the output and the ending rules, wired to the connection. */
class PipeRun {
	private readonly output: OutputWriter;
	private readonly format: OutputFormat;
	private readonly splitter: MessageSplitter;
	private readonly ending: EndingRules;
	private readonly pipeline: Pipeline;
	/** The -I messages, sent through the stages on each open (none: there are no stages, the connection sends them). */
	private readonly initialMessages: readonly string[];
	/** Why reading from the socket is paused: stdout is full, the stages are behind. */
	private readonly socketHolds = new Set<'stdout' | 'stages'>();
	private received = 0;
	/** Replies received (a protocol stage says which messages answer a request; else every counted one). */
	private answered = 0;
	/** Messages sent that await no reply (a protocol's handshake or pong): left out of the ending rules' count. */
	private unawaited = 0;
	private lineNumber = 0;
	private warnedInvalidUtf8 = false;
	/** Messages sent since everything was last written to the socket. */
	private sentSinceFlushed = 0;
	private inputDone = false;
	/** Input (stdin, -x) is read: at once, or with stages once the open has been through them. */
	private inputStarted = false;
	private waitingForStages = false;
	/** Stdin waits while the connection reconnects, so that the -I messages go first on the new one. */
	private inputHeld = false;
	/** No more input is sent: -n was reached, a signal came, or stdout has gone. */
	private inputStopped = false;
	private closing = false;
	private finished = false;
	private signalExit: number | undefined;
	/** A stage ended the run (ctx.exit, the --until message came) with this code. */
	private stageExit: number | undefined;
	private endReason: EndReason | undefined;

	constructor(
		private readonly connection: Connection,
		private readonly options: PipeOptions,
		private readonly io: PipeIo,
		private readonly resolve: (code: number) => void,
	) {
		this.format = {jsonl: options.jsonl, terminal: io.stdout.isTTY === true, separator: options.nullSeparated ? '\0' : '\n'};
		this.output = new OutputWriter(io.stdout, {
			onFull: () => {
				this.holdSocket('stdout');
			},
			onDrain: () => {
				this.releaseSocket('stdout');
			},
			onGone: error => {
				this.stdoutGone(error);
			},
		});
		this.splitter = new MessageSplitter(
			{separator: options.nullSeparated ? 0 : 10, stripCr: !options.nullSeparated && !options.binary},
			message => this.sendInput(message),
		);
		this.ending = new EndingRules(
			options,
			{setTimeout: io.setTimeout, clearTimeout: io.clearTimeout ?? clearTimeout},
			reason => {
				this.endReason = reason;
				this.inputStopped ||= reason === 'count';
				this.close();
			},
		);
		this.pipeline = createPipeline(options.stages ?? [], {
			deliver: message => {
				this.deliver(message);
			},
			event: event => {
				this.onEvent(event);
			},
			transmit: message => {
				// Counted here, not when given to the pipeline: a stage may refuse a line (--encode), and
				// refused lines never reach the socket, so no 'flushed' would come to count them down.
				this.sentSinceFlushed++;
				if (!message.awaitsReply) {
					this.unawaited++;
				}

				return this.connection.send(message.payload, message.isBinary);
			},
			close: (code, reason) => {
				this.close(code, reason);
			},
			drop: fault => {
				this.connection.drop(fault);
			},
			log: line => {
				io.stderr.write(`${line}\n`);
			},
			error: line => {
				this.note(line);
			},
		}, {clock: {setTimeout: io.setTimeout, clearTimeout: io.clearTimeout ?? clearTimeout}});
		this.initialMessages = this.pipeline.names.length > 0 ? connection.takeInitialMessages() : [];
	}

	start(): void {
		this.io.signals.on('SIGINT', this.onSigint);
		this.io.signals.on('SIGTERM', this.onSigterm);
		this.listen();
		// With stages, input waits until the open has been through them, so that what a hook sends
		// in onOpen (an auth message) goes before the first line; without, lines queue before the open.
		if (this.pipeline.names.length === 0) {
			this.startInput();
		}

		this.connection.connect();
	}

	private startInput(): void {
		if (this.inputStarted) {
			return;
		}

		this.inputStarted = true;
		for (const message of this.options.execute) {
			this.send(new PipelineMessage(message.data, message.isBinary));
		}

		if (this.options.readStdin) {
			this.readStdin();
		} else {
			this.inputDone = true;
		}
	}

	private listen(): void {
		const {connection} = this;
		// Through the pipeline, so that its stages see them in order with the messages.
		connection.on('open', event => {
			this.pipeline.event({type: 'open', ...event});
		});
		connection.on('message', (data, isBinary) => {
			this.onMessage(data, isBinary);
		});
		connection.on('ping', payload => {
			this.pipeline.event({type: 'ping', payload});
		});
		connection.on('pong', event => {
			this.pipeline.event({type: 'pong', ...event});
		});
		connection.on('close', event => {
			if (event.willReconnect && this.initialMessages.length > 0 && this.options.readStdin) {
				this.inputHeld = true;
				this.io.stdin.pause();
			}

			this.pipeline.event({type: 'close', ...event});
		});
		connection.on('connect-error', failure => {
			this.onConnectError(failure);
		});
		// A close follows every such error, and its line says what went wrong: the raw one only with -v.
		connection.on('error', error => {
			this.verbose(`error: ${escapeControl(error.message)}`);
		});
		connection.on('connecting', attempt => {
			this.verbose(`${attempt > 1 ? 'reconnecting' : 'connecting'} to ${connection.target.displayUrl}${connection.target.proxy === undefined ? '' : ` through ${connection.target.proxy}`}`);
		});
		connection.on('reconnecting', ({attempt, delay, failure}) => {
			const next = `reconnect attempt ${attempt} in ${(delay / 1000).toFixed(1)} s`;
			if (failure === undefined) {
				this.verbose(next);
			} else {
				this.note(`reconnect failed: ${failure.message}; ${next}`);
			}
		});
		connection.on('drain', () => {
			this.resumeInput();
		});
		connection.on('flushed', () => {
			this.sentSinceFlushed = 0;
			this.resumeInput();
			this.checkAllSent();
		});
	}

	// Input

	private readStdin(): void {
		const {stdin} = this.io;
		stdin.on('data', (chunk: Buffer) => {
			if (!this.inputStopped && !this.splitter.push(chunk)) {
				stdin.pause();
			}
		});
		stdin.on('end', () => {
			if (!this.inputStopped) {
				this.splitter.end();
			}

			this.inputDone = true;
			this.checkAllSent();
		});
		stdin.on('error', error => {
			this.note(`cannot read stdin: ${error.message}`);
			this.inputDone = true;
			this.checkAllSent();
		});
	}

	/** Sends one input message; false when no more should be sent until 'drain' or 'flushed'. */
	private sendInput(message: Buffer): boolean {
		if (this.inputStopped) {
			return false;
		}

		this.lineNumber++;
		let data: Buffer | string = message;
		if (!this.options.binary && !isUtf8(message)) {
			if (!this.warnedInvalidUtf8) {
				this.warnedInvalidUtf8 = true;
				this.note(`message ${this.lineNumber} is not valid UTF-8: invalid bytes replaced with U+FFFD (--binary sends bytes as they are)`);
			}

			data = message.toString();
		}

		const writable = this.send(new PipelineMessage(data, this.options.binary));
		return writable && this.sentSinceFlushed < maxMessagesInFlight;
	}

	/** Sends a message of ours through the pipeline; false: wait for 'drain' (or the stages). */
	private send(message: PipelineMessage): boolean {
		if (this.pipeline.send(message)) {
			return true;
		}

		void this.pipeline.settled().then(() => {
			this.resumeInput();
			this.checkAllSent();
		});
		return false;
	}

	private resumeInput(): void {
		if (this.inputStopped || this.inputHeld || this.finished || !this.connection.writable || this.sentSinceFlushed >= maxMessagesInFlight) {
			return;
		}

		if (!this.splitter.holding || this.splitter.pump()) {
			this.io.stdin.resume();
		}
	}

	private stopInput(): void {
		this.inputStopped = true;
		this.io.stdin.pause();
	}

	/** Once the input has ended and all of it is on the socket, the ending rules take over. */
	private checkAllSent(): void {
		if (this.inputDone && this.pipeline.sending > 0 && this.options.wait !== undefined && this.connection.state === 'open') {
			// -w bounds the run from the end of input even while a stage holds lines (a protocol's
			// handshake that never finishes): those not sent when it runs out are said at the close.
			this.ending.allSent(this.answered, this.awaitingSent);
		}

		if (this.inputDone && this.pipeline.sending > 0 && !this.waitingForStages) {
			// An async onSend still holds some: look again once they are through (one may be dropped,
			// so the connection's 'flushed' is not sure to come).
			this.waitingForStages = true;
			void this.pipeline.settled().then(() => {
				this.waitingForStages = false;
				this.checkAllSent();
			});
			return;
		}

		if (this.inputDone && this.connection.state === 'open' && this.connection.bufferedBytes === 0 && this.pipeline.sending === 0) {
			this.ending.allSent(this.answered, this.awaitingSent);
		}
	}

	// Output

	private onMessage(data: Buffer, isBinary: boolean): void {
		if (!this.pipeline.receive(new PipelineMessage(data, isBinary)) && !this.socketHolds.has('stages')) {
			this.holdSocket('stages');
			void this.pipeline.settled().then(() => {
				this.releaseSocket('stages');
			});
		}
	}

	/** Messages sent that await a reply. */
	private get awaitingSent(): number {
		return this.connection.stats.sentMessages - this.unawaited;
	}

	/** A received message, after the stages: printed (or what the hooks show instead), and counted. */
	private deliver(message: PipelineMessage): void {
		if (message.control || this.ending.countReached(this.received) || this.stageExit !== undefined) {
			return;
		}

		if (message.counted) {
			this.received++;
		}

		this.answered += message.answers;
		const {shown} = message;
		if (shown !== null) {
			const printed = shown ?? message;
			writeMessage(this.output, this.format, printed.data, printed.isBinary, this.io.now(), printed.badge === undefined ? undefined : {codec: printed.badge, ...printed.view, ...(printed.line === undefined ? {} : {line: printed.line}), ...(printed.fields === undefined ? {} : {fields: printed.fields})});
		}

		this.ending.messageReceived(this.received, this.awaitingSent, this.answered);
	}

	private onEvent(event: PipelineEvent): void {
		switch (event.type) {
			case 'open': {
				this.onOpen(event);
				break;
			}

			case 'ping': {
				this.onControl('ping', event.payload);
				break;
			}

			case 'pong': {
				this.onPong(event);
				break;
			}

			case 'close': {
				this.onClose(event);
				break;
			}

			case 'exit': {
				this.onStageExit(event.code);
				break;
			}
		}
	}

	private holdSocket(reason: 'stdout' | 'stages'): void {
		this.socketHolds.add(reason);
		this.connection.pause();
	}

	private releaseSocket(reason: 'stdout' | 'stages'): void {
		this.socketHolds.delete(reason);
		if (this.socketHolds.size === 0) {
			this.connection.resume();
		}
	}

	private onControl(type: 'ping' | 'pong', payload: Buffer, rtt?: number): void {
		if (!this.options.showControl) {
			return;
		}

		if (this.options.jsonl) {
			const record = payloadRecord(this.io.now(), 'in', type, payload);
			this.output.write(recordLine(rtt === undefined ? record : {...record, rtt: Number(rtt.toFixed(3))}, this.format.terminal));
		} else {
			this.note(`< ${type}${describePayload(payload)}${rtt === undefined ? '' : ` (round trip ${rtt.toFixed(1)} ms)`}`);
		}
	}

	private onPong({payload, rtt}: PongEvent): void {
		this.onControl('pong', payload, rtt);
	}

	private onOpen({protocol, extensions, attempt}: OpenEvent): void {
		// Now that the open has been through the stages (a protocol holds them until its handshake
		// is done; a hook's onOpen has sent what it sends), and before this connection's input.
		for (const line of this.initialMessages) {
			this.send(new PipelineMessage(line, false));
		}

		this.startInput();
		if (this.inputHeld) {
			this.inputHeld = false;
			this.resumeInput();
		}

		this.checkAllSent();
		const details = [protocol && `subprotocol ${escapeControl(protocol)}`, extensions && `extensions ${escapeControl(extensions)}`].filter(Boolean);
		this.verbose(`${attempt > 1 ? 'reconnected' : 'connected'} to ${this.connection.target.displayUrl}${details.length > 0 ? ` (${details.join(', ')})` : ''}`);
	}

	private stdoutGone(error: NodeJS.ErrnoException): void {
		if (error.code !== 'EPIPE') {
			this.note(`cannot write to stdout: ${error.message}`);
		}

		// Nobody is reading: no reason to go on. Closing is our choice, so the run is clean.
		// Reading resumes (into nothing) so that the server's answer to the close is seen.
		this.stopInput();
		this.socketHolds.clear();
		this.connection.resume();
		this.close();
	}

	private note(line: string): void {
		this.io.stderr.write(`wsterm: ${line}\n`);
	}

	private verbose(line: string): void {
		if (this.options.verbose) {
			this.note(line);
		}
	}

	// Ending

	private close(code = 1000, reason = ''): void {
		if (this.closing) {
			return;
		}

		this.closing = true;
		const close = (): void => {
			this.connection.close(code, reason);
		};

		// The stages say goodbye first (STOMP's DISCONNECT, until its RECEIPT), for a bounded time.
		if (this.connection.state === 'open') {
			this.pipeline.closing(close);
		} else {
			close();
		}
	}

	/** ctx.exit, or the --until message was printed: no more input, close, exit with `code`. */
	private onStageExit(code: number): void {
		if (this.stageExit !== undefined || this.finished) {
			return;
		}

		this.stageExit = code;
		this.stopInput();
		this.ending.stop();
		if (this.connection.state === 'open') {
			this.close();
		} else if (this.connection.state !== 'closing') {
			this.closing = true;
			this.connection.terminate();
			this.finish(code);
		}
	}

	/** The exit code of a run that ended before the --until message came: 4, with a line saying so. */
	private untilMissed(what: string): number | undefined {
		if (!this.options.until || this.stageExit !== undefined || this.signalExit !== undefined || this.output.gone) {
			return undefined;
		}

		this.note(`the --until message did not come before ${what}`);
		return exitCodes.expectedMissing;
	}

	private onClose({code, reason, byUs, fault, willReconnect}: CloseEvent): void {
		const shownReason = reason === '' ? '' : `: ${escapeControl(reason)}`;
		if (this.options.jsonl) {
			this.output.write(recordLine(closeRecord(this.io.now(), byUs ? 'out' : 'in', code, reason), this.format.terminal));
		} else if (this.options.showControl) {
			this.note(`${byUs ? '>' : '<'} close ${describeCloseCode(code)}${shownReason}`);
		}

		if (willReconnect) {
			this.note(`connection lost (${fault ?? describeCloseCode(code)}${fault === undefined ? shownReason : ''}); reconnecting`);
			return;
		}

		if (fault !== undefined) {
			this.note(code === 1006 ? `dropped the connection: ${fault}` : `closed the connection with ${describeCloseCode(code)}: ${fault}`);
			this.finish(this.untilMissed('the connection dropped') ?? exitCodes.dropped);
			return;
		}

		if (!byUs && !isCleanClose(code)) {
			this.note(code === 1006
				? `connection dropped (${describeCloseCode(code)}${shownReason})`
				: `server closed the connection with ${describeCloseCode(code)}${shownReason}`);
			this.finish(this.untilMissed('the connection ended') ?? exitCodes.dropped);
			return;
		}

		this.verbose(`closed with ${describeCloseCode(code)}${shownReason}`);
		const missed = this.untilMissed(this.endReason === 'wait' ? 'the -w time ran out' : 'the connection closed');
		if (missed !== undefined || this.stageExit !== undefined) {
			this.finish(missed ?? this.stageExit!);
			return;
		}

		let exitCode = this.output.gone ? exitCodes.ok : this.ending.exitCode(this.received);
		if (exitCode === exitCodes.ok && this.endReason !== 'count' && this.signalExit === undefined && this.pipeline.sending > 0) {
			// Lines a stage still held (a protocol's handshake never finished): the protocol's connection never opened.
			exitCode = exitCodes.connectFailed;
		}

		if (exitCode === exitCodes.countNotReached && this.signalExit === undefined) {
			this.note(`${this.received} of the ${this.options.count!} messages asked for (-n) came before ${this.endReason === 'wait' ? 'the -w time ran out' : 'the connection closed'}`);
		}

		this.finish(exitCode);
	}

	private onConnectError(failure: ConnectFailure): void {
		if (this.signalExit !== undefined) {
			this.verbose(`could not connect: ${failure.message}`);
			return;
		}

		this.note(`could not connect to ${this.connection.target.displayUrl}: ${failure.message}`);
		this.finish(exitCodes.connectFailed);
	}

	private readonly onSigint = (): void => {
		this.onSignal(exitCodes.sigint);
	};

	private readonly onSigterm = (): void => {
		this.onSignal(exitCodes.sigterm);
	};

	private onSignal(code: number): void {
		if (this.signalExit !== undefined || this.finished) {
			// A second signal: stop waiting for the close handshake or for stdout.
			this.signalExit ??= code;
			this.settle(this.signalExit);
			return;
		}

		this.signalExit = code;
		this.stopInput();
		this.ending.stop();
		const {state} = this.connection;
		if (state === 'open') {
			this.close();
		} else if (state !== 'closing') {
			// Nothing to close politely yet: give up on the handshake (or the wait to reconnect).
			this.note(`interrupted while ${state === 'connecting' ? 'connecting to' : 'waiting to reconnect to'} ${this.connection.target.displayUrl}`);
			this.closing = true;
			this.connection.terminate();
			this.finish(code);
		}
	}

	/** The run is over: flush stdout, then resolve. */
	private finish(code: number): void {
		if (this.finished) {
			return;
		}

		this.finished = true;
		this.ending.stop();
		this.io.stdin.pause();
		this.output.finish(() => {
			this.settle(this.signalExit ?? code);
		});
	}

	private settle(code: number): void {
		this.io.signals.off('SIGINT', this.onSigint);
		this.io.signals.off('SIGTERM', this.onSigterm);
		this.resolve(code);
	}
}
