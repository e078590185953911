/*
JSON-RPC 2.0 (--protocol jsonrpc). Each line to send becomes a request with a fresh id: `method`,
`method [params]`, `method {params}`, or a whole request object (its own id is kept). Each response
is paired with its request by id: pipe mode prints `METHOD PARAMS => RESPONSE` (an error response
starts with `error: `), --jsonl adds `request` and `rttMs`. Notifications and anything else the
server sends are printed as they come and are not counted by -n: only responses are.
*/
import {escapeControl} from '../display.js';
import {PipelineMessage} from '../pipeline/message.js';
import type {StageFactory} from '../pipeline/stage.js';

export type JsonRpcOptions = {
	/** Milliseconds, for round trips (performance.now in production). */
	readonly now: () => number;
	/** Called for each line refused (its params are not JSON), after its error line. */
	readonly onRefused?: () => void;
};

type Request = {
	readonly method: string;
	readonly params?: unknown;
	readonly sentAt: number;
};

type JsonObject = Record<string, unknown>;

/** Longest part of a refused line quoted in its error line. */
const quoteLength = 60;

/** Requests awaiting an answer, at most: an id the server never answers must not be kept forever. */
const maxPending = 100_000;

export function jsonRpcStage({now, onRefused}: JsonRpcOptions): StageFactory {
	return link => {
		const pending = new Map<string, Request>();
		let nextId = 1;
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

				const text = message.text!;
				let request: JsonObject;
				try {
					request = parseLine(text);
				} catch (error) {
					refuse(`not sent: ${(error as Error).message}: ${quote(text)}`);
					return;
				}

				if (request.id === undefined) {
					while (pending.has(String(nextId))) {
						nextId++;
					}

					request = {jsonrpc: '2.0', id: nextId++, ...request};
				}

				if (pending.size >= maxPending) {
					// The oldest request is forgotten: its answer, if it comes, is printed unpaired.
					pending.delete(pending.keys().next().value!);
				}

				pending.set(idKey(request.id), {
					method: String(request.method),
					...(request.params === undefined ? {} : {params: request.params}),
					sentAt: now(),
				});
				next(new PipelineMessage(JSON.stringify(request), false).annotate({decoded: request, badge: 'jsonrpc'}));
			},
			receive(message, next) {
				const value = message.isBinary ? undefined : message.json();
				if (!isObject(value) || value.method !== undefined || !('result' in value || 'error' in value)) {
					// A notification, a request from the server, a batch or not JSON-RPC at all: as it came.
					next(message.annotate({counted: false, ...(isObject(value) || Array.isArray(value) ? {decoded: value, badge: 'jsonrpc'} : {})}));
					return;
				}

				const key = idKey(value.id);
				const request = pending.get(key);
				pending.delete(key);
				const isError = 'error' in value;
				const response = message.text!;
				const described = request === undefined ? `(unknown id ${JSON.stringify(value.id) ?? ''})` : describe(request);
				next(message.annotate({
					decoded: value,
					badge: 'jsonrpc',
					line: `${isError ? 'error: ' : ''}${described} => ${response}`,
					fields: {
						...(request === undefined ? {} : {request: {method: request.method, ...(request.params === undefined ? {} : {params: request.params})}, rttMs: Math.round((now() - request.sentAt) * 10) / 10}),
						...(isError ? {error: true} : {}),
					},
				}));
			},
		};
	};
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
		return {method};
	}

	const params = parseJson(rest, 'params are not JSON');
	if (typeof params !== 'object' || params === null) {
		throw new Error('params must be a JSON array [...] or object {...}');
	}

	return {method, params};
}

function parseJson(text: string, what: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch (error) {
		throw new Error(`${what} (${(error as Error).message})`);
	}
}

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ids compared as JSON, so that 1 and "1" stay different requests. */
function idKey(id: unknown): string {
	return JSON.stringify(id) ?? 'undefined';
}

function describe(request: Request): string {
	return request.params === undefined ? request.method : `${request.method} ${JSON.stringify(request.params)}`;
}

function quote(text: string): string {
	return escapeControl(text.length > quoteLength ? `${text.slice(0, quoteLength)}...` : text);
}
