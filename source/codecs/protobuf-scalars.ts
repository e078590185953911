/*
One JSON value as a protobuf scalar, by the proto3 JSON mapping's rules (what protobuf's own JSON
parsers accept): integers as numbers or strings that are whole and within the type's range (1e2
and "12" are 32-bit integers, 1.5 and "abc" are not), floats as numbers or "NaN"/"Infinity"/
"-Infinity" or a numeric string, bools as true or false only, strings as strings, bytes as base64
(standard or URL-safe, padding optional) or wsterm's {"$bytes": ...}. Anything else throws a
ScalarError saying why; the caller names the field.

Values come from json-view's parseJsonValue: integers beyond 2^53 are bigint, {"$bytes"} is bytes
and {"$float"} that float.
*/
import {isBase64} from './json-view.js';

/** Why a value does not fit a field (the message names the value; the caller adds the field). */
export class ScalarError extends TypeError {
	override name = 'ScalarError';
}

type IntegerRange = {readonly min: bigint; readonly max: bigint; readonly long: boolean};

const integerRanges: Readonly<Record<string, IntegerRange>> = {
	int32: {min: -(2n ** 31n), max: (2n ** 31n) - 1n, long: false},
	sint32: {min: -(2n ** 31n), max: (2n ** 31n) - 1n, long: false},
	sfixed32: {min: -(2n ** 31n), max: (2n ** 31n) - 1n, long: false},
	uint32: {min: 0n, max: (2n ** 32n) - 1n, long: false},
	fixed32: {min: 0n, max: (2n ** 32n) - 1n, long: false},
	int64: {min: -(2n ** 63n), max: (2n ** 63n) - 1n, long: true},
	sint64: {min: -(2n ** 63n), max: (2n ** 63n) - 1n, long: true},
	sfixed64: {min: -(2n ** 63n), max: (2n ** 63n) - 1n, long: true},
	uint64: {min: 0n, max: (2n ** 64n) - 1n, long: true},
	fixed64: {min: 0n, max: (2n ** 64n) - 1n, long: true},
};

/** The largest finite 32-bit float. */
const floatMax = 3.402_823_466_385_288_6e38;

/** A JSON number's text (as the mapping takes it in a string too). */
const numberText = /^-?(?:0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
`value` as the protobufjs value of a scalar field of type `type` (int32, string, bytes...): a
number for 32-bit integers and floats, a decimal string for 64-bit integers (protobufjs reads it
exactly), bytes as Uint8Array. Throws a ScalarError.
*/
export function scalarValue(type: string, value: unknown): unknown {
	const range = integerRanges[type];
	if (range !== undefined) {
		const integer = integerOf(value);
		if (integer < range.min || integer > range.max) {
			throw new ScalarError(`${integer} is out of range (${range.min} to ${range.max})`);
		}

		return range.long ? integer.toString() : Number(integer);
	}

	switch (type) {
		case 'double':
		case 'float': {
			return floatOf(value, type === 'float');
		}

		case 'bool': {
			if (typeof value !== 'boolean') {
				throw new ScalarError(`${shown(value)} is not true or false`);
			}

			return value;
		}

		case 'string': {
			if (typeof value !== 'string') {
				throw new ScalarError(`${shown(value)} is not a string`);
			}

			return value;
		}

		case 'bytes': {
			return bytesOf(value);
		}

		default: {
			throw new ScalarError(`unknown scalar type ${type}`);
		}
	}
}

/** A whole number from a JSON number or a string holding one (1e2, "12", 3.0); throws for anything else. */
export function integerOf(value: unknown): bigint {
	if (typeof value === 'bigint') {
		return value;
	}

	if (typeof value === 'number' && Number.isInteger(value)) {
		return BigInt(value);
	}

	if (typeof value === 'string') {
		const integer = integerText(value);
		if (integer !== undefined) {
			return integer;
		}
	}

	throw new ScalarError(`${shown(value)} is not an integer`);
}

/** The integer a numeric text denotes exactly ("1.50e1" is 15), or undefined when it is not one. */
function integerText(text: string): bigint | undefined {
	const match = numberText.exec(text);
	if (match === null) {
		return undefined;
	}

	const [, fraction = '', exponentText = '0'] = match;
	const sign = text.startsWith('-') ? -1n : 1n;
	let digits = text.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '');
	let exponent = Number(exponentText) - fraction.length;
	while (exponent < 0 && digits.endsWith('0')) {
		digits = digits.slice(0, -1);
		exponent++;
	}

	// Far beyond any range, whole or not: said as out of range by the caller's check.
	if (exponent > 100) {
		return sign * (10n ** 100n);
	}

	return exponent < 0 ? undefined : sign * BigInt(digits || '0') * (10n ** BigInt(exponent));
}

const floatWords: Readonly<Record<string, number>> = {NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY};

function floatOf(value: unknown, single: boolean): number {
	let number: number | undefined;
	if (typeof value === 'number') {
		number = value;
	} else if (typeof value === 'bigint') {
		number = Number(value);
	} else if (typeof value === 'string') {
		number = Object.hasOwn(floatWords, value) ? floatWords[value] : (numberText.test(value) ? Number(value) : undefined);
		if (number !== undefined && !Number.isFinite(number) && !Object.hasOwn(floatWords, value)) {
			throw new ScalarError(`${shown(value)} is beyond the range of a 64-bit float`);
		}
	}

	if (number === undefined) {
		throw new ScalarError(`${shown(value)} is not a number`);
	}

	if (single && Number.isFinite(number) && Math.abs(number) > floatMax) {
		throw new ScalarError(`${shown(value)} is out of range for a 32-bit float`);
	}

	return number;
}

/** Bytes from base64 text or {"$bytes"} (already bytes); throws for text that is not base64. */
export function bytesOf(value: unknown): Uint8Array {
	if (value instanceof Uint8Array) {
		return value;
	}

	if (typeof value !== 'string') {
		throw new ScalarError(`${shown(value)} is not base64 text`);
	}

	if (!isBase64(value)) {
		throw new ScalarError(`${shown(value)} is not base64`);
	}

	return new Uint8Array(Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64'));
}

/** A value as an error line names it: JSON-like, cut short. */
export function shown(value: unknown): string {
	let text: string;
	if (typeof value === 'bigint' || typeof value === 'number') {
		text = String(value);
	} else if (value instanceof Uint8Array) {
		text = '{"$bytes":...}';
	} else {
		try {
			text = JSON.stringify(value, (_key, item: unknown) => typeof item === 'bigint' ? Number(item) : item) ?? String(value);
		} catch {
			text = String(value);
		}
	}

	return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
