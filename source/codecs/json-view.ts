/*
Decoded values as JSON, for display and --jsonl, without losing what JSON cannot say directly:

- integers of any size are written with all their digits (bigint included), never rounded; a
  float is written so that it reads back as a float (1e+20, not 100000000000000000000);
- bytes (Uint8Array, Buffer) are `{"$bytes": "<base64>"}`;
- a Map whose keys are all strings is an object; any other Map is `{"$map": [[key, value], ...]}`;
- NaN, Infinity and -Infinity are `{"$float": "NaN"}` (and so on); -0 is written `-0`;
- a Date is `{"$date": "<ISO 8601>"}` (`null` inside when the date is invalid);
- undefined is `{"$undefined": true}`; a Set is `{"$set": [...]}`;
- a format's own types come from its codec (CBOR: `{"$tag": N, "value": ...}`, `{"$simple": N}`;
  msgpack: `{"$ext": N, "data": ...}`), as a JsonForm;
- an object carrying a display form (json-forms.ts's shownAs) is written as that form;
- a map (object or Map) whose keys are exactly a form's is written as `{"$map": [...]}`, so that
  no two different values print the same.

The reverse, what --encode reads: json-read.ts (re-exported here).
*/
import {isFormShaped, JsonForm, shownAs, type WithShownAs} from './json-forms.js';

export {isBase64, NumberRangeError, parseJsonValue, UnsendableValueError} from './json-read.js';

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
				// A float beyond 2^53 with no fraction (1e20) is written with its exponent: its digits would read back as an integer.
				return Object.is(value, -0) ? '-0' : (Number.isInteger(value) && !Number.isSafeInteger(value) ? value.toExponential() : String(value));
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
	const shown = (value as WithShownAs)[shownAs];
	if (shown !== undefined) {
		return next(shown);
	}

	const replaced = extension?.(value);
	if (replaced !== undefined) {
		return next(replaced);
	}

	if (value instanceof JsonForm) {
		return `{${Object.entries(value.fields).map(([key, item]) => `${JSON.stringify(key)}:${next(item)}`).join(',')}}`;
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
		return writeEntries([...value.entries()], next);
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

	return writeEntries(Object.entries(value), next);
}

/** A map's entries: an object when its keys are all strings (and not a `$` form's), else {"$map": [[key, value], ...]}. */
function writeEntries(entries: ReadonlyArray<readonly [unknown, unknown]>, next: (item: unknown) => string): string {
	const keys = entries.map(([key]) => key);
	if (keys.every(key => typeof key === 'string') && !isFormShaped(keys)) {
		return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${next(item)}`).join(',')}}`;
	}

	return `{"$map":[${entries.map(([key, item]) => `[${next(key)},${next(item)}]`).join(',')}]}`;
}

