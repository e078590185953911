/*
The state of an interactive session, changed only by `sessionReducer`: the entries of the message
pane (bounded by --scrollback), the connection as the status bar shows it, the scroll position,
the display toggles, and how the session will end. Connection events arrive in batches (one
action per frame), so that a flood costs one state change per frame, not one per message.
*/
import {isCleanClose} from '../connection/close-codes.js';
import type {ConnectionState, ConnectionStats} from '../connection/connection.js';
import {exitCodes} from '../shared/exit-codes.js';
import {plural} from '../shared/escape-text.js';
import {closeRecord, type EventRecord, openRecord, payloadRecord} from '../shared/event-record.js';
import {searchableText} from './message-format.js';
import {type Anchor, fillWindow, isAtEnd, type Rows, scrollBy} from './scroll-window.js';

export type EntryKind = 'text' | 'binary' | 'ping' | 'pong' | 'close' | 'error' | 'info';

/** One row of the message pane. */
export type Entry = {
	/** Increases by one per entry over the whole session; identifies the entry when scrolled back. */
	readonly seq: number;
	/** Wall-clock milliseconds. */
	readonly time: number;
	/** `local`: said by wsterm itself (notices, errors). */
	readonly dir: 'in' | 'out' | 'local';
	readonly kind: EntryKind;
	/** A text message, or the words of a notice. */
	readonly text?: string;
	/** A binary message, or a ping/pong payload. */
	readonly bytes?: Buffer;
	/** Payload size in bytes. */
	readonly size: number;
	readonly code?: number;
	readonly reason?: string;
	/** The round trip a pong answered (or a protocol's response: JSON-RPC, a Socket.IO ack), in milliseconds. */
	readonly rtt?: number;
	/** A message typed while not connected: waiting to be sent, or never sent. */
	readonly delivery?: 'pending' | 'unsent';
	/** The codec that decoded (or encoded) it: shown before the content. */
	readonly badge?: string;
	/** The bytes on the wire when what is shown is a codec's or a protocol's view of them (/save writes these). */
	readonly wire?: Buffer;
	/** `wire` was a text message (a protocol's frame); else binary. */
	readonly wireText?: true;
	/** A protocol's error response (error: the row stands out), or a message it hid, said in a few words (quiet). */
	readonly emphasis?: Emphasis;
};

export type Emphasis = 'error' | 'quiet';

/** How a message from the pipeline is shown: its content, and what the stages found (see session-pipeline.ts). */
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
	| {readonly type: 'pong'; readonly payload: Buffer; readonly rtt: number | undefined; readonly keepalive?: boolean}
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
		control: {in: 0, out: 0},
		received: 0,
	};
}

/** Whole seconds until `at`, rounded up: the row and the status bar count the same way. */
export function secondsUntil(at: number, now: number): number {
	return Math.max(0, Math.ceil((at - now) / 1000));
}

type NewEntry = Omit<Entry, 'seq'>;

function append(state: Session, added: readonly NewEntry[]): Session {
	if (added.length === 0) {
		return state;
	}

	let seq = state.nextSeq;
	const numbered = added.map(entry => ({...entry, seq: seq++}));
	// concat copies the way memcpy does; a spread of a 150,000-entry scrollback took twice as long.
	const all = state.entries.length === 0 ? numbered : state.entries.concat(numbered);
	const over = Math.max(0, all.length - state.limit);
	return {
		...state,
		entries: over > 0 ? all.slice(over) : all,
		nextSeq: seq,
		dropped: state.dropped + over,
		unseen: state.view.follow ? 0 : state.unseen + added.length,
	};
}

function setDelivery(entries: readonly Entry[], delivery: Entry['delivery']): Entry[] {
	return entries.map(entry => entry.delivery === 'pending' ? {...entry, delivery} : entry);
}

