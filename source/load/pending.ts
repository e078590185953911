/*
The requests one connection sent that are not settled yet, oldest first, in a ring of typed arrays:
nothing is allocated per message, and the ring only grows (doubling) when more are in flight than
ever before. Requests go in in send order, so their sequence numbers increase along the ring
(binary search finds one) and so do their start times (the timeout sweep stops at the first
request still in time). A request answered out of order is marked in place and dropped once it
reaches the front.
*/

const initialCapacity = 16;

export class PendingRequests {
	#sequence = new Float64Array(initialCapacity);
	/** When the request's latency starts: its send time (closed loop) or its scheduled time (open loop); NaN once settled. */
	#startedAt = new Float64Array(initialCapacity);
	/** Which message of the set it carries. */
	#message = new Int32Array(initialCapacity);
	#mask = initialCapacity - 1;
	#head = 0;
	/** Slots from the head, settled ones in the middle included. */
	#length = 0;
	#waiting = 0;

	/** Requests not settled yet. */
	get waiting(): number {
		return this.#waiting;
	}

	add(sequence: number, startedAt: number, message: number): void {
		if (this.#length > this.#mask) {
			this.#grow();
		}

		const slot = (this.#head + this.#length) & this.#mask;
		this.#sequence[slot] = sequence;
		this.#startedAt[slot] = startedAt;
		this.#message[slot] = message;
		this.#length++;
		this.#waiting++;
	}

	/** The position (from the oldest) of the oldest request waiting, or -1. */
	oldest(): number {
		return this.#waiting === 0 ? -1 : 0;
	}

	/** The position of the waiting request with this sequence number, or -1. */
	findSequence(sequence: number): number {
		let low = 0;
		let high = this.#length - 1;
		while (low <= high) {
			const middle = (low + high) >>> 1;
			const found = this.#sequence[(this.#head + middle) & this.#mask]!;
			if (found === sequence) {
				return Number.isNaN(this.#startedAt[(this.#head + middle) & this.#mask]!) ? -1 : middle;
			}

			if (found < sequence) {
				low = middle + 1;
			} else {
				high = middle - 1;
			}
		}

		return -1;
	}

	/** The position of the oldest waiting request whose message `equals` says yes to, or -1 (for echoes). */
	findMessage(equals: (message: number) => boolean): number {
		for (let position = 0; position < this.#length; position++) {
			const slot = (this.#head + position) & this.#mask;
			if (!Number.isNaN(this.#startedAt[slot]!) && equals(this.#message[slot]!)) {
				return position;
			}
		}

		return -1;
	}

	messageAt(position: number): number {
		return this.#message[(this.#head + position) & this.#mask]!;
	}

	/** Settles the request at `position`; returns when its latency started. */
	settle(position: number): number {
		const slot = (this.#head + position) & this.#mask;
		const startedAt = this.#startedAt[slot]!;
		this.#startedAt[slot] = Number.NaN;
		this.#waiting--;
		this.#dropSettledFront();
		return startedAt;
	}

	/** Settles, oldest first, every request that started at or before `deadline`; returns how many. */
	expire(deadline: number): number {
		let expired = 0;
		while (this.#length > 0 && this.#startedAt[this.#head]! <= deadline) {
			this.#startedAt[this.#head] = Number.NaN;
			this.#waiting--;
			expired++;
			this.#dropSettledFront();
		}

		return expired;
	}

	/** Settles every request; returns how many were waiting. */
	clear(): number {
		const waiting = this.#waiting;
		this.#head = 0;
		this.#length = 0;
		this.#waiting = 0;
		return waiting;
	}

	#dropSettledFront(): void {
		while (this.#length > 0 && Number.isNaN(this.#startedAt[this.#head]!)) {
			this.#head = (this.#head + 1) & this.#mask;
			this.#length--;
		}

		if (this.#length === 0) {
			this.#head = 0;
		}
	}

	#grow(): void {
		const capacity = (this.#mask + 1) * 2;
		const sequence = new Float64Array(capacity);
		const startedAt = new Float64Array(capacity);
		const message = new Int32Array(capacity);
		for (let position = 0; position < this.#length; position++) {
			const slot = (this.#head + position) & this.#mask;
			sequence[position] = this.#sequence[slot]!;
			startedAt[position] = this.#startedAt[slot]!;
			message[position] = this.#message[slot]!;
		}

		this.#sequence = sequence;
		this.#startedAt = startedAt;
		this.#message = message;
		this.#mask = capacity - 1;
		this.#head = 0;
	}
}
