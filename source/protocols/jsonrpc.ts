/*
JSON-RPC 2.0 (--protocol jsonrpc). Each line to send becomes a request with a fresh id: `method`,
`method [params]`, `method {params}`, or a whole request object (its own id is kept); a response
object (`id` and `result` or `error`) answers a request of the server's and goes as it is. Each response
is paired with its request by id: pipe mode prints `METHOD PARAMS => RESPONSE` (an error response
starts with `error: `), --jsonl adds `request` and `rttMs`. Notifications, requests from the server
and anything else it sends are printed as they come and are not counted by -n: only responses are.

A line that is a JSON array is a batch, sent as written (`jsonrpc` added): its elements with an
`id` are requests, those without are notifications. The server's array of responses goes on as
a control message (recorded as it came) followed by one message per response, each paired like
any response, so that hooks, -n and --jsonl see responses one by one.

Numbers go out as typed (exact-json.ts): a request, a response object or a batch is parsed
losslessly, given its id and `jsonrpc`, and written back with each number token unchanged. Ids
pair by their exact JSON text, so 9007199254740993 and 9007199254740992 are two ids. What is sent
carries no `decoded` value: the session shows its text, and a codec after the stage parses that
text (exact too). Hooks and --jsonl see plain values.
*/
import type {Clock} from '../shared/clock.js';
import {type Annotations, PipelineMessage} from '../pipeline/message.js';
import type {StageFactory} from '../pipeline/stage.js';
import {isJsonObject as isObject, isLosslessNumber, parseExact, plainJson, stringifyExact} from './exact-json.js';
import {quote} from './stage-helpers.js';

export type JsonRpcOptions = {
	/** Its monotonic `now`, for round trips. */
	readonly clock: Pick<Clock, 'now'>;
	/** Called for each line refused (its params are not JSON), after its error line. */
	readonly onRefused?: () => void;
};

type Request = {
	readonly method: string;
	readonly params?: unknown;
	readonly sentAt: number;
};

type JsonObject = Record<string, unknown>;

/** A line as sent: its text, and what the message says about it. */
type Outgoing = {readonly text: string; readonly annotations: Annotations};

/** Requests awaiting an answer, at most: an id the server never answers must not be kept forever. */
const maxPending = 100_000;

export function jsonRpcStage({clock, onRefused}: JsonRpcOptions): StageFactory {
	return link => {
		const requests = new PendingRequests(clock);
		const refuse = (line: string): void => {
			link.error(line);
			onRefused?.();
		};

		return {
			name: 'jsonrpc',
			send(message, next) {
				if (message.isBinary) {
					next(message);
					return;
				}

				let outgoing: Outgoing;
				try {
					outgoing = requests.outgoing(message.text!);
				} catch (error) {
					refuse(`not sent: ${(error as Error).message}: ${quote(message.text!)}`);
					return;
				}

				next(new PipelineMessage(outgoing.text, false).annotate(outgoing.annotations));
			},
			receive(message, next) {
				const value = message.isBinary ? undefined : received(message);
				if (Array.isArray(value) && value.some(item => isResponse(item) && requests.awaits(item.id))) {
					// A batch's responses: the frame for the recorder, then each response on its own.
					next(message.annotate({control: true}));
					for (const [index, item] of value.entries()) {
						next(requests.batchResponse(item, index));
					}

					return;
				}

				if (!isResponse(value)) {
					// A notification, a request from the server, a batch not answering ours, or not JSON-RPC at all: as it came.
					next(message.annotate({counted: false, ...(isObject(value) || Array.isArray(value) ? {decoded: plainJson(value), badge: 'jsonrpc'} : {})}));
					return;
				}

				next(message.annotate(requests.pair(value, message.text!)));
			},
			unanswered: () => requests.unanswered(),
		};
	};
}

/** The requests sent awaiting their response, by id (their exact JSON), and the ids given to lines. */
class PendingRequests {
	readonly #clock: Pick<Clock, 'now'>;
	readonly #pending = new Map<string, Request>();
	#nextId = 1;

