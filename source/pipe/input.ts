/*
Pipe mode's input: stdin's bytes cut into messages at a separator byte, handed to a sink only as
fast as it takes them. A chunk of 64 KiB can hold 32,768 one-byte lines; when the sink says
"full", the rest of the chunk waits here (and stdin is paused) instead of piling up further on.
*/

export type SplitOptions = {
	/** The byte that ends a message: 10 (line feed) or 0 (NUL). */
	readonly separator: number;
	/** Drop the CR of a CRLF line ending (text lines; never binary or NUL-separated input). */
	readonly stripCr: boolean;
};

/** Takes one message; returns false when it can take no more for now. */
export type MessageSink = (message: Buffer) => boolean;

export class MessageSplitter {
	private readonly options: SplitOptions;
	private readonly sink: MessageSink;
	/** The chunk being cut, and how far. */
	private held: Buffer | undefined;
	private offset = 0;
	/** The start of a message whose separator has not come yet, in pieces (joined once). */
	private partial: Buffer[] = [];

	constructor(options: SplitOptions, sink: MessageSink) {
		this.options = options;
		this.sink = sink;
	}

	/** Part of a chunk waits for the sink: call `pump()` when it can take more. */
	get holding(): boolean {
		return this.held !== undefined;
	}

	/** Cuts a chunk. Returns false when the sink filled up and part of the chunk is held. */
	push(chunk: Buffer): boolean {
		this.held = chunk;
		this.offset = 0;
		return this.pump();
	}

	/** Goes on cutting the held chunk. Returns false when the sink filled up again. */
	pump(): boolean {
		while (this.held !== undefined) {
			const chunk = this.held;
			const end = chunk.indexOf(this.options.separator, this.offset);
			if (end === -1) {
				if (this.offset < chunk.length) {
					this.partial.push(chunk.subarray(this.offset));
				}

				this.held = undefined;
				return true;
			}

			const message = this.messageEndingAt(chunk, end);
			this.offset = end + 1;
			if (this.offset === chunk.length) {
				this.held = undefined;
			}

			if (!this.sink(message)) {
				return false;
			}
		}

		return true;
	}

	/** The input has ended: everything held goes out, the last message without its separator too. */
	end(): void {
		while (this.held !== undefined) {
			this.pump();
		}

		if (this.partial.length > 0) {
			const last = Buffer.concat(this.partial);
			this.partial = [];
			this.sink(this.withoutCr(last));
		}
	}

	private messageEndingAt(chunk: Buffer, end: number): Buffer {
		let message = chunk.subarray(this.offset, end);
		if (this.partial.length > 0) {
			message = Buffer.concat([...this.partial, message]);
			this.partial = [];
		}

		return this.withoutCr(message);
	}

	private withoutCr(message: Buffer): Buffer {
		return this.options.stripCr && message.length > 0 && message.at(-1) === 13 ? message.subarray(0, -1) : message;
	}
}
