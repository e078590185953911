/*
`--check`: the messages a replay received, compared in order with the incoming ones recorded.
Text that is JSON on both sides compares as JSON: key order is free, numbers compare by exact
value (their digits, never a float that loses them past 2^53), and keys named in `ignore` are
left out at any depth. A missing or extra message is a mismatch too.
*/
import {isLosslessNumber, parse, stringify} from 'lossless-json';
import {escapeControl, hexBytes, shorten} from '../shared/escape-text.js';

/** A message as compared: its type and bytes. */
export type CheckedMessage = {
	readonly isBinary: boolean;
	readonly data: Buffer;
};

export type Mismatch = {
	/** 1-based position among the incoming messages. */
	readonly position: number;
	/** Undefined: an extra message arrived. */
	readonly expected?: CheckedMessage;
	/** Undefined: the expected message never arrived. */
	readonly actual?: CheckedMessage;
	/** Where they differ, one line each (empty for a missing or extra message). */
	readonly details: readonly string[];
};

const maxDetails = 5;
const shownChars = 160;

/** A JSON number's exact value as one canonical string: `1.50`, `15e-1` and `1.5` are all `15e-1`. */
export function canonicalNumber(token: string): string {
	const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(token);
	if (match === null) {
		return token;
	}

	const [, sign, whole, fraction = '', exponent = '0'] = match;
	let digits = `${whole}${fraction}`.replace(/^0+/, '');
	if (digits === '') {
		return '0';
	}

	let power = Number(exponent) - fraction.length;
	const trimmed = digits.replace(/0+$/, '');
	power += digits.length - trimmed.length;
	digits = trimmed;
	return `${sign}${digits}e${power}`;
}

