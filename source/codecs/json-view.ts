/*
Decoded values as JSON, for display and --jsonl, without losing what JSON cannot say directly:

- integers of any size are written with all their digits (bigint included), never rounded;
- bytes (Uint8Array, Buffer) are `{"$bytes": "<base64>"}`;
- a Map whose keys are all strings is an object; any other Map is `{"$map": [[key, value], ...]}`;
- NaN, Infinity and -Infinity are `{"$float": "NaN"}` (and so on); -0 is written `-0`;
- a Date is `{"$date": "<ISO 8601>"}` (`null` inside when the date is invalid);
- undefined is `{"$undefined": true}`; a Set is `{"$set": [...]}`;
- a format's own types come from its codec (CBOR: `{"$tag": N, "value": ...}`, `{"$simple": N}`).

The reverse (parseJsonValue) reads what --encode is given: integers too large for a double become
bigint, `-0` stays -0, a number beyond a double's range (`1e400`, `1e-400`) is refused rather than
sent as Infinity or 0, and `{"$bytes": "<base64>"}` and `{"$float": "NaN"}` (alone in their object)
become bytes and that float. A `$bytes` that is not base64 and a string with a lone surrogate are
refused too: no bytes say them without making some up.
*/
import {isSafeNumber, parse} from 'lossless-json';

/** A codec's say on a value json-view does not know: a replacement value, or undefined to go on. */
export type JsonViewExtension = (value: object) => unknown;

/** `value` as compact JSON on one line. */
export function toJsonText(value: unknown, extension?: JsonViewExtension): string {
	return write(value, extension, 0);
}

const maxDepth = 1000;

function write(value: unknown, extension: JsonViewExtension | undefined, depth: number): string {
	if (depth > maxDepth) {
		throw new RangeError('nested too deeply to show');
	}

	switch (typeof value) {
		case 'string': {
			return JSON.stringify(value);
		}

		case 'number': {
			if (Number.isFinite(value)) {
				return Object.is(value, -0) ? '-0' : String(value);
			}

			return `{"$float":"${String(value)}"}`;
		}

		case 'bigint': {
			return value.toString();
		}

		case 'boolean': {
			return String(value);
		}

		case 'undefined': {
			return '{"$undefined":true}';
		}

		case 'object': {
			return value === null ? 'null' : writeObject(value, extension, depth);
		}

		default: {
			// Functions and symbols: no decoder makes them.
			return JSON.stringify(String(value));
		}
	}
}

function writeObject(value: object, extension: JsonViewExtension | undefined, depth: number): string {
	const next = (item: unknown): string => write(item, extension, depth + 1);
	const replaced = extension?.(value);
	if (replaced !== undefined) {
		return next(replaced);
	}

	if (Array.isArray(value)) {
		return `[${value.map(item => next(item)).join(',')}]`;
	}

	if (ArrayBuffer.isView(value)) {
		return `{"$bytes":"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"}`;
	}

	if (value instanceof ArrayBuffer) {
		return `{"$bytes":"${Buffer.from(value).toString('base64')}"}`;
	}

	if (value instanceof Date) {
		return `{"$date":${Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString())}}`;
	}

	if (value instanceof Map) {
		const entries = [...value.entries()];
		if (entries.every(([key]) => typeof key === 'string')) {
			return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${next(item)}`).join(',')}}`;
		}

		return `{"$map":[${entries.map(([key, item]) => `[${next(key)},${next(item)}]`).join(',')}]}`;
	}

	if (value instanceof Set) {
		return `{"$set":[${[...value].map(item => next(item)).join(',')}]}`;
	}

	if (typeof (value as {toJSON?: unknown}).toJSON === 'function') {
		// URL, and the like.
		return next((value as {toJSON: () => unknown}).toJSON());
	}

	if (value instanceof RegExp) {
		return next(String(value));
	}

	return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${next(item)}`).join(',')}}`;
}

/**
Parses one line of JSON for --encode: integers beyond 2^53 as bigint, `{"$bytes": base64}` as
bytes, `{"$float": "NaN"}` (or "Infinity", "-Infinity") as that number. Throws a SyntaxError when the line is not JSON, a NumberRangeError when a number is beyond
a double's range.
*/
export function parseJsonValue(text: string): unknown {
	return parse(text, reviveSpecial, parseNumber);
}

/**
JSON that is valid but says something no format can send as written: a number no double holds, a
{"$bytes"} that is not base64, a lone surrogate. Its message is the whole reason (the line is
quoted after it).
*/
export class UnsendableValueError extends RangeError {
	override name = 'UnsendableValueError';
}

/** A number in the JSON that no double holds (`1e400`, which Number() makes Infinity). */
export class NumberRangeError extends UnsendableValueError {
	override name = 'NumberRangeError';
}

function parseNumber(text: string): number | bigint {
	if (!isSafeNumber(text) && /^-?\d+$/.test(text)) {
		return BigInt(text);
	}

	const value = Number(text);
	const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
	if (!Number.isFinite(value)) {
		throw new NumberRangeError(`${shown} is beyond the range of a 64-bit float`);
	}

	// 1e-400: Number() makes it 0, which is not what was written.
	if (value === 0 && /[1-9]/.test(text.replace(/[eE].*$/, ''))) {
		throw new NumberRangeError(`${shown} is too small for a 64-bit float (it would be 0)`);
	}

	return value;
}

const floats: Readonly<Record<string, number>> = {NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY};

/** A lone surrogate: UTF-8 has no bytes for it (an encoder would write invalid UTF-8 or U+FFFD). */
const loneSurrogate = /\p{Cs}/u;

/**
The reverse of what toJsonText writes for bytes and for the floats JSON has no word for. A
{"$bytes"} that is not base64 and a string (or key) with a lone surrogate are refused: sending
them would mean making bytes up.
*/
function reviveSpecial(key: string, value: unknown): unknown {
	for (const text of [key, value]) {
		if (typeof text === 'string' && loneSurrogate.test(text)) {
			const surrogate = loneSurrogate.exec(text)![0];
			throw new UnsendableValueError(`the string ${cut(JSON.stringify(text))} holds a lone surrogate (${JSON.stringify(surrogate).slice(1, -1)}), which UTF-8 cannot encode`);
		}
	}

	if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1) {
		const {$bytes: bytes, $float: float} = value as {$bytes?: unknown; $float?: unknown};
		if (typeof bytes === 'string') {
			if (!isBase64(bytes)) {
				throw new UnsendableValueError(`${cut(JSON.stringify(bytes))} in {"$bytes"} is not base64`);
			}

			return new Uint8Array(Buffer.from(bytes, bytes.includes('-') || bytes.includes('_') ? 'base64url' : 'base64'));
		}

		if (typeof float === 'string' && Object.hasOwn(floats, float)) {
			return floats[float];
		}
	}

	return value;
}

/** Standard or URL-safe base64, padding optional. */
const base64Text = /^(?:[A-Za-z\d+/]{4})*(?:[A-Za-z\d+/]{2}(?:==)?|[A-Za-z\d+/]{3}=?)?$|^(?:[A-Za-z\d\-_]{4})*(?:[A-Za-z\d\-_]{2}(?:==)?|[A-Za-z\d\-_]{3}=?)?$/;

/** Text that is base64 (standard or URL-safe, padding optional), which Buffer would decode without making bytes up. */
export function isBase64(text: string): boolean {
	return base64Text.test(text);
}

function cut(text: string): string {
	return text.length > 40 ? `${text.slice(0, 40)}..."` : text;
}
