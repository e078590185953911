import {Box, Text} from 'ink';
import {memo} from 'react';
import {escapeControl} from '../shared/escape-text.js';
import {inputView} from '../session/input-view.js';
import type {Prompt} from '../session/prompt.js';

type Props = {
	readonly prompt: Prompt;
	/** Most lines of a multi-line message shown at once. */
	readonly maxLines: number;
	/** Columns of the terminal. */
	readonly width: number;
	readonly color: boolean;
};

// Typed text is shown escaped too: a pasted ESC must not reach the terminal either.
const show = (text: string): string => escapeControl(text, {keepLayout: true}).replaceAll('\t', ' ');

// The character under the cursor comes already shown (made visible) from inputView.
function Cursor({character}: {readonly character: string}) {
	return <Text inverse>{character === '' ? ' ' : character}</Text>;
}

/** The input line (or lines), with the cursor as an inverse cell, or the Ctrl-R search. */
function InputArea({prompt, maxLines, width, color}: Props) {
	if (prompt.search !== undefined) {
		const {query, match} = prompt.search;
		const found = match === undefined ? '' : prompt.history.entries[match] ?? '';
		return (
			<Text wrap='truncate-end'>
				<Text color={color ? 'yellow' : undefined}>(search) </Text>
				{show(query)}
				<Cursor character=''/>
				<Text color={color ? 'gray' : undefined}>{match === undefined ? (query === '' ? '' : '  no match') : `  ${show(found.replaceAll('\n', ' ⏎ '))}`}</Text>
			</Text>
		);
	}

	const rows = inputView(prompt.line.text, prompt.line.cursor, {width, maxLines, show});
	return (
		<Box flexDirection='column'>
			{rows.map((row, index) => (
				// eslint-disable-next-line react/no-array-index-key
				<Text key={index} wrap='truncate-end'>
					<Text color={color ? 'cyan' : undefined}>{row.prefix}</Text>
					{row.before}
					{row.cursor === undefined ? undefined : <Cursor character={row.cursor}/>}
					{row.after}
				</Text>
			))}
		</Box>
	);
}

export default memo(InputArea);
