/*
What the session sends, decided before it goes: whether a typed message may be sent or must
wait (and how many may wait), and the close, which goes through the pipeline's stages when there
are some so that a protocol says goodbye first (STOMP's DISCONNECT).
*/
import type {Connection, ConnectionState} from '../connection/connection.js';
import type {SessionMessagePath} from './message-path.js';

/** Messages typed while not connected that may wait for the connection. */
export const maxPending = 1000;

export type SendCheck =
	/** Not sent: the error row says why. */
	| {readonly refused: string}
	/** Sent, at once or (`waiting`) once the connection is open. */
	| {readonly refused?: undefined; readonly waiting: boolean};

export type SendFacts = {
	readonly state: ConnectionState;
	/** --reconnect: messages typed while reconnecting wait for the connection. */
	readonly reconnect: boolean;
	/** Messages the connection holds until it is open. */
	readonly queuedMessages: number;
	/** Lines a protocol holds until its handshake is done (a namespace joined). */
	readonly held: number;
};

/** Whether a typed message goes now, waits, or is refused. */
export function checkSend({state, reconnect, queuedMessages, held}: SendFacts): SendCheck {
	const waiting = state === 'connecting' || (state === 'reconnecting' && reconnect);
	if (state !== 'open' && !waiting) {
		return {refused: `not sent: the connection is ${state} (${state === 'closed' ? '/reconnect connects again; ' : ''}Up brings the line back)`};
	}

	// Lines a protocol holds wait as well, open or not.
	if ((waiting || held > 0) && queuedMessages + held >= maxPending) {
		return {refused: `not sent: ${maxPending} messages already wait for the ${held > 0 ? 'protocol\'s handshake' : 'connection'}`};
	}

	return {waiting};
}

/** Closes the connection, through the pipeline when there is one; returns why it cannot be (a code not allowed). */
export function closeThroughStages(connection: Pick<Connection, 'close'>, messagePath: Pick<SessionMessagePath, 'close'> | undefined, code: number, reason = ''): string | undefined {
	return messagePath === undefined ? connection.close(code, reason) : messagePath.close(code, reason);
}
