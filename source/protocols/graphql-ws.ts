/*
GraphQL over WebSocket (--protocol graphql-ws): both subprotocols are offered, graphql-ws first
(names.ts says why), and the stage speaks the one the server picked (graphql-dialects.ts):
graphql-transport-ws (the graphql-ws library's), or Apollo's legacy subscriptions-transport-ws,
whose subprotocol is named graphql-ws. On each open it sends connection_init (--init's payload)
and holds the lines until connection_ack; it answers ping with pong. Each line is a GraphQL
document, or a JSON object with query, variables and operationName, sent as `subscribe` (legacy:
`start`) with a fresh id. Each `next` (`data`) prints its payload as one JSON line, an `error` as
`error: DOCUMENT => ERRORS`, and `complete` ends the operation (hidden). Once two subscriptions are
in flight at once, their lines start with their ids (`[2] {...}`) until they end. Control messages
(ack, ping, pong, ka) are recorded (--record) but not printed, not given to hooks and not counted
for -n. At the end of a run, operations still in flight are stopped.

A JSON line's numbers (in variables, extensions) go out as typed (exact-json.ts): 9007199254740993,
1.10, -0 and 1e400 unchanged. A payload received prints (and shows in the session) with the
server's number tokens; hooks see plain values.

The library is imported in loadGraphqlWsStage (a dynamic import: the CLI is one bundle, where a
static import of a package would be loaded at every start).
*/
import {type Clock, systemClock} from '../shared/clock.js';
import {escapeControl, shortenedForQuote} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import type {CloseEvent} from '../connection/events.js';
import {type Annotations, PipelineMessage} from '../pipeline/message.js';
import type {Next, StageFactory, StageLink, StageResult} from '../pipeline/stage.js';
import {exactJson, isJsonObject, memberText, parseExact, serverJson} from './exact-json.js';
import {deferred, quote} from './stage-helpers.js';
import {type HandshakeLimit, type HandshakeWatch, handshakeWatch} from './handshake.js';
import {type GraphqlDialect, type GraphqlIncoming, legacyDialect, type Subscribe, transportDialect} from './graphql-dialects.js';
import {operationKind} from './graphql-document.js';

export type {Subscribe} from './graphql-dialects.js';

export type GraphqlWsOptions = {
	/** --init: connection_init's payload. */
	readonly init?: Record<string, unknown>;
	/** Called for each line refused (not a document), after its error line. */
	readonly onRefused?: () => void;
	/** How long connection_ack may take (--connect-timeout). */
	readonly handshake?: HandshakeLimit;
	/** -v: says which protocol the server speaks. */
	readonly verbose?: boolean;
	/** The wait for the server's close after it refused connection_init (the system's clock by default). */
	readonly clock?: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
};

/**
How long a server that refused connection_init (the legacy protocol's connection_error) has to
close: its close ends the run (exit 1) through the handshake watch, after the lines before it.
*/
const refusedCloseMs = 1000;

const badge = 'graphql-ws';

/** Loads graphql-ws's message helpers and builds the stage. */
export async function loadGraphqlWsStage(options: GraphqlWsOptions): Promise<StageFactory> {
	return graphqlWsStage(options, transportDialect(await import('graphql-ws/client')));
}

/** The stage; `transport` is graphql-transport-ws (the legacy protocol needs no library). */
export function graphqlWsStage(options: GraphqlWsOptions, transport: GraphqlDialect): StageFactory {
	return link => {
		const connection = new GraphqlWsConnection(link, options, transport);
		return {
			name: 'graphql-ws',
			event(event) {
				if (event.type === 'open') {
					connection.opened(event.protocol);
				} else if (event.type === 'close') {
					connection.closed(event);
				}
			},
			send: (message, next) => connection.send(message, next),
			receive(message, next) {
				connection.receive(message, next);
			},
			closing() {
				connection.closing();
			},
		};
	};
}

/** An operation in flight: for its error line, to subscribe again after a reconnect, and to tell it apart from others. */
type Operation = {
	readonly payload: Subscribe;
	readonly subscription: boolean;
	/** Its lines start with its id (`[2] `): another subscription was in flight with it. */
	tagged: boolean;
};

