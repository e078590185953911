/*
graphql-transport-ws's handshake and pings on a bench connection: connection_init (with --init's
payload) once the WebSocket opened, the connection opened at connection_ack; the server's `ping`
answered with `pong`. The server refusing connection_init closes the connection (4403, 4400...):
BenchSocket says so as a connect failure. Operations and their replies are match.ts's.
*/
import type {MatchRule} from './options.js';
import type {ProtocolSession, ProtocolSessions, SessionLink} from './protocol-session.js';

const pingBytes = Buffer.from('"ping"');
const pongBytes = Buffer.from('"pong"');
const pong = '{"type":"pong"}';

/** A message's `type`, or undefined when it is not a JSON object with one. */
function messageType(data: Buffer): unknown {
	try {
		return (JSON.parse(data.toString()) as {type?: unknown} | null)?.type;
	} catch {
		return undefined;
	}
}

class GraphqlWsSession implements ProtocolSession {
	readonly #link: SessionLink;
	readonly #init: string;
	#acked = false;

	constructor(link: SessionLink, init: string) {
		this.#link = link;
		this.#init = init;
	}

	opened(): void {
		this.#link.send(this.#init);
	}

	receive(data: Buffer): boolean {
		// Once acked, most messages are results: only one that may be a ping or pong is parsed here.
		if (this.#acked && !data.includes(pingBytes) && !data.includes(pongBytes)) {
			return false;
		}

		const type = messageType(data);
		if (type === 'ping') {
			this.#link.send(pong);
			return true;
		}

		if (type === 'pong') {
			return true;
		}

		if (this.#acked) {
			return false;
		}

		// Before the ack nothing else is expected: whatever it is, it is not a reply.
		if (type === 'connection_ack') {
			this.#acked = true;
			this.#link.ready();
		}

		return true;
	}
}

export function graphqlWsSessions(rule: MatchRule & {kind: 'graphql-ws'}): Omit<ProtocolSessions, 'timeoutSeconds'> {
	const init = `{"type":"connection_init"${rule.initJson === undefined ? '' : `,"payload":${rule.initJson}`}}`;
	return {
		names: {protocol: 'graphql-ws', awaited: 'connection_ack', waiting: 'before connection_ack'},
		start: link => new GraphqlWsSession(link, init),
	};
}
