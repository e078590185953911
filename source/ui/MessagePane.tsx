import {Box, Text} from 'ink';
import {memo} from 'react';
import type {EntryLayout, Line} from '../session/message-format.js';
import {escapeControl} from '../shared/escape-text.js';
import {fillWindow, visibleEntries} from '../session/scroll-window.js';
import {anchorOf, type Entry, rowsOf, type View} from '../session/session.js';
import {lineText} from './colors.js';

type Props = {
	/** The entries to show (already filtered). */
	readonly entries: readonly Entry[];
	readonly view: View;
	/** The /filter text ('' : none), for the note when nothing matches. */
	readonly filter: string;
	/** Formats entries at the current width and JSON mode. */
	readonly layout: EntryLayout;
	/** Lines available. */
	readonly height: number;
	readonly color: boolean;
};

function PaneLine({line, color}: {readonly line: Line; readonly color: boolean}) {
	return <Text wrap='truncate-end'>{lineText(line, color)}</Text>;
}

/**
The message pane. It formats only the entries on screen (the window walks back from the bottom
edge), so its cost is the same with an empty scrollback and with a full one.
*/
function MessagePane({entries, view, filter, layout, height, color}: Props) {
	const rows = rowsOf(entries, layout.measure);
	const lines: Line[] = [];
	// Scrolled back, the view stays where the user put it: new rows are counted in the status
	// bar, not announced on a row of the pane (that row would hide the first one).
	const anchor = fillWindow(rows, anchorOf(view, entries), height);
	for (const {index, from, to} of visibleEntries(rows, anchor, height)) {
		lines.push(...layout.lines(entries[index]!).slice(from, to));
	}

	if (entries.length === 0 && filter !== '') {
		lines.push([{text: `no row matches "${escapeControl(filter)}"; /filter alone shows all rows`, tone: 'info'}]);
	}

	// Clipped at the top and bottom only: rows are already cut to the width (truncate-end), and a
	// horizontal clip made ink slice every row again on every frame.
	return (
		<Box flexDirection='column' height={height} justifyContent='flex-end' overflowY='hidden'>
			{/* Keyed by position: in a flood every row is new each frame, and updating the same
			    rows' text is cheaper than unmounting and mounting a screenful of them. */}
			{lines.map((line, row) => <PaneLine key={row} line={line} color={color}/>)}
		</Box>
	);
}

export default memo(MessagePane);
