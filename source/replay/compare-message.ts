/*
One recorded message compared with one received: where they differ, one line each, and the
canonical form that two messages share exactly when they compare equal (for --unordered's
matching). Text that is JSON on both sides compares as JSON: key order is free, numbers compare
by exact value (their digits, never a float that loses them past 2^53), and keys named in
`ignore` are left out at any depth. In a protocol's recording (wire.ts), a STOMP frame's command
and a Socket.IO packet's header compare exactly, STOMP headers by name (`ignore` names them too),
and the fields new on every connection are left out.
*/
import {isLosslessNumber, parse, stringify} from 'lossless-json';
import {escapeControl, hexBytes, shorten} from '../shared/escape-text.js';
import {canonicalJson, canonicalNumber} from './canonical-json.js';
import {frame, type Framed, type WireName} from './wire.js';

/** A message as compared: its type and bytes. */
export type CheckedMessage = {
	readonly isBinary: boolean;
	readonly data: Buffer;
};

export {canonicalNumber} from './canonical-json.js';

const maxDetails = 5;
const shownChars = 160;

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

/** Where two bodies (JSON or text) differ. */
function bodyDifferences(expectedText: string, actualText: string, ignore: ReadonlySet<string>): string[] {
	if (expectedText === actualText) {
		return [];
	}

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

/** What `ignore` leaves out of this message: the keys asked for, and its protocol's per-connection fields. */
function leftOut(framed: Framed, ignore: ReadonlySet<string>): ReadonlySet<string> {
	return framed.perConnection.length === 0 ? ignore : new Set([...ignore, ...framed.perConnection]);
}

/** Where two STOMP frames' headers differ, by name. */
function headerDifferences(expected: Framed['headers'], actual: Framed['headers'], ignore: ReadonlySet<string>): string[] {
	const out: string[] = [];
	for (const [name, value] of Object.entries(expected)) {
		if (ignore.has(name)) {
			continue;
		}

		const got = actual[name];
		if (got === undefined) {
			out.push(`header ${escapeControl(name)}: missing (expected ${showJson(value)})`);
		} else if (got !== value) {
			out.push(`header ${escapeControl(name)}: expected ${showJson(value)}, actual ${showJson(got)}`);
		}
	}

	for (const [name, value] of Object.entries(actual)) {
		if (!ignore.has(name) && !Object.hasOwn(expected, name)) {
			out.push(`header ${escapeControl(name)}: unexpected (actual ${showJson(value)})`);
		}
	}

	return out;
}

/** Where two messages differ, one line each; empty when they match. `wire`: the recording's protocol, if it spoke one. */
export function compareMessage(expected: CheckedMessage, actual: CheckedMessage, ignore: ReadonlySet<string>, wire?: WireName): string[] {
	if (expected.isBinary !== actual.isBinary) {
		return [`expected a ${expected.isBinary ? 'binary' : 'text'} message, actual ${actual.isBinary ? 'binary' : 'text'}`];
	}

	if (expected.data.equals(actual.data)) {
		return [];
	}

	if (expected.isBinary) {
		return [`bytes differ from byte ${firstDifference(expected.data, actual.data)} (expected ${expected.data.length} B, actual ${actual.data.length} B)`];
	}

	const expectedFrame = frame(wire, expected.data.toString());
	const actualFrame = frame(wire, actual.data.toString());
	if (expectedFrame.kind !== actualFrame.kind) {
		const what = wire === 'stomp' ? 'command' : 'packet';
		return [`${what}: expected ${showJson(expectedFrame.kind)}, actual ${showJson(actualFrame.kind)}`];
	}

	const skipped = leftOut(expectedFrame, ignore);
	const out = [...headerDifferences(expectedFrame.headers, actualFrame.headers, skipped), ...bodyDifferences(expectedFrame.body, actualFrame.body, skipped)];
	return out.slice(0, maxDetails);
}

/**
A message as one string that two messages share exactly when compareMessage finds no difference
between them (the expected one's per-connection fields aside), so that --unordered finds a
received message's match by a lookup rather than by comparing it with every one recorded.
*/
export function canonicalMessage(message: CheckedMessage, ignore: ReadonlySet<string>, wire?: WireName): string {
	if (message.isBinary) {
		return `b${message.data.toString('base64')}`;
	}

	const framed = frame(wire, message.data.toString());
	const skipped = leftOut(framed, ignore);
	const headers = Object.entries(framed.headers).filter(([name]) => !skipped.has(name)).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
	const json = tryParse(framed.body);
	const body = json === undefined ? `t${framed.body}` : `j${canonicalJson(json.value, skipped)}`;
	return `${JSON.stringify([framed.kind, headers])}${body}`;
}

/** A message on one line for people: control characters visible, long ones cut. */
export function showMessage(message: CheckedMessage): string {
	if (message.isBinary) {
		return `[binary ${message.data.length} B] ${hexBytes(message.data, 32)}`;
	}

	return shorten(escapeControl(message.data.toString()), shownChars);
}

