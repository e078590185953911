/*
A protocol's handshake (graphql-ws's connection_ack, Socket.IO's namespace join, STOMP's
CONNECTED) is part of connecting: it is bounded by --connect-timeout, and a connection that ends
before it finished never connected (exit 1), whoever closed it. Once a handshake has finished, a
later connection's (after --reconnect) that runs out of time is dropped as a failed attempt, the
way a reconnect that cannot connect is, rather than ending the run. Lines held until it finishes and
never sent are said in one line. Each protocol stage keeps one watch for all its connections.
*/
import type {Clock} from '../shared/clock.js';
import type {CloseEvent} from '../connection/events.js';
import {exitCodes} from '../shared/exit-codes.js';
import type {StageLink} from '../pipeline/stage.js';

export type HandshakeLimit = {
	/** Seconds the handshake may take after the open (--connect-timeout); none: unbounded. */
	readonly timeout?: number;
	/** The timer of that bound. */
	readonly clock?: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
};

export type HandshakeWatch = {
	/** The WebSocket opened: the handshake starts (and its timer). */
	opened(): void;
	/** The handshake finished. */
	done(): void;
	/** The server refused the handshake (its error line said so): no more lines about it. */
	refused(): void;
	/** The connection closed: before the handshake finished, says so and ends the run with exit 1. */
	closed(event: CloseEvent): void;
};

/** What a protocol's lines call its handshake: `protocol` names it (`graphql-ws`), `awaited` what the server did not send (`connection_ack`), `waiting` the same for a close (`before connection_ack`). */
export type HandshakeNames = {readonly protocol: string; readonly awaited: string; readonly waiting: string};

export function handshakeWatch(link: StageLink, names: HandshakeNames, limit: HandshakeLimit): HandshakeWatch {
	return new Watch(link, names, limit);
}

class Watch implements HandshakeWatch {
	readonly #link: StageLink;
	readonly #names: HandshakeNames;
	readonly #limit: HandshakeLimit;
	#open = false;
	#finished = false;
	/** A handshake finished on an earlier connection: this is a reconnect. */
	#everFinished = false;
	/** This connection's failure was said already (a refusal, the timeout). */
	#reported = false;
	#timer: NodeJS.Timeout | undefined;

	constructor(link: StageLink, names: HandshakeNames, limit: HandshakeLimit) {
		this.#link = link;
		this.#names = names;
		this.#limit = limit;
	}

	opened(): void {
		this.#open = true;
		this.#finished = false;
		this.#reported = false;
		this.#stopTimer();
		const {timeout, clock} = this.#limit;
		if (timeout !== undefined && clock !== undefined) {
			this.#timer = clock.setTimeout(() => {
				this.#timer = undefined;
				this.#timedOut(timeout);
			}, timeout * 1000);
		}
	}

	done(): void {
		this.#finished = true;
		this.#everFinished = true;
		this.#stopTimer();
	}

	refused(): void {
		this.#reported = true;
		this.#stopTimer();
	}

	closed({byUs, willReconnect}: CloseEvent): void {
		const wasOpen = this.#open;
		this.#open = false;
		this.#stopTimer();
		if (!wasOpen || this.#finished || willReconnect) {
			return;
		}

		const {protocol, waiting} = this.#names;
		if (byUs) {
			// Our close (-w ran out, a signal, after a refusal or the timeout, whose line said it).
			if (this.#held() > 0 && !this.#reported) {
				this.#link.error(`${this.#notSent()}: the ${protocol} handshake did not finish`);
			}

			return;
		}

		if (!this.#reported) {
			this.#link.error(`the ${protocol} server closed the connection ${waiting}${this.#held() > 0 ? `: ${this.#notSent()}` : ''}`);
		}

		this.#link.exit(exitCodes.connectFailed);
	}

	#timedOut(timeout: number): void {
		if (!this.#open || this.#finished) {
			return;
		}

		const why = `no ${this.#names.awaited} from the ${this.#names.protocol} server within the connect timeout (--connect-timeout ${timeout})`;
		if (this.#everFinished) {
			this.#link.drop(why);
			return;
		}

		this.#reported = true;
		this.#link.error(`${why}${this.#held() > 0 ? `: ${this.#notSent()}` : ''}`);
		this.#link.exit(exitCodes.connectFailed);
	}

	#stopTimer(): void {
		if (this.#timer !== undefined) {
			this.#limit.clock!.clearTimeout(this.#timer);
			this.#timer = undefined;
		}
	}

	/** The lines held (until the handshake finishes): all those still in the stages. */
	#held(): number {
		return this.#link.sending ?? 0;
	}

	#notSent(): string {
		return `${this.#held()} ${this.#held() === 1 ? 'line' : 'lines'} not sent`;
	}
}
