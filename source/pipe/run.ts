/*
Pipe mode: stdin's lines become messages, received messages become stdout's lines, and the exit
code says how the run ended. This folder owns the run (run.ts), its input (input-feed.ts over
input.ts's splitter; argument-bytes.ts for -x's bytes as typed), its output (output.ts), when it closes by itself (ending.ts) and what it
says on stderr and exits with (report.ts). It may import connection/, pipeline/, codecs/' types
and shared/; never cli/, ui/, session/, serve/ or replay/.
*/
import type {Clock} from '../shared/clock.js';
import {escapeControl} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import {closeRecord, payloadRecord} from '../shared/event-record.js';
import {interruptGraceMs, onInterrupt} from '../shared/interrupt.js';
import type {Io} from '../shared/io.js';
import type {StdoutLoss} from '../shared/stdout-loss.js';
import type {CloseEvent, Connection, OpenEvent, PongEvent} from '../connection/connection.js';
import {interruptedWhile} from '../connection/events.js';
import {PipelineMessage} from '../pipeline/message.js';
import {createPipeline, type Pipeline} from '../pipeline/pipeline.js';
import type {PipelineEvent, StageFactory} from '../pipeline/stage.js';
import {defaultLinger, type EndReason, EndingRules} from './ending.js';
import {InputFeed, type PipeMessage, stdinProblem} from './input-feed.js';
import {describePayload, type OutputFormat, OutputWriter, recordLine, writeMessage} from './output.js';
import {
	closeFrameLine, closeOutcome, connectedLine, connectErrorOutcome, connectingLine, finalExitCode, type Outcome, reconnectingLine, type RunEnd,
} from './report.js';

export type {PipeMessage} from './input-feed.js';
export {ArgumentBytes} from './argument-bytes.js';

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

/**
Pipe mode: stdin's lines become messages, received messages become stdout's lines.
Resolves with the exit code once the connection has closed and stdout has taken everything.
*/
export async function runPipe(connection: Connection, options: PipeOptions, io: Pick<Io, 'stdin' | 'stdout' | 'stderr' | 'signals' | 'clock'>): Promise<number> {
	const problem = options.readStdin ? stdinProblem(io.stdin) : undefined;
	if (problem !== undefined) {
		io.stderr.write(`wsterm: ${problem}\n`);
		return exitCodes.usage;
	}

	return new Promise<number>(resolve => {
		new PipeRun(connection, options, io, resolve).start();
	});
}

type Socket = 'stdout' | 'stages';

/** One run of pipe mode: the input, the output and the ending rules, wired to the connection through the pipeline. */
class PipeRun {
	private readonly output: OutputWriter;
	private readonly format: OutputFormat;
	private readonly input: InputFeed;
	private readonly ending: EndingRules;
	private readonly pipeline: Pipeline;
	/** The -I messages, sent through the stages on each open (none: there are no stages, the connection sends them). */
	private readonly initialMessages: readonly string[];
	/** Why reading from the socket is paused: stdout is full, the stages are behind. */
	private readonly socketHolds = new Set<Socket>();
	private received = 0;
	/** Replies received (a protocol stage says which messages answer a request; else every counted one). */
	private answered = 0;
	/** Messages sent that await no reply (a protocol's handshake or pong): left out of the ending rules' count. */
	private unawaited = 0;
	private waitingForStages = false;
	/** A message came after -n's last one: not printed, so a stage's exit after it (--until matched it) does not count. */
	private pastCount = false;
	/** The run ended while an attempt to connect was under way, and dropped it. */
	private attemptDropped = false;
	/** stdout has gone: the close frame is sent, its answer not waited for. */
	private dropAfterCloseFrame = false;
	private closing = false;
	private finished = false;
	private signalExit: number | undefined;
	/** A stage ended the run (ctx.exit, the --until message came) with this code. */
	private stageExit: number | undefined;
	private endReason: EndReason | undefined;
	/** Stops listening for SIGINT and SIGTERM. */
	private stopInterrupt: () => void = () => undefined;

