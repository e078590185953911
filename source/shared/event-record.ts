import {isUtf8} from 'node:buffer';

/** One event of a session, as pipe mode's `--jsonl` and the session's `/save` write it. */
export type EventRecord = {
	/** ISO 8601 time. */
	readonly time: string;
	/** `in`: from the peer; `out`: from wsterm. */
	readonly dir: 'in' | 'out';
	/** `open`: the connection opened (with `--record`; `dir` is `out`). */
	readonly type: 'text' | 'binary' | 'ping' | 'pong' | 'close' | 'open';
	/** Text messages, and control payloads that are valid UTF-8. */
	readonly data?: string;
	/** Binary messages, and control payloads that are not valid UTF-8. */
	readonly base64?: string;
	/** Payload size in bytes. */
	readonly size?: number;
	readonly code?: number;
	readonly reason?: string;
	/** Round trip in milliseconds, on a pong that answers one of our pings. */
	readonly rtt?: number;
	/** On `open`: the URL connected to, without user or password. */
	readonly url?: string;
	/** On `open`: the subprotocol the server chose ('' for none). */
	readonly protocol?: string;
	/** On a message a codec or protocol stage decoded: its name (the message's `badge`). */
	readonly codec?: string;
};

/** A record for a message or a ping/pong payload. */
export function payloadRecord(
	time: number,
	dir: EventRecord['dir'],
	type: 'text' | 'binary' | 'ping' | 'pong',
	payload: Buffer,
): EventRecord {
	const base = {time: new Date(time).toISOString(), dir, type, size: payload.length};
	if (type === 'binary' || (type !== 'text' && !isUtf8(payload))) {
		return {...base, base64: payload.toString('base64')};
	}

	return {...base, data: payload.toString()};
}

export function closeRecord(time: number, dir: EventRecord['dir'], code: number, reason: string): EventRecord {
	return {time: new Date(time).toISOString(), dir, type: 'close', code, reason};
}

export function openRecord(time: number, url: string, protocol: string): EventRecord {
	return {time: new Date(time).toISOString(), dir: 'out', type: 'open', url, protocol};
}

/** One line of JSON, newline included. */
export function formatRecord(record: EventRecord): string {
	return `${JSON.stringify(record)}\n`;
}
