/*
Pairing a received message with the request it answers, one matcher per run (the rule of
options.ts's MatchRule). A matcher is called synchronously for each message received, so the
little state it keeps between calls (whether the last reply was an error, the message it
compares) is safe to share between connections. The JSON key path helpers are here too: the
options builder checks a path with parsePath, the message set writes sequence numbers with
writeAtPath.
*/
import type {MatchRule} from './options.js';
import type {PendingRequests} from './pending.js';

export type ReplyMatcher = {
	/** The position in `pending` of the request `data` answers, or -1 (a push, or a late reply). */
	readonly find: (data: Buffer, pending: PendingRequests) => number;
	/** After `find` found a request: whether the reply says the request failed (a JSON-RPC error). */
	readonly lastWasError: () => boolean;
	/** After `find` gave -1: whether the message looks like a reply all the same (to a request that timed out). */
	readonly lastLooksLikeReply: () => boolean;
};

/** `id` or `meta.requestId` as its keys; undefined for an empty key (`a..b`, a leading or trailing dot). */
export function parsePath(text: string): string[] | undefined {
	const keys = text.split('.');
	return keys.every(key => key !== '') ? keys : undefined;
}

type JsonContainer = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is JsonContainer {
	return typeof value === 'object' && value !== null;
}

/**
Sets `path` of `value` (a JSON object) to `replacement`, making the objects on the way that are
missing; throws an Error saying why when the value is not an object or a key on the way holds
something that is not one.
*/
export function writeAtPath(value: unknown, path: readonly string[], replacement: unknown): void {
	if (!isContainer(value) || Array.isArray(value)) {
		throw new Error('not a JSON object');
	}

	let container: JsonContainer = value;
	for (const [index, key] of path.entries()) {
		const record = container as Record<string, unknown>;
		if (index === path.length - 1) {
			record[key] = replacement;
			return;
		}

		const inner = record[key] ??= {};
		if (!isContainer(inner)) {
			throw new Error(`"${path.slice(0, index + 1).join('.')}" holds ${JSON.stringify(inner)}, not an object`);
		}

		container = inner;
	}
}

/** The number at `path` of a JSON value (or a string of digits: some servers echo ids as text), else undefined. */
export function sequenceAt(value: unknown, path: readonly string[]): number | undefined {
	let current = value;
	for (const key of path) {
		if (!isContainer(current)) {
			return undefined;
		}

		current = (current as Record<string, unknown>)[key];
	}

	if (typeof current === 'number') {
		return current;
	}

	return typeof current === 'string' && /^\d{1,15}$/.test(current) ? Number(current) : undefined;
}

function parseJson(data: Buffer): unknown {
	try {
		return JSON.parse(data.toString());
	} catch {
		return undefined;
	}
}

/** Echo: the oldest waiting request whose bytes the message equals (the oldest first: most echoes come in order). */
function echoMatcher(messageBytes: readonly Buffer[]): ReplyMatcher {
	let received: Buffer = Buffer.alloc(0);
	// One function for every call: findMessage takes it without a closure made per message.
	const equalsReceived = (message: number): boolean => received.equals(messageBytes[message]!);
	return {
		find(data, pending) {
			const oldest = pending.oldest();
			if (oldest === -1) {
				received = data;
				return -1;
			}

			if (data.equals(messageBytes[pending.messageAt(oldest)]!)) {
				return oldest;
			}

			received = data;
			return pending.findMessage(equalsReceived);
		},
		lastWasError: () => false,
		lastLooksLikeReply: () => messageBytes.some(bytes => received.equals(bytes)),
	};
}

function anyMatcher(): ReplyMatcher {
	return {
		find: (_data, pending) => pending.oldest(),
		lastWasError: () => false,
		lastLooksLikeReply: () => false,
	};
}

/** --match PATH: the sequence number at PATH of the message, JSON. */
function pathMatcher(path: readonly string[]): ReplyMatcher {
	let sequence: number | undefined;
	return {
		find(data, pending) {
			sequence = sequenceAt(parseJson(data), path);
			return sequence === undefined ? -1 : pending.findSequence(sequence);
		},
		lastWasError: () => false,
		lastLooksLikeReply: () => sequence !== undefined,
	};
}

/** JSON-RPC: a response (`result` or `error`, no `method`) whose id is a request's sequence number. */
function jsonRpcMatcher(): ReplyMatcher {
	let sequence: number | undefined;
	let isError = false;
	return {
		find(data, pending) {
			const value = parseJson(data);
			const response = isContainer(value) && !Array.isArray(value) && value.method === undefined && ('result' in value || 'error' in value);
			sequence = response ? sequenceAt(value, ['id']) : undefined;
			isError = response && (value as Record<string, unknown>).error !== undefined;
			return sequence === undefined ? -1 : pending.findSequence(sequence);
		},
		lastWasError: () => isError,
		lastLooksLikeReply: () => sequence !== undefined,
	};
}

/** The run's matcher; `messageBytes` are the message set's bytes, which echo compares with. */
export function createMatcher(rule: MatchRule, messageBytes: readonly Buffer[]): ReplyMatcher {
	switch (rule.kind) {
		case 'echo': {
			return echoMatcher(messageBytes);
		}

		case 'any': {
			return anyMatcher();
		}

		case 'path': {
			return pathMatcher(rule.path);
		}

		case 'jsonrpc': {
			return jsonRpcMatcher();
		}
	}
}
