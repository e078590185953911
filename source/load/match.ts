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
	/** The position in `pending` of the request `data` answers, or `notAReply` (a push, or a late reply), or `protocolTraffic`. */
	readonly find: (data: Buffer, pending: PendingRequests) => number;
	/** After `find` found a request: whether the reply says the request failed (a JSON-RPC error, a GraphQL error). */
	readonly lastWasError: () => boolean;
	/** After `find` gave no position: whether the message looks like a reply all the same (to a request that timed out). */
	readonly lastLooksLikeReply: () => boolean;
};

/** What `find` gives for a message that answers no request waiting: a push (or a late reply). */
export const notAReply = -1;
/**
What `find` gives for the protocol's own messages, neither pushes nor replies: graphql-ws's
`complete`, a later `next` of an operation already answered, an ack nothing waits for (or a late
reply, when lastLooksLikeReply says so).
*/
export const protocolTraffic = -2;

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

/** The message types graphql-transport-ws defines: any of them is the protocol's, never a push. */
const graphqlWsTypes = new Set(['connection_init', 'connection_ack', 'ping', 'pong', 'subscribe', 'next', 'error', 'complete']);

/**
graphql-ws: the first `next` or `error` whose id is a request's sequence number; an `error`, or a
`next` whose payload has errors, says the request failed. The operation's later messages (more
`next`s of a subscription, its `complete`) are protocol traffic. No ids of settled requests are
kept: while a request that timed out still has no reply, a subscription's later `next` is taken
for that late reply.
*/
function graphqlWsMatcher(): ReplyMatcher {
	let result = false;
	let isError = false;
	return {
		find(data, pending) {
			const value = parseJson(data);
			const message = isContainer(value) && !Array.isArray(value) ? value : undefined;
			const {type} = message ?? {};
			result = type === 'next' || type === 'error';
			const sequence = result ? sequenceAt(message, ['id']) : undefined;
			if (sequence === undefined) {
				return typeof type === 'string' && graphqlWsTypes.has(type) ? protocolTraffic : notAReply;
			}

			const payload = message!.payload;
			isError = type === 'error' || (isContainer(payload) && Array.isArray((payload as Record<string, unknown>).errors) && ((payload as Record<string, unknown>).errors as unknown[]).length > 0);
			const position = pending.findSequence(sequence);
			return position === -1 ? protocolTraffic : position;
		},
		lastWasError: () => isError,
		lastLooksLikeReply: () => result,
	};
}

const digit0 = 0x30;
const digit9 = 0x39;
const engineIoMessage = 0x34; // '4'
const socketIoEvent = 0x32; // '2'
const socketIoAck = 0x33; // '3'
const socketIoBinaryEvent = 0x35; // '5'
const socketIoBinaryAck = 0x36; // '6'

/** The ack id of a Socket.IO ACK in its Engine.IO frame (`43[/nsp,]ID[...]`, binary `46N-[/nsp,]ID[...]`), or undefined. */
export function socketIoAckId(data: Buffer): number | undefined {
	let index = 2;
	if (data[1] === socketIoBinaryAck) {
		index = data.indexOf(0x2D, index) + 1; // After the attachments' count and its '-'.
		if (index === 0) {
			return undefined;
		}
	}

	if (data[index] === 0x2F) { // '/': a namespace, up to ','.
		index = data.indexOf(0x2C, index) + 1;
		if (index === 0) {
			return undefined;
		}
	}

	let id = 0;
	const start = index;
	while (index < data.length && data[index]! >= digit0 && data[index]! <= digit9 && index - start < 15) {
		id = (id * 10) + data[index]! - digit0;
		index++;
	}

	return index === start ? undefined : id;
}

/**
Socket.IO (over Engine.IO): the ACK whose id is a request's sequence number. Events the server
emits are pushes; an ack nothing waits for is protocol traffic (or a late reply). The frames are
read byte by byte, with no parser: the session (socketio-session.ts) took the handshake and pings.
*/
function socketIoMatcher(): ReplyMatcher {
	let ack = false;
	return {
		find(data, pending) {
			ack = false;
			if (data[0] !== engineIoMessage) {
				return protocolTraffic;
			}

			const type = data[1];
			if (type === socketIoEvent || type === socketIoBinaryEvent) {
				return notAReply;
			}

			if (type !== socketIoAck && type !== socketIoBinaryAck) {
				return protocolTraffic;
			}

			const id = socketIoAckId(data);
			ack = id !== undefined;
			const position = id === undefined ? -1 : pending.findSequence(id);
			return position === -1 ? protocolTraffic : position;
		},
		lastWasError: () => false,
		lastLooksLikeReply: () => ack,
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

		case 'graphql-ws': {
			return graphqlWsMatcher();
		}

		case 'socketio': {
			return socketIoMatcher();
		}
	}
}
