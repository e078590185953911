import {Box, Text} from 'ink';
import {memo} from 'react';
import type {Session} from '../session/state.js';
import {statusLine} from '../session/status-line.js';
import {bold, colorCodes, colored, inverse, type Paint} from './colors.js';

type Props = {
	readonly session: Session;
	/** The URL shown (no password). */
	readonly url: string;
	/** Said after the URL, e.g. that it is the built-in echo server. */
	readonly note: string | undefined;
	/** --protocol's name. */
	readonly protocol?: string | undefined;
	/** Clock milliseconds now, for the reconnect countdown. */
	readonly now: number;
	readonly width: number;
	readonly paint: Paint;
	/** Ctrl-L presses so far: each one changes the frame invisibly, so that ink paints all of it again. */
	readonly redraws?: number | undefined;
};

const stateColors = {
	connecting: colorCodes.yellow,
	open: colorCodes.green,
	closing: colorCodes.yellow,
	closed: colorCodes.red,
	reconnecting: colorCodes.yellow,
} as const;

/**
One line in reverse video: the state (bold, coloured), then URL, subprotocol, compression, round
trip, traffic, scroll state, fitted to the width (session/status-line.ts, as the first frame).
*/
function StatusBar({session, url, note, protocol, now, width, paint, redraws = 0}: Props) {
	const {state, details} = statusLine(session, {url, note, protocol, now, width});
	// Ctrl-L: a frame that differs by one invisible change (a no-break space for the first space,
	// which a long line's truncation never cuts off), so that ink writes every line again.
	const shown = redraws % 2 === 1 ? `\u00A0${details.slice(1)}` : details;
	return (
		<Box width={width}>
			<Text wrap='truncate-end'>
				{inverse(`${bold(colored(` ${state} `, stateColors[session.link.state], paint), paint)}${shown}`, paint)}
			</Text>
		</Box>
	);
}

export default memo(StatusBar);