function tryParse(text: string): {readonly value: unknown} | undefined {
	try {
		return {value: parse(text)};
	} catch {
		return undefined;
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

function keyPath(path: string, key: string): string {
	return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function showJson(value: unknown): string {
	return shorten(escapeControl(stringify(value) ?? 'undefined'), 80);
}

function kind(value: unknown): string {
	if (value === null) {
		return 'null';
	}

	if (isLosslessNumber(value)) {
		return 'number';
	}

	return Array.isArray(value) ? 'array' : typeof value;
}

/** Appends where `expected` and `actual` differ (at most maxDetails lines) to `out`. */
function jsonDifferences(expected: unknown, actual: unknown, path: string, ignore: ReadonlySet<string>, out: string[]): void {
	if (out.length >= maxDetails) {
		return;
	}

	if (kind(expected) !== kind(actual)) {
		out.push(`${path}: expected ${showJson(expected)}, actual ${showJson(actual)}`);
		return;
	}

	if (isLosslessNumber(expected) && isLosslessNumber(actual)) {
		if (canonicalNumber(expected.value) !== canonicalNumber(actual.value)) {
			out.push(`${path}: expected ${expected.value}, actual ${actual.value}`);
		}

		return;
	}

	if (Array.isArray(expected) && Array.isArray(actual)) {
		const length = Math.min(expected.length, actual.length);
		for (let index = 0; index < length; index++) {
			jsonDifferences(expected[index], actual[index], `${path}[${index}]`, ignore, out);
		}

		if (expected.length !== actual.length && out.length < maxDetails) {
			out.push(`${path}: expected ${expected.length} items, actual ${actual.length}`);
		}

		return;
	}

	if (isObject(expected) && isObject(actual)) {
		for (const [key, value] of Object.entries(expected)) {
			if (ignore.has(key)) {
				continue;
			}

			if (Object.hasOwn(actual, key)) {
				jsonDifferences(value, actual[key], keyPath(path, key), ignore, out);
			} else if (out.length < maxDetails) {
				out.push(`${keyPath(path, key)}: missing (expected ${showJson(value)})`);
			}
		}

		for (const [key, value] of Object.entries(actual)) {
			if (!ignore.has(key) && !Object.hasOwn(expected, key) && out.length < maxDetails) {
				out.push(`${keyPath(path, key)}: unexpected (actual ${showJson(value)})`);
			}
		}

		return;
	}

	if (expected !== actual) {
		out.push(`${path}: expected ${showJson(expected)}, actual ${showJson(actual)}`);
	}
}

function firstDifference(expected: ArrayLike<unknown>, actual: ArrayLike<unknown>): number {
	const length = Math.min(expected.length, actual.length);
	for (let index = 0; index < length; index++) {
		if (expected[index] !== actual[index]) {
			return index;
		}
	}

	return length;
}

/** Where two messages differ, one line each; empty when they match. */
export function compareMessage(expected: CheckedMessage, actual: CheckedMessage, ignore: ReadonlySet<string>): string[] {
	if (expected.isBinary !== actual.isBinary) {
		return [`expected a ${expected.isBinary ? 'binary' : 'text'} message, actual ${actual.isBinary ? 'binary' : 'text'}`];
	}

	if (expected.data.equals(actual.data)) {
		return [];
	}

	if (expected.isBinary) {
		return [`bytes differ from byte ${firstDifference(expected.data, actual.data)} (expected ${expected.data.length} B, actual ${actual.data.length} B)`];
	}

	const expectedText = expected.data.toString();
	const actualText = actual.data.toString();
	const expectedJson = tryParse(expectedText);
	if (expectedJson !== undefined) {
		const actualJson = tryParse(actualText);
		if (actualJson === undefined) {
			return ['expected JSON, actual is not JSON'];
		}

		const out: string[] = [];
		jsonDifferences(expectedJson.value, actualJson.value, '$', ignore, out);
		return out;
	}

	// Code points, so that the position matches what a person counts.
	const expectedChars = [...expectedText];
	const actualChars = [...actualText];
	const at = firstDifference(expectedChars, actualChars);
	if (at < shownChars - 40) {
		return [`text differs from character ${at + 1}`];
	}

	// Past what the one-line view shows: show the neighbourhood of the difference too.
	const around = (chars: string[]): string => `…${escapeControl(chars.slice(at - 20, at + 40).join(''))}${chars.length > at + 40 ? '…' : ''}`;
	return [`text differs from character ${at + 1}: expected ${around(expectedChars)}, actual ${around(actualChars)}`];
}

/** Compares every received message with the expected one at the same position. */
export function compareMessages(expected: readonly CheckedMessage[], actual: readonly CheckedMessage[], ignore: ReadonlySet<string>): Mismatch[] {
	const mismatches: Mismatch[] = [];
	for (let index = 0; index < Math.max(expected.length, actual.length); index++) {
		const wanted = expected[index];
		const got = actual[index];
		if (wanted === undefined || got === undefined) {
			mismatches.push({position: index + 1, details: [], ...(wanted === undefined ? {} : {expected: wanted}), ...(got === undefined ? {} : {actual: got})});
			continue;
		}

		const details = compareMessage(wanted, got, ignore);
		if (details.length > 0) {
			mismatches.push({position: index + 1, expected: wanted, actual: got, details});
		}
	}

	return mismatches;
}

/** A message on one line for people: control characters visible, long ones cut. */
export function showMessage(message: CheckedMessage): string {
	if (message.isBinary) {
		return `[binary ${message.data.length} B] ${hexBytes(message.data, 32)}`;
	}

	return shorten(escapeControl(message.data.toString()), shownChars);
}

/** A mismatch as lines for stderr: what differs, expected, actual, and where. */
export function formatMismatch({position, expected, actual, details}: Mismatch, expectedCount: number): string[] {
	const what = expected === undefined ? 'unexpected (more messages than recorded)' : actual === undefined ? 'did not arrive' : 'differs';
	return [
		`message ${position} of ${expectedCount} ${what}`,
		`  expected: ${expected === undefined ? '(nothing)' : showMessage(expected)}`,
		`  actual:   ${actual === undefined ? '(nothing)' : showMessage(actual)}`,
		...details.map(detail => `  ${detail}`),
	];
}
