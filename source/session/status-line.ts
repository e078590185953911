/*
The status bar's words: the connection state, then URL, subprotocol, compression, round trip,
traffic and scroll state. The status bar (ui/StatusBar.tsx) draws them, and so does the first
frame painted before the UI is loaded (ui/start.ts), from a fresh session: one text, two painters.
Light on purpose (no formatting of entries, no ink): the first frame must not wait for them.
*/
import {describeCloseCode} from '../connection/close-codes.js';
import {escapeControl, formatBytes, plural, shorten} from '../shared/escape-text.js';
import {secondsUntil, type Session} from './state.js';

/** The facts of the status bar that do not come from the session. */
export type StatusFacts = {
	/** The URL shown, already escaped (no password). */
	readonly url: string;
	/** Said after the URL, e.g. that it is the built-in echo server. */
	readonly note: string | undefined;
	/** --protocol's name. */
	readonly protocol?: string | undefined;
	/** Clock milliseconds now, for the reconnect countdown. */
	readonly now: number;
	/** Columns of the bar. */
	readonly width: number;
};

export type StatusLine = {
	/** The state in words (shown bold and coloured, between two spaces). */
	readonly state: string;
	/** The rest, after the state, padded with spaces to the end of the bar. */
	readonly details: string;
};

/** The connection state in words, e.g. `closed 4000 bye` or `reconnecting in 3 s (attempt 2)`. */
export function describeState(session: Pick<Session, 'link'>, now: number): string {
	const {link} = session;
	switch (link.state) {
		case 'connecting': {
			return link.reconnects > 0 ? `connecting (attempt ${link.reconnects})` : 'connecting';
		}

		case 'reconnecting': {
			// A frame drawn before the clock caught up must not count more than the row said.
			const seconds = link.reconnectAt === undefined ? 0 : Math.min(secondsUntil(link.reconnectAt, now), link.reconnectSeconds ?? Number.POSITIVE_INFINITY);
			return `reconnecting in ${seconds} s (attempt ${link.reconnects})`;
		}

		case 'closed': {
			if (link.failure !== undefined) {
				return 'could not connect';
			}

			const reason = link.closeReason === '' ? '' : ` ${shorten(escapeControl(link.closeReason), 40)}`;
			return link.closeCode === undefined ? 'closed' : `closed ${describeCloseCode(link.closeCode)}${reason}`;
		}

		default: {
			return link.state;
		}
	}
}

/** What follows the state, in two groups: what says which connection this is, and what changes as it runs. */
type DetailParts = {
	/** The URL and its note, then the subprotocol, --protocol and compression. */
	readonly url: string;
	readonly note: string | undefined;
	readonly identity: readonly string[];
	/** Round trip, traffic, pending, filter, JSON mode, scroll state, dropped rows: in the order of a bar that fits. */
	readonly changing: readonly string[];
	/** The same, the most pressing first, for a bar too narrow for all of it. */
	readonly urgent: readonly string[];
	/** `urgent` in fewer words. */
	readonly urgentShort: readonly string[];
};

/** Most characters of the /filter text the bar shows. */
const maxFilterShown = 24;
/** Fewest characters a URL is shortened to before the bar puts what changes first. */
const minUrlShown = 20;

