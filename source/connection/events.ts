import type {ConnectFailure} from './connect-failure.js';
import type {PongEvent} from './keepalive.js';

export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed' | 'reconnecting';

/** The line for a signal that came with no connection open to close: one still connecting, or one waiting to reconnect. */
export function interruptedWhile(state: ConnectionState, url: string): string {
	return `interrupted while ${state === 'connecting' ? 'connecting to' : 'waiting to reconnect to'} ${url}`;
}

export type OpenEvent = {
	readonly protocol: string;
	readonly extensions: string;
	/** 1 for the first connection, 2 for the first reconnect, ... */
	readonly attempt: number;
};

export type CloseEvent = {
	/** The code of the close frame: the one wsterm sent when `byUs`, else the peer's (1006: none). */
	readonly code: number;
	readonly reason: string;
	/** wsterm started the close (asked to, or because of a fault). */
	readonly byUs: boolean;
	/**
	Set when wsterm closed because something went wrong: a protocol error of the peer (1002,
	1007), a message over --max-payload (1009), no pong in time. Says what, in words.
	*/
	readonly fault?: string;
	readonly willReconnect: boolean;
};

export type ReconnectEvent = {
	/** Which reconnect this is since the last connection that lived: 1 for the first (its backoff step). */
	readonly attempt: number;
	/** Milliseconds until it starts. */
	readonly delay: number;
	/** Why the attempt before it failed, when it did not even open. */
	readonly failure?: ConnectFailure;
};

export type ConnectionStats = {
	sentMessages: number;
	sentBytes: number;
	receivedMessages: number;
	receivedBytes: number;
};

/** The events of a Connection and their arguments. */
export type Events = {
	connecting: [attempt: number];
	open: [event: OpenEvent];
	message: [data: Buffer, isBinary: boolean];
	ping: [payload: Buffer];
	pong: [event: PongEvent];
	/** The close handshake began (either side, or a fault): 'close' follows within the close timeout. */
	closing: [];
	close: [event: CloseEvent];
	/** Connecting failed for good: the first connection, or the last reconnect attempt allowed. */
	'connect-error': [failure: ConnectFailure];
	/** A reconnect is planned; `failure` says why the attempt before failed, if it did. */
	reconnecting: [event: ReconnectEvent];
	/** An error on an open connection (bad frame, payload too big ...); a close follows. */
	error: [error: Error];
	/** Queued and in-flight bytes fell back under the low-water mark. */
	drain: [];
	/** Everything handed to `send()` has been written to the socket. */
	flushed: [];
};