/** The protocol on one connection (for all its reconnects): the handshake, and the operations in flight. */
class GraphqlWsConnection {
	readonly #link: StageLink;
	readonly #options: GraphqlWsOptions;
	readonly #transport: GraphqlDialect;
	readonly #watch: HandshakeWatch;
	readonly #operations = new Map<string, Operation>();
	/** The protocol the server picked on this connection (its subprotocol). */
	#dialect: GraphqlDialect;
	/** The protocol -v last named. */
	#named: GraphqlDialect | undefined;
	#nextId = 1;
	#acked = false;
	#ack = deferred();
	/** Set after connection_init was refused, until the server closes. */
	#refusedTimer: NodeJS.Timeout | undefined;

	constructor(link: StageLink, options: GraphqlWsOptions, transport: GraphqlDialect) {
		this.#link = link;
		this.#options = options;
		this.#transport = transport;
		this.#dialect = transport;
		this.#watch = handshakeWatch(link, {protocol: badge, awaited: 'connection_ack', waiting: 'before connection_ack'}, options.handshake ?? {});
	}

	/** The WebSocket opened with this subprotocol (none: graphql-transport-ws): connection_init, with --init's payload. */
	opened(subprotocol: string): void {
		this.#dialect = subprotocol === legacyDialect.subprotocol ? legacyDialect : this.#transport;
		this.#acked = false;
		this.#watch.opened();
		this.#link.send(control(this.#dialect.init(this.#options.init)));
	}

	closed(event: CloseEvent): void {
		if (this.#refusedTimer !== undefined) {
			this.#clock().clearTimeout(this.#refusedTimer);
			this.#refusedTimer = undefined;
		}

		this.#watch.closed(event);
		if (this.#acked) {
			this.#acked = false;
			this.#ack = deferred();
		}
	}

