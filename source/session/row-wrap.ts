/*
How a logical line of coloured segments is cut into the pane's rows: by columns as the terminal
counts them (wide CJK and emoji take two), never inside a grapheme cluster. Network text is cut
at the last column, spaces kept, as a terminal would wrap it; wsterm's own prose is cut at spaces,
so that no word of it is split (a path or URL longer than maxWholeWord fills its row and goes on). The first row may be narrower than the rest (it holds the time).
*/
import stringWidth from 'string-width';

export type Tone =
	| 'plain'
	| 'time'
	| 'in'
	| 'out'
	| 'badge'
	| 'error'
	| 'info'
	| 'pending'
	| 'key'
	| 'string'
	| 'number'
	| 'literal'
	| 'punctuation'
	| 'hex';

export type Segment = {
	readonly text: string;
	readonly tone: Tone;
};

export type Line = readonly Segment[];

export type WrapOptions = {
	/** Columns of the first row. */
	readonly first: number;
	/** Columns of each row after it. */
	readonly rest: number;
	/** Cut at spaces (wsterm's own words); else at the last column. */
	readonly words: boolean;
	/** Most rows made: the rest of the line is left out. */
	readonly maxRows: number;
};

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
// Printable ASCII: one column per character, measured without segmenting (floods are mostly this).
const narrow = /^[\u0020-\u007E]*$/;

/** Words of wsterm's own text up to this many columns are never split; longer ones are cut where the row ends. */
export const maxWholeWord = 20;

const columnsOf = (text: string): number => narrow.test(text) ? text.length : stringWidth(text);

/** The rows being filled, and how many columns of the last one are used. */
class RowBuilder {
	readonly rows: Segment[][] = [[]];
	private used = 0;

	constructor(private readonly options: WrapOptions) {}

	/** Columns left on the current row. */
	get room(): number {
		return this.width - this.used;
	}

	get width(): number {
		return Math.max(1, this.rows.length === 1 ? this.options.first : this.options.rest);
	}

	get atRowStart(): boolean {
		return this.used === 0;
	}

	add(text: string, tone: Tone, columns: number): void {
		if (text === '') {
			return;
		}

		const row = this.rows.at(-1)!;
		const last = row.at(-1);
		// Words of one segment stay one segment on their row.
		if (last?.tone === tone) {
			row[row.length - 1] = {text: last.text + text, tone};
		} else {
			row.push({text, tone});
		}

		this.used += columns;
	}

	/** Drops the spaces at the end of the current row (where wsterm's words break). */
	trimEnd(): void {
		const row = this.rows.at(-1)!;
		const last = row.at(-1);
		if (last !== undefined && last.text.endsWith(' ')) {
			const text = last.text.trimEnd();
			this.used -= last.text.length - text.length;
			row.splice(-1, 1, ...text === '' ? [] : [{text, tone: last.tone}]);
		}
	}

	/** Starts a new row; false when the most rows are made. */
	newRow(): boolean {
		if (this.rows.length >= this.options.maxRows) {
			return false;
		}

		this.rows.push([]);
		this.used = 0;
		return true;
	}

	/** Adds `text` cut at the columns, starting new rows as it fills them; false once out of rows. */
	addCut(text: string, tone: Tone): boolean {
		if (narrow.test(text)) {
			let position = 0;
			while (position < text.length) {
				if (this.room <= 0 && !this.newRow()) {
					return false;
				}

				const take = Math.min(this.room, text.length - position);
				this.add(text.slice(position, position + take), tone, take);
				position += take;
			}

			return true;
		}

		let piece = '';
		let pieceColumns = 0;
		for (const {segment: cluster} of graphemes.segment(text)) {
			const columns = columnsOf(cluster);
			// A cluster wider than the whole row goes on a row of its own rather than nowhere.
			if (pieceColumns + columns > this.room && (pieceColumns > 0 || !this.atRowStart)) {
				this.add(piece, tone, pieceColumns);
				piece = '';
				pieceColumns = 0;
				if (!this.newRow()) {
					return false;
				}
			}

			piece += cluster;
			pieceColumns += columns;
		}

		this.add(piece, tone, pieceColumns);
		return true;
	}

	/** Adds `text` word by word: a word that does not fit goes to the next row, a long one is cut. */
	addWords(text: string, tone: Tone): boolean {
		for (const token of text.split(/( +)/)) {
			const columns = columnsOf(token);
			if (columns <= this.room) {
				this.add(token, tone, columns);
				continue;
			}

			// The spaces where a row breaks are shown at the end of neither row.
			if (token.startsWith(' ')) {
				this.trimEnd();
				if (!this.newRow()) {
					return false;
				}

				continue;
			}

			// A word that does not fit starts a row (the first row may be narrower than the rest). A
			// long one (a path, a URL) fills the row and goes on in the next, as network text does.
			if (columns <= Math.min(maxWholeWord, this.options.rest) && (!this.atRowStart || this.rows.length === 1)) {
				this.trimEnd();
				if (!this.newRow()) {
					return false;
				}
			}

			if (!this.addCut(token, tone)) {
				return false;
			}
		}

		return true;
	}
}

/** The rows of one logical line (no line feeds in it). */
export function wrapSegments(segments: readonly Segment[], options: WrapOptions): Segment[][] {
	const builder = new RowBuilder(options);
	for (const segment of segments) {
		const more = options.words ? builder.addWords(segment.text, segment.tone) : builder.addCut(segment.text, segment.tone);
		if (!more) {
			break;
		}
	}

	return builder.rows;
}
