/*
A protocol's part of one bench connection (--protocol graphql-ws, socketio): its handshake, which
is part of connecting (the connection counts as opened, and its connect time ends, when the
handshake finished), and its own messages the connection answers or drops (pings, the handshake's
packets). BenchSocket calls it on open and on each message, before the matcher (match.ts), which
pairs the replies. One file per protocol (graphql-session.ts, socketio-session.ts), loaded only
when its protocol is asked for (run.ts's loadProtocolSessions); none of them loads a protocol library.
*/
import type {ConnectFailure} from '../connection/connect-failure.js';

/** What a session may do on its connection. */
export type SessionLink = {
	/** Sends a text frame of the protocol's own (connection_init, pong). */
	readonly send: (text: string) => void;
	/** The handshake finished: the connection counts as opened now. */
	readonly ready: () => void;
	/** The server refused the handshake: a connect failure, `reason` saying why in one line. */
	readonly refuse: (reason: string) => void;
	/** The server ended the protocol's session after it opened: the connection is dropped. */
	readonly drop: () => void;
};

export type ProtocolSession = {
	/** The WebSocket opened: the handshake starts. */
	readonly opened: () => void;
	/** A message received; true when it is the protocol's own (the handshake, a ping), which the matcher does not see. */
	readonly receive: (data: Buffer, isBinary: boolean) => boolean;
};

/** How the failure lines name the handshake: `protocol` (graphql-ws), what did not come (`connection_ack`), when a close came (`before connection_ack`). */
export type HandshakeNames = {readonly protocol: string; readonly awaited: string; readonly waiting: string};

/** A run's sessions: one started on each connection. */
export type ProtocolSessions = {
	readonly names: HandshakeNames;
	/** --connect-timeout, in seconds: how long the handshake may take once the WebSocket opened. */
	readonly timeoutSeconds: number;
	readonly start: (link: SessionLink) => ProtocolSession;
	/** What a failure to connect may mean for this protocol (Socket.IO: another path), as pipe mode says it. */
	readonly explainFailure?: (failure: ConnectFailure) => ConnectFailure;
};
