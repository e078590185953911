/*
A line as a Socket.IO event, as --protocol socketio reads it (pipe mode, the session, wsterm bench):
a JSON array `["name", args...]`, its numbers as typed (exact-json.ts), each {"$bytes": base64}
a binary attachment. No library and no pipeline here: wsterm bench loads it on its own.
*/
import {isJsonObject, parseExact} from './exact-json.js';

/** Event names socket.io-client refuses to emit (its RESERVED_EVENTS): Socket.IO's own. */
const reservedEvents = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/**
An event's arguments with each {"$bytes": base64} (alone in its object, as a received Buffer
prints) as a Buffer, sent as a binary attachment; throws for a $bytes that is not base64.
*/
function withBytes(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(item => withBytes(item));
	}

	if (!isJsonObject(value)) {
		return value;
	}

	const keys = Object.keys(value);
	if (keys.length === 1 && keys[0] === '$bytes' && typeof value.$bytes === 'string') {
		const bytes = Buffer.from(value.$bytes, 'base64');
		if (bytes.toString('base64').replace(/=+$/, '') !== value.$bytes.replace(/=+$/, '')) {
			throw new Error(`${JSON.stringify(value.$bytes).slice(0, 40)} in {"$bytes"} is not base64`);
		}

		return bytes;
	}

	return Object.fromEntries(keys.map(key => [key, withBytes(value[key])]));
}

/** A line as an event, `["name", args...]` (bytes as Buffers); throws an Error saying why it is not one. */
export function readEventLine(text: string): unknown[] {
	let data: unknown;
	try {
		data = parseExact(text);
	} catch {
		// Not JSON: refused below, as a line that is not an event array.
	}

	if (!Array.isArray(data) || typeof data[0] !== 'string') {
		throw new Error('give an event as a JSON array, ["name", args...]');
	}

	if (reservedEvents.has(data[0])) {
		// The server takes such an event as a broken packet and drops the connection, and what follows with it.
		throw new Error(`${JSON.stringify(data[0])} is a reserved event name (Socket.IO uses it itself)`);
	}

	return withBytes(data) as unknown[];
}

/** Whether an event holds bytes (binary attachments). */
export function holdsBytes(value: unknown): boolean {
	if (Buffer.isBuffer(value)) {
		return true;
	}

	if (Array.isArray(value)) {
		return value.some(item => holdsBytes(item));
	}

	return isJsonObject(value) && Object.values(value).some(item => holdsBytes(item));
}
