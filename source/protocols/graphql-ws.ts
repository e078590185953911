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
1.10, -0 and 1e400 unchanged. A payload received prints (and shows in the session) with the
server's number tokens; hooks see plain values.

The library is imported in loadGraphqlWsStage (a dynamic import: the CLI is one bundle, where a
static import of a package would be loaded at every start).
*/
import type * as GraphqlWs from 'graphql-ws/client';
import {escapeControl} from '../shared/escape-text.js';
import type {CloseEvent} from '../connection/events.js';
import {type Annotations, PipelineMessage} from '../pipeline/message.js';
import type {Next, StageFactory, StageLink, StageResult} from '../pipeline/stage.js';
import {encodeExact, exactJson, isJsonObject, parseExact, stringifyExact} from './exact-json.js';
import {deferred, quote, quoteLength} from './stage-helpers.js';
import {type HandshakeLimit, type HandshakeWatch, handshakeWatch} from './handshake.js';

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

export function graphqlWsStage(options: GraphqlWsOptions, library: Library): StageFactory {
	return link => {
		const connection = new GraphqlWsConnection(link, options, library);
		return {
			name: 'graphql-ws',
			event(event) {
				if (event.type === 'open') {
					connection.opened();
				} else if (event.type === 'close') {
					connection.closed(event);
				}
			},
			send: (message, next) => connection.send(message, next),
			receive(message, next) {
				connection.receive(message, next);
			},
		};
	};
}

/** The protocol on one connection (for all its reconnects): the handshake, and the operations in flight. */
class GraphqlWsConnection {
	readonly #link: StageLink;
	readonly #options: GraphqlWsOptions;
	readonly #library: Library;
	readonly #watch: HandshakeWatch;
	/** Each operation in flight: for its error line, and to subscribe again after a reconnect. */
	readonly #operations = new Map<string, Subscribe>();
	#nextId = 1;
	#acked = false;
	#ack = deferred();

	constructor(link: StageLink, options: GraphqlWsOptions, library: Library) {
		this.#link = link;
		this.#options = options;
		this.#library = library;
		this.#watch = handshakeWatch(link, {protocol: badge, awaited: 'connection_ack', waiting: 'before connection_ack'}, options.handshake ?? {});
	}

	/** The WebSocket opened: connection_init, with --init's payload. */
	opened(): void {
		const {MessageType, stringifyMessage} = this.#library;
		const {init} = this.#options;
		this.#acked = false;
		this.#watch.opened();
		this.#link.send(control(encodeExact(replacer => stringifyMessage({type: MessageType.ConnectionInit, ...(init === undefined ? {} : {payload: init})}, replacer))));
	}

	closed(event: CloseEvent): void {
		this.#watch.closed(event);
		if (this.#acked) {
			this.#acked = false;
			this.#ack = deferred();
		}
	}

	/** A line as `subscribe` with a fresh id, once connection_ack came (the server closes with 4401 on a subscribe before it). */
	send(message: PipelineMessage, next: Next): StageResult {
		if (message.isBinary) {
			next(message);
			return undefined;
		}

		let payload: Subscribe;
		try {
			payload = parseLine(message.text!);
		} catch (error) {
			this.#link.error(`not sent: ${(error as Error).message}: ${quote(message.text!)}`);
			this.#options.onRefused?.();
			return undefined;
		}

		const subscribe = (): void => {
			const id = String(this.#nextId++);
			this.#operations.set(id, payload);
			// No `decoded`: the session shows the text, a codec after the stage parses it (exact too).
			next(new PipelineMessage(this.#subscribeText(id, payload), false).annotate({badge}));
		};

		if (this.#acked) {
			subscribe();
			return undefined;
		}

		return this.#ack.promise.then(subscribe);
	}

	receive(message: PipelineMessage, next: Next): void {
		let parsed: GraphqlWs.Message;
		const text = message.isBinary ? message.data.toString() : message.text!;
		try {
			parsed = this.#library.parseMessage(text);
		} catch (error) {
			this.#link.error(`not a graphql-transport-ws message (${escapeControl((error as Error).message)}): shown as received`);
			next(message.annotate({counted: false}));
			return;
		}

		const {MessageType} = this.#library;
		switch (parsed.type) {
			case MessageType.ConnectionAck: {
				this.#onAck(message, next);
				return;
			}

			case MessageType.Ping: {
				next(message.annotate({control: true}));
				this.#link.send(control(this.#library.stringifyMessage({type: MessageType.Pong})));
				return;
			}

			case MessageType.Pong: {
				next(message.annotate({control: true}));
				return;
			}

			case MessageType.Next: {
				const json = exactPayload(text, parsed);
				// A result for an operation never sent (or ended) is not taken for one of ours.
				const stray = this.#operations.has(parsed.id) ? {} : {line: `(unknown id ${JSON.stringify(parsed.id)}) ${json}`};
				next(message.annotate({decoded: parsed.payload, badge, view: {json}, answers: 0, fields: {id: parsed.id}, ...stray}));
				return;
			}

			case MessageType.Error:
			case MessageType.Complete: {
				next(message.annotate(this.#ended(parsed, text)));
				return;
			}

			default: {
				// A message only a server should get (subscribe, connection_init): as it came.
				next(message.annotate({counted: false, answers: 0}));
			}
		}
	}

	/** connection_ack: the lines held go; after a reconnect (--reconnect), the operations still in flight go on, with their ids. */
	#onAck(message: PipelineMessage, next: Next): void {
		this.#acked = true;
		this.#watch.done();
		this.#ack.resolve();
		next(message.annotate({control: true}));
		for (const [id, payload] of this.#operations) {
			this.#link.send(control(this.#subscribeText(id, payload)));
		}
	}

	/** An operation's end: `error` (its line: `error: DOCUMENT => ERRORS`) or `complete` (hidden, a note). */
	#ended(parsed: GraphqlWs.ErrorMessage | GraphqlWs.CompleteMessage, text: string): Annotations {
		const query = this.#operations.get(parsed.id)?.query;
		this.#operations.delete(parsed.id);
		if (parsed.type === this.#library.MessageType.Error) {
			return {
				decoded: parsed.payload,
				badge,
				line: `error: ${query === undefined ? `(unknown id ${parsed.id})` : oneLine(query)} => ${exactPayload(text, parsed)}`,
				fields: {id: parsed.id, error: true},
			};
		}

		return {decoded: parsed, badge, shown: null, counted: false, answers: 1, note: `complete ${query === undefined ? `(id ${parsed.id})` : oneLine(query)}`};
	}

	/** A subscribe message, its numbers as typed. */
	#subscribeText(id: string, payload: Subscribe): string {
		const {MessageType, stringifyMessage} = this.#library;
		return encodeExact(replacer => stringifyMessage({type: MessageType.Subscribe, id, payload}, replacer));
	}
}

/** A `next` or `error` message's payload as JSON text, with the server's number tokens (hooks' `decoded` is plain). */
function exactPayload(text: string, parsed: GraphqlWs.NextMessage | GraphqlWs.ErrorMessage): string {
	const exact = exactJson(text, parsed);
	return stringifyExact(isJsonObject(exact) ? exact.payload : parsed.payload);
}

/** A message of the protocol's own, sent on its own (the session shows no row for it). */
function control(text: string): PipelineMessage {
	return new PipelineMessage(text, false).annotate({awaitsReply: false, control: true, badge});
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
		throw new Error(`not JSON (${(error as Error).message})`, {cause: error});
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
