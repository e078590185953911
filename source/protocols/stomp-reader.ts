/*
Reading STOMP frames from WebSocket messages, with @stomp/stompjs's parser: a message may hold a
frame, part of one (the next messages complete it), several, or heart-beats (line feeds). Guards
what the parser does badly: a frame too long to keep, a message that starts no frame (the parser
would take it as the start of the next one), and a body whose content-length is wrong.
*/
import type * as Stomp from '@stomp/stompjs';
import {escapeControl} from '../shared/escape-text.js';

/**
Largest frame read: @stomp/stompjs's parser keeps a frame byte by byte in an array (about 40 bytes
and 0.4 ms per kB of body), so a 100 MiB message would take minutes and gigabytes. Beyond this, a
frame (or the part of one received so far) is shown as received, with an error line.
*/
export const maxFrameBytes = 8 * 1024 * 1024;

/**
What a message held: its frames (none: a heart-beat, or part of a frame), or, not read, why (it is
shown as received).
*/
export type FramesRead =
	| {readonly frames: readonly Stomp.IRawFrameType[]}
	| {readonly unread: 'too long' | 'not a frame'};

export class StompFrameReader {
	readonly #Parser: typeof Stomp.Parser;
	readonly #error: (line: string) => void;
	#parser: Stomp.Parser;
	/** Frames (or heart-beats) the parser found in the message being read. */
	#found: Array<Stomp.IRawFrameType | 'heart-beat'> = [];
	/** Bytes given to the parser since it last completed a frame (a frame in parts). */
	#partial = 0;

	/** `error` says what went wrong in a message (an error line). */
	constructor(Parser: typeof Stomp.Parser, error: (line: string) => void) {
		this.#Parser = Parser;
		this.#error = error;
		this.#parser = this.#newParser();
	}

	/** A new connection: nothing of a frame in parts is kept. */
	reset(): void {
		this.#parser = this.#newParser();
		this.#partial = 0;
		this.#found = [];
	}

	read(data: Buffer, quoted: () => string): FramesRead {
		if (this.#partial + data.length > maxFrameBytes) {
			this.#error(`a STOMP frame over ${maxFrameBytes / 1024 / 1024} MiB (${this.#partial + data.length} B so far): not read, shown as received`);
			this.#parser = this.#newParser();
			this.#partial = 0;
			return {unread: 'too long'};
		}

		const onlyEols = data.every(byte => byte === 10 || byte === 13);
		if (this.#partial === 0 && !onlyEols && !startsFrame(data)) {
			// Not fed to the parser: it would take it as the start of the next frame.
			this.#error(`not a STOMP frame: shown as received: ${quoted()}`);
			return {unread: 'not a frame'};
		}

		const frames = this.#parse(data);
		if (frames.length > 0) {
			this.#partial = 0;
		} else if (!onlyEols) {
			this.#partial += data.length;
		}

		return {frames};
	}

	/** The frames the parser completed with `data`, a lone frame's body cut at its NUL if its content-length is wrong. */
	#parse(data: Buffer): Stomp.IRawFrameType[] {
		this.#found = [];
		this.#parser.parseChunk(data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer);
		const frames = this.#found.filter((item): item is Stomp.IRawFrameType => item !== 'heart-beat');
		this.#found = [];
		const cut = this.#partial === 0 && frames.length === 1 ? cutBody(data, frames[0]!) : undefined;
		if (cut !== undefined) {
			// The rest of the frame would leak into the next one: start again after it.
			this.#parser = this.#newParser();
			this.#error(`a STOMP ${escapeControl(frames[0]!.command ?? '')} frame's content-length (${cut.declared}) does not match its body (${cut.body.length} B before the NUL that ends it): read to the NUL`);
			frames[0]!.binaryBody = cut.body;
		}

		return frames;
	}

	#newParser(): Stomp.Parser {
		return new this.#Parser(raw => this.#found.push(raw), () => this.#found.push('heart-beat'));
	}
}

/** A message starts a STOMP frame: a command line (after heart-beats' line feeds). */
function startsFrame(data: Buffer): boolean {
	return /^[\r\n]*[A-Z]{1,20}\r?\n/.test(data.subarray(0, 64).toString('latin1'));
}

/**
A frame read whole from one message whose content-length says other than its bytes (stomp-broker-js
counts characters, not bytes): its body as the bytes up to the NUL that ends the message, with what
the header said; undefined when the header is right, absent, or the message is not one plain frame.
*/
function cutBody(data: Buffer, frame: Stomp.IRawFrameType): {readonly body: Uint8Array; readonly declared: number} | undefined {
	const header = frame.headers.find(([key]) => key === 'content-length');
	const declared = header === undefined ? Number.NaN : Number(header[1]);
	const text = data.toString('latin1');
	const blank = /\r?\n\r?\n/.exec(text);
	if (!Number.isInteger(declared) || declared < 0 || blank === null) {
		return undefined;
	}

	const rest = data.subarray(blank.index + blank[0].length);
	let end = rest.length;
	while (end > 0 && (rest[end - 1] === 10 || rest[end - 1] === 13)) {
		end--;
	}

	if (end === 0 || rest[end - 1] !== 0 || end - 1 === declared) {
		return undefined;
	}

	return {body: new Uint8Array(rest.subarray(0, end - 1)), declared};
}
