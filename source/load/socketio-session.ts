/*
Socket.IO 4's handshake and Engine.IO's pings on a bench connection, read byte by byte (no
parser): Engine.IO's `open` packet answered by joining the namespace (CONNECT, `40`, with --auth's
JSON), the connection opened at the namespace's CONNECT, a CONNECT_ERROR (`44`) a connect failure
with its message, a CONNECT without the sid (Socket.IO 2's) a connect failure saying so; the server's pings (`2`) answered with pongs (`3`). The binary attachments
following a binary event or ack are the protocol's too. Events and acks are match.ts's.
*/
import {socketIoConnectFailure} from '../protocols/socketio-url.js';
import {escapeControl} from '../shared/escape-text.js';
import type {MatchRule} from './options.js';
import type {ProtocolSession, ProtocolSessions, SessionLink} from './protocol-session.js';

const engineIo = {open: 0x30, ping: 0x32, message: 0x34} as const;
const socketIo = {connect: 0x30, disconnect: 0x31, connectError: 0x34, binaryEvent: 0x35, binaryAck: 0x36} as const;

/** A Socket.IO packet's namespace and the text after it (`40/chat,{...}`: /chat and `{...}`), from its Engine.IO frame. */
function namespaceAndData(text: string): {namespace: string; data: string} {
	let rest = text.slice(2);
	if (socketIo.binaryEvent === text.codePointAt(1) || socketIo.binaryAck === text.codePointAt(1)) {
		rest = rest.slice(rest.indexOf('-') + 1);
	}

	if (!rest.startsWith('/')) {
		return {namespace: '/', data: rest};
	}

	const comma = rest.indexOf(',');
	return comma === -1 ? {namespace: rest, data: ''} : {namespace: rest.slice(0, comma), data: rest.slice(comma + 1)};
}

/** CONNECT_ERROR's message (`{"message": "..."}`), or its data as it came. */
function refusal(data: string): string {
	try {
		const message = (JSON.parse(data) as {message?: unknown} | null)?.message;
		if (typeof message === 'string') {
			return message;
		}
	} catch {
		// Not JSON: shown as it came.
	}

	return data;
}

class SocketIoSession implements ProtocolSession {
	readonly #link: SessionLink;
	readonly #namespace: string;
	readonly #join: string;
	#joined = false;
	/** Binary frames still to come for the last binary event or ack: its attachments. */
	#attachments = 0;

	constructor(link: SessionLink, namespace: string, join: string) {
		this.#link = link;
		this.#namespace = namespace;
		this.#join = join;
	}

	opened(): void {
		// Engine.IO's open packet comes first: the namespace is joined then.
	}

	receive(data: Buffer, isBinary: boolean): boolean {
		if (isBinary) {
			if (this.#attachments > 0) {
				this.#attachments--;
				return true;
			}

			return false;
		}

		switch (data[0]) {
			case engineIo.message: {
				return this.#packet(data);
			}

			case engineIo.ping: {
				// The pong carries the ping's data (a probe's `probe`).
				this.#link.send(`3${data.toString('utf8', 1)}`);
				return true;
			}

			case engineIo.open: {
				this.#link.send(this.#join);
				return true;
			}

			default: {
				// close, pong, noop, upgrade: nothing to pair.
				return true;
			}
		}
	}

	/** An Engine.IO message: a Socket.IO packet. Events and acks are the matcher's. */
	#packet(data: Buffer): boolean {
		const type = data[1];
		if (type === socketIo.binaryEvent || type === socketIo.binaryAck) {
			const count = Number.parseInt(data.toString('latin1', 2, 12), 10);
			this.#attachments += Number.isNaN(count) ? 0 : count;
			return false;
		}

		if (type !== socketIo.connect && type !== socketIo.connectError && type !== socketIo.disconnect) {
			return false;
		}

		const {namespace, data: payload} = namespaceAndData(data.toString());
		if (namespace !== this.#namespace) {
			return true;
		}

		if (type === socketIo.connect && !this.#joined && payload === '') {
			// Socket.IO 3 and 4 answer with the sid; Socket.IO 2 (Engine.IO 3) with nothing, and its packets differ.
			this.#link.refuse('the server speaks Socket.IO 2 (Engine.IO 3), not Socket.IO 3 or 4: wsterm bench speaks Socket.IO 3 and 4 only');
		} else if (type === socketIo.connect && !this.#joined) {
			this.#joined = true;
			this.#link.ready();
		} else if (type === socketIo.connectError) {
			this.#link.refuse(`the server refused to join namespace ${escapeControl(namespace)}: ${escapeControl(refusal(payload))}`);
		} else if (type === socketIo.disconnect) {
			// The server left the namespace: nothing more will be answered on this connection.
			this.#link.drop();
		}

		return true;
	}
}

export function socketIoSessions(rule: MatchRule & {kind: 'socketio'}): Omit<ProtocolSessions, 'timeoutSeconds'> {
	const {namespace} = rule;
	// Engine.IO `message` (4), Socket.IO CONNECT (0), the namespace unless it is the main one, the auth payload.
	const join = `40${namespace === '/' ? '' : `${namespace},`}${rule.authJson ?? ''}`;
	const shown = escapeControl(namespace);
	return {
		names: {protocol: 'Socket.IO', awaited: `answer to joining namespace ${shown}`, waiting: `before namespace ${shown} was joined`},
		start: link => new SocketIoSession(link, namespace, join),
		explainFailure: failure => socketIoConnectFailure(failure, {engineIo: 4, defaultPath: rule.givenPath !== true}),
	};
}
