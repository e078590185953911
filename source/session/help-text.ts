/*
What /help says: the slash commands and the keys, laid out for the pane's width.
*/
import {keyBindings} from './key-bindings.js';
import {commandHelp} from './slash-commands.js';

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wordWrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line !== '' && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else {
			line = line === '' ? word : `${line} ${word}`;
		}
	}

	return [...lines, line];
}

/**
The /help list for a pane `columns` wide: two columns where they fit, else each description under
its keys, wrapped at words so that it lines up whatever the width.
*/
export function helpText(columns: number): string {
	const rows = [...commandHelp, ...keyBindings.map(binding => [binding.keys, binding.description] as const)];
	const width = Math.max(...rows.map(([usage]) => usage.length));
	// Rows after the first start under the content (column 15) when the pane has room for it.
	const room = columns - 15 >= 20 ? columns - 15 : columns;
	const twoColumns = room >= 2 + width + 2 + 30;
	const line = ([usage, description]: readonly [string, string]): string[] => twoColumns
		? wordWrap(description, room - width - 4).map((part, index) => `  ${(index === 0 ? usage : '').padEnd(width)}  ${part}`)
		: [`  ${usage}`, ...wordWrap(description, room - 6).map(part => `      ${part}`)];
	return [
		'commands:',
		...commandHelp.flatMap(row => line(row)),
		'keys:',
		...keyBindings.flatMap(binding => line([binding.keys, binding.description])),
	].join('\n');
}