function applyEvent(state: Session, event: SessionEvent, added: NewEntry[]): Session {
	const {time} = event;
	const link = state.link;
	switch (event.type) {
		case 'connecting': {
			return {...state, link: {...link, state: 'connecting', attempt: event.attempt, reconnectAt: undefined}};
		}

		case 'open': {
			const sent = state.pending;
			if (link.reconnects > 0) {
				added.push({time, dir: 'local', kind: 'info', text: `reconnected (attempt ${link.reconnects})`, size: 0});
			}

			for (const text of event.initial ?? []) {
				added.push({time, dir: 'out', kind: 'text', text, size: Buffer.byteLength(text)});
			}

			if (sent > 0) {
				added.push({time, dir: 'local', kind: 'info', text: `sent ${plural(sent, 'queued message')}`, size: 0});
			}

			return {
				...state,
				// The connection sends its queue before it reports the open.
				entries: sent > 0 ? setDelivery(state.entries, undefined) : state.entries,
				pending: 0,
				exitCode: undefined,
				opened: true,
				link: {...link, state: 'open', attempt: event.attempt, protocol: event.protocol, extensions: event.extensions, closeCode: undefined, closeReason: '', reconnectAt: undefined, failure: undefined},
			};
		}

		case 'message': {
			added.push(messageEntry(event, 'in'));
			return {...state, received: state.received + 1};
		}

		case 'hidden': {
			return {...state, received: state.received + 1};
		}

		case 'sent': {
			added.push({...messageEntry(event, 'out'), ...(event.pending ? {delivery: 'pending' as const} : {})});
			return event.pending ? {...state, pending: state.pending + 1} : state;
		}

		case 'control': {
			return {...state, control: {...state.control, [event.dir]: state.control[event.dir] + 1}};
		}

		case 'note': {
			added.push({time, dir: 'local', kind: event.kind, text: event.text, size: 0});
			return state;
		}

		case 'exit': {
			return state.exitRequest === undefined ? {...state, exitRequest: event.code} : state;
		}

		case 'ping': {
			added.push({time, dir: 'in', kind: 'ping', bytes: event.payload, size: event.payload.length});
			return state;
		}

		case 'pong': {
			if (event.keepalive !== true) {
				added.push({time, dir: 'in', kind: 'pong', bytes: event.payload, size: event.payload.length, ...(event.rtt === undefined ? {} : {rtt: event.rtt})});
			}

			return event.rtt === undefined ? state : {...state, link: {...link, rtt: event.rtt}};
		}

		case 'close': {
			// 1006 is never sent on the wire: the connection was dropped (by the network, or by wsterm
			// when no pong came), so the row is wsterm's own, not an incoming close.
			const dir = event.code === 1006 ? 'local' : (event.byUs ? 'out' : 'in');
			added.push({time, dir, kind: 'close', code: event.code, reason: event.reason, size: 0});
			const closed = {...state, link: {...link, state: event.willReconnect ? 'reconnecting' as const : 'closed' as const, closeCode: event.code, closeReason: event.reason}};
			if (event.willReconnect) {
				return closed;
			}

			// Quit before the first connection opened: it never connected (exit 1, as a failed connect).
			const quitWhileConnecting = !state.opened && event.byUs && event.fault === undefined && event.code === 1006;
			return {...closed, exitCode: quitWhileConnecting ? exitCodes.connectFailed : closedWell(event) ? exitCodes.ok : exitCodes.dropped};
		}

		case 'connect-error': {
			added.push({time, dir: 'local', kind: 'error', text: `could not connect: ${event.message}`, size: 0});
			// A reconnect attempt follows when the connection will retry (in the same batch: the
			// connection reports both at once); the exit code is undefined again then.
			return {...state, exitCode: exitCodes.connectFailed, link: {...link, state: 'closed', failure: event.message}};
		}

		case 'reconnecting': {
			const reconnects = event.attempt;
			const reconnectSeconds = secondsUntil(time + event.delay, time);
			const failed = event.failure === undefined ? '' : `could not connect: ${event.failure}; `;
			added.push({time, dir: 'local', kind: 'info', text: `${failed}reconnecting in ${reconnectSeconds} s (attempt ${reconnects})`, size: 0});
			return {
				...state,
				exitCode: undefined,
				link: {...link, state: 'reconnecting', attempt: event.attempt, reconnectAt: time + event.delay, reconnectSeconds, reconnects},
			};
		}

		case 'closing': {
			return {...state, link: {...link, state: 'closing'}};
		}

		case 'error': {
			added.push({time, dir: 'local', kind: 'error', text: event.message, size: 0});
			return state;
		}
	}
}

