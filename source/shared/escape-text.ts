/*
Making network text safe to show. A server controls every byte it sends; written raw to a
terminal, ESC, CSI (C1 0x9b), OSC and friends can move the cursor, rewrite the screen, set the
window title or worse. Everything shown to a person goes through escapeControl first.
*/

// C0 (tab and line feed are handled by the caller's choice), DEL, C1, the line and paragraph
// separators and the bidirectional overrides that can reorder what a reader sees.
const unsafe = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/;
const unsafeGlobal = new RegExp(unsafe.source, 'g');
const unsafeWithLayout = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/;
const unsafeWithLayoutGlobal = new RegExp(unsafeWithLayout.source, 'g');

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

function visible(character: string): string {
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

// What JSON.stringify leaves raw but a terminal acts on: DEL, C1 and the invisible reordering
// and separator characters of `unsafe`. (JSON escapes C0 itself.)
const unsafeInJson = /[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** JSON text made safe for a terminal: those characters become `\uXXXX` escapes, still valid JSON. */
export function escapeJsonControl(json: string): string {
	return json.replace(unsafeInJson, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `1 row`, `2 rows`: a count with its noun (`plural(n, 'row')`), or the plural given. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
	return `${count.toLocaleString('en-US')} ${count === 1 ? noun : nouns}`;
}
