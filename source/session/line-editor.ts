/*
The input line as a value: its text and the cursor, changed only by `editLine`. Multi-line text
is allowed (a pasted block, or the newline key); the cursor is an index into the whole text, and
moves over whole grapheme clusters (`e` + U+0301, 👍🏽 are one character each).
*/
import stringWidth from 'string-width';

export type LineEditor = {
	readonly text: string;
	/** Index into `text`, 0 to text.length. */
	readonly cursor: number;
};

export type EditAction =
	| {readonly type: 'insert'; readonly text: string}
	| {readonly type: 'set'; readonly text: string}
	| {readonly type: 'left'}
	| {readonly type: 'right'}
	| {readonly type: 'word-left'}
	| {readonly type: 'word-right'}
	| {readonly type: 'home'}
	| {readonly type: 'end'}
	| {readonly type: 'backspace'}
	| {readonly type: 'delete'}
	| {readonly type: 'delete-word'}
	| {readonly type: 'delete-to-start'}
	| {readonly type: 'delete-to-end'}
	/** To the same column of the line above (below); nothing changes on the first (last) line. */
	| {readonly type: 'up'}
	| {readonly type: 'down'};

export const emptyLine: LineEditor = {text: '', cursor: 0};

const isWordCharacter = (character: string | undefined): boolean => character !== undefined && /[\p{L}\p{N}_]/u.test(character);

/** Where a word jump to the left from `cursor` lands: the start of the word before it. */
function wordStart(text: string, cursor: number): number {
	let index = cursor;
	while (index > 0 && !isWordCharacter(text[index - 1])) {
		index--;
	}

	while (index > 0 && isWordCharacter(text[index - 1])) {
		index--;
	}

	return index;
}

/** Where a word jump to the right from `cursor` lands: the end of the next word. */
function wordEnd(text: string, cursor: number): number {
	let index = cursor;
	while (index < text.length && !isWordCharacter(text[index])) {
		index++;
	}

	while (index < text.length && isWordCharacter(text[index])) {
		index++;
	}

	return index;
}

// Home, end and the delete-to keys work on the line the cursor is on, as in a shell's editor.
function lineStart(text: string, cursor: number): number {
	return text.lastIndexOf('\n', cursor - 1) + 1;
}

function lineEnd(text: string, cursor: number): number {
	const next = text.indexOf('\n', cursor);
	return next === -1 ? text.length : next;
}

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** The start of the grapheme cluster before `cursor`. */
export function previousIndex(text: string, cursor: number): number {
	return cursor <= 0 ? 0 : graphemes.segment(text).containing(cursor - 1)?.index ?? cursor - 1;
}

/** The end of the grapheme cluster at `cursor`. */
export function nextIndex(text: string, cursor: number): number {
	const segment = graphemes.segment(text).containing(cursor);
	return segment === undefined ? Math.min(text.length, cursor + 1) : segment.index + segment.segment.length;
}

/** The cursor in the line from `start` to `end` that is nearest to display column `column`. */
function atColumn(text: string, start: number, end: number, column: number): number {
	let width = 0;
	for (const {segment, index} of graphemes.segment(text.slice(start, end))) {
		const next = width + stringWidth(segment);
		if (next > column) {
			return start + index;
		}

		width = next;
	}

	return end;
}

function verticalMove(state: LineEditor, direction: -1 | 1): LineEditor {
	const {text, cursor} = state;
	const start = lineStart(text, cursor);
	const column = stringWidth(text.slice(start, cursor));
	if (direction === -1) {
		if (start === 0) {
			return state;
		}

		const above = lineStart(text, start - 1);
		return {text, cursor: atColumn(text, above, start - 1, column)};
	}

	const end = lineEnd(text, cursor);
	if (end === text.length) {
		return state;
	}

	return {text, cursor: atColumn(text, end + 1, lineEnd(text, end + 1), column)};
}

function cut(state: LineEditor, from: number, to: number, cursor: number): LineEditor {
	return {text: state.text.slice(0, from) + state.text.slice(to), cursor};
}

export function editLine(state: LineEditor, action: EditAction): LineEditor {
	const {text, cursor} = state;
	switch (action.type) {
		case 'insert': {
			// Terminals send CR for line breaks in pastes; one kind of line break is kept.
			const inserted = action.text.replaceAll(/\r\n?/g, '\n');
			return {text: text.slice(0, cursor) + inserted + text.slice(cursor), cursor: cursor + inserted.length};
		}

		case 'set': {
			return {text: action.text, cursor: action.text.length};
		}

		case 'left': {
			return cursor === 0 ? state : {text, cursor: previousIndex(text, cursor)};
		}

		case 'right': {
			return cursor === text.length ? state : {text, cursor: nextIndex(text, cursor)};
		}

		case 'word-left': {
			return {text, cursor: wordStart(text, cursor)};
		}

		case 'word-right': {
			return {text, cursor: wordEnd(text, cursor)};
		}

		case 'home': {
			return {text, cursor: lineStart(text, cursor)};
		}

		case 'end': {
			return {text, cursor: lineEnd(text, cursor)};
		}

		case 'backspace': {
			if (cursor === 0) {
				return state;
			}

			const from = previousIndex(text, cursor);
			return cut(state, from, cursor, from);
		}

		case 'delete': {
			return cursor === text.length ? state : cut(state, cursor, nextIndex(text, cursor), cursor);
		}

		case 'delete-word': {
			const from = wordStart(text, cursor);
			return cut(state, from, cursor, from);
		}

		case 'delete-to-start': {
			const from = lineStart(text, cursor);
			// At the start of a line, join it to the one above, like backspace.
			const start = from === cursor && cursor > 0 ? cursor - 1 : from;
			return cut(state, start, cursor, start);
		}

		case 'delete-to-end': {
			const to = lineEnd(text, cursor);
			return cut(state, cursor, to === cursor && cursor < text.length ? cursor + 1 : to, cursor);
		}

		case 'up': {
			return verticalMove(state, -1);
		}

		case 'down': {
			return verticalMove(state, 1);
		}
	}
}
