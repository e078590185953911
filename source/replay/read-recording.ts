/*
Reads a wsterm recording: the JSON lines of `--record`, `/save` or pipe mode's `--jsonl`, or lines
written by hand. Data messages become the conversation; the first `open` record gives the URL and
subprotocol, and a second one (a reconnect) ends it, since one replay is one connection.

A hand-written line needs only `dir` and the payload: `type` follows from the payload (`data`:
text, `base64`: binary), `data` may be any JSON value (sent as its compact JSON, numbers as
written), and a record without `time` comes right after the one before it (no wait, with --pace
recorded).
*/
import {escapeControl} from '../shared/escape-text.js';
import {UsageError} from '../shared/exit-codes.js';
import type {EventRecord} from '../shared/event-record.js';
import {jsonTokens} from '../shared/json-tokens.js';
import type {Conversation, RecordedMessage} from './conversation.js';

type RawRecord = Partial<Record<keyof EventRecord, unknown>>;

const recordTypes: ReadonlyArray<EventRecord['type']> = ['text', 'binary', 'open', 'ping', 'pong', 'close'];

function problem(name: string, line: number, what: string): UsageError {
	return new UsageError(`${name} line ${line}: ${what}`);
}

function isRecord(value: unknown): value is RawRecord {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The record's time in milliseconds; undefined when it has none. */
function timeOf(name: string, line: number, record: RawRecord): number | undefined {
	if (record.time === undefined) {
		return undefined;
	}

	const time = typeof record.time === 'string' ? Date.parse(record.time) : Number.NaN;
	if (Number.isNaN(time)) {
		throw problem(name, line, `"time" is not an ISO 8601 date such as "2024-05-01T12:00:00.000Z": ${JSON.stringify(record.time)} (or leave it out: no wait)`);
	}

	return time;
}

/** The compact text of the record's top-level `data` value, exactly as written, from the line's tokens; undefined if they cannot be read. */
function dataText(line: string): string | undefined {
	const tokens = jsonTokens(line);
	if (tokens === undefined) {
		return undefined;
	}

	let depth = 0;
	let start = tokens.length;
	for (const [index, token] of tokens.entries()) {
		depth += token.kind === 'open' ? 1 : token.kind === 'close' ? -1 : 0;
		if (depth === 1 && token.kind === 'key' && token.text === '"data"') {
			// The last "data" wins, as in JSON.parse; its value starts after the colon.
			start = index + 2;
		}
	}

	let value = '';
	let nested = 0;
	for (const token of tokens.slice(start)) {
		if (nested === 0 && (token.kind === 'comma' || token.kind === 'close')) {
			break;
		}

		nested += token.kind === 'open' ? 1 : token.kind === 'close' ? -1 : 0;
		value += token.text;
	}

	return value === '' ? undefined : value;
}

function payloadOf(name: string, line: number, record: RawRecord, text: string): {isBinary: boolean; data: Buffer} {
	const type = record.type ?? (record.base64 === undefined ? 'text' : 'binary');
	if (type === 'binary') {
		if (typeof record.base64 !== 'string') {
			throw problem(name, line, 'a binary message needs "base64": the bytes in base64, as a string');
		}

		return {isBinary: true, data: Buffer.from(record.base64, 'base64')};
	}

	if (record.data === undefined) {
		throw problem(name, line, 'a message needs "data" (text: a string, or any JSON value, sent as its JSON) or "base64" (binary)');
	}

	return {isBinary: false, data: Buffer.from(typeof record.data === 'string' ? record.data : (dataText(text) ?? JSON.stringify(record.data)))};
}

/** Parses a recording; `name` (the file) prefixes every error, which is a UsageError. */
export function parseRecording(text: string, name: string): Conversation {
	const messages: Array<Omit<RecordedMessage, 'time'> & {time: number | undefined}> = [];
	let open: {url?: string; protocol?: string; time?: number} | undefined;
	const lines = text.split('\n');
	for (const [index, raw] of lines.entries()) {
		const line = raw.trim();
		if (line === '') {
			continue;
		}

		let record: unknown;
		try {
			record = JSON.parse(line);
		} catch (error) {
			if (index === lines.length - 1 && cutShort(line, error)) {
				// An unfinished last line: the event being written when the recorder stopped.
				break;
			}

			throw problem(name, index + 1, `not JSON (${escapeControl((error as Error).message)}); expected one wsterm event record per line, such as {"dir":"out","data":"hello"}, or a HAR file`);
		}

		if (!isRecord(record)) {
			throw problem(name, index + 1, 'not a JSON object; expected one wsterm event record per line, such as {"dir":"out","data":"hello"}');
		}

		if (record.dir !== 'in' && record.dir !== 'out') {
			throw problem(name, index + 1, `"dir" must be "out" (sent by the client) or "in" (sent by the server), not ${record.dir === undefined ? 'missing' : JSON.stringify(record.dir)}`);
		}

		if (record.type !== undefined && !(recordTypes as readonly unknown[]).includes(record.type)) {
			// A typo would otherwise drop the message without a word.
			throw problem(name, index + 1, `"type" must be "text" or "binary" (or left out), or "open", "ping", "pong" or "close", not ${JSON.stringify(record.type)}`);
		}

		if (record.type === 'open') {
			if (open !== undefined) {
				// A reconnect: the rest is another connection.
				break;
			}

			const time = timeOf(name, index + 1, record);
			open = {
				...(time === undefined ? {} : {time}),
				...(typeof record.url === 'string' && record.url !== '' ? {url: record.url} : {}),
				...(typeof record.protocol === 'string' && record.protocol !== '' ? {protocol: record.protocol} : {}),
			};
		} else if (record.type === undefined || record.type === 'text' || record.type === 'binary') {
			messages.push({dir: record.dir, time: timeOf(name, index + 1, record), ...payloadOf(name, index + 1, record, line)});
		}
	}

	// A message without a time comes right after the one before it (no wait); those before any time, at the first one.
	let last = open?.time ?? messages.find(message => message.time !== undefined)?.time ?? 0;
	const timed = messages.map(message => {
		last = message.time ?? last;
		return {...message, time: last};
	});
	const {time: openedAt, ...where} = open ?? {};
	return {...where, ...(openedAt === undefined ? {} : {openedAt}), messages: timed};
}

/** Whether JSON.parse failed at the very end of `line`: a line cut short, rather than one written wrong. */
function cutShort(line: string, error: unknown): boolean {
	const message = (error as Error).message;
	const position = /at position (\d+)/.exec(message)?.[1];
	return message.includes('end of JSON input') || (position !== undefined && Number(position) >= line.length);
}
