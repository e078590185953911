/*
The message object of the pipeline: what every stage (hooks, recording, codecs, protocols) and
every consumer (pipe mode's printer, --jsonl, the session, serve) reads. Received messages arrive
as a Buffer, messages to send often as a string; each form is made from the other only when someone
asks for it, so passing a message through costs no copies.

`data`/`isBinary` are the payload as it is (or will be) on the wire; stages never change them on a
received message, they add what they found with `annotate()` (the recorder, after them, writes the
wire form; display and --jsonl read the annotations and never parse again).
*/
/**
What `ctx.send` and the like take: a string is a text message, a Buffer (or any typed array or
ArrayBuffer) a binary one, and anything else is sent as JSON text.
*/
export type Sendable = string | Buffer | ArrayBufferView | ArrayBuffer | unknown;

/** How a decoded message is shown: pipe mode's output and --jsonl (and the session, later). */
export type DecodedView = {
	/** The value as one line of JSON (codecs/json-view.ts's rule): plain output and --jsonl's `decoded`. */
	readonly json: string;
	/** gzip and deflate: plain output prints this payload as a received message instead. */
	readonly payload?: {readonly data: Buffer; readonly isBinary: boolean};
};

/** What stages add to a message; each field is set by the stage named in its comment. */
export type Annotations = {
	/** Codec / protocol stage: the payload decoded (a msgpack value, a Socket.IO event's arguments...). */
	readonly decoded?: unknown | undefined;
	/** Codec stage (--decode): how the decoded value is shown (display and --jsonl read it, never decoding again). */
	readonly view?: DecodedView | undefined;
	/** Codec / protocol stage: a short name shown next to the message and written as `codec` by --jsonl (`msgpack`, `socket.io`). */
	readonly badge?: string | undefined;
	/**
	Hooks stage (onMessage's outcome): undefined, show the message as usual; null, hide it (it is
	still counted and recorded); a message, show that instead.
	*/
	readonly shown?: PipelineMessage | null | undefined;
	/** Hooks stage: a `--reply` rule answered it (serve: so it is not echoed as well). */
	readonly replied?: boolean | undefined;
	/**
	Protocol stage: a packet of the protocol's own. Received (Engine.IO ping, connection_ack): it
	goes on to the recorder only; hooks and the consumer skip it. Sent on its own (a handshake, a
	pong, a SUBSCRIBE): the session shows no row for it.
	*/
	readonly control?: boolean | undefined;
	/** Protocol stage: false, a received message that -n does not count (a JSON-RPC notification). */
	readonly counted?: boolean | undefined;
	/** Protocol stage: how many requests sent a received message answers (default: 1 if counted, else 0). */
	readonly answers?: number | undefined;
	/** Protocol stage: false, a message sent that awaits no answer (a handshake, a pong). */
	readonly awaitsReply?: boolean | undefined;
	/** Protocol stage: for a message it hides (shown: null), a few words the session shows in a quiet row (graphql-ws's `complete`). */
	readonly note?: string | undefined;
	/** Protocol stage: the line pipe mode prints for this message instead of its payload. */
	readonly line?: string | undefined;
	/** Protocol stage: fields added to the message's --jsonl record (`rttMs`, `request`). */
	readonly fields?: Readonly<Record<string, unknown>> | undefined;
	/**
	Protocol stage: the received message asks for an answer (a Socket.IO event emitted with a
	callback). Hooks may give it (`message.ack(...)`); the hooks stage gives the default answer
	once they are done, and without hooks the protocol stage answers at once.
	*/
	readonly acknowledgement?: Acknowledgement | undefined;
	/**
	Protocol stage: a message made from part of a received frame (one response of a JSON-RPC
	batch): the recorder skips it, the frame itself having gone past as a control message.
	*/
	readonly derived?: boolean | undefined;
	/**
	The consumer: a message to send that is a template whatever the flags say (a profile's saved
	message, `--message`, `/send`); the template stage fills in its variables.
	*/
	readonly template?: boolean | undefined;
};

