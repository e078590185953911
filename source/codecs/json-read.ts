/*
What --encode reads: one line of JSON as a value for a codec. Integers too large for a double
become bigint, `-0` stays -0, a number beyond a double's range (`1e400`, `1e-400`) is refused
rather than sent as Infinity or 0, and wsterm's `$` forms (json-forms.ts) become what they stand
for: bytes, a float, a Map, or a JsonDate / JsonTagged / JsonExtension / JsonSimple /
jsonUndefined that the codec turns into its library's value. A form whose content is wrong (a
$bytes that is not base64, a $date that is no date, a $map that is not pairs) is refused, as is a
string with a lone surrogate: no bytes say them without making some up.
*/
import {isSafeNumber, parse} from 'lossless-json';
import {jsonTokens} from '../shared/json-tokens.js';
import {isIndexLike, markedKeys, plainObjects} from './map-keys.js';
import {parseRfc3339} from './rfc3339.js';
import {isFormShaped, JsonDate, JsonExtension, JsonSimple, JsonTagged, jsonUndefined} from './json-forms.js';

/**
Parses one line of JSON for --encode (see the top of this file). Throws a SyntaxError when the
line is not JSON, an UnsendableValueError (a NumberRangeError for numbers) when it says something
no format can send as written.
*/
export function parseJsonValue(text: string): unknown {
	if (!indexLikeKey.test(text)) {
		return parse(text, reviveSpecial, parseNumber);
	}

	// An object's "1" would move before its other keys: the keys are marked, so that the encoders send them in their order.
	const keys = markedKeys();
	const tokens = jsonTokens(text);
	const marked = tokens === undefined ? text : tokens.map(({kind, text: token}) => kind === 'key' && isIndexLike(JSON.parse(token) as string) ? JSON.stringify(keys.convert(JSON.parse(token))) : token).join('');
	return plainObjects(parse(marked, reviveSpecial, parseNumber), keys);
}

/** A key that may be an array index ("1"): quick to test, and rare. */
const indexLikeKey = /"\d+"\s*:/;

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

/** The reverse of what json-view.ts writes (see the top of this file). */
function reviveSpecial(key: string, value: unknown): unknown {
	for (const text of [key, value]) {
		if (typeof text === 'string' && loneSurrogate.test(text)) {
			const surrogate = loneSurrogate.exec(text)![0];
			throw new UnsendableValueError(`the string ${cut(JSON.stringify(text))} holds a lone surrogate (${JSON.stringify(surrogate).slice(1, -1)}), which UTF-8 cannot encode`);
		}
	}

	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return value;
	}

	const keys = Object.keys(value);
	return isFormShaped(keys) ? formValue(value as Record<string, unknown>) : value;
}

/** An object with a form's keys as the value it stands for; as it is when its content is of another kind ({"$float":"nan"}). */
function formValue(form: Record<string, unknown>): unknown {
	const {$bytes: bytes, $float: float, $date: date, $map: map, $undefined: undefinedValue, $simple: simple, $tag: tag, $ext: extension} = form;
	if (typeof bytes === 'string') {
		if (!isBase64(bytes)) {
			throw new UnsendableValueError(`${cut(JSON.stringify(bytes))} in {"$bytes"} is not base64`);
		}

		return new Uint8Array(Buffer.from(bytes, bytes.includes('-') || bytes.includes('_') ? 'base64url' : 'base64'));
	}

	if (typeof float === 'string') {
		return Object.hasOwn(floats, float) ? floats[float] : form;
	}

	if (typeof date === 'string') {
		if (parseRfc3339(date) === undefined) {
			throw new UnsendableValueError(`${cut(JSON.stringify(date))} in {"$date"} is not an RFC 3339 time`);
		}

		return new JsonDate(date);
	}

	if (map !== undefined) {
		if (!Array.isArray(map) || !map.every(entry => Array.isArray(entry) && entry.length === 2)) {
			throw new UnsendableValueError('{"$map"} takes [[key, value], ...]');
		}

		return new Map(map as Array<[unknown, unknown]>);
	}

	if (undefinedValue === true) {
		return jsonUndefined;
	}

	if (simple !== undefined) {
		return new JsonSimple(whole(simple, '$simple', 0, 255));
	}

	if (tag !== undefined) {
		return new JsonTagged(typeof tag === 'bigint' && tag > 0n ? tag : whole(tag, '$tag', 0, Number.MAX_SAFE_INTEGER), form.value);
	}

	if (extension !== undefined) {
		if (!(form.data instanceof Uint8Array)) {
			throw new UnsendableValueError('{"$ext"} takes "data": {"$bytes": ...}');
		}

		return new JsonExtension(whole(extension, '$ext', -128, 127), form.data);
	}

	return form;
}

function whole(value: unknown, form: string, least: number, most: number): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < least || value > most) {
		throw new UnsendableValueError(`{"${form}"} takes a whole number from ${least} to ${most}`);
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
