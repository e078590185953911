/*
What a recording's messages are in the protocol it spoke (JSON-RPC, graphql-ws, Socket.IO, STOMP),
read from the recording itself (its subprotocol, its URL, its first messages): replay has no
--protocol, and the recording holds the frames as they were on the wire. --check uses it to
compare per operation (a reply's id) and to read a STOMP header or Socket.IO's handshake as fields;
`serve --replay` uses it to find the recorded request a live one repeats, with its id set aside,
and to answer with the live id. Pure: text in, parts out.
*/
import {isLosslessNumber, parse, stringify} from 'lossless-json';
import {canonicalJson} from './canonical-json.js';
import type {Conversation} from './conversation.js';

export type WireName = 'jsonrpc' | 'graphql-ws' | 'socketio' | 'stomp';

/** A text message as its protocol frames it. */
export type Framed = {
	/** What the message is, outside its fields and body: a STOMP command, a Socket.IO packet's header (`42`, `431`, `40/chat,`). */
	readonly kind: string;
	/** A STOMP frame's headers (the first of a repeated one, as STOMP reads them). */
	readonly headers: Readonly<Record<string, string>>;
	/** The JSON or text inside. */
	readonly body: string;
	/** Header names and JSON keys new on every connection (STOMP's `session`, Socket.IO's `sid`): left out of --check. */
	readonly perConnection: readonly string[];
};

/** A request's id and where it sits: JSON's `id` key, a Socket.IO ack id. */
export type RequestId = {readonly value: unknown; readonly text: string};

function tryJson(text: string): {readonly value: unknown} | undefined {
	try {
		return {value: parse(text)};
	} catch {
		return undefined;
	}
}

function jsonObject(text: string): Record<string, unknown> | undefined {
	const json = tryJson(text);
	const {value} = json ?? {};
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value) ? value as Record<string, unknown> : undefined;
}

/** An id as a key: its JSON (a number by its digits), so that 1 and "1" stay apart. */
function idText(value: unknown): string {
	return isLosslessNumber(value) ? value.value : JSON.stringify(value);
}

// Engine.IO's `message` packet (4) holding a Socket.IO packet: type, attachments, namespace, ack id, data.
const socketIoPacket = /^(4[0-6])(\d+-)?(\/[^,]*,)?(\d*)([^\d][\s\S]*)?$/;

/** A Socket.IO text frame: the packet header (type, attachments, namespace), the namespace, its ack id (`''` for none) and its JSON. */
function socketIoParts(text: string): {readonly header: string; readonly namespace: string; readonly ack: string; readonly data: string} | undefined {
	if (text.startsWith('0{')) {
		return {header: '0', namespace: '', ack: '', data: text.slice(1)};
	}

	const match = socketIoPacket.exec(text);
	if (match === null) {
		return undefined;
	}

	const [, type = '', attachments = '', namespace = '', ack = '', data = ''] = match;
	return {header: `${type}${attachments}${namespace}`, namespace, ack, data};
}

/** A STOMP frame: command, headers, body (without its NUL); undefined for a heart-beat or what is not a frame. */
function stompParts(text: string): {readonly command: string; readonly headers: Record<string, string>; readonly body: string} | undefined {
	const end = text.search(/\r?\n\r?\n/);
	const head = (end === -1 ? text : text.slice(0, end)).split(/\r?\n/);
	const command = head.shift() ?? '';
	if (!/^[A-Z]+$/.test(command)) {
		return undefined;
	}

	const headers: Record<string, string> = {};
	for (const line of head) {
		const colon = line.indexOf(':');
		const name = colon === -1 ? line : line.slice(0, colon);
		headers[name] ??= colon === -1 ? '' : line.slice(colon + 1);
	}

	const body = end === -1 ? '' : text.slice(end).replace(/^\r?\n\r?\n/, '').replace(/\0[\r\n]*$/, '');
	return {command, headers, body};
}

/** A text message as its protocol frames it: JSON protocols are all body. */
export function frame(wire: WireName | undefined, text: string): Framed {
	if (wire === 'socketio') {
		const parts = socketIoParts(text);
		if (parts !== undefined) {
			// The handshake (Engine.IO's open, Socket.IO's CONNECT answer) names the new session.
			const handshake = parts.header === '0' || parts.header.startsWith('40');
			return {kind: `${parts.header}${parts.ack}`, headers: {}, body: parts.data, perConnection: handshake ? ['sid'] : []};
		}
	} else if (wire === 'stomp') {
		const parts = stompParts(text);
		if (parts !== undefined) {
			return {kind: parts.command, headers: parts.headers, body: parts.body, perConnection: parts.command === 'CONNECTED' ? ['session'] : []};
		}
	}

	return {kind: '', headers: {}, body: text, perConnection: []};
}

/** What --check says it leaves out of a protocol's messages by default, or undefined. */
export function perConnectionNote(wire: WireName | undefined): string | undefined {
	if (wire === 'socketio') {
		return 'the handshake\'s sid is left out (Socket.IO gives each connection a new one)';
	}

	return wire === 'stomp' ? 'CONNECTED\'s session header is left out (STOMP gives each connection a new one)' : undefined;
}