/** An answer a received message asks for (see Annotations.acknowledgement). */
export type Acknowledgement = {
	/** It was answered (by a hook, or by default). */
	readonly answered: boolean;
	/** Answers with these arguments; throws when it was answered already. */
	answer(args: readonly unknown[]): void;
};

const unparsed = Symbol('unparsed');

export class PipelineMessage {
	readonly isBinary: boolean;
	#data: Buffer | undefined;
	#text: string | undefined;
	#parsed: unknown = unparsed;
	#annotations: Annotations | undefined;

	constructor(payload: Buffer | string, isBinary: boolean) {
		this.isBinary = isBinary;
		if (typeof payload === 'string') {
			this.#text = payload;
		} else {
			this.#data = payload;
		}
	}

	/** See Annotations. */
	get decoded(): unknown {
		return this.#annotations?.decoded;
	}

	/** See Annotations. */
	get badge(): string | undefined {
		return this.#annotations?.badge;
	}

	/** See Annotations. */
	get view(): DecodedView | undefined {
		return this.#annotations?.view;
	}

	/** See Annotations. */
	get shown(): PipelineMessage | null | undefined {
		return this.#annotations?.shown;
	}

	/** See Annotations. */
	get control(): boolean {
		return this.#annotations?.control ?? false;
	}

	/** See Annotations. */
	get counted(): boolean {
		return this.#annotations?.counted ?? true;
	}

	/** See Annotations. */
	get answers(): number {
		return this.#annotations?.answers ?? (this.counted ? 1 : 0);
	}

	/** See Annotations. */
	get awaitsReply(): boolean {
		return this.#annotations?.awaitsReply ?? true;
	}

	/** See Annotations. */
	get note(): string | undefined {
		return this.#annotations?.note;
	}

	/** See Annotations. */
	get line(): string | undefined {
		return this.#annotations?.line;
	}

	/** See Annotations. */
	get fields(): Readonly<Record<string, unknown>> | undefined {
		return this.#annotations?.fields;
	}

	/** See Annotations. */
	get acknowledgement(): Acknowledgement | undefined {
		return this.#annotations?.acknowledgement;
	}

	/** For hooks: answers the acknowledgement the message asks for (undefined when it asks for none). */
	get ack(): ((...args: unknown[]) => void) | undefined {
		const acknowledgement = this.#annotations?.acknowledgement;
		return acknowledgement === undefined ? undefined : (...args: unknown[]) => {
			acknowledgement.answer(args);
		};
	}

	/** See Annotations. */
	get derived(): boolean {
		return this.#annotations?.derived ?? false;
	}

	/** See Annotations. */
	get template(): boolean {
		return this.#annotations?.template ?? false;
	}

	/** See Annotations. */
	get replied(): boolean {
		return this.#annotations?.replied ?? false;
	}

	/**
	Adds what a stage found, keeping what earlier stages added. Each message passes through each
	stage once, in order, so a stage annotates the message it was given rather than copying it.
	*/
	annotate(annotations: Annotations): this {
		this.#annotations = {...this.#annotations, ...annotations};
		return this;
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

	/** The text parsed as JSON; for a message a codec decoded, its value (gzip and deflate: their text, parsed). */
	json(): unknown {
		const view = this.#annotations?.view;
		if (view?.payload === undefined && this.#annotations?.decoded !== undefined) {
			return this.#annotations.decoded;
		}

		if (this.#parsed === unparsed) {
			const text = view?.payload === undefined ? this.text : view.payload.isBinary ? undefined : view.payload.data.toString();
			try {
				this.#parsed = text === undefined ? undefined : JSON.parse(text) as unknown;
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
		throw new TypeError(`${what}: cannot send this value as JSON (${(error as Error).message})`, {cause: error});
	}

	if (json === undefined) {
		throw new TypeError(`${what}: cannot send ${typeof value} (give a string, a Buffer or a JSON value)`);
	}

	return new PipelineMessage(json, false);
}
