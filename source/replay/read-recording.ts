/*
Reads a wsterm recording: the JSON lines of `--record`, `/save` or pipe mode's `--jsonl`. Data
messages become the conversation; the first `open` record gives the URL and subprotocol, and a
second one (a reconnect) ends it, since one replay is one connection.
*/
import {UsageError} from '../exit-codes.js';
import type {EventRecord} from '../jsonl.js';
import type {Conversation, RecordedMessage} from './conversation.js';

function problem(name: string, line: number, what: string): UsageError {
	return new UsageError(`${name} line ${line}: ${what}`);
}

function isRecord(value: unknown): value is Partial<Record<keyof EventRecord, unknown>> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function timeOf(name: string, line: number, record: Partial<Record<keyof EventRecord, unknown>>): number {
	const time = typeof record.time === 'string' ? Date.parse(record.time) : Number.NaN;
	if (Number.isNaN(time)) {
		throw problem(name, line, 'no valid "time" (an ISO 8601 date)');
	}

	return time;
}

function payloadOf(name: string, line: number, record: Partial<Record<keyof EventRecord, unknown>>): Buffer {
	if (record.type === 'text' && typeof record.data === 'string') {
		return Buffer.from(record.data);
	}

	if (record.type === 'binary' && typeof record.base64 === 'string') {
		return Buffer.from(record.base64, 'base64');
	}

	throw problem(name, line, `a ${String(record.type)} record needs "${record.type === 'text' ? 'data' : 'base64'}" as a string`);
}

/** Parses a recording; `name` (the file) prefixes every error, which is a UsageError. */
export function parseRecording(text: string, name: string): Conversation {
	const messages: RecordedMessage[] = [];
	let open: {url?: string; protocol?: string; openedAt: number} | undefined;
	const lines = text.split('\n');
	for (const [index, raw] of lines.entries()) {
		const line = raw.trim();
		if (line === '') {
			continue;
		}

		let record: unknown;
		try {
			record = JSON.parse(line);
		} catch {
			if (index === lines.length - 1) {
				// An unfinished last line: the event being written when the recorder stopped.
				break;
			}

			throw problem(name, index + 1, 'not JSON (expected one wsterm event record per line, or a HAR file)');
		}

		if (!isRecord(record) || (record.dir !== 'in' && record.dir !== 'out')) {
			throw problem(name, index + 1, 'not a wsterm event record (no "dir" of "in" or "out")');
		}

		if (record.type === 'open') {
			if (open !== undefined) {
				// A reconnect: the rest is another connection.
				break;
			}

			open = {
				openedAt: timeOf(name, index + 1, record),
				...(typeof record.url === 'string' && record.url !== '' ? {url: record.url} : {}),
				...(typeof record.protocol === 'string' && record.protocol !== '' ? {protocol: record.protocol} : {}),
			};
		} else if (record.type === 'text' || record.type === 'binary') {
			messages.push({dir: record.dir, time: timeOf(name, index + 1, record), isBinary: record.type === 'binary', data: payloadOf(name, index + 1, record)});
		}
	}

	return {...open, messages};
}