/**
The operation an incoming message belongs to: `id "a"` (graphql-ws, a JSON-RPC response), `ack 3`
(Socket.IO), `receipt r1` or `subscription sub-0` (STOMP); '' for none. Each operation's
messages keep their order; operations may interleave in any order.
*/
export function operation(wire: WireName | undefined, text: string): string {
	switch (wire) {
		case 'graphql-ws':
		case 'jsonrpc': {
			const object = jsonObject(text);
			// A JSON-RPC request from the server (it has a method) has an id of the server's.
			const id = object === undefined || (wire === 'jsonrpc' && 'method' in object) ? undefined : object.id;
			return id === undefined || id === null ? '' : `id ${idText(id)}`;
		}

		case 'socketio': {
			const parts = socketIoParts(text);
			return parts !== undefined && /^4[36]/.test(parts.header) && parts.ack !== '' ? `ack ${parts.namespace}${parts.ack}` : '';
		}

		case 'stomp': {
			const parts = stompParts(text);
			const receipt = parts?.headers['receipt-id'];
			if (receipt !== undefined) {
				return `receipt ${receipt}`;
			}

			const subscription = parts?.command === 'MESSAGE' ? parts.headers.subscription : undefined;
			return subscription === undefined ? '' : `subscription ${subscription}`;
		}

		case undefined: {
			return '';
		}
	}
}

/** Which protocol a recording spoke, from its subprotocol, its URL, or its first messages; undefined: plain messages. */
export function detectWire({protocol = '', url = '', messages}: Conversation): WireName | undefined {
	if (protocol === 'graphql-transport-ws' || protocol === 'graphql-ws') {
		return 'graphql-ws';
	}

	if (/^v1\d\.stomp$/.test(protocol)) {
		return 'stomp';
	}

	if (/\/socket\.io\/?\?(?:.*&)?EIO=/.test(url)) {
		return 'socketio';
	}

	const firstOut = messages.find(message => message.dir === 'out' && !message.isBinary)?.data.toString();
	const firstIn = messages.find(message => message.dir === 'in' && !message.isBinary)?.data.toString();
	if (firstOut !== undefined && /^(?:CONNECT|STOMP)\r?\n/.test(firstOut)) {
		return 'stomp';
	}

	if (firstIn !== undefined && firstIn.startsWith('0{"sid"')) {
		return 'socketio';
	}

	if (firstOut !== undefined && jsonObject(firstOut)?.type === 'connection_init') {
		return 'graphql-ws';
	}

	const jsonRpc = messages.some(message => message.dir === 'out' && !message.isBinary && /"jsonrpc"\s*:\s*"2\.0"/.test(message.data.toString()));
	return jsonRpc ? 'jsonrpc' : undefined;
}

/** A client's request with its id set aside: `content` (the rest, canonical: equal requests have equal content) and the id, if it has one. */
export type Request = {readonly content: string; readonly id?: RequestId};

/** JSON text as its canonical form (key order free, numbers by value), other text as it is. */
function canonicalText(text: string): string {
	const json = tryJson(text);
	return json === undefined ? `t${text}` : `j${canonicalJson(json.value)}`;
}

/** A client's message as a request: its id (JSON-RPC's or graphql-ws's `id`, a Socket.IO ack id) apart from the rest. */
export function request(wire: WireName | undefined, text: string): Request {
	if (wire === 'jsonrpc' || wire === 'graphql-ws') {
		const object = jsonObject(text);
		if (object !== undefined && object.id !== undefined && object.id !== null) {
			const {id, ...rest} = object;
			return {content: `j${canonicalJson(rest)}`, id: {value: id, text: idText(id)}};
		}
	} else if (wire === 'socketio') {
		const parts = socketIoParts(text);
		if (parts !== undefined) {
			const content = `${parts.header}:${canonicalText(parts.data)}`;
			return parts.ack === '' ? {content} : {content, id: {value: parts.ack, text: parts.ack}};
		}
	}

	return {content: canonicalText(text)};
}

/** The operation key a request's replies carry (as operation() gives it), or undefined. */
export function requestOperation(wire: WireName | undefined, text: string): string | undefined {
	const {id} = request(wire, text);
	if (id === undefined) {
		return undefined;
	}

	return wire === 'socketio' ? `ack ${socketIoParts(text)?.namespace ?? ''}${id.text}` : `id ${id.text}`;
}

/** A recorded reply to a request, carrying instead the id of the live request that asked for it. */
export function withId(wire: WireName | undefined, reply: string, id: RequestId): string {
	if (wire === 'socketio') {
		const parts = socketIoParts(reply);
		return parts === undefined ? reply : `${parts.header}${id.text}${parts.data}`;
	}

	const object = jsonObject(reply);
	return object === undefined ? reply : stringify({...object, id: id.value}) ?? reply;
}