function messageEntry(event: {readonly time: number} & ShownMessage, dir: 'in' | 'out'): NewEntry {
	const {time, data, badge, wire, wireText, rtt, emphasis} = event;
	const entry: NewEntry = event.isBinary
		? {time, dir, kind: 'binary', bytes: data, size: wire?.length ?? data.length}
		: {time, dir, kind: 'text', text: data.toString(), size: wire?.length ?? data.length};
	// Without a codec or protocol (every message of a flood without pipeline flags), no copy.
	return badge === undefined && wire === undefined
		? entry
		: {
			...entry,
			...(badge === undefined ? {} : {badge}),
			...(wire === undefined ? {} : {wire}),
			...(wireText === undefined ? {} : {wireText}),
			...(rtt === undefined ? {} : {rtt}),
			...(emphasis === undefined ? {} : {emphasis}),
		};
}

/**
A close that ends the session well: a clean code, or one wsterm chose (/close 4000); not a drop
for want of pongs (1006) or a message over --max-payload (1009), whoever closed.
*/
export function closedWell({code, byUs, fault}: {readonly code: number; readonly byUs: boolean; readonly fault?: string}): boolean {
	return isCleanClose(code) || (byUs && fault === undefined && code !== 1006);
}

/** Messages waiting to be sent when the connection ends for good will never be sent. */
function unsent(state: Session, time: number, added: NewEntry[]): Pick<Session, 'entries' | 'pending' | 'unsent'> {
	if (state.pending === 0) {
		return {entries: state.entries, pending: 0, unsent: state.unsent};
	}

	added.push({time, dir: 'local', kind: 'error', text: `${plural(state.pending, 'queued message was', 'queued messages were')} not sent`, size: 0});
	return {entries: setDelivery(state.entries, 'unsent'), pending: 0, unsent: state.unsent + state.pending};
}

const shownCache = new WeakMap<readonly Entry[], {filter: string; prettyJson: boolean; shown: readonly Entry[]}>();

/**
The entries the pane shows: all, or those whose rows, as shown, contain the filter text (cached
per entries, filter and JSON mode).
*/
export function shownEntries(state: Pick<Session, 'entries' | 'filter' | 'prettyJson'>): readonly Entry[] {
	if (state.filter === '') {
		return state.entries;
	}

	const cached = shownCache.get(state.entries);
	if (cached?.filter === state.filter && cached.prettyJson === state.prettyJson) {
		return cached.shown;
	}

	const needle = state.filter.toLowerCase();
	const shown = state.entries.filter(entry => searchableText(entry, state.prettyJson).toLowerCase().includes(needle));
	shownCache.set(state.entries, {filter: state.filter, prettyJson: state.prettyJson, shown});
	return shown;
}

/** The index in `entries` of the last entry with a seq at most `seq` (0 when there is none). */
export function indexOfSeq(entries: readonly Entry[], seq: number): number {
	let low = 0;
	let high = entries.length - 1;
	let found = 0;
	while (low <= high) {
		const middle = (low + high) >>> 1;
		if (entries[middle]!.seq <= seq) {
			found = middle;
			low = middle + 1;
		} else {
			high = middle - 1;
		}
	}

	return found;
}

/** The bottom edge of the pane as an index into `shown`. */
export function anchorOf(view: View, shown: readonly Entry[]): Anchor {
	if (view.follow || shown.length === 0) {
		return {index: Math.max(0, shown.length - 1), cut: 0};
	}

	return {index: indexOfSeq(shown, view.seq), cut: view.cut};
}

export function rowsOf(shown: readonly Entry[], measure: Measure): Rows {
	return {count: shown.length, heightOf: index => measure(shown[index]!)};
}

