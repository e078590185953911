/*
The message object of the pipeline: what hooks (and later codecs and protocols) read. Received
messages arrive as a Buffer, messages to send often as a string; each form is made from the other
only when someone asks for it, so passing a message through costs no copies.
*/
import type {HookMessage, Sendable} from './types.js';

const unparsed = Symbol('unparsed');

export class PipelineMessage implements HookMessage {
	readonly isBinary: boolean;
	#data: Buffer | undefined;
	#text: string | undefined;
	#parsed: unknown = unparsed;

	constructor(payload: Buffer | string, isBinary: boolean) {
		this.isBinary = isBinary;
		if (typeof payload === 'string') {
			this.#text = payload;
		} else {
			this.#data = payload;
		}
	}

	get data(): Buffer {
		this.#data ??= Buffer.from(this.#text!);
		return this.#data;
	}

	get text(): string | undefined {
		if (this.isBinary) {
			return undefined;
		}

		this.#text ??= this.#data!.toString();
		return this.#text;
	}

	/** What to hand to the socket: the string for a text message made from one, else the bytes. */
	get payload(): Buffer | string {
		return this.isBinary || this.#text === undefined ? this.data : this.#text;
	}

	json(): unknown {
		if (this.#parsed === unparsed) {
			try {
				this.#parsed = this.isBinary ? undefined : JSON.parse(this.text!) as unknown;
			} catch {
				this.#parsed = undefined;
			}
		}

		return this.#parsed;
	}

	/** Shown by console.log and ctx.log as what it holds, not as its private fields. */
	[Symbol.for('nodejs.util.inspect.custom')](): object {
		return this.isBinary ? {isBinary: true, data: this.data} : {isBinary: false, text: this.text};
	}
}

export function createMessage(payload: Buffer | string, isBinary: boolean): PipelineMessage {
	return new PipelineMessage(payload, isBinary);
}

/**
A value a hook gave to send: a string is text, bytes are binary, anything else JSON text.
Throws a TypeError for what JSON cannot say (undefined, a function, a symbol).
*/
export function messageFrom(value: Sendable, what: string): PipelineMessage {
	if (typeof value === 'string') {
		return new PipelineMessage(value, false);
	}

	if (Buffer.isBuffer(value)) {
		return new PipelineMessage(value, true);
	}

	if (ArrayBuffer.isView(value)) {
		return new PipelineMessage(Buffer.from(value.buffer, value.byteOffset, value.byteLength), true);
	}

	if (value instanceof ArrayBuffer) {
		return new PipelineMessage(Buffer.from(value), true);
	}

	let json: string | undefined;
	try {
		json = JSON.stringify(value) as string | undefined;
	} catch (error) {
		throw new TypeError(`${what}: cannot send this value as JSON (${(error as Error).message})`);
	}

	if (json === undefined) {
		throw new TypeError(`${what}: cannot send ${typeof value} (give a string, a Buffer or a JSON value)`);
	}

	return new PipelineMessage(json, false);
}
