/*
What an interactive session holds (Session), what changes it (SessionEvent from the connection,
SessionAction from the UI), and how it starts. Types and the start only, nothing heavy: the first
frame (ui/start.ts) is drawn from a fresh session before the rest of the session is loaded.
The reducer that changes it is session.ts.
*/
import type {ConnectionState, ConnectionStats} from '../connection/connection.js';
import type {Emphasis, Entry} from './entry.js';

/** How a message from the pipeline is shown: its content, and what the stages found (see message-path.ts). */
export type ShownMessage = {
	readonly data: Buffer;
	readonly isBinary: boolean;
	readonly badge?: string;
	readonly wire?: Buffer;
	readonly wireText?: true;
	readonly rtt?: number;
	readonly emphasis?: Emphasis;
};

/** What the connection reported, in the order it happened, each with its time. */
export type SessionEvent = {readonly time: number} & (
	| {readonly type: 'connecting'; readonly attempt: number}
	/** `initial`: the -I messages, sent first on every open. */
	| {readonly type: 'open'; readonly protocol: string; readonly extensions: string; readonly attempt: number; readonly initial?: readonly string[]}
	| ({readonly type: 'message'} & ShownMessage)
	/** The pipeline sent a message (typed, or from a hook); `pending`: it waits for the connection. */
	| ({readonly type: 'sent'; readonly pending: boolean} & ShownMessage)
	/** A protocol's own packet (an Engine.IO ping, connection_ack, a pong sent): no row, not counted as a message. */
	| {readonly type: 'control'; readonly dir: 'in' | 'out'}
	/** A received message a hook hid: no row, but a message received. */
	| {readonly type: 'hidden'}
	/** A stage's line: ctx.log (info), a hook that threw (error). */
	| {readonly type: 'note'; readonly kind: 'info' | 'error'; readonly text: string}
	/** ctx.exit(code): the session quits with this code. */
	| {readonly type: 'exit'; readonly code: number}
	| {readonly type: 'ping'; readonly payload: Buffer}
	/** A keepalive pong (answering --ping-interval) updates the round trip but adds no row. */
	| {readonly type: 'pong'; readonly payload: Buffer; readonly rtt: number | undefined; readonly keepalive?: boolean | undefined}
	/** `fault`: wsterm closed it because something went wrong (no pong, a message too big, a bad frame). */
	| {readonly type: 'close'; readonly code: number; readonly reason: string; readonly byUs: boolean; readonly willReconnect: boolean; readonly fault?: string}
	| {readonly type: 'connect-error'; readonly message: string}
	/** `failure`: why the attempt before failed, when it did not even open. */
	| {readonly type: 'reconnecting'; readonly attempt: number; readonly delay: number; readonly failure?: string}
	/** The close handshake began, from either side. */
	| {readonly type: 'closing'}
	| {readonly type: 'error'; readonly message: string}
);

/** The connection as the status bar shows it. */
export type Link = {
	readonly state: ConnectionState;
	readonly attempt: number;
	readonly protocol: string;
	readonly extensions: string;
	/** Last ping round trip in milliseconds. */
	readonly rtt: number | undefined;
	readonly closeCode: number | undefined;
	readonly closeReason: string;
	/** When the next reconnect attempt starts (clock milliseconds). */
	readonly reconnectAt: number | undefined;
	/** The whole seconds the row announced for it: the countdown never shows more. */
	readonly reconnectSeconds?: number;
	/** Why the last attempt to connect failed. */
	readonly failure: string | undefined;
	/** Reconnect attempts since the connection was last open: the first reconnect is 1. */
	readonly reconnects: number;
};

/** A connection's open, for /save's `open` records: when, the subprotocol, and where among the entries. */
export type Opened = {
	/** Wall-clock milliseconds. */
	readonly time: number;
	readonly protocol: string;
	/** The seq of the first entry after the open. */
	readonly seq: number;
	/** The entries typed while not connected that went out at this open (their seqs). */
	readonly queued: readonly number[];
};

/** Following the live end, or scrolled back with entry `seq` at the bottom edge. */
export type View = {readonly follow: true} | {readonly follow: false; readonly seq: number; readonly cut: number};

export type Session = {
	readonly entries: readonly Entry[];
	readonly nextSeq: number;
	/** Most entries kept (--scrollback). */
	readonly limit: number;
	/** Entries dropped from the top to stay within `limit`. */
	readonly dropped: number;
	readonly link: Link;
	readonly stats: ConnectionStats;
	readonly view: View;
	/** Entries that arrived while scrolled back. */
	readonly unseen: number;
	readonly prettyJson: boolean;
	/** Show only entries containing this text ('' shows all). */
	readonly filter: string;
	/** Messages typed while not connected, waiting to be sent. */
	readonly pending: number;
	/** Messages typed while not connected that were never sent (the connection ended first). */
	readonly unsent: number;
	/** How the session would exit now; undefined while the connection lives or is being retried. */
	readonly exitCode: number | undefined;
	/** The connection was open at least once. */
	readonly opened: boolean;
	/** The opens of the connection, from the one the first entry belongs to (/save writes each). */
	readonly opens: readonly Opened[];
	/** A hook asked to quit with this exit code (ctx.exit). */
	readonly exitRequest?: number;
	/** The protocol's own packets (--protocol) each way: in the connection's counts, not shown as messages. */
	readonly control: {readonly in: number; readonly out: number};
	/**
	Messages received as the pipeline delivered them (shown or hidden; not control packets): with a
	protocol, what the status bar counts, as a frame may hold several (a JSON-RPC batch's answer).
	*/
	readonly received: number;
};

/** Measures an entry in screen lines at the current width and display mode. */
export type Measure = (entry: Entry) => number;

export type SessionAction =
	| {readonly type: 'events'; readonly events: readonly SessionEvent[]; readonly stats: ConnectionStats}
	/** `stats`: the connection's counters after the send (the status bar's ↑ counts it at once). */
	| {readonly type: 'sent'; readonly time: number; readonly data: string | Buffer; readonly isBinary: boolean; readonly pending: boolean; readonly stats?: ConnectionStats}
	| {readonly type: 'ping-sent'; readonly time: number; readonly payload: Buffer}
	| {readonly type: 'notice'; readonly time: number; readonly kind: 'info' | 'error'; readonly text: string}
	| {readonly type: 'scroll'; readonly lines: number; readonly height: number; readonly measure: Measure}
	| {readonly type: 'scroll-to-end'}
	| {readonly type: 'toggle-json'}
	| {readonly type: 'filter'; readonly text: string}
	| {readonly type: 'clear'};

export function createSession({limit, state = 'connecting'}: {readonly limit: number; readonly state?: ConnectionState}): Session {
	return {
		entries: [],
		nextSeq: 1,
		limit,
		dropped: 0,
		link: {state, attempt: 0, protocol: '', extensions: '', rtt: undefined, closeCode: undefined, closeReason: '', reconnectAt: undefined, failure: undefined, reconnects: 0},
		stats: {sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0},
		view: {follow: true},
		unseen: 0,
		prettyJson: false,
		filter: '',
		pending: 0,
		unsent: 0,
		exitCode: undefined,
		opened: false,
		opens: [],
		control: {in: 0, out: 0},
		received: 0,
	};
}

/** Whole seconds until `at`, rounded up: the row and the status bar count the same way. */
export function secondsUntil(at: number, now: number): number {
	return Math.max(0, Math.ceil((at - now) / 1000));
}
