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
	readonly protocol?: string;
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

/** What follows the state: URL, subprotocol, compression, round trip, traffic, scroll state. */
function detailParts(session: Session, {url, note, protocol}: StatusFacts): string[] {
	const {link, stats} = session;
	const parts: string[] = [url + (note === undefined ? '' : ` (${note})`)];
	if (link.protocol !== '') {
		parts.push(`proto ${escapeControl(link.protocol)}`);
	}

	if (protocol !== undefined) {
		// Its own packets (handshakes, pings) are counted apart from the messages.
		const control = session.control.in + session.control.out;
		parts.push(control === 0 ? protocol : `${protocol} +${control.toLocaleString('en-US')} control`);
	}

	if (link.extensions.includes('permessage-deflate')) {
		parts.push('deflate');
	}

	if (link.rtt !== undefined) {
		parts.push(`rtt ${link.rtt.toFixed(1)} ms`);
	}

	parts.push(
		`↑${Math.max(0, stats.sentMessages - session.control.out)} ${formatBytes(stats.sentBytes)}`,
		// With a protocol, messages as it delivered them: not its own packets, each of a batch.
		`↓${protocol === undefined ? stats.receivedMessages : session.received} ${formatBytes(stats.receivedBytes)}`,
	);
	if (session.pending > 0) {
		parts.push(`${session.pending} pending`);
	}

	if (session.filter !== '') {
		parts.push(`filter "${escapeControl(session.filter)}"`);
	}

	if (session.prettyJson) {
		parts.push('json pretty');
	}

	parts.push(session.view.follow ? 'following' : `scrolled back${session.unseen > 0 ? `, ${session.unseen.toLocaleString('en-US')} new below (Esc)` : ''}`);
	if (session.dropped > 0) {
		parts.push(`${plural(session.dropped, 'old row')} dropped`);
	}

	return parts;
}

/** The status bar's text for `session`. */
export function statusLine(session: Session, facts: StatusFacts): StatusLine {
	const state = describeState(session, facts.now);
	const details = ` ${detailParts(session, facts).join(' · ')}`;
	return {state, details: details.padEnd(Math.max(0, facts.width - state.length - 2))};
}
