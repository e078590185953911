/*
JSON numbers as the user typed them. A stage that wraps a line in its protocol's envelope (an id
added, a packet header) parses the line with lossless-json, whose numbers stay their tokens
(LosslessNumber), and writes it back with each token as it was: 9007199254740993, 1.10, -0 and
1e400 go out unchanged, where JSON.parse then JSON.stringify would send 9007199254740992, 1.1, 0
and null. Hooks and --jsonl get plain values (plainJson).
*/
import {isLosslessNumber, parse, stringify} from 'lossless-json';
import {escapeJsonControl} from '../shared/escape-text.js';

/**
A number token JSON.parse may change, or a text that looks like one (a string's `1.0` too, which
costs only the slower parse): 16 or more digits, an exponent, -0, a fraction ending in 0 (not
before a quote: JSON-RPC's "2.0" is a string), or six zeros after the point (0.0000001 comes back
as 1e-7). Any other token reads back as itself.
*/
const mayChange = /\d[\d.]{15}|\d[eE]|-0(?![.\d])|\.\d*0(?![\d"])|\.0{6}/;

/**
A JSON text with its numbers exact: as LosslessNumber, or plain numbers when every token reads
back as itself (most messages: JSON.parse is some five times faster, and this runs per message
received); throws JSON.parse's error for text that is not JSON.
*/
export function parseExact(text: string): unknown {
	if (!mayChange.test(text)) {
		return JSON.parse(text);
	}

	try {
		// A key given twice keeps its last value, as with JSON.parse.
		return parse(text, null, {onDuplicateKey: ({newValue}) => newValue});
	} catch (error) {
		JSON.parse(text);
		throw error;
	}
}

/**
The value of a received JSON text with its number tokens: `plain` (what JSON.parse, or a library
with it, made of `text`) when every token reads back as itself, else `text` parsed with its tokens
as LosslessNumber (`plain` again should that fail).
*/
export function exactJson(text: string, plain: unknown): unknown {
	if (!mayChange.test(text)) {
		return plain;
	}

	try {
		return parseExact(text);
	} catch {
		return plain;
	}
}

/** A value from parseExact (or a plain one) as JSON text, each LosslessNumber written as its token. */
export function stringifyExact(value: unknown): string {
	return stringify(value) ?? 'null';
}

/**
A received value's JSON as the server wrote it (`json`, part of its message: its number tokens and
its strings' escapes, `\u00e9` and `\/` included) when that is one line; else `value` (parsed with
its tokens) written again, with no control character raw that the server may have escaped.
*/
export function serverJson(json: string | undefined, value: unknown): string {
	const given = json?.trim();
	return given === undefined || given === '' || /[\r\n]/.test(given) ? escapeJsonControl(stringifyExact(value)) : given;
}

/**
The text of member `key`'s value in a JSON object's text, as written; undefined when the object
has none. `text` is JSON already parsed (a message received): scanned, not checked. A key given
twice: its last value, as JSON.parse keeps.
*/
export function memberText(text: string, key: string): string | undefined {
	let depth = 0;
	let keyText = '';
	let valueStart: number | undefined;
	let found: string | undefined;
	for (let index = 0; index < text.length; index++) {
		const character = text[index];
		if (character === '"') {
			const end = stringEnd(text, index);
			if (depth === 1 && valueStart === undefined) {
				keyText = text.slice(index, end + 1);
			}

			index = end;
		} else if (character === '{' || character === '[') {
			depth++;
		} else if (character === '}' || character === ']' || character === ',') {
			if (depth === 1 && valueStart !== undefined) {
				if (JSON.parse(keyText) === key) {
					found = text.slice(valueStart, index);
				}

				valueStart = undefined;
			}

			depth -= character === ',' ? 0 : 1;
		} else if (character === ':' && depth === 1 && valueStart === undefined) {
			valueStart = index + 1;
		}
	}

	return found;
}

/** Where the JSON string opening at `start` closes (its closing quote's index). */
function stringEnd(text: string, start: number): number {
	for (let index = start + 1; index < text.length; index++) {
		if (text[index] === '\\') {
			index++;
		} else if (text[index] === '"') {
			return index;
		}
	}

	return text.length;
}

/**
A value from parseExact with plain numbers (as JSON.parse gives them), for hooks and --jsonl; the
value itself (no copy) when it holds no LosslessNumber, as most do.
*/
export function plainJson(value: unknown): unknown {
	return holdsExactNumber(value) ? plainCopy(value) : value;
}

function holdsExactNumber(value: unknown): boolean {
	if (typeof value !== 'object' || value === null || value instanceof Uint8Array) {
		return false;
	}

	if (isLosslessNumber(value)) {
		return true;
	}

	for (const item of Array.isArray(value) ? value : Object.values(value)) {
		if (holdsExactNumber(item)) {
			return true;
		}
	}

	return false;
}

function plainCopy(value: unknown): unknown {
	if (isLosslessNumber(value)) {
		return Number(value.value);
	}

	if (Array.isArray(value)) {
		return value.map(item => plainCopy(item));
	}

	if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainCopy(item)]));
	}

	return value;
}

export type Replacer = (key: string, value: unknown) => unknown;

/**
The text a library makes with JSON.stringify and `replacer` (socket.io-parser's Encoder,
graphql-ws's stringifyMessage), with each LosslessNumber written as its token: the replacer turns
each into a placeholder string, then the placeholders become the tokens. A placeholder is
`"wsterm<attempt>x<index>"`; if a string of the value itself looks like one (more matches than
numbers), the text is made again with another attempt number.
*/
export function encodeExact(encode: (replacer: Replacer) => string): string {
	for (let attempt = 0; ; attempt++) {
		const marker = `wsterm${attempt}x`;
		const tokens: string[] = [];
		const text = encode((_key, value) => {
			if (!isLosslessNumber(value)) {
				return value;
			}

			tokens.push(value.value);
			return `${marker}${tokens.length - 1}`;
		});
		let matches = 0;
		const exact = text.replaceAll(new RegExp(`"${marker}(\\d+)"`, 'g'), (_match, index: string) => {
			matches++;
			return tokens[Number(index)] ?? '';
		});
		if (matches === tokens.length) {
			return exact;
		}
	}
}

/**
As encodeExact, for an encoder that copies the value before it writes it (socket.io-parser's binary
packets, where the copy loses what marks a LosslessNumber): each LosslessNumber is swapped for its
placeholder string before `encode` sees the value. Bytes are left as they are.
*/
export function encodeSwapped(value: unknown, encode: (swapped: unknown) => string): string {
	return encodeExact(replacer => encode(swapped(value, replacer)));
}

function swapped(value: unknown, replacer: Replacer): unknown {
	if (isLosslessNumber(value)) {
		return replacer('', value);
	}

	if (Array.isArray(value)) {
		return value.map(item => swapped(item, replacer));
	}

	if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, swapped(item, replacer)]));
	}

	return value;
}

/** An object, not an array, null or a number token. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

export {isLosslessNumber} from 'lossless-json';
