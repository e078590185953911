import {Box, Text} from 'ink';
import {memo} from 'react';
import type {EntryLayout, Line} from '../message-format.js';
import {visibleEntries} from '../scroll-window.js';
import {anchorOf, type Entry, rowsOf, type View} from '../session.js';
import {lineText} from './tones.js';

type Props = {
	/** The entries to show (already filtered). */
	readonly entries: readonly Entry[];
	readonly view: View;
	/** Entries that arrived while scrolled back; shown as a marker on the bottom line. */
	readonly unseen: number;
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
function MessagePane({entries, view, unseen, layout, height, color}: Props) {
	const marker = !view.follow && unseen > 0;
	const room = Math.max(0, height - (marker ? 1 : 0));
	const rows = rowsOf(entries, layout.measure);
	const lines: Line[] = [];
	for (const {index, from, to} of visibleEntries(rows, anchorOf(view, entries), room)) {
		lines.push(...layout.lines(entries[index]!).slice(from, to));
	}

	// Clipped at the top and bottom only: rows are already cut to the width (truncate-end), and a
	// horizontal clip made ink slice every row again on every frame.
	return (
		<Box flexDirection='column' height={height} justifyContent='flex-end' overflowY='hidden'>
			{/* Keyed by position: in a flood every row is new each frame, and updating the same
			    rows' text is cheaper than unmounting and mounting a screenful of them. */}
			{lines.map((line, row) => <PaneLine key={row} line={line} color={color}/>)}
			{marker ? (
				<Text inverse wrap='truncate-end' color={color ? 'yellow' : undefined}>
					{` ↓ ${unseen} new message${unseen === 1 ? '' : 's'} below (Esc: live end) `}
				</Text>
			) : undefined}
		</Box>
	);
}

export default memo(MessagePane);
