/*
Reads the WebSocket conversations of a HAR file as Chrome and Edge DevTools save it ("Save all
as HAR with content"), or Playwright's recordHar: an entry with `_webSocketMessages`, each
`{type: "send" | "receive", time (seconds since the epoch; Playwright: milliseconds), opcode (1
text, 2 binary), data (base64 for binary)}`.
*/
import {UsageError} from '../shared/exit-codes.js';
import type {Conversation, RecordedMessage} from './conversation.js';

type HarMessage = {readonly type?: unknown; readonly time?: unknown; readonly opcode?: unknown; readonly data?: unknown};

type HarEntry = {
	readonly startedDateTime?: unknown;
	readonly request?: {readonly url?: unknown};
	readonly response?: {readonly headers?: unknown};
	readonly _webSocketMessages?: unknown;
};

/** A WebSocket entry of a HAR file, as listed when `--entry` must pick one. */
export type HarSocket = {
	/** 1-based, in file order among the WebSocket entries. */
	readonly index: number;
	readonly url: string;
	readonly sent: number;
	readonly received: number;
};

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `value` (a parsed JSON file) looks like a HAR file. */
export function isHar(value: unknown): value is {readonly log: {readonly entries?: unknown}} {
	return isObject(value) && isObject(value.log);
}

function webSocketEntries(har: {readonly log: {readonly entries?: unknown}}): HarEntry[] {
	const entries = Array.isArray(har.log.entries) ? har.log.entries as unknown[] : [];
	return entries.filter((entry): entry is HarEntry => isObject(entry) && Array.isArray(entry._webSocketMessages));
}

function urlOf(entry: HarEntry): string {
	return typeof entry.request?.url === 'string' ? entry.request.url : '';
}

function frames(entry: HarEntry): HarMessage[] {
	return (entry._webSocketMessages as unknown[]).filter((message): message is HarMessage => isObject(message));
}

/** The WebSocket entries, with their message counts. */
export function listHarSockets(har: {readonly log: {readonly entries?: unknown}}): HarSocket[] {
	return webSocketEntries(har).map((entry, index) => {
		const messages = frames(entry).filter(message => message.opcode === 1 || message.opcode === 2);
		return {
			index: index + 1,
			url: urlOf(entry),
			sent: messages.filter(message => message.type === 'send').length,
			received: messages.filter(message => message.type === 'receive').length,
		};
	});
}

function protocolOf(entry: HarEntry): string | undefined {
	const headers = Array.isArray(entry.response?.headers) ? entry.response.headers as unknown[] : [];
	const header = headers.find(header => isObject(header) && typeof header.name === 'string' && header.name.toLowerCase() === 'sec-websocket-protocol');
	return isObject(header) && typeof header.value === 'string' && header.value !== '' ? header.value : undefined;
}

/**
Milliseconds per unit of the file's message times. DevTools writes seconds since the epoch
(1767225600.1), Playwright's recordHar milliseconds (1767225600100): read per file, from its first
message time, as no time in seconds reaches 1e11 before the year 5138, and none in milliseconds
stays below it after 1973.
*/
function timeUnitMs(sockets: readonly HarEntry[]): number {
	for (const entry of sockets) {
		const time = frames(entry).find(message => typeof message.time === 'number')?.time as number | undefined;
		if (time !== undefined) {
			return time >= 1e11 ? 1 : 1000;
		}
	}

	return 1000;
}

function messageOf(name: string, entryIndex: number, position: number, message: HarMessage, unitMs: number): RecordedMessage | undefined {
	// Opcodes 8-10 (close, ping, pong) are not data; DevTools does not list them anyway.
	if (message.opcode !== 1 && message.opcode !== 2) {
		return undefined;
	}

	const where = `${name}: WebSocket entry ${entryIndex}, message ${position}`;
	if ((message.type !== 'send' && message.type !== 'receive') || typeof message.time !== 'number' || typeof message.data !== 'string') {
		throw new UsageError(`${where}: expected {type: "send" | "receive", time, opcode, data}`);
	}

	const isBinary = message.opcode === 2;
	if (isBinary && !isBase64(message.data)) {
		throw new UsageError(`${where}: a binary message whose data is not base64`);
	}

	return {
		dir: message.type === 'send' ? 'out' : 'in',
		time: message.time * unitMs,
		isBinary,
		data: isBinary ? Buffer.from(message.data, 'base64') : Buffer.from(message.data),
	};
}

/**
Base64 as DevTools and Playwright write it (padding optional): text Buffer decodes exactly, where
for other text it would decode what it can and send bytes nobody recorded.
*/
function isBase64(text: string): boolean {
	return Buffer.from(text, 'base64').toString('base64').replace(/=+$/, '') === text.replace(/=+$/, '');
}

/**
The conversation of WebSocket entry `entry` (1-based); without it, the only one. Zero entries, an
entry out of range, or several without `--entry` are usage errors; the last lists the entries.
*/
export function parseHar(har: {readonly log: {readonly entries?: unknown}}, name: string, entry?: number): Conversation {
	const sockets = webSocketEntries(har);
	if (sockets.length === 0) {
		throw new UsageError(`${name}: a HAR file with no WebSocket messages (in DevTools, use "Save all as HAR with content")`);
	}

	if (entry === undefined && sockets.length > 1) {
		const list = listHarSockets(har).map(socket => `  ${socket.index}  ${socket.url} (${socket.sent} sent, ${socket.received} received)`);
		throw new UsageError(`${name} has ${sockets.length} WebSocket entries: pick one with --entry N\n${list.join('\n')}`);
	}

	const index = entry ?? 1;
	const chosen = sockets[index - 1];
	if (chosen === undefined) {
		throw new UsageError(`--entry ${index}: ${name} has ${sockets.length} WebSocket entr${sockets.length === 1 ? 'y' : 'ies'}`);
	}

	const unitMs = timeUnitMs(sockets);
	const messages = frames(chosen).flatMap((message, position) => messageOf(name, index, position + 1, message, unitMs) ?? []);
	const url = urlOf(chosen);
	const protocol = protocolOf(chosen);
	const openedAt = typeof chosen.startedDateTime === 'string' ? Date.parse(chosen.startedDateTime) : Number.NaN;
	return {
		messages,
		...(url === '' ? {} : {url}),
		...(protocol === undefined ? {} : {protocol}),
		...(Number.isNaN(openedAt) ? {} : {openedAt}),
	};
}
