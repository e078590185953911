/*
The state of an interactive session, changed only by `sessionReducer`: the entries of the message
pane (bounded by --scrollback), the connection as the status bar shows it, the scroll position,
the display toggles, the opens (for /save), and how the session will end. Connection events arrive in batches (one
action per frame), so that a flood costs one state change per frame, not one per message.
The state's shape, its events and actions, and its start are in state.ts (light enough for the
first frame); the rows' shape is entry.ts; /save's records are saved-records.ts. All are exported
here too: this is the model's entry.
*/
import {isCleanClose} from '../connection/close-codes.js';
import {exitCodes} from '../shared/exit-codes.js';
import {plural} from '../shared/escape-text.js';
import type {Entry} from './entry.js';
import {searchableText} from './message-format.js';
import {type Anchor, fillWindow, isAtEnd, type Rows, scrollBy} from './scroll-window.js';
import type {ConnectionStats} from '../connection/connection.js';
import {createSession, type Measure, type Opened, secondsUntil, type Session, type SessionAction, type SessionEvent, type ShownMessage, type View} from './state.js';

export type {Emphasis, Entry, EntryKind} from './entry.js';
export {
	createSession, type Link, type Measure, type Opened, secondsUntil, type Session, type SessionAction, type SessionEvent, type ShownMessage, type View,
} from './state.js';
export {type SaveTarget, sessionRecords} from './saved-records.js';

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
				opens: [...laterOpens(state), {time, protocol: event.protocol, seq: state.nextSeq + added.length, queued: sent > 0 ? pendingSeqs(state, added) : []}],
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

/** The opens /save still needs: the one the first entry belongs to, and those after it. */
function laterOpens({opens, entries, nextSeq}: Session): readonly Opened[] {
	const first = entries[0]?.seq ?? nextSeq;
	const from = opens.findLastIndex(open => open.seq <= first);
	return from <= 0 ? opens : opens.slice(from);
}

/** The seqs of the entries waiting to be sent, those kept and those about to be added. */
function pendingSeqs(state: Session, added: readonly NewEntry[]): number[] {
	return [
		...state.entries.filter(entry => entry.delivery === 'pending').map(entry => entry.seq),
		...added.flatMap((entry, index) => entry.delivery === 'pending' ? [state.nextSeq + index] : []),
	];
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

export type SessionStart = {
	readonly limit: number;
	/** The rows of the start (notes, `connecting to URL`), dated `time`. */
	readonly notes: readonly string[];
	readonly time: number;
	/** The connection's events since it started, while the UI loaded; none when there was no wait. */
	readonly backlog: readonly SessionEvent[];
	readonly stats: ConnectionStats;
};

/**
The session as the UI first draws it: its start rows, then what the connection did while the UI
loaded. Built before any key is read, so that a line typed during the load meets the connection's
state as it is (a message typed after a drop waits, and is never counted as sent by an earlier open).
*/
export function startingSession({limit, notes, time, backlog, stats}: SessionStart): Session {
	let session = createSession({limit, state: 'connecting'});
	for (const text of notes) {
		session = sessionReducer(session, {type: 'notice', kind: 'info', text, time});
	}

	return backlog.length === 0 ? session : sessionReducer(session, {type: 'events', events: backlog, stats});
}

