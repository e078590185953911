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

/**
`protocol` names the protocol in lines (`graphql-ws`); `awaited` what the server did not send
(`connection_ack`), `waiting` the same for a close (`before connection_ack`).
*/
export function handshakeWatch(link: StageLink, {protocol, awaited, waiting}: {readonly protocol: string; readonly awaited: string; readonly waiting: string}, {timeout, clock}: HandshakeLimit): HandshakeWatch {
	let open = false;
	let finished = false;
	/** A handshake finished on an earlier connection: this is a reconnect. */
	let everFinished = false;
	/** This connection's failure was said already (a refusal, the timeout). */
	let reported = false;
	let timer: NodeJS.Timeout | undefined;
	const stopTimer = (): void => {
		if (timer !== undefined) {
			clock!.clearTimeout(timer);
			timer = undefined;
		}
	};

	// The lines held (until the handshake finishes) are all those still in the stages.
	const held = (): number => link.sending ?? 0;
	const notSent = (): string => `${held()} ${held() === 1 ? 'line' : 'lines'} not sent`;
	return {
		opened() {
			open = true;
			finished = false;
			reported = false;
			stopTimer();
			if (timeout === undefined || clock === undefined) {
				return;
			}

			timer = clock.setTimeout(() => {
				timer = undefined;
				if (!open || finished) {
					return;
				}

				const why = `no ${awaited} from the ${protocol} server within the connect timeout (--connect-timeout ${timeout})`;
				if (everFinished) {
					link.drop(why);
					return;
				}

				reported = true;
				link.error(`${why}${held() > 0 ? `: ${notSent()}` : ''}`);
				link.exit(exitCodes.connectFailed);
			}, timeout * 1000);
		},
		done() {
			finished = true;
			everFinished = true;
			stopTimer();
		},
		refused() {
			reported = true;
			stopTimer();
		},
		closed({byUs, willReconnect}) {
			const wasOpen = open;
			open = false;
			stopTimer();
			if (!wasOpen || finished || willReconnect) {
				return;
			}

			if (byUs) {
				// Our close (-w ran out, a signal, after a refusal or the timeout, whose line said it).
				if (held() > 0 && !reported) {
					link.error(`${notSent()}: the ${protocol} handshake did not finish`);
				}

				return;
			}

			if (!reported) {
				link.error(`the ${protocol} server closed the connection ${waiting}${held() > 0 ? `: ${notSent()}` : ''}`);
			}

			link.exit(exitCodes.connectFailed);
		},
	};
}
