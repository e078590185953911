/*
GraphQL over WebSocket, the graphql-transport-ws subprotocol (--protocol graphql-ws), with the
graphql-ws package's own message parser and serializer; the stage is the glue. On each open it
sends connection_init (--init's payload) and holds the lines until connection_ack; it answers ping
with pong. Each line is a GraphQL document, or a JSON object with query, variables and
operationName, sent as `subscribe` with a fresh id. Each `next` prints its payload as one JSON line,
an `error` as `error: DOCUMENT => ERRORS`, and `complete` ends the operation (hidden). Control
messages (ack, ping, pong) are recorded (--record) but not printed, not given to hooks and not
counted for -n.

A JSON line's numbers (in variables, extensions) go out as typed (exact-json.ts): 9007199254740993,
1.10, -0 and 1e400 unchanged.

The library is imported in loadGraphqlWsStage (a dynamic import: the CLI is one bundle, where a
static import of a package would be loaded at every start).
*/
import type * as GraphqlWs from 'graphql-ws/client';
import {escapeControl} from '../shared/escape-text.js';
import {PipelineMessage} from '../pipeline/message.js';
import type {StageFactory} from '../pipeline/stage.js';
import {encodeExact, isJsonObject, parseExact} from './exact-json.js';
import {deferred, quote, quoteLength} from './stage-helpers.js';
import {type HandshakeLimit, handshakeWatch} from './handshake.js';

export type GraphqlWsOptions = {
	/** --init: connection_init's payload. */
	readonly init?: Record<string, unknown>;
	/** Called for each line refused (not a document), after its error line. */
	readonly onRefused?: () => void;
	/** How long connection_ack may take (--connect-timeout). */
	readonly handshake?: HandshakeLimit;
};

type Subscribe = {
	readonly query: string;
	readonly variables?: Record<string, unknown> | null;
	readonly operationName?: string | null;
	readonly extensions?: Record<string, unknown> | null;
};

const badge = 'graphql-ws';

/** Loads graphql-ws's message helpers and builds the stage. */
export async function loadGraphqlWsStage(options: GraphqlWsOptions): Promise<StageFactory> {
	return graphqlWsStage(options, await import('graphql-ws/client'));
}

type Library = Pick<typeof GraphqlWs, 'MessageType' | 'parseMessage' | 'stringifyMessage'>;

