import {Box, Text} from 'ink';
import {memo} from 'react';
import type {Session} from '../session/state.js';
import {statusLine} from '../session/status-line.js';

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

/** One line: state, URL, subprotocol, compression, round trip, traffic, scroll state (session/status-line.ts). */
function StatusBar({session, url, note, protocol, now, width, color, redraws = 0}: Props) {
	const {state, details} = statusLine(session, {url, note, protocol, now, width});
	// Ctrl-L: a frame that differs by one invisible change (a no-break space for the first space,
	// which a long line's truncation never cuts off), so that ink writes every line again.
	return (
		<Box width={width}>
			<Text inverse wrap='truncate-end'>
				<Text bold color={color ? stateColors[session.link.state] : undefined}>{` ${state} `}</Text>
				{redraws % 2 === 1 ? `\u00A0${details.slice(1)}` : details}
			</Text>
		</Box>
	);
}

export default memo(StatusBar);