	/** The run closes: the operations still in flight are stopped (the server ends them). */
	closing(): void {
		if (!this.#acked) {
			return;
		}

		for (const id of this.#operations.keys()) {
			this.#link.send(control(this.#dialect.stop(id)));
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
			this.#started(id, payload);
			// No `decoded`: the session shows the text, a codec after the stage parses it (exact too).
			next(new PipelineMessage(this.#dialect.subscribe(id, payload), false).annotate({badge}));
		};

		if (this.#acked) {
			subscribe();
			return undefined;
		}

		return this.#ack.promise.then(subscribe);
	}

	receive(message: PipelineMessage, next: Next): void {
		const text = message.isBinary ? message.data.toString() : message.text!;
		let parsed: GraphqlIncoming;
		try {
			parsed = this.#dialect.parse(text);
		} catch (error) {
			this.#link.error(`not a ${this.#dialect.subprotocol} message (${escapeControl((error as Error).message)}): shown as received`);
			next(message.annotate({counted: false}));
			return;
		}

		switch (parsed.kind) {
			case 'ack': {
				this.#onAck(message, next);
				return;
			}

			case 'ping': {
				next(message.annotate({control: true}));
				const pong = this.#dialect.pong();
				if (pong !== undefined) {
					this.#link.send(control(pong));
				}

				return;
			}

			case 'keepalive': {
				next(message.annotate({control: true}));
				return;
			}

			case 'next': {
				next(message.annotate(this.#result(parsed.id, exactPayload(text, parsed.payload), parsed.payload)));
				return;
			}

			case 'error':
			case 'complete': {
				next(message.annotate(this.#ended(parsed, text)));
				return;
			}

			case 'connection error': {
				this.#onConnectionError(message, next, exactPayload(text, parsed.payload));
				return;
			}

			case 'other': {
				// A message only a server should get (subscribe, connection_init): as it came.
				next(message.annotate({counted: false, answers: 0}));
			}
		}
	}

	/** An operation sent: once two subscriptions are in flight at once, the lines of each start with its id. */
	#started(id: string, payload: Subscribe): void {
		const operation: Operation = {payload, subscription: operationKind(payload) === 'subscription', tagged: false};
		const others = [...this.#operations.values()].filter(other => other.subscription);
		if (operation.subscription && others.length > 0) {
			operation.tagged = true;
			for (const other of others) {
				other.tagged = true;
			}
		}

		this.#operations.set(id, operation);
	}

	/** connection_ack: the lines held go; after a reconnect (--reconnect), the operations still in flight go on, with their ids. */
	#onAck(message: PipelineMessage, next: Next): void {
		this.#acked = true;
		this.#watch.done();
		this.#ack.resolve();
		next(message.annotate({control: true}));
		if (this.#options.verbose === true && this.#named !== this.#dialect) {
			this.#named = this.#dialect;
			this.#link.log(`wsterm: graphql-ws: the server speaks ${this.#dialect.title}`);
		}

		for (const [id, {payload}] of this.#operations) {
			this.#link.send(control(this.#dialect.subscribe(id, payload)));
		}
	}

	/** The legacy protocol's connection_error: before connection_ack, connection_init was refused (exit 1). */
	#onConnectionError(message: PipelineMessage, next: Next, payload: string): void {
		const said = errorMessage(payload);
		next(message.annotate({control: true, badge}));
		if (this.#acked) {
			this.#link.error(`the graphql-ws server sent connection_error: ${said}`);
			return;
		}

		this.#watch.refused();
		this.#link.error(`the graphql-ws server refused connection_init: ${said}`);
		// The server closes next (1011): that close, through the watch, ends the run with exit 1. An
		// exit now would race it, and a close from the server while ours is on its way reads as a drop.
		this.#refusedTimer = this.#clock().setTimeout(() => {
			this.#refusedTimer = undefined;
			this.#link.exit(exitCodes.connectFailed);
		}, refusedCloseMs);
	}

	#clock(): Pick<Clock, 'setTimeout' | 'clearTimeout'> {
		return this.#options.clock ?? systemClock;
	}

	/** A result: its payload as one JSON line, marked when its operation is unknown or runs beside another subscription. */
	#result(id: string, json: string, payload: unknown): Annotations {
		const operation = this.#operations.get(id);
		// A result for an operation never sent (or ended) is not taken for one of ours.
		const marked = operation === undefined ? {line: `(unknown id ${JSON.stringify(id)}) ${json}`} : operation.tagged ? {line: `[${id}] ${json}`} : {};
		return {decoded: payload, badge, view: {json}, answers: 0, fields: {id}, ...marked};
	}

	/** An operation's end: `error` (its line: `error: DOCUMENT => ERRORS`) or `complete` (hidden, a note). */
	#ended(parsed: Extract<GraphqlIncoming, {kind: 'error' | 'complete'}>, text: string): Annotations {
		const query = this.#operations.get(parsed.id)?.payload.query;
		this.#operations.delete(parsed.id);
		if (parsed.kind === 'error') {
			return {
				decoded: parsed.payload,
				badge,
				line: `error: ${query === undefined ? `(unknown id ${parsed.id})` : oneLine(query)} => ${exactPayload(text, parsed.payload)}`,
				fields: {id: parsed.id, error: true},
			};
		}

		return {decoded: parsed, badge, shown: null, counted: false, answers: 1, note: `complete ${query === undefined ? `(id ${parsed.id})` : oneLine(query)}`};
	}
}

/** A message's payload as JSON text, as the server wrote it: its number tokens, its strings' escapes (hooks' `decoded` is plain). */
function exactPayload(text: string, payload: unknown): string {
	const exact = exactJson(text, undefined);
	return serverJson(memberText(text, 'payload'), isJsonObject(exact) && 'payload' in exact ? exact.payload : payload);
}

/** connection_error's payload in words: its message, else the payload as JSON. */
function errorMessage(payload: string): string {
	try {
		const value = JSON.parse(payload) as unknown;
		if (isJsonObject(value) && typeof value.message === 'string') {
			return escapeControl(value.message);
		}
	} catch {}

	return escapeControl(payload);
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
	return shortenedForQuote(line);
}
