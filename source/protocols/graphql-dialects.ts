/*
The two protocols that --protocol graphql-ws speaks, as the server picks by subprotocol:
graphql-transport-ws (the graphql-ws library's, through its own parser and serializer) and
Apollo's legacy subscriptions-transport-ws, whose subprotocol is named `graphql-ws` (start, data,
error, complete, stop; connection_error; `ka` keep-alives). Each reads a message into the same few
kinds and writes the client's few messages, so graphql-ws.ts holds one state machine for both.
*/
import type * as GraphqlWs from 'graphql-ws/client';
import {encodeExact, isJsonObject} from './exact-json.js';

/** A subscribe (start) payload: a line's document, with its variables and operation name. */
export type Subscribe = {
	readonly query: string;
	readonly variables?: Record<string, unknown> | null;
	readonly operationName?: string | null;
	readonly extensions?: Record<string, unknown> | null;
};

/** A message received, in words both protocols share. */
export type GraphqlIncoming =
	| {readonly kind: 'ack'}
	/** graphql-transport-ws's ping (answered with pong). */
	| {readonly kind: 'ping'}
	/** graphql-transport-ws's pong, the legacy protocol's `ka`. */
	| {readonly kind: 'keepalive'}
	/** `next` (legacy: `data`): one result of an operation. */
	| {readonly kind: 'next'; readonly id: string; readonly payload: unknown}
	/** An operation failed: it is over. */
	| {readonly kind: 'error'; readonly id: string; readonly payload: unknown}
	| {readonly kind: 'complete'; readonly id: string}
	/** The legacy protocol's connection_error: connection_init refused (or a message the server could not read). */
	| {readonly kind: 'connection error'; readonly payload: unknown}
	/** A message only a server should get (subscribe, connection_init). */
	| {readonly kind: 'other'};

export type GraphqlDialect = {
	/** The subprotocol that selects it. */
	readonly subprotocol: 'graphql-transport-ws' | 'graphql-ws';
	/** What -v calls it. */
	readonly title: string;
	/** A message received; throws (with a message saying why) for one that is not of the protocol. */
	parse(text: string): GraphqlIncoming;
	/** connection_init, with --init's payload (numbers as typed). */
	init(payload: Record<string, unknown> | undefined): string;
	/** An operation's start (graphql-transport-ws: subscribe), numbers as typed. */
	subscribe(id: string, payload: Subscribe): string;
	/** Ends an operation the client no longer wants (graphql-transport-ws: complete; legacy: stop). */
	stop(id: string): string;
	/** The answer to a ping (legacy: none). */
	pong(): string | undefined;
};

type Library = Pick<typeof GraphqlWs, 'MessageType' | 'parseMessage' | 'stringifyMessage'>;

/** graphql-transport-ws, with the graphql-ws library's message helpers. */
export function transportDialect(library: Library): GraphqlDialect {
	const {MessageType, parseMessage, stringifyMessage} = library;
	return {
		subprotocol: 'graphql-transport-ws',
		title: 'graphql-transport-ws',
		parse(text) {
			const parsed = parseMessage(text);
			switch (parsed.type) {
				case MessageType.ConnectionAck: {
					return {kind: 'ack'};
				}

				case MessageType.Ping: {
					return {kind: 'ping'};
				}

				case MessageType.Pong: {
					return {kind: 'keepalive'};
				}

				case MessageType.Next:
				case MessageType.Error: {
					return {kind: parsed.type === MessageType.Next ? 'next' : 'error', id: parsed.id, payload: parsed.payload};
				}

				case MessageType.Complete: {
					return {kind: 'complete', id: parsed.id};
				}

				default: {
					return {kind: 'other'};
				}
			}
		},
		init: payload => encodeExact(replacer => stringifyMessage({type: MessageType.ConnectionInit, ...(payload === undefined ? {} : {payload})}, replacer)),
		subscribe: (id, payload) => encodeExact(replacer => stringifyMessage({type: MessageType.Subscribe, id, payload}, replacer)),
		stop: id => stringifyMessage({type: MessageType.Complete, id}),
		pong: () => stringifyMessage({type: MessageType.Pong}),
	};
}

/** Apollo's subscriptions-transport-ws (subprotocol graphql-ws), as its PROTOCOL.md describes it. */
export const legacyDialect: GraphqlDialect = {
	subprotocol: 'graphql-ws',
	title: 'subscriptions-transport-ws (Apollo\'s legacy protocol, subprotocol graphql-ws)',
	parse: parseLegacy,
	init: payload => encodeExact(replacer => JSON.stringify({type: 'connection_init', ...(payload === undefined ? {} : {payload})}, replacer)),
	subscribe: (id, payload) => encodeExact(replacer => JSON.stringify({id, type: 'start', payload}, replacer)),
	stop: id => JSON.stringify({id, type: 'stop'}),
	pong: () => undefined,
};

/** The legacy types a client may receive, and those only a server should. */
const legacyServerTypes = new Set(['connection_init', 'connection_terminate', 'start', 'stop']);

function parseLegacy(text: string): GraphqlIncoming {
	let message: unknown;
	try {
		message = JSON.parse(text);
	} catch (error) {
		throw new Error(`not JSON: ${(error as Error).message}`, {cause: error});
	}

	if (!isJsonObject(message) || typeof message.type !== 'string') {
		throw new Error('a message is a JSON object with a "type" string');
	}

	const {type, id, payload} = message as {type: string; id?: unknown; payload?: unknown};
	switch (type) {
		case 'connection_ack': {
			return {kind: 'ack'};
		}

		case 'ka': {
			return {kind: 'keepalive'};
		}

		case 'connection_error': {
			return {kind: 'connection error', payload};
		}

		case 'data':
		case 'error':
		case 'complete': {
			if (typeof id !== 'string' && typeof id !== 'number') {
				throw new Error(`"${type}" needs an "id"`);
			}

			const key = String(id);
			return type === 'complete' ? {kind: 'complete', id: key} : {kind: type === 'data' ? 'next' : 'error', id: key, payload};
		}

		default: {
			if (legacyServerTypes.has(type)) {
				return {kind: 'other'};
			}

			throw new Error(`unknown message type ${JSON.stringify(type)}`);
		}
	}
}
