/*
What the input area shows of a draft: the rows in view (the cursor's row always among them, and
a mark where rows are hidden), each cut to the terminal's width by display columns so that the
cursor stays in view in a line longer than the screen.
*/
import stringWidth from 'string-width';

export type InputRow = {
	/** `> ` on the first line of the draft, `↑ ` / `↓ ` where lines are hidden above / below. */
	readonly prefix: string;
	/** The visible text before the cursor (all of it on rows without the cursor). */
	readonly before: string;
	/** The character under the cursor ('' at the end of the line); undefined: not this row. */
	readonly cursor: string | undefined;
	readonly after: string;
};

type Cell = {readonly text: string; readonly width: number};

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
const ellipsis = '…';

/** The line as cells as shown (`show` makes control characters visible), and the cursor's cell. */
function cells(line: string, cursor: number | undefined, show: (text: string) => string): {cells: Cell[]; at: number | undefined} {
	const result: Cell[] = [];
	let at: number | undefined;
	for (const {segment, index} of graphemes.segment(line)) {
		if (cursor !== undefined && at === undefined && index >= cursor) {
			at = result.length;
		}

		const text = show(segment);
		result.push({text, width: stringWidth(text)});
	}

	return {cells: result, at: cursor === undefined ? undefined : at ?? result.length};
}

const join = (list: readonly Cell[]): string => list.map(cell => cell.text).join('');
const widthOf = (list: readonly Cell[]): number => list.reduce((sum, cell) => sum + cell.width, 0);

/** Cells from the start that fit in `width`. */
function fitStart(list: readonly Cell[], width: number): Cell[] {
	const kept: Cell[] = [];
	let used = 0;
	for (const cell of list) {
		if (used + cell.width > width) {
			break;
		}

		kept.push(cell);
		used += cell.width;
	}

	return kept;
}

/** One line cut to `width` columns around the cursor (at cell `at`), with … where it is cut. */
function cutLine(list: readonly Cell[], at: number | undefined, width: number): Omit<InputRow, 'prefix'> {
	if (at === undefined) {
		if (widthOf(list) <= width) {
			return {before: join(list), cursor: undefined, after: ''};
		}

		return {before: join(fitStart(list, width - 1)) + ellipsis, cursor: undefined, after: ''};
	}

	const under = list[at] ?? {text: '', width: 1};
	const cursorWidth = Math.max(1, under.width);
	const head = list.slice(0, at);
	const tail = list.slice(at + 1);
	if (widthOf(list) + (at === list.length ? 1 : 0) <= width) {
		return {before: join(head), cursor: under.text, after: join(tail)};
	}

	// The cursor and what is before it, as much as fits with room for a … on either side.
	let start = 0;
	let used = widthOf(head) + cursorWidth;
	const room = width - 1;
	while (start < head.length && used > (start === 0 ? room : room - 1)) {
		used -= head[start]!.width;
		start++;
	}

	const leading = start === 0 ? '' : ellipsis;
	const left = room - used - leading.length;
	const restWidth = widthOf(tail);
	const after = restWidth <= left + 1 ? join(tail) : join(fitStart(tail, left)) + ellipsis;
	return {before: leading + join(head.slice(start)), cursor: under.text, after};
}

/**
The rows of the input area for a draft, `width` columns wide and at most `maxLines` tall, the
cursor's line in view.
*/
export function inputView(text: string, cursor: number, {width, maxLines, show}: {readonly width: number; readonly maxLines: number; readonly show: (text: string) => string}): InputRow[] {
	const lines = text.split('\n');
	const cursorLine = text.slice(0, cursor).split('\n').length - 1;
	const lineStart = cursor - (text.slice(0, cursor).split('\n').at(-1)?.length ?? 0);
	const height = Math.max(1, maxLines);
	const first = Math.max(0, Math.min(cursorLine - height + 1, lines.length - height));
	const last = Math.min(lines.length, first + height);
	const rows: InputRow[] = [];
	for (let index = first; index < last; index++) {
		const hiddenAbove = index === first && first > 0;
		const hiddenBelow = index === last - 1 && last < lines.length;
		const prefix = hiddenAbove && hiddenBelow ? '↕ ' : (hiddenAbove ? '↑ ' : (hiddenBelow ? '↓ ' : (index === 0 ? '> ' : '  ')));
		const line = lines[index]!;
		const {cells: list, at} = cells(line, index === cursorLine ? cursor - lineStart : undefined, show);
		rows.push({prefix, ...cutLine(list, at, Math.max(2, width - prefix.length))});
	}

	return rows;
}