function detailParts(session: Session, {url, note, protocol}: StatusFacts): DetailParts {
	const {link, stats} = session;
	const identity: string[] = [];
	if (link.protocol !== '') {
		identity.push(`proto ${escapeControl(link.protocol)}`);
	}

	if (protocol !== undefined) {
		// Its own packets (handshakes, pings) are counted apart from the messages.
		const control = session.control.in + session.control.out;
		identity.push(control === 0 ? protocol : `${protocol} +${control.toLocaleString('en-US')} control`);
	}

	if (link.extensions.includes('permessage-deflate')) {
		identity.push('deflate');
	}

	const rtt = link.rtt === undefined ? [] : [`rtt ${link.rtt.toFixed(1)} ms`];
	const traffic = [
		`↑${Math.max(0, stats.sentMessages - session.control.out)} ${formatBytes(stats.sentBytes)}`,
		// With a protocol, messages as it delivered them: not its own packets, each of a batch.
		`↓${protocol === undefined ? stats.receivedMessages : session.received} ${formatBytes(stats.receivedBytes)}`,
	];
	const pending = session.pending > 0 ? [`${session.pending} pending`] : [];
	const modes = [
		...session.filter === '' ? [] : [`filter "${cutEnd(escapeControl(session.filter), maxFilterShown)}"`],
		...session.prettyJson ? ['json pretty'] : [],
	];
	const unseen = session.unseen.toLocaleString('en-US');
	const scroll = session.view.follow ? 'following' : `scrolled back${session.unseen > 0 ? `, ${unseen} new below (Esc)` : ''}`;
	const dropped = session.dropped > 0 ? [`${plural(session.dropped, 'old row')} dropped`] : [];
	// Too narrow for those words, fewer.
	const scrollShort = session.view.follow ? scroll : `scrolled back${session.unseen > 0 ? `, ${unseen} new (Esc)` : ''}`;
	const droppedShort = session.dropped > 0 ? [`${plural(session.dropped, 'row')} dropped`] : [];
	const urgent = (scrollState: string, droppedRows: readonly string[]): string[] => session.view.follow
		? [...pending, ...droppedRows, ...modes, ...traffic, ...rtt, scrollState]
		: [scrollState, ...pending, ...droppedRows, ...modes, ...traffic, ...rtt];
	return {
		url,
		note,
		identity,
		changing: [...rtt, ...traffic, ...pending, ...modes, scroll, ...dropped],
		urgent: urgent(scroll, dropped),
		urgentShort: urgent(scrollShort, droppedShort),
	};
}

/** Columns of `text` in the bar (one per character: what it shows is escaped, the URL is ASCII). */
const columnsOf = (text: string): number => [...text].length;

/** `text` cut to `max` columns, a … at the end where it is cut. */
function cutEnd(text: string, max: number): string {
	const characters = [...text];
	return characters.length <= max ? text : `${characters.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** `text` cut to `max` columns with a … in the middle: a URL keeps its host and the end of its path. */
function cutMiddle(text: string, max: number): string {
	const characters = [...text];
	if (characters.length <= max) {
		return text;
	}

	const head = Math.ceil((max - 1) * 0.6);
	const tail = Math.max(0, max - 1 - head);
	return `${characters.slice(0, head).join('')}…${tail === 0 ? '' : characters.slice(-tail).join('')}`;
}

const separator = ' · ';

/**
The details after the state, `room` columns at most. In the order of a bar that fits (the URL,
what it is, then what changes); too narrow, the URL is shortened in the middle; narrower still,
what changes comes first, the most pressing (scrolled back, pending, dropped rows) at the front,
and the URL after it, so that the end the bar loses is the part that does not change.
*/
function fitDetails(parts: DetailParts, room: number): string {
	const rest = [...parts.identity, ...parts.changing].join(separator);
	const urlRoom = room - columnsOf(separator + rest);
	if (urlRoom >= minUrlShown) {
		return `${fitUrl(parts, urlRoom)}${separator}${rest}`;
	}

	const full = parts.urgent.join(separator);
	const urgent = columnsOf(full) <= room ? full : parts.urgentShort.join(separator);
	const url = fitUrl(parts, Math.max(minUrlShown, room - columnsOf(urgent + separator)));
	return cutEnd([urgent, url, ...parts.identity].join(separator), room);
}

/** The URL and its note in `room` columns: the note shortened first, then left out, then the URL shortened in the middle. */
function fitUrl({url, note}: Pick<DetailParts, 'url' | 'note'>, room: number): string {
	const noteRoom = room - columnsOf(url) - 3;
	if (note === undefined || noteRoom < Math.min(columnsOf(note), 9)) {
		return cutMiddle(url, room);
	}

	return `${url} (${cutEnd(note, noteRoom)})`;
}

/** The status bar's text for `session`: the state, and the details filling the rest of the `width` columns. */
export function statusLine(session: Session, facts: StatusFacts): StatusLine {
	const state = cutEnd(describeState(session, facts.now), Math.max(0, facts.width - 2));
	const room = Math.max(0, facts.width - columnsOf(state) - 2);
	// One space after the state's, then the details.
	const details = cutEnd(` ${fitDetails(detailParts(session, facts), Math.max(0, room - 1))}`, room);
	return {state, details: details + ' '.repeat(Math.max(0, room - columnsOf(details)))};
}
