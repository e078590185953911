import {Box, Text} from 'ink';
import {memo} from 'react';
import {describeCloseCode} from '../connection/close-codes.js';
import {escapeControl, formatBytes, plural, shorten} from '../shared/escape-text.js';
import {type Session, secondsUntil} from '../session/session.js';

type Props = {
	readonly session: Session;
	/** The URL shown (no password). */
	readonly url: string;
	/** Said after the URL, e.g. that it is the built-in echo server. */
	readonly note: string | undefined;
	/** --protocol's name. */
	readonly protocol?: string;
	/** Clock milliseconds now, for the reconnect countdown. */
	readonly now: number;
	readonly width: number;
	readonly color: boolean;
	/** Ctrl-L presses so far: each one changes the frame invisibly, so that ink paints all of it again. */
	readonly redraws?: number;
};

const stateColors = {
	connecting: 'yellow',
	open: 'green',
	closing: 'yellow',
	closed: 'red',
	reconnecting: 'yellow',
} as const;

/** The connection state in words, e.g. `closed 4000 bye` or `reconnecting in 3 s (attempt 2)`. */
export function describeState(session: Session, now: number): string {
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

/** One line: state, URL, subprotocol, compression, round trip, traffic, scroll state. */
function StatusBar({session, url, note, protocol, now, width, color, redraws = 0}: Props) {
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

	const state = describeState(session, now);
	const rest = ` ${parts.join(' · ')}`;
	const padded = rest.padEnd(Math.max(0, width - state.length - 2));
	// Ctrl-L: a frame that differs by one invisible change (a no-break space for the first space,
	// which a long line's truncation never cuts off), so that ink writes every line again.
	return (
		<Box width={width}>
			<Text inverse wrap='truncate-end'>
				<Text bold color={color ? stateColors[link.state] : undefined}>{` ${state} `}</Text>
				{redraws % 2 === 1 ? `\u00A0${padded.slice(1)}` : padded}
			</Text>
		</Box>
	);
}

export default memo(StatusBar);
