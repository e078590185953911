/*
Pipe mode's input, started and stopped: the -x messages, then stdin cut into messages (input.ts),
handed to the pipeline only as fast as the socket takes them. Stdin pauses while the socket is
full or too many messages are in flight, while the connection reconnects (so that the -I messages
go first on the new one), and for good once the run sends no more.
*/
import {isUtf8} from 'node:buffer';
import {fstatSync} from 'node:fs';
import type {Readable} from 'node:stream';
import {PipelineMessage} from '../pipeline/message.js';
import {MessageSplitter} from './input.js';

/** A message given on the command line (`-x`), ready to send. */
export type PipeMessage = {
	readonly data: Buffer | string;
	readonly isBinary: boolean;
	/** The typed bytes were not UTF-8: the text holds U+FFFD in their place (said once on stderr). */
	readonly replacedInvalidUtf8?: boolean;
	/** A saved message (--message): a template whatever the flags say (the template stage fills it in). */
	readonly template?: boolean;
};

export type InputOptions = {
	/** Send stdin's messages as binary, byte for byte. */
	readonly binary: boolean;
	/** Split stdin on NUL instead of line feeds. */
	readonly nullSeparated: boolean;
	/** Read messages from stdin (false when `-x` gives them). */
	readonly readStdin: boolean;
	readonly execute: readonly PipeMessage[];
};

/** What the input needs of the run. */
export type InputLink = {
	/** Sends a message through the pipeline; false: send no more until 'drain' (or the stages). */
	readonly send: (message: PipelineMessage) => boolean;
	/** The socket takes more now: the connection is writable and the run is not over. */
	readonly canSend: () => boolean;
	/** A line for stderr. */
	readonly note: (line: string) => void;
	/** The input has ended (read to its end, or reading failed). */
	readonly ended: () => void;
};

/**
What makes stdin no source of messages, said before connecting: a directory (`wsterm URL < dir`)
reads as empty in Node, and the run would end cleanly having sent nothing.
*/
export function stdinProblem(stdin: Readable): string | undefined {
	const {fd} = stdin as {fd?: unknown};
	if (typeof fd !== 'number') {
		return undefined;
	}

	try {
		return fstatSync(fd).isDirectory() ? 'stdin is a directory: give messages on stdin from a file or a pipe (wsterm URL < FILE), or with -x' : undefined;
	} catch {
		return undefined;
	}
}

/**
Messages handed to the socket and not yet written, at most: with bytes alone as the bound, a
million one-byte lines would all be in flight at once, each with its frame and callback.
*/
const maxMessagesInFlight = 1024;

export class InputFeed {
	private readonly splitter: MessageSplitter;
	private lineNumber = 0;
	private warnedInvalidUtf8 = false;
	/** Messages sent since everything was last written to the socket. */
	private sentSinceFlushed = 0;
	private started = false;
	private isDone = false;
	/** Stdin waits while the connection reconnects. */
	private held = false;
	/** No more input is sent: -n was reached, a signal came, a stage ended the run, or stdout has gone. */
	private stopped = false;
	private resumeScheduled = false;

	constructor(
		private readonly stdin: Readable,
		private readonly options: InputOptions,
		private readonly link: InputLink,
	) {
		this.splitter = new MessageSplitter(
			{separator: options.nullSeparated ? 0 : 10, stripCr: !options.nullSeparated && !options.binary},
			message => this.sendLine(message),
		);
	}

	/** All of the input has been handed to the pipeline (or reading it failed). */
	get done(): boolean {
		return this.isDone;
	}

	/** Sends the -x messages, then reads stdin; once only. */
	start(): void {
		if (this.started) {
			return;
		}

		this.started = true;
		// Counted among -x's messages (--message's saved ones come before them).
		const replaced = this.options.execute.filter(message => message.template !== true).findIndex(message => message.replacedInvalidUtf8 === true);
		if (replaced !== -1) {
			this.link.note(`-x message ${replaced + 1} is not valid UTF-8: invalid bytes replaced with U+FFFD (--binary sends bytes as they are)`);
		}

		for (const message of this.options.execute) {
			const sent = new PipelineMessage(message.data, message.isBinary);
			this.link.send(message.template === true ? sent.annotate({template: true}) : sent);
		}

		if (this.options.readStdin) {
			this.readStdin();
		} else {
			this.isDone = true;
		}
	}

	/** One message went to the socket (counted there: a stage may refuse a line, which never reaches it). */
	transmitted(): void {
		this.sentSinceFlushed++;
	}

	/** Everything sent has been written to the socket. */
	flushed(): void {
		this.sentSinceFlushed = 0;
		this.resume();
	}

	/**
	Reads on, if nothing holds the input back, once the event loop has turned. Not at once: the
	socket's write callbacks that say "flushed" run before control returns to the event loop, and
	reading on from them would send stdin's next messages in the same turn, and the next, for as
	long as stdin has data (`yes |`): received messages would not be printed, nor timers run, for
	seconds. Waiting a turn also lets stdin's pause stop its reading.
	*/
	resume(): void {
		if (this.resumeScheduled) {
			return;
		}

		this.resumeScheduled = true;
		setImmediate(() => {
			this.resumeScheduled = false;
			this.readOn();
		});
	}

	private readOn(): void {
		if (this.stopped || this.held || !this.link.canSend() || this.sentSinceFlushed >= maxMessagesInFlight) {
			return;
		}

		if (!this.splitter.holding || this.splitter.pump()) {
			this.stdin.resume();
		}
	}

	/** The connection is reconnecting and has -I messages to send first: stdin waits for the open. */
	holdForReconnect(): void {
		if (this.options.readStdin) {
			this.held = true;
			this.stdin.pause();
		}
	}

	/** The connection (re)opened and its -I messages are sent: stdin goes on. */
	releaseAfterOpen(): void {
		if (this.held) {
			this.held = false;
			this.resume();
		}
	}

	/** No more input is sent; what stdin still brings is dropped. */
	stopSending(): void {
		this.stopped = true;
	}

	/** No more input is sent, and stdin is no longer read. */
	stop(): void {
		this.stopped = true;
		this.stdin.pause();
	}

	/** The run is over: stdin is no longer read. */
	pause(): void {
		this.stdin.pause();
	}

	private readStdin(): void {
		const {stdin} = this;
		stdin.on('data', (chunk: Buffer) => {
			if (!this.stopped && !this.splitter.push(chunk)) {
				stdin.pause();
			}
		});
		stdin.on('end', () => {
			if (!this.stopped) {
				this.splitter.end();
			}

			this.end();
		});
		stdin.on('error', error => {
			this.link.note(`cannot read stdin: ${error.message}`);
			this.end();
		});
	}

	private end(): void {
		this.isDone = true;
		this.link.ended();
	}

	/** Sends one line of stdin; false when no more should be sent until 'drain' or 'flushed'. */
	private sendLine(line: Buffer): boolean {
		if (this.stopped) {
			return false;
		}

		this.lineNumber++;
		let data: Buffer | string = line;
		if (!this.options.binary && !isUtf8(line)) {
			if (!this.warnedInvalidUtf8) {
				this.warnedInvalidUtf8 = true;
				this.link.note(`message ${this.lineNumber} is not valid UTF-8: invalid bytes replaced with U+FFFD (--binary sends bytes as they are)`);
			}

			data = line.toString();
		}

		const writable = this.link.send(new PipelineMessage(data, this.options.binary));
		return writable && this.sentSinceFlushed < maxMessagesInFlight;
	}
}
