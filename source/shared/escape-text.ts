/*
Making network text safe to show. A server controls every byte it sends; written raw to a
terminal, ESC, CSI (C1 0x9b), OSC and friends can move the cursor, rewrite the screen, set the
window title or worse. Everything shown to a person goes through escapeControl first.
*/

/*
The one rule for what is made visible: C0 (tab and line feed are the caller's choice), DEL, C1,
the line and paragraph separators, and every invisible format character (Unicode's Cf: the
zero-width space, non-joiner and joiner, the bidirectional marks and overrides that can reorder
what a reader sees, the byte order mark, soft hyphen, word joiner, tags...). Those hide text, and
terminals disagree on how wide they are. Two uses of them are kept, because they are how an emoji
is written: a joiner between two emoji (👨‍👩‍👧, 🏳️‍🌈, 🧑🏽‍💻) and the tags of a flag (🏴 and its tags).
*/
const invisible = String.raw`\p{Cf}\u2028\u2029`;
const emojiParts = String.raw`(?<kept>(?<=\p{Extended_Pictographic}\p{Emoji_Modifier}?\uFE0F?)\u200D(?=\p{Extended_Pictographic})|\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F})`;
const unsafeClass = String.raw`[\u0000-\u0008\u000B-\u001F\u007F-\u009F${invisible}]`;
const unsafeWithLayoutClass = String.raw`[\u0000-\u001F\u007F-\u009F${invisible}]`;
const unsafe = new RegExp(unsafeClass, 'u');
const unsafeGlobal = new RegExp(`${emojiParts}|${unsafeClass}`, 'gu');
const unsafeWithLayout = new RegExp(unsafeWithLayoutClass, 'u');
const unsafeWithLayoutGlobal = new RegExp(`${emojiParts}|${unsafeWithLayoutClass}`, 'gu');

const named: Record<string, string> = {
	'\0': '\\0',
	'\b': '\\b',
	'\t': '\\t',
	'\n': '\\n',
	'\v': '\\v',
	'\f': '\\f',
	'\r': '\\r',
	'\u001B': '\\e',
};

/** A character the rule catches as an escape, or an emoji's part (`kept`) as it is. */
function visible(character: string, kept: string | undefined): string {
	if (kept !== undefined) {
		return kept;
	}

	const name = named[character];
	if (name) {
		return name;
	}

	const code = character.codePointAt(0) ?? 0;
	return code <= 0xFF
		? `\\x${code.toString(16).padStart(2, '0')}`
		: `\\u{${code.toString(16)}}`;
}

export type EscapeOptions = {
	/** Keep line feeds and tabs as they are (for output that is free to span lines). */
	readonly keepLayout?: boolean;
};

/**
Returns `text` with every control character made visible as a backslash escape
(`\e`, `\r`, `\x9b`, `\u{202e}` ...). Text without any is returned as it is, cheaply.
*/
export function escapeControl(text: string, {keepLayout = false}: EscapeOptions = {}): string {
	if (keepLayout) {
		return unsafe.test(text) ? text.replace(unsafeGlobal, visible) : text;
	}

	return unsafeWithLayout.test(text) ? text.replace(unsafeWithLayoutGlobal, visible) : text;
}

/** Shortens text to at most `max` characters, saying how much was cut. */
export function shorten(text: string, max: number): string {
	if (text.length <= max) {
		return text;
	}

	return `${text.slice(0, max)}… (+${text.length - max} chars)`;
}

/** Bytes as space-separated hex pairs, e.g. `68 69 0a`. */
export function hexBytes(bytes: Uint8Array, max = Number.POSITIVE_INFINITY): string {
	const shown = bytes.length > max ? bytes.subarray(0, max) : bytes;
	const hex = Buffer.from(shown.buffer, shown.byteOffset, shown.byteLength).toString('hex');
	const pairs = hex.match(/../g) ?? [];
	return bytes.length > max ? `${pairs.join(' ')} …` : pairs.join(' ');
}

/**
A classic hex dump: offset, 16 bytes in hex, then the printable ASCII (others as `.`).
Returns one string per 16-byte row.
*/
export function hexDump(bytes: Uint8Array, maxRows = Number.POSITIVE_INFINITY): string[] {
	const rows: string[] = [];
	for (let offset = 0; offset < bytes.length && rows.length < maxRows; offset += 16) {
		const slice = bytes.subarray(offset, offset + 16);
		const hex = hexBytes(slice).padEnd(16 * 3 - 1, ' ');
		let ascii = '';
		for (const byte of slice) {
			ascii += byte >= 0x20 && byte < 0x7F ? String.fromCharCode(byte) : '.';
		}

		rows.push(`${offset.toString(16).padStart(8, '0')}  ${hex}  ${ascii}`);
	}

	return rows;
}

/** A byte count for people: `512 B`, `1.5 KiB`, `16 MiB`. */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) {
		return `${bytes} B`;
	}

	const units = ['KiB', 'MiB', 'GiB'];
	let value = bytes;
	let unit = 'B';
	for (const next of units) {
		if (value < 1024) {
			break;
		}

		value /= 1024;
		unit = next;
	}

	return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

// What JSON.stringify leaves raw but a terminal acts on, or hides: DEL, C1 and the invisible
// characters of the rule above, the same emoji parts kept. (JSON escapes C0 itself.)
const unsafeInJson = new RegExp(`${emojiParts}|[\\u007F-\\u009F${invisible}]`, 'gu');

/** `\uXXXX` for each UTF-16 unit of `character` (a surrogate pair for one beyond the BMP), as JSON writes them. */
function jsonEscape(character: string): string {
	let escaped = '';
	for (let index = 0; index < character.length; index++) {
		escaped += `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`;
	}

	return escaped;
}

/** JSON text made safe for a terminal: those characters become `\uXXXX` escapes, still valid JSON. */
export function escapeJsonControl(json: string): string {
	return json.replace(unsafeInJson, (character: string, kept: string | undefined) => kept ?? jsonEscape(character));
}

/** `1 row`, `2 rows`: a count with its noun (`plural(n, 'row')`), or the plural given. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
	return `${count.toLocaleString('en-US')} ${count === 1 ? noun : nouns}`;
}

/** Longest part of a refused line (or a message) an error line quotes. */
const quotedLength = 60;

/** `text` cut to the length an error line quotes (60 characters, then `...`). */
export function shortenedForQuote(text: string): string {
	return text.length > quotedLength ? `${text.slice(0, quotedLength)}...` : text;
}

/** Text from a line or the network as an error line quotes it: shortened, control characters made visible. */
export function quote(text: string): string {
	return escapeControl(shortenedForQuote(text));
}
