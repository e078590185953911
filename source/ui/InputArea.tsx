import {Box, Text} from 'ink';
import {memo} from 'react';
import {escapeControl} from '../shared/escape-text.js';
import {inputView} from '../session/input-view.js';
import type {Prompt} from '../session/prompt.js';
import {colorCodes, colored, inverse, type Paint} from './colors.js';

type Props = {
	readonly prompt: Prompt;
	/** Most lines of a multi-line message shown at once. */
	readonly maxLines: number;
	/** Columns of the terminal. */
	readonly width: number;
	readonly paint: Paint;
};

// Typed text is shown escaped too: a pasted ESC must not reach the terminal either.
const show = (text: string): string => escapeControl(text, {keepLayout: true}).replaceAll('\t', ' ');

// The character under the cursor comes already shown (made visible) from inputView; the cursor is
// a reverse-video cell (the terminal's own cursor is hidden).
const cursor = (character: string, paint: Paint): string => inverse(character === '' ? ' ' : character, paint);

/** The input line (or lines), with the cursor as an inverse cell, or the Ctrl-R search. */
function InputArea({prompt, maxLines, width, paint}: Props) {
	if (prompt.search !== undefined) {
		const {query, match} = prompt.search;
		const found = match === undefined ? '' : prompt.history.entries[match] ?? '';
		const result = match === undefined ? (query === '' ? '' : '  no match') : `  ${show(found.replaceAll('\n', ' ⏎ '))}`;
		return (
			<Text wrap='truncate-end'>
				{`${colored('(search) ', colorCodes.yellow, paint)}${show(query)}${cursor('', paint)}${colored(result, colorCodes.gray, paint)}`}
			</Text>
		);
	}

	const rows = inputView(prompt.line.text, prompt.line.cursor, {width, maxLines, show});
	return (
		<Box flexDirection='column'>
			{rows.map((row, index) => (
				<Text key={index} wrap='truncate-end'>
					{`${colored(row.prefix, colorCodes.cyan, paint)}${row.before}${row.cursor === undefined ? '' : cursor(row.cursor, paint)}${row.after}`}
				</Text>
			))}
		</Box>
	);
}

export default memo(InputArea);
