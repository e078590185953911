/** A message on its way out. */
export type Outgoing = {
	readonly data: Buffer | string;
	readonly isBinary: boolean;
	/** Its size in bytes. */
	readonly size: number;
};

/** What changed when bytes left or were dropped. */
export type Released = {
	/** Nothing is waiting any more. */
	readonly flushed: boolean;
	/** The buffer fell back under the low-water mark after `writable` had turned false. */
	readonly drained: boolean;
};

/**
The bytes a connection owes: messages queued before the open, and messages handed to the socket
but not yet written. Backpressure like a stream's: `writable` turns false above the high-water
mark and a drain is reported at half of it.
*/
export class SendQueue {
	private readonly highWaterMark: number;
	private readonly waiting: Outgoing[] = [];
	private pending = 0;
	private blocked = false;
	private currentGeneration = 0;

	constructor(highWaterMark: number) {
		this.highWaterMark = highWaterMark;
	}

	/** Bytes queued or in flight. */
	get bytes(): number {
		return this.pending;
	}

	/** Messages waiting for the connection to open. */
	get length(): number {
		return this.waiting.length;
	}

	/** Changes when the bytes in flight are dropped: a later release for them is ignored. */
	get generation(): number {
		return this.currentGeneration;
	}

	get writable(): boolean {
		return this.pending < this.highWaterMark;
	}

	/** Counts a message; returns false once the caller should wait for a drain. */
	add(message: Outgoing, queue: boolean): boolean {
		this.pending += message.size;
		if (queue) {
			this.waiting.push(message);
		}

		if (!this.writable) {
			this.blocked = true;
		}

		return !this.blocked;
	}

	/** Empties the queue of messages waiting for the open, in order. */
	takeWaiting(): Outgoing[] {
		return this.waiting.splice(0);
	}

	/** Bytes handed to the socket in `generation` were written (or lost with it). */
	release(size: number, generation: number): Released {
		if (generation !== this.currentGeneration) {
			return {flushed: false, drained: false};
		}

		this.pending -= size;
		return {flushed: this.pending === 0, drained: this.unblock(this.pending <= this.highWaterMark / 2)};
	}

	/** The connection is gone for good: nothing can be sent, every byte is released. */
	drop(): Released {
		this.waiting.length = 0;
		this.pending = 0;
		this.currentGeneration++;
		return {flushed: false, drained: this.unblock(true)};
	}

	private unblock(low: boolean): boolean {
		if (this.blocked && low) {
			this.blocked = false;
			return true;
		}

		return false;
	}
}
