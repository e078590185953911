/*
STOMP receipts: each SEND asks for one (its RECEIPT is the line's answer, and an ERROR naming it
says which SEND failed), and so does the DISCONNECT said at the end of a run (its RECEIPT says the
broker has every SEND: the close waits for it). One counter names them all: r-0, r-1...
*/
import {escapeControl} from '../shared/escape-text.js';
import {deferred, quote} from './stage-helpers.js';

/** A SEND awaiting its receipt: for the ERROR line that may answer it instead. */
export type Sent = {readonly destination: string; readonly body: string};

/** Receipts awaited at most: a receipt that never comes must not be kept forever. */
const maxPendingReceipts = 100_000;

export class StompReceipts {
	#next = 0;
	readonly #sent = new Map<string, Sent>();
	/** The DISCONNECT sent, until its RECEIPT (or the close) comes. */
	#disconnecting: {readonly receipt: string; readonly resolve: () => void} | undefined;

	/** A SEND to `destination` (its body as shown): the receipt it asks for. */
	send(destination: string, shown: string): string {
		const receipt = this.#newReceipt();
		if (this.#sent.size >= maxPendingReceipts) {
			this.#sent.delete(this.#sent.keys().next().value!);
		}

		this.#sent.set(receipt, {destination: escapeControl(destination), body: quote(shown)});
		return receipt;
	}

	/** The DISCONNECT's receipt, and a promise resolved when it comes (or the connection closes). */
	disconnect(): {readonly receipt: string; readonly done: Promise<void>} {
		const receipt = this.#newReceipt();
		const {promise, resolve} = deferred();
		this.#disconnecting = {receipt, resolve};
		return {receipt, done: promise};
	}

	/** A RECEIPT came: `goodbye`, it is the DISCONNECT's; `known`, it answers a SEND (forgotten now). */
	received(id: string): {readonly goodbye: boolean; readonly known: boolean} {
		const goodbye = id === this.#disconnecting?.receipt;
		if (goodbye) {
			this.#disconnecting!.resolve();
		}

		return {goodbye, known: this.#sent.delete(id)};
	}

	/** The SEND awaiting this receipt, if any. */
	about(id: string | undefined): Sent | undefined {
		return id === undefined ? undefined : this.#sent.get(id);
	}

	/** The connection opened or closed: a DISCONNECT awaits nothing more. */
	reset(): void {
		this.#disconnecting?.resolve();
		this.#disconnecting = undefined;
	}

	#newReceipt(): string {
		return `r-${this.#next++}`;
	}
}
