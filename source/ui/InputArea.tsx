import {Box, Text} from 'ink';
import {memo} from 'react';
import {escapeControl} from '../display.js';
import type {Prompt} from '../prompt.js';

type Props = {
	readonly prompt: Prompt;
	/** Most lines of a multi-line message shown at once. */
	readonly maxLines: number;
	readonly color: boolean;
};

/** The lines of the input area for `prompt`, without the cursor: how tall it will be. */
export function inputHeight(prompt: Prompt, maxLines: number): number {
	return prompt.search === undefined ? Math.min(maxLines, prompt.line.text.split('\n').length) : 1;
}

// Typed text is shown escaped too: a pasted ESC must not reach the terminal either.
const show = (text: string): string => escapeControl(text, {keepLayout: true}).replaceAll('\t', ' ');

function Cursor({character}: {readonly character: string}) {
	return <Text inverse>{character === '' ? ' ' : show(character)}</Text>;
}

/** The input line (or lines), with the cursor as an inverse cell, or the Ctrl-R search. */
function InputArea({prompt, maxLines, color}: Props) {
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

	const {text, cursor} = prompt.line;
	const lines = text.split('\n');
	let offset = 0;
	const rows = lines.map((line, index) => {
		const start = offset;
		offset += line.length + 1;
		const here = cursor >= start && cursor <= start + line.length;
		const at = cursor - start;
		const character = here ? [...line.slice(at)][0] ?? '' : '';
		return (
			<Text key={index} wrap='truncate-start'>
				<Text color={color ? 'cyan' : undefined}>{index === 0 ? '> ' : '  '}</Text>
				{here ? (
					<>
						{show(line.slice(0, at))}
						<Cursor character={character}/>
						{show(line.slice(at + character.length))}
					</>
				) : show(line)}
			</Text>
		);
	});
	// Keep the cursor's line in view when the message is taller than the area.
	const cursorLine = text.slice(0, cursor).split('\n').length - 1;
	const first = Math.max(0, Math.min(cursorLine - maxLines + 1, lines.length - maxLines));
	return <Box flexDirection='column'>{rows.slice(first, first + maxLines)}</Box>;
}

export default memo(InputArea);