export function graphqlWsStage({init, onRefused, handshake = {}}: GraphqlWsOptions, {MessageType, parseMessage, stringifyMessage}: Library): StageFactory {
	return link => {
		/** Each operation in flight: for its error line, and to subscribe again after a reconnect. */
		const operations = new Map<string, Subscribe>();
		let nextId = 1;
		let acked = false;
		let ack = deferred();
		const watch = handshakeWatch(link, {protocol: badge, awaited: 'connection_ack', waiting: 'before connection_ack'}, handshake);
		const control = (text: string): PipelineMessage => new PipelineMessage(text, false).annotate({awaitsReply: false, control: true, badge});
		/** A subscribe message, its numbers as typed. */
		const subscribeText = (id: string, payload: Subscribe): string => encodeExact(replacer => stringifyMessage({type: MessageType.Subscribe, id, payload}, replacer));

		return {
			name: 'graphql-ws',
			event(event) {
				if (event.type === 'open') {
					acked = false;
					watch.opened();
					link.send(control(encodeExact(replacer => stringifyMessage({type: MessageType.ConnectionInit, ...(init === undefined ? {} : {payload: init})}, replacer))));
				} else if (event.type === 'close') {
					watch.closed(event);
					if (acked) {
						acked = false;
						ack = deferred();
					}
				}
			},
			send(message, next) {
				if (message.isBinary) {
					next(message);
					return undefined;
				}

				let payload: Subscribe;
				try {
					payload = parseLine(message.text!);
				} catch (error) {
					link.error(`not sent: ${(error as Error).message}: ${quote(message.text!)}`);
					onRefused?.();
					return undefined;
				}

				const subscribe = (): void => {
					const id = String(nextId++);
					operations.set(id, payload);
					// No `decoded`: the session shows the text, a codec after the stage parses it (exact too).
					next(new PipelineMessage(subscribeText(id, payload), false).annotate({badge}));
				};

				if (acked) {
					subscribe();
					return undefined;
				}

				// Lines wait for connection_ack (the server closes with 4401 on a subscribe before it).
				return ack.promise.then(subscribe);
			},
			receive(message, next) {
				let parsed: GraphqlWs.Message;
				try {
					parsed = parseMessage(message.isBinary ? message.data.toString() : message.text!);
				} catch (error) {
					link.error(`not a graphql-transport-ws message (${escapeControl((error as Error).message)}): shown as received`);
					next(message.annotate({counted: false}));
					return;
				}

				switch (parsed.type) {
					case MessageType.ConnectionAck: {
						acked = true;
						watch.done();
						ack.resolve();
						next(message.annotate({control: true}));
						// After a reconnect (--reconnect), the operations still in flight go on, with their ids.
						for (const [id, payload] of operations) {
							link.send(control(subscribeText(id, payload)));
						}

						return;
					}

					case MessageType.Ping: {
						next(message.annotate({control: true}));
						link.send(control(stringifyMessage({type: MessageType.Pong})));
						return;
					}

					case MessageType.Pong: {
						next(message.annotate({control: true}));
						return;
					}

					case MessageType.Next: {
						next(message.annotate({decoded: parsed.payload, badge, view: {json: JSON.stringify(parsed.payload)}, answers: 0, fields: {id: parsed.id}}));
						return;
					}

					case MessageType.Error: {
						const query = operations.get(parsed.id)?.query;
						operations.delete(parsed.id);
						next(message.annotate({
							decoded: parsed.payload,
							badge,
							line: `error: ${query === undefined ? `(unknown id ${parsed.id})` : oneLine(query)} => ${JSON.stringify(parsed.payload)}`,
							fields: {id: parsed.id, error: true},
						}));
						return;
					}

					case MessageType.Complete: {
						const query = operations.get(parsed.id)?.query;
						operations.delete(parsed.id);
						next(message.annotate({decoded: parsed, badge, shown: null, counted: false, answers: 1, note: `complete ${query === undefined ? `(id ${parsed.id})` : oneLine(query)}`}));
						return;
					}

					default: {
						// A message only a server should get (subscribe, connection_init): as it came.
						next(message.annotate({counted: false, answers: 0}));
					}
				}
			},
		};
	};
}

/** A line as a subscribe payload: a GraphQL document, or a JSON object with `query` (its numbers as LosslessNumber, exact). */
export function parseLine(line: string): Subscribe {
	const trimmed = line.trim();
	if (trimmed === '') {
		throw new Error('empty line: give a GraphQL document');
	}

	if (!trimmed.startsWith('{') || !trimmed.endsWith('}') || !/^\{\s*"/.test(trimmed)) {
		// `{ hello }` is a document (a query's short form); `{"query": ...}` is a JSON object.
		return {query: trimmed};
	}

	let value: unknown;
	try {
		value = parseExact(trimmed);
	} catch (error) {
		throw new Error(`not JSON (${(error as Error).message})`);
	}

	const object = value as Record<string, unknown>;
	if (typeof object.query !== 'string') {
		throw new Error('a JSON line needs a "query" string');
	}

	if (object.variables !== undefined && object.variables !== null && !isJsonObject(object.variables)) {
		throw new Error('"variables" must be a JSON object');
	}

	if (object.operationName !== undefined && object.operationName !== null && typeof object.operationName !== 'string') {
		throw new Error('"operationName" must be a string');
	}

	return object as Subscribe;
}

function oneLine(query: string): string {
	const line = query.replaceAll(/\s+/g, ' ');
	return line.length > quoteLength ? `${line.slice(0, quoteLength)}...` : line;
}
