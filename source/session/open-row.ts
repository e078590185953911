/*
/open: which row of the pane it opens, and that row whole as text for a pager. The pane keeps at
most maxEntryLines rows of a message and maxHexBytes of a binary one; the file a pager reads has
all of it, escaped as the pane escapes it (a pager shows what it is given), the hex dump written
in pieces so that a large binary message is never one string.
*/
import {formatBytes, hexDump} from '../shared/escape-text.js';
import type {Entry} from './entry.js';
import {contentSegments, type EntryLayout, formatTime} from './message-format.js';
import {fillWindow, visibleEntries} from './scroll-window.js';
import {anchorOf, rowsOf} from './session.js';
import type {View} from './state.js';

/**
The row /open shows: the lowest one on screen that the pane cut short, else the lowest one on
screen (the newest while following); undefined when the pane is empty.
*/
export function rowToOpen(shown: readonly Entry[], view: View, layout: Pick<EntryLayout, 'measure' | 'cut'>, height: number): Entry | undefined {
	const rows = rowsOf(shown, layout.measure);
	const anchor = fillWindow(rows, anchorOf(view, shown), height);
	const onScreen = visibleEntries(rows, anchor, height).map(({index}) => shown[index]!);
	return onScreen.findLast(entry => layout.cut(entry)) ?? onScreen.at(-1);
}

const marks: Record<Entry['dir'], string> = {in: '<', out: '>', local: '*'};

/** The first line: when, which way, what it is and how big (`12:00:01.234 < text 97.7 KiB`). */
function heading(entry: Entry): string {
	const kind = entry.badge ?? entry.kind;
	const size = entry.kind === 'text' || entry.kind === 'binary' || entry.badge !== undefined ? ` ${formatBytes(entry.size)}` : '';
	return `${formatTime(entry.time)} ${marks[entry.dir]} ${kind}${size}\n`;
}

// Bytes of a binary message turned into hex rows at a time.
const hexPiece = 64 * 1024;

/** The entry whole, as text, handed to `write` in pieces: its heading, then its content as the pane shows it. */
export function writeRow(entry: Entry, prettyJson: boolean, write: (text: string) => void): void {
	write(heading(entry));
	if (entry.kind !== 'binary') {
		write(`${contentSegments(entry, prettyJson).map(segment => segment.text).join('')}\n`);
		return;
	}

	const bytes = entry.bytes ?? Buffer.alloc(0);
	for (let offset = 0; offset < bytes.length; offset += hexPiece) {
		// hexDump counts from 0 in each piece: its offsets moved to where the piece starts.
		const rows = hexDump(bytes.subarray(offset, offset + hexPiece)).map((row, index) => (offset + (index * 16)).toString(16).padStart(8, '0') + row.slice(8));
		write(`${rows.join('\n')}\n`);
	}

	if (bytes.length === 0) {
		write('(empty)\n');
	}
}
