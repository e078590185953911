/*
The lines `wsterm serve` logs, one per event. Every value that came from the network (origin,
path, subprotocol, close reason, message text) is escaped and shortened before it is shown.
*/
import {describeCloseCode} from '../connection/close-codes.js';
import {escapeControl, formatBytes, hexBytes, shorten} from '../shared/escape-text.js';

/** Where the server's lines go: one line per event, already safe to show. */
export type ServeLog = (line: string) => void;

const maxShown = 120;

/** Network text made safe and short for a log line. */
export function shown(text: string): string {
	return escapeControl(shorten(text, maxShown));
}

/** `127.0.0.1:5000`, `[::1]:5000`. */
export function formatAddress(address: string | undefined, port: number | undefined): string {
	if (address === undefined) {
		return 'unknown';
	}

	return `${address.includes(':') ? `[${address}]` : address}:${port ?? '?'}`;
}

/** Who is at the other end: `127.0.0.1:5000`; a client of `serve --unix-socket` has no address, it is `unix socket`. */
export function peerAddress(socket: {readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined}, onUnixSocket: boolean): string {
	return onUnixSocket && socket.remoteAddress === undefined ? 'unix socket' : formatAddress(socket.remoteAddress, socket.remotePort);
}

export type OpenEvent = {
	readonly id: number;
	readonly from: string;
	readonly origin: string | undefined;
	readonly path: string;
	readonly subprotocol: string;
	readonly connected: number;
};

export function openLine({id, from, origin, path, subprotocol, connected}: OpenEvent): string {
	const parts = [
		`from ${from}`,
		`origin ${origin === undefined ? '(none)' : shown(origin)}`,
		`path ${shown(path)}`,
		...(subprotocol === '' ? [] : [`subprotocol ${shown(subprotocol)}`]),
	];
	return `#${id} open: ${parts.join(', ')} (${connected} connected)`;
}

export type CloseEvent = {
	readonly id: number;
	readonly code: number;
	readonly reason: string;
	readonly messagesIn: number;
	readonly bytesIn: number;
	readonly messagesOut: number;
	readonly bytesOut: number;
	readonly connected: number;
	/** The server started the close: `code` is the one it sent (or 1006 when it dropped the client). */
	readonly byServer?: boolean;
};

export function closeLine(event: CloseEvent): string {
	const reason = event.reason === '' ? '' : ` "${shown(event.reason)}"`;
	const traffic = `${event.messagesIn} in (${formatBytes(event.bytesIn)}), ${event.messagesOut} out (${formatBytes(event.bytesOut)})`;
	const closed = event.byServer === true ? 'closed by the server' : 'closed';
	return `#${event.id} ${closed}: ${describeCloseCode(event.code)}${reason}; messages ${traffic} (${event.connected} connected)`;
}

export function rejectLine(from: string, status: number, why: string): string {
	return `rejected ${from}: ${status} ${why}`;
}

/** A received message for `-v`: text shortened, binary as its first bytes in hex. */
export function messageLine(id: number, data: Buffer, isBinary: boolean): string {
	const size = formatBytes(data.length);
	if (isBinary) {
		return `#${id} binary ${size}: ${hexBytes(data, 32)}`;
	}

	// Decode only what can be shown: a 16 MiB message must not be turned into a string to log it.
	const head = data.subarray(0, maxShown * 4).toString();
	const text = head.length > maxShown || data.length > maxShown * 4 ? `${escapeControl(head.slice(0, maxShown))}…` : escapeControl(head);
	return `#${id} text ${size}: ${text}`;
}