export function sessionReducer(state: Session, action: SessionAction): Session {
	switch (action.type) {
		case 'events': {
			const added: NewEntry[] = [];
			let next = state;
			for (const event of action.events) {
				next = applyEvent(next, event, added);
			}

			// Queued messages are lost only when the connection ends for good, not when a retry
			// failed and another follows.
			if (next.link.state === 'closed' && next.pending > 0) {
				next = {...next, ...unsent(next, action.events.at(-1)!.time, added)};
			}

			return append({...next, stats: action.stats}, added);
		}

		case 'sent': {
			const {data, isBinary, time} = action;
			const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
			const delivery = action.pending ? {delivery: 'pending' as const} : {};
			const entry: NewEntry = isBinary || typeof data !== 'string'
				? {time, dir: 'out', kind: 'binary', bytes: Buffer.from(data), size, ...delivery}
				: {time, dir: 'out', kind: 'text', text: data, size, ...delivery};
			// Sending is a reason to look at the live end again.
			return append({...state, view: {follow: true}, unseen: 0, pending: state.pending + (action.pending ? 1 : 0), stats: action.stats ?? state.stats}, [entry]);
		}

		case 'ping-sent': {
			return append(state, [{time: action.time, dir: 'out', kind: 'ping', bytes: action.payload, size: action.payload.length}]);
		}

		case 'notice': {
			return append(state, [{time: action.time, dir: 'local', kind: action.kind, text: action.text, size: 0}]);
		}

		case 'scroll': {
			const shown = shownEntries(state);
			if (shown.length === 0) {
				return state;
			}

			const rows = rowsOf(shown, action.measure);
			const anchor = scrollBy(rows, fillWindow(rows, anchorOf(state.view, shown), action.height), action.lines, action.height);
			if (isAtEnd(rows, anchor)) {
				return {...state, view: {follow: true}, unseen: 0};
			}

			const entry = shown[anchor.index]!;
			return {...state, view: {follow: false, seq: entry.seq, cut: anchor.cut}, unseen: state.view.follow ? 0 : state.unseen};
		}

		case 'scroll-to-end': {
			return state.view.follow ? state : {...state, view: {follow: true}, unseen: 0};
		}

		case 'toggle-json': {
			return {...state, prettyJson: !state.prettyJson};
		}

		case 'filter': {
			return {...state, filter: action.text, view: {follow: true}, unseen: 0};
		}

		case 'clear': {
			return {...state, entries: [], view: {follow: true}, unseen: 0};
		}
	}
}



/**
The session as `/save` writes it: the records of `--record` (an `open` record first, when `open`
is given, so that `wsterm replay` reads it), messages as they were on the wire; notices are left out.
*/
export function sessionRecords(entries: readonly Entry[], open?: {readonly url: string; readonly protocol: string}): EventRecord[] {
	const records: EventRecord[] = [];
	if (open !== undefined) {
		records.push(openRecord(entries[0]?.time ?? 0, open.url, open.protocol));
	}

	for (const entry of entries) {
		if (entry.dir === 'local' || entry.delivery === 'unsent') {
			continue;
		}

		if (entry.wire !== undefined) {
			records.push(payloadRecord(entry.time, entry.dir, entry.wireText ? 'text' : 'binary', entry.wire));
		} else if (entry.kind === 'close') {
			records.push(closeRecord(entry.time, entry.dir, entry.code ?? 1005, entry.reason ?? ''));
		} else if (entry.kind === 'text') {
			records.push(payloadRecord(entry.time, entry.dir, 'text', Buffer.from(entry.text ?? '')));
		} else if (entry.kind === 'binary' || entry.kind === 'ping' || entry.kind === 'pong') {
			const record = payloadRecord(entry.time, entry.dir, entry.kind, entry.bytes ?? Buffer.alloc(0));
			records.push(entry.rtt === undefined ? record : {...record, rtt: Number(entry.rtt.toFixed(3))});
		}
	}

	return records;
}