	constructor(clock: Pick<Clock, 'now'>) {
		this.#clock = clock;
	}

	/** The requests awaiting a response, each as `METHOD PARAMS (id ID)`: the first ten, then how many more. */
	unanswered(): string[] {
		const shown = [...this.#pending].slice(0, 10).map(([key, request]) => `${quote(describe(request))} (id ${quote(key)})`);
		return this.#pending.size > shown.length ? [...shown, `${this.#pending.size - shown.length} more`] : shown;
	}

	/** A request sent awaits a response with this id. */
	awaits(id: unknown): boolean {
		return this.#pending.has(idKey(id));
	}

	/** A line as the text to send; throws (saying why) for a line that is not a request, a response or a batch. */
	outgoing(text: string): Outgoing {
		if (text.trimStart().startsWith('[')) {
			const batch = parseBatch(text);
			const requests = batch.filter(request => request.id !== undefined);
			for (const request of requests) {
				this.#remember(request);
			}

			// A batch of notifications only gets no answer at all.
			return {text: stringifyExact(batch), annotations: {badge: 'jsonrpc', awaitsReply: requests.length > 0}};
		}

		const response = responseLine(text);
		if (response !== undefined) {
			// An answer to a request of the server's: sent as it is, awaiting nothing.
			return {text: stringifyExact(response), annotations: {badge: 'jsonrpc', awaitsReply: false}};
		}

		let request = parseLine(text);
		if (request.id === undefined) {
			while (this.#pending.has(idKey(this.#nextId))) {
				this.#nextId++;
			}

			request = {jsonrpc: '2.0', id: this.#nextId++, ...request};
		}

		this.#remember(request);
		return {text: stringifyExact(request), annotations: {badge: 'jsonrpc'}};
	}

	/** A response paired with its request (which is forgotten): its line and --jsonl fields. */
	pair(response: JsonObject, text: string): Annotations {
		const key = idKey(response.id);
		const request = this.#pending.get(key);
		this.#pending.delete(key);
		const isError = 'error' in response;
		const described = request === undefined ? `(unknown id ${response.id === undefined ? '' : idKey(response.id)})` : describe(request);
		return {
			decoded: plainJson(response),
			badge: 'jsonrpc',
			line: `${isError ? 'error: ' : ''}${described} => ${text}`,
			fields: {
				...(request === undefined ? {} : {request: {method: request.method, ...(request.params === undefined ? {} : {params: plainJson(request.params)})}, rttMs: Math.round((this.#clock.now() - request.sentAt) * 10) / 10}),
				...(isError ? {error: true} : {}),
			},
		};
	}

	/** One item of a batch's responses, as a message of its own (the first carries the answer to the batch sent). */
	batchResponse(item: unknown, index: number): PipelineMessage {
		const text = stringifyExact(item);
		const annotations: Annotations = isResponse(item) ? this.pair(item, text) : {counted: false, decoded: plainJson(item), badge: 'jsonrpc'};
		// The frame answers one message sent (the batch): the first response carries that.
		return new PipelineMessage(text, false).annotate({...annotations, derived: true, answers: index === 0 ? 1 : 0, fields: {...annotations.fields, batch: true}});
	}

	#remember(request: JsonObject): void {
		if (this.#pending.size >= maxPending) {
			// The oldest request is forgotten: its answer, if it comes, is printed unpaired.
			this.#pending.delete(this.#pending.keys().next().value!);
		}

		this.#pending.set(idKey(request.id), {
			method: String(request.method),
			// As sent (exact numbers), for the response's line.
			...(request.params === undefined ? {} : {params: request.params}),
			sentAt: this.#clock.now(),
		});
	}
}

/** A line as a request without its id (unless it gives one): `method`, `method PARAMS`, or a request object. */
export function parseLine(line: string): JsonObject {
	const trimmed = line.trim();
	if (trimmed.startsWith('{')) {
		const value = parseJson(trimmed, 'not JSON');
		if (!isObject(value) || typeof value.method !== 'string') {
			throw new Error('a JSON-RPC request object needs a "method" string');
		}

		return {jsonrpc: '2.0', ...value};
	}

	const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(trimmed);
	if (match === null) {
		throw new Error('empty line: give a method, then optional [params] or {params}');
	}

	const [, method, rest] = match;
	if (rest === undefined) {
		runsIntoParams(method!);
		return {method};
	}

	const params = parseJson(rest, 'params are not JSON');
	if (typeof params !== 'object' || params === null || isLosslessNumber(params)) {
		throw new Error('params must be a JSON array [...] or object {...}');
	}

	return {method, params};
}

/** Throws for `add[1,2]`: params typed with no space before them, which would go as a method named "add[1,2]". */
function runsIntoParams(method: string): void {
	const params = /^[^[{]+([[{][\s\S]*)$/.exec(method)?.[1];
	if (params === undefined) {
		return;
	}

	try {
		parseExact(params);
	} catch {
		return;
	}

	throw new Error(`the method name runs into its params: give a space, ${method.slice(0, method.length - params.length)} ${params} (a method whose name holds "${params[0]}" goes as {"method":...})`);
}

/** A line that is a response object (`result` or `error`, an `id`, no `method`), `jsonrpc` added; else undefined. */
export function responseLine(line: string): JsonObject | undefined {
	const trimmed = line.trim();
	if (!trimmed.startsWith('{')) {
		return undefined;
	}

	let value: unknown;
	try {
		value = parseExact(trimmed);
	} catch {
		return undefined;
	}

	return isResponse(value) && value.id !== undefined ? {jsonrpc: '2.0', ...value} : undefined;
}

/**
A line that is a JSON array as a batch: each element a request object (`jsonrpc` added), with
an `id` to be answered, without one a notification. Throws for an empty batch, an element that
is not a request object, or an id given twice.
*/
export function parseBatch(line: string): JsonObject[] {
	const value = parseJson(line.trim(), 'not JSON');
	if (!Array.isArray(value) || value.length === 0) {
		throw new Error('an empty batch: give [{"method":...}, ...]');
	}

	const ids = new Set<string>();
	return value.map((item: unknown, index) => {
		if (!isObject(item) || typeof item.method !== 'string') {
			throw new Error(`batch element ${index + 1} is not a request object with a "method" string`);
		}

		if (item.id !== undefined) {
			const key = idKey(item.id);
			if (ids.has(key)) {
				throw new Error(`batch element ${index + 1} repeats the id ${key}`);
			}

			ids.add(key);
		}

		return {jsonrpc: '2.0', ...item};
	});
}

/** A line's JSON, its numbers kept as typed. */
function parseJson(text: string, what: string): unknown {
	try {
		return parseExact(text);
	} catch (error) {
		throw new Error(`${what} (${(error as Error).message})`, {cause: error});
	}
}

/** A received text message's JSON, numbers kept exact (for ids); a message a codec decoded: its value. */
function received(message: PipelineMessage): unknown {
	if (message.decoded !== undefined || message.view?.payload !== undefined) {
		return message.json();
	}

	try {
		return parseExact(message.text!);
	} catch {
		return undefined;
	}
}

/** A response: an object with `result` or `error` and no `method` (a request from the server has one). */
function isResponse(value: unknown): value is JsonObject {
	return isObject(value) && value.method === undefined && ('result' in value || 'error' in value);
}

/** Ids compared as their exact JSON, so that 1 and "1", or 9007199254740993 and 9007199254740992, stay different requests. */
export function idKey(id: unknown): string {
	return id === undefined ? 'undefined' : stringifyExact(id);
}

function describe(request: Request): string {
	return request.params === undefined ? request.method : `${request.method} ${stringifyExact(request.params)}`;
}