	constructor(
		private readonly connection: Connection,
		private readonly options: PipeOptions,
		private readonly io: Pick<Io, 'stdin' | 'stdout' | 'stderr' | 'signals' | 'clock'>,
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
			onGone: loss => {
				this.stdoutGone(loss);
			},
		});
		this.input = new InputFeed(io.stdin, options, {
			send: message => this.send(message),
			canSend: () => !this.finished && this.connection.writable,
			note: line => {
				this.note(line);
			},
			ended: () => {
				this.checkAllSent();
			},
		});
		this.ending = new EndingRules(options, io.clock, reason => {
			this.endReason = reason;
			if (reason === 'count') {
				this.input.stopSending();
			}

			// Requests a protocol still awaits when --linger ran out: named, and the run exits 4.
			const unanswered = reason === 'quiet' ? this.pipeline.unanswered() : [];
			if (unanswered.length > 0) {
				this.note(`no answer came before --linger ran out to: ${unanswered.join(', ')}`);
				this.onStageExit(exitCodes.expectedMissing);
				return;
			}

			this.close();
		});
		this.pipeline = this.linkPipeline(options.stages ?? [], io.clock);
		this.initialMessages = this.pipeline.names.length > 0 ? connection.takeInitialMessages() : [];
	}

	start(): void {
		this.stopInterrupt = onInterrupt(this.io.signals, {
			graceful: code => {
				this.onSignal(code);
			},
			// A second signal, or the close is taking too long: stop waiting for the close handshake or for stdout.
			immediate: code => {
				this.settle(code);
			},
		}, {clock: this.io.clock, graceMs: interruptGraceMs});
		this.listen();
		// With stages, input waits until the open has been through them, so that what a hook sends
		// in onOpen (an auth message) goes before the first line; without, lines queue before the open.
		if (this.pipeline.names.length === 0) {
			this.input.start();
		}

		this.connection.connect();
	}

	/** The pipeline between this run and the connection: what comes out at its two ends. */
	private linkPipeline(stages: readonly StageFactory[], clock: Clock): Pipeline {
		return createPipeline(stages, {
			deliver: message => {
				this.deliver(message);
			},
			event: event => {
				this.onEvent(event);
			},
			transmit: message => {
				// Counted here, not when given to the pipeline: a stage may refuse a line (--encode), and
				// refused lines never reach the socket, so no 'flushed' would come to count them down.
				this.input.transmitted();
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
				this.io.stderr.write(`${line}\n`);
			},
			error: line => {
				this.note(line);
			},
		}, {clock});
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
			if (event.willReconnect && this.initialMessages.length > 0) {
				this.input.holdForReconnect();
			}

			this.pipeline.event({type: 'close', ...event});
		});
		connection.on('connect-error', failure => {
			this.conclude(connectErrorOutcome(failure, connection.target, this.runEnd));
		});
		// A close follows every such error, and its line says what went wrong: the raw one only with -v.
		connection.on('error', error => {
			this.verbose(`error: ${escapeControl(error.message)}`);
		});
		connection.on('connecting', attempt => {
			this.verbose(connectingLine(attempt, connection.target));
		});
		connection.on('reconnecting', event => {
			const {line, verboseOnly} = reconnectingLine(event);
			if (verboseOnly) {
				this.verbose(line);
			} else {
				this.note(line);
			}
		});
		connection.on('drain', () => {
			this.input.resume();
		});
		connection.on('flushed', () => {
			this.input.flushed();
			this.checkAllSent();
		});
	}

	// Sending

	/** Sends a message of ours through the pipeline; false: wait for 'drain' (or the stages). */
	private send(message: PipelineMessage): boolean {
		if (this.pipeline.send(message)) {
			return true;
		}

		void this.pipeline.settled().then(() => {
			this.input.resume();
			this.checkAllSent();
		});
		return false;
	}

	/** Once the input has ended and all of it is on the socket, the ending rules take over. */
	private checkAllSent(): void {
		const inputDone = this.input.done;
		if (inputDone && this.pipeline.sending > 0 && this.options.wait !== undefined && this.connection.state === 'open') {
			// -w bounds the run from the end of input even while a stage holds lines (a protocol's
			// handshake that never finishes): those not sent when it runs out are said at the close.
			this.ending.allSent(this.answered, this.awaitingSent);
		}

		if (inputDone && this.pipeline.sending > 0 && !this.waitingForStages) {
			// An async onSend still holds some: look again once they are through (one may be dropped,
			// so the connection's 'flushed' is not sure to come).
			this.waitingForStages = true;
			void this.pipeline.settled().then(() => {
				this.waitingForStages = false;
				this.checkAllSent();
			});
			return;
		}

		if (inputDone && this.connection.state === 'open' && this.connection.bufferedBytes === 0 && this.pipeline.sending === 0) {
			this.ending.allSent(this.answered, this.awaitingSent);
		}
	}

	/** Messages sent that await a reply. */
	private get awaitingSent(): number {
		return this.connection.stats.sentMessages - this.unawaited;
	}

	// Receiving

	private onMessage(data: Buffer, isBinary: boolean): void {
		if (!this.pipeline.receive(new PipelineMessage(data, isBinary)) && !this.socketHolds.has('stages')) {
			this.holdSocket('stages');
			void this.pipeline.settled().then(() => {
				this.releaseSocket('stages');
			});
		}
	}

	/** A received message, after the stages: printed (or what the hooks show instead), and counted. */
	private deliver(message: PipelineMessage): void {
		if (message.control || this.stageExit !== undefined) {
			return;
		}

		if (this.ending.countReached(this.received)) {
			this.pastCount = true;
			return;
		}

		if (message.counted) {
			this.received++;
		}

		this.answered += message.answers;
		const {shown} = message;
		if (shown !== null) {
			const printed = shown ?? message;
			writeMessage(this.output, this.format, printed.data, printed.isBinary, this.io.clock.wallNow(), printed.badge === undefined ? undefined : {codec: printed.badge, ...printed.view, ...(printed.line === undefined ? {} : {line: printed.line}), ...(printed.fields === undefined ? {} : {fields: printed.fields})});
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

	private onOpen(event: OpenEvent): void {
		// Now that the open has been through the stages (a protocol holds them until its handshake
		// is done; a hook's onOpen has sent what it sends), and before this connection's input.
		for (const line of this.initialMessages) {
			this.send(new PipelineMessage(line, false));
		}

		this.input.start();
		this.input.releaseAfterOpen();
		this.checkAllSent();
		this.verbose(connectedLine(event, this.connection.target));
	}

	private holdSocket(reason: Socket): void {
		this.socketHolds.add(reason);
		this.connection.pause();
	}

	private releaseSocket(reason: Socket): void {
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
			const record = payloadRecord(this.io.clock.wallNow(), 'in', type, payload);
			this.output.write(recordLine(rtt === undefined ? record : {...record, rtt: Number(rtt.toFixed(3))}, this.format.terminal));
		} else {
			this.note(`< ${type}${describePayload(payload)}${rtt === undefined ? '' : ` (round trip ${rtt.toFixed(1)} ms)`}`);
		}
	}

	private onPong({payload, rtt}: PongEvent): void {
		this.onControl('pong', payload, rtt);
	}

	private stdoutGone({failureLine}: StdoutLoss): void {
		if (failureLine !== undefined) {
			this.note(failureLine);
		}

		// Nobody is reading: no reason to go on. Closing is our choice, so the run is clean. The
		// close frame (1000) goes, but its answer is not waited for: it may queue behind megabytes
		// of replies the server still sends, and nothing of them could be shown.
		this.input.stop();
		this.socketHolds.clear();
		this.connection.resume();
		this.dropAfterCloseFrame = true;
		if (this.closing) {
			this.dropSoon();
		} else {
			this.close();
		}
	}

	/** Drops the socket once the close frame handed to it has been written (the writes of this tick leave together). */
	private dropSoon(): void {
		this.io.clock.setTimeout(() => {
			this.connection.terminate();
		}, 0);
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
			if (this.dropAfterCloseFrame) {
				this.dropSoon();
			}
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
		// After a message -n left unprinted, the exit is about that message: -n has ended the run.
		if (this.stageExit !== undefined || this.finished || this.pastCount) {
			return;
		}

		this.stageExit = code;
		this.input.stop();
		this.ending.stop();
		if (this.connection.state === 'open') {
			this.close();
		} else if (this.connection.state !== 'closing') {
			this.abandon(code);
		}
	}

	private onClose(event: CloseEvent): void {
		if (this.attemptDropped && event.byUs) {
			return;
		}

		if (this.options.jsonl) {
			this.output.write(recordLine(closeRecord(this.io.clock.wallNow(), event.byUs ? 'out' : 'in', event.code, event.reason), this.format.terminal));
		} else if (this.options.showControl) {
			this.note(closeFrameLine(event));
		}

		if (event.fault !== undefined && this.finished && this.stageExit !== undefined) {
			// A stage ended the run on hearing of the broken connection (Socket.IO's Engine.IO 3 turned away): its line said why.
			return;
		}

		this.conclude(closeOutcome(event, this.runEnd));
	}

	/** What the run knows, for the lines and the exit code at its end. */
	private get runEnd(): RunEnd {
		return {
			verbose: this.options.verbose,
			until: this.options.until === true,
			count: this.options.count,
			received: this.received,
			endReason: this.endReason,
			signalExit: this.signalExit,
			stageExit: this.stageExit,
			stdoutGone: this.output.gone,
			endingExitCode: this.ending.exitCode(this.received),
			stagesHolding: this.pipeline.sending > 0,
			sent: this.awaitingSent,
			answered: this.answered,
			linger: this.options.linger ?? defaultLinger,
		};
	}

	/** Says the outcome's lines; ends the run when it has an exit code. */
	private conclude({notes, exitCode}: Outcome): void {
		for (const line of notes) {
			this.note(line);
		}

		if (exitCode !== undefined) {
			this.finish(exitCode);
		}
	}

	/** The first SIGINT or SIGTERM: no more input, close politely, flush stdout, exit with `code`. */
	private onSignal(code: number): void {
		this.signalExit = code;
		if (this.finished) {
			// Only stdout was left to flush: stop waiting for it.
			this.settle(code);
			return;
		}

		this.input.stop();
		this.ending.stop();
		const {state} = this.connection;
		if (state === 'open') {
			this.close();
		} else if (state !== 'closing') {
			// Nothing to close politely yet: give up on the handshake (or the wait to reconnect).
			this.note(interruptedWhile(state, this.connection.target.displayUrl));
			this.abandon(code);
		}
	}

	/**
	No connection is open to close politely (it is connecting, or waiting to reconnect, or has
	closed): the run ends with `code`, and an attempt under way is dropped.
	*/
	private abandon(code: number): void {
		this.closing = true;
		const {state} = this.connection;
		// The close the connection reports for an attempt that never opened says nothing (no "closed with 1006").
		this.attemptDropped = state === 'connecting' || state === 'reconnecting';
		this.connection.terminate();
		this.finish(code);
	}

	/** The run is over: flush stdout, then resolve. */
	private finish(code: number): void {
		if (this.finished) {
			return;
		}

		this.finished = true;
		this.ending.stop();
		this.input.pause();
		this.output.finish(() => {
			this.settle(finalExitCode(code, {signalExit: this.signalExit, stdoutFailed: this.output.failed}));
		});
	}

	private settle(code: number): void {
		this.stopInterrupt();
		this.resolve(code);
	}
}
