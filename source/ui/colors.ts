import type {Line, Tone} from '../session/message-format.js';

/** The SGR foreground code of each kind of segment; undefined keeps the terminal's own colour. */
const toneCodes: Record<Tone, number | undefined> = {
	plain: undefined,
	time: 90,
	in: 32,
	out: 36,
	badge: 35,
	error: 31,
	info: 33,
	pending: 33,
	key: 34,
	string: 32,
	number: 33,
	literal: 35,
	punctuation: 90,
	hex: undefined,
};

const painted = new WeakMap<Line, string>();
const plain = new WeakMap<Line, string>();

/**
A pane line as one string, with its colours as SGR sequences when `color` is on. ink then handles
one text node per row instead of one per coloured segment, and a line (cached with its entry) is
turned into a string once, not on every frame. Segment text is already escaped, so these are the
only escape sequences in it.
*/
export function lineText(line: Line, color: boolean): string {
	const cache = color ? painted : plain;
	let text = cache.get(line);
	if (text === undefined) {
		text = '';
		for (const segment of line) {
			const code = color ? toneCodes[segment.tone] : undefined;
			text += code === undefined || segment.text === '' ? segment.text : `\u001B[${code}m${segment.text}\u001B[39m`;
		}

		cache.set(line, text);
	}

	return text;
}

/**
How the session is painted: `color`, the colours (colorEnabled); `attributes`, reverse video and
bold, which the status bar and the cursor need to be seen at all, so they stay on without colour.
Painted here as SGR sequences, one rule for every part of the screen (ink's own styles follow
chalk's reading of the terminal, which drops reverse video with TERM=dumb or FORCE_COLOR=0 and
left the cursor invisible); off on a stream that is not a terminal (the tests' frames).
*/
export type Paint = {
	readonly color: boolean;
	readonly attributes: boolean;
};

/** The SGR foreground codes of the named colours the views use. */
export const colorCodes = {red: 31, green: 32, yellow: 33, cyan: 36, gray: 90} as const;

/** `text` in a colour (undefined: the terminal's own), when colour is on. */
export function colored(text: string, code: number | undefined, paint: Paint): string {
	return paint.color && code !== undefined && text !== '' ? `\u001B[${code}m${text}\u001B[39m` : text;
}

/** `text` in reverse video. */
export function inverse(text: string, paint: Paint): string {
	return paint.attributes ? `\u001B[7m${text}\u001B[27m` : text;
}

/** `text` in bold. */
export function bold(text: string, paint: Paint): string {
	return paint.attributes ? `\u001B[1m${text}\u001B[22m` : text;
}

/**
Colour is on unless NO_COLOR is set (to anything but '') or TERM is `dumb`, or FORCE_COLOR is '0';
FORCE_COLOR set to anything else wins over both, as chalk reads it. (--no-color sets NO_COLOR and
FORCE_COLOR=0.)
*/
export function colorEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
	const force = env.FORCE_COLOR;
	if (force !== undefined && force !== '') {
		return force !== '0' && force !== 'false';
	}

	return (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}
