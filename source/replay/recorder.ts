/*
`--record FILE`: every event of a connection appended to FILE as one JSON line (the records of
`--jsonl`, plus `open`), written synchronously as it happens, so a crash loses at most the event
in progress. Messages handed over while the connection is not open are held and written right
after the next `open`, which is when the connection sends them.
*/
import {closeSync, openSync, writeSync} from 'node:fs';
import type {Connection} from '../connection/connection.js';
import {UsageError} from '../shared/exit-codes.js';
import {closeRecord, type EventRecord, formatRecord, openRecord, payloadRecord} from '../shared/event-record.js';
import type {StageFactory} from '../pipeline/stage.js';

export type RecorderOptions = {
	/** Wall-clock milliseconds, for the records' times. */
	readonly now?: () => number;
	/** Told once, with one line, when writing fails; recording stops then. */
	readonly onError?: (message: string) => void;
};

export type Recorder = {
	/**
	The connection opened (again): `url` without credentials, `protocol` '' for none. `initial`:
	the `-I` messages the connection sent first, written before the held ones, as they were sent.
	*/
	open(url: string, protocol: string, initial?: readonly string[]): void;
	/** A data message; `out` ones given before `open` are written after it. */
	message(dir: 'in' | 'out', data: Buffer | string, isBinary: boolean): void;
	ping(dir: 'in' | 'out', payload: Buffer): void;
	/** `rtt`: the round trip of one of our pings, in milliseconds. */
	pong(dir: 'in' | 'out', payload: Buffer, rtt?: number): void;
	/** `dir`: `out` when wsterm closed first. Until the next `open`, sent messages are held. */
	close(dir: 'in' | 'out', code: number, reason: string): void;
	/** Closes the file; messages still held were never sent and are left out. */
	end(): void;
};

/** Opens (truncating) `path` for recording; a file that cannot be opened is a UsageError. */
export function createRecorder(path: string, {now = Date.now, onError}: RecorderOptions = {}): Recorder {
	let fd: number | undefined;
	try {
		fd = openSync(path, 'w');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UsageError(`--record: cannot write ${path}${code === 'ENOENT' ? ': no such directory' : code ? ` (${code})` : ''}`);
	}

	let isOpen = false;
	let held: EventRecord[] = [];

	const write = (record: EventRecord): void => {
		if (fd === undefined) {
			return;
		}

		try {
			writeSync(fd, formatRecord(record));
		} catch (error) {
			const failed = fd;
			fd = undefined;
			try {
				closeSync(failed);
			} catch {
				// Closing a file that failed: the error said already is the one that matters.
			}

			onError?.(`--record: cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); recording stopped`);
		}
	};

	const flushHeld = (): void => {
		const records = held;
		held = [];
		for (const record of records) {
			// Stamped when they leave, which is now.
			write({...record, time: new Date(now()).toISOString()});
		}
	};

	return {
		open(url, protocol, initial = []) {
			isOpen = true;
			const time = now();
			write(openRecord(time, url, protocol));
			for (const message of initial) {
				write(payloadRecord(time, 'out', 'text', Buffer.from(message)));
			}

			flushHeld();
		},
		message(dir, data, isBinary) {
			const record = payloadRecord(now(), dir, isBinary ? 'binary' : 'text', typeof data === 'string' ? Buffer.from(data) : data);
			if (dir === 'out' && !isOpen) {
				held.push(record);
			} else {
				write(record);
			}
		},
		ping(dir, payload) {
			write(payloadRecord(now(), dir, 'ping', payload));
		},
		pong(dir, payload, rtt) {
			const record = payloadRecord(now(), dir, 'pong', payload);
			write(rtt === undefined ? record : {...record, rtt: Number(rtt.toFixed(3))});
		},
		close(dir, code, reason) {
			isOpen = false;
			write(closeRecord(now(), dir, code, reason));
		},
		end() {
			held = [];
			if (fd !== undefined) {
				closeSync(fd);
				fd = undefined;
			}
		},
	};
}

/**
Records what a Connection reports: opens, incoming messages, pings and pongs, and closes.
Outgoing messages and pings are not events of a Connection: whoever sends them records them
(`recorder.message('out', ...)`, `recorder.ping('out', ...)`), except `initialMessages` (`-I`),
which the connection sends itself on every open. Attach it before anything else listens, so that
the open is written first. Returns a function that stops.
*/
export function recordConnection(connection: Connection, recorder: Recorder, {initialMessages}: {readonly initialMessages?: readonly string[]} = {}): () => void {
	const url = recordedUrl(connection.target.url);
	const connectionOnOpen = ({protocol}: {readonly protocol: string}): void => {
		recorder.open(url, protocol, initialMessages);
	};

	const connectionOnMessage = (data: Buffer, isBinary: boolean): void => {
		recorder.message('in', data, isBinary);
	};

	const connectionOnPing = (payload: Buffer): void => {
		recorder.ping('in', payload);
	};

	const connectionOnPong = ({payload, rtt}: {readonly payload: Buffer; readonly rtt?: number}): void => {
		recorder.pong('in', payload, rtt);
	};

	const connectionOnClose = ({code, reason, byUs}: {readonly code: number; readonly reason: string; readonly byUs: boolean}): void => {
		recorder.close(byUs ? 'out' : 'in', code, reason);
	};

	connection.on('open', connectionOnOpen);
	connection.on('message', connectionOnMessage);
	connection.on('ping', connectionOnPing);
	connection.on('pong', connectionOnPong);
	connection.on('close', connectionOnClose);
	return () => {
		connection.off('open', connectionOnOpen);
		connection.off('message', connectionOnMessage);
		connection.off('ping', connectionOnPing);
		connection.off('pong', connectionOnPong);
		connection.off('close', connectionOnClose);
	};
}

/** The URL as recorded: no user or password in the file (a replay is given them again). */
export function recordedUrl(target: string): string {
	const url = new URL(target);
	url.username = '';
	url.password = '';
	return url.href;
}

/**
The recorder as a pipeline stage (`--record` in pipe mode): a tap, so it sees each received
message as it came off the wire (whatever the hooks show instead) and each sent one as it goes
onto it (-I's lines too: with stages, they go through them), and the connection's events in order
with them. The file is closed at the final close.
*/
export function recorderStage(recorder: Recorder, {url}: {readonly url: string}): StageFactory {
	return () => ({
		name: 'recorder',
		tap: true,
		receive(message, next) {
			if (!message.derived) {
				recorder.message('in', message.data, message.isBinary);
			}

			next(message);
		},
		send(message, next) {
			recorder.message('out', message.payload, message.isBinary);
			next(message);
		},
		event(event) {
			switch (event.type) {
				case 'open': {
					recorder.open(url, event.protocol);
					break;
				}

				case 'ping': {
					recorder.ping('in', event.payload);
					break;
				}

				case 'pong': {
					recorder.pong('in', event.payload, event.rtt);
					break;
				}

				case 'close': {
					recorder.close(event.byUs ? 'out' : 'in', event.code, event.reason);
					if (!event.willReconnect) {
						recorder.end();
					}

					break;
				}

				default:
			}
		},
	});
}
