/*
The message set: what -x gave (or stdin's lines), used in turn, and what goes on the wire for
each request. Echo and --match any send each message's bytes as they are, made once; --match PATH
and --protocol jsonrpc cut each message's JSON around the place its sequence number goes, so that
a request costs one string concatenation, not a JSON.stringify.
*/
import {isUtf8} from 'node:buffer';
import type {Readable} from 'node:stream';
import {UsageError} from '../shared/exit-codes.js';
import {writeAtPath} from './match.js';
import type {MatchRule, MessageTemplates} from './options.js';

export type RawMessage = {
	readonly bytes: Buffer;
	readonly isBinary: boolean;
	/** A saved message (--message): a template whatever the flags say. */
	readonly template?: boolean;
};

/** Reads a file named on the command line; throws a UsageError naming the flag when it cannot. */
export type ReadFlagFile = (flag: string, path: string) => Buffer;

export type MessageSet = {
	readonly size: number;
	/** Each message's bytes, as an echo brings them back (for --match PATH: without a sequence number). */
	readonly bytes: readonly Buffer[];
	readonly isBinary: readonly boolean[];
	/** What to send for message `index` carrying `sequence`. */
	readonly payload: (index: number, sequence: number) => Buffer | string;
};

/**
--message's saved messages (text, templates), then the -x values (`@FILE`: the file as one message;
`@@text`: `@text`), or stdin's non-empty lines when there are none.
*/
export async function readMessages(execute: readonly string[], binary: boolean, stdin: Readable & {readonly isTTY?: boolean}, readFile: ReadFlagFile, saved: readonly string[] = []): Promise<RawMessage[]> {
	if (execute.length > 0 || saved.length > 0) {
		return [...saved.map(text => ({bytes: Buffer.from(text), isBinary: false, template: true})), ...execute.map(text => executeMessage(text, binary, readFile))];
	}

	if (stdin.isTTY === true) {
		throw new UsageError('wsterm bench needs messages: give -x MSG (repeatable), or pipe them on stdin, one a line');
	}

	const chunks: Buffer[] = [];
	for await (const chunk of stdin) {
		chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer);
	}

	const lines = Buffer.concat(chunks).toString().split(/\r?\n/).filter(line => line !== '');
	if (lines.length === 0) {
		throw new UsageError('stdin had no messages: give -x MSG, or pipe the messages on stdin, one a line');
	}

	return lines.map(line => ({bytes: Buffer.from(line), isBinary: binary}));
}

function executeMessage(text: string, binary: boolean, readFile: ReadFlagFile): RawMessage {
	if (text.startsWith('@@')) {
		return {bytes: Buffer.from(text.slice(1)), isBinary: binary};
	}

	if (text.startsWith('@')) {
		if (text === '@') {
			throw new UsageError('-x @: a file name is missing after @ (-x @@ sends "@")');
		}

		const bytes = readFile('-x', text.slice(1));
		// Text messages must be UTF-8: a file that is not goes as binary, as in pipe mode.
		return {bytes, isBinary: binary || !isUtf8(bytes)};
	}

	return {bytes: Buffer.from(text), isBinary: binary};
}

function shown(message: RawMessage): string {
	const text = message.bytes.toString();
	return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** Sent as they are: echo and --match any. */
function fixedSet(messages: readonly RawMessage[]): MessageSet {
	const bytes = messages.map(message => message.bytes);
	return {
		size: messages.length,
		bytes,
		isBinary: messages.map(message => message.isBinary),
		payload: index => bytes[index]!,
	};
}

/** A message's text around its sequence number: what goes before it and after it. */
type Cut = {readonly before: string; readonly after: string};

/** Each message as its text around its sequence number (`cut` throws an Error saying why a message cannot carry one). */
function numberedSet(messages: readonly RawMessage[], cut: (text: string) => Cut, needs: string): MessageSet {
	const parts = messages.map((message, index) => {
		try {
			return cut(message.bytes.toString());
		} catch (error) {
			throw new UsageError(`message ${index + 1} (${shown(message)}): ${(error as Error).message}${needs === '' ? '' : `: ${needs}`}`);
		}
	});
	return {
		size: messages.length,
		bytes: parts.map(({before, after}) => Buffer.from(before + after)),
		isBinary: messages.map(message => message.isBinary),
		payload: (index, sequence) => {
			const part = parts[index]!;
			return part.before + sequence + part.after;
		},
	};
}

/** A string no message holds, replaced by the sequence number in each copy. */
const marker = `wsterm-bench-sequence-${process.pid}-${Date.now()}`;

/** `text` (JSON) cut where `marker` is: it must be there once. */
function cutAtMarker(text: string, markerText: string): Cut {
	const [before, after, ...more] = text.split(markerText);
	if (after === undefined || more.length > 0) {
		throw new Error('cannot carry a sequence number');
	}

	return {before: before!, after};
}

/** --match PATH and --protocol jsonrpc: the sequence number is a JSON number at a key of the message's JSON. */
async function jsonCuts(rule: MatchRule & {kind: 'path' | 'jsonrpc'}): Promise<(text: string) => Cut> {
	const [{parseExact, stringifyExact}, jsonRpc] = await Promise.all([
		import('../protocols/exact-json.js'),
		rule.kind === 'jsonrpc' ? import('../protocols/jsonrpc.js') : undefined,
	]);
	const parseJson = (text: string): unknown => {
		try {
			return parseExact(text);
		} catch {
			// The parser's own words quote the text and name a token; the message is quoted already.
			throw new Error('not JSON');
		}
	};

	return text => {
		const value = jsonRpc === undefined ? parseJson(text) : {jsonrpc: '2.0', ...jsonRpc.parseLine(text)};
		writeAtPath(value, rule.kind === 'jsonrpc' ? ['id'] : rule.path, marker);
		return cutAtMarker(stringifyExact(value), JSON.stringify(marker));
	};
}

/** graphql-ws: each message an operation (a document, or a JSON object with query), sent as `subscribe` with the sequence number as its id (a string). */
async function graphqlWsCuts(): Promise<(text: string) => Cut> {
	const [{stringifyExact}, {parseLine}] = await Promise.all([import('../protocols/exact-json.js'), import('../protocols/graphql-ws.js')]);
	return text => cutAtMarker(stringifyExact({id: marker, type: 'subscribe', payload: parseLine(text)}), marker);
}

/** Socket.IO: each message an event (`["name", args...]`), emitted in the namespace with the sequence number as its ack id. */
async function socketIoCuts(namespace: string): Promise<(text: string) => Cut> {
	const [{stringifyExact}, {readEventLine, holdsBytes}] = await Promise.all([import('../protocols/exact-json.js'), import('../protocols/socketio-event.js')]);
	// Engine.IO `message` (4), Socket.IO EVENT (2), the namespace unless it is the main one, then the ack id.
	const before = `42${namespace === '/' ? '' : `${namespace},`}`;
	return text => {
		const event = readEventLine(text);
		if (holdsBytes(event)) {
			throw new Error('binary attachments ({"$bytes"}) are not supported by wsterm bench: send them with wsterm URL --protocol socketio');
		}

		return {before, after: stringifyExact(event)};
	};
}

const protocolNeeds = {
	path: (rule: MatchRule & {kind: 'path'}) => `--match ${rule.path.join('.')} needs JSON objects`,
	jsonrpc: '--protocol jsonrpc needs requests (method [params], or a request object)',
	'graphql-ws': '--protocol graphql-ws needs GraphQL operations (a document, or a JSON object with query, variables, operationName)',
	socketio: '',
} as const;

/** How a rule cuts a message around its sequence number; undefined: echo and --match any send messages as they are. */
async function cutterFor(rule: MatchRule): Promise<{readonly cut: (text: string) => Cut; readonly needs: string} | undefined> {
	switch (rule.kind) {
		case 'echo':
		case 'any': {
			return undefined;
		}

		case 'path': {
			return {cut: await jsonCuts(rule), needs: protocolNeeds.path(rule)};
		}

		case 'jsonrpc': {
			return {cut: await jsonCuts(rule), needs: protocolNeeds.jsonrpc};
		}

		case 'graphql-ws': {
			return {cut: await graphqlWsCuts(), needs: protocolNeeds['graphql-ws']};
		}

		case 'socketio': {
			return {cut: await socketIoCuts(rule.namespace), needs: protocolNeeds.socketio};
		}
	}
}

async function untemplatedSet(messages: readonly RawMessage[], rule: MatchRule): Promise<MessageSet> {
	const cutter = await cutterFor(rule);
	if (cutter === undefined) {
		return fixedSet(messages);
	}

	const binary = messages.findIndex(message => message.isBinary && !isUtf8(message.bytes));
	if (binary !== -1) {
		throw new UsageError(`message ${binary + 1} is not UTF-8 text: ${rule.kind === 'path' ? `--match ${rule.path.join('.')}` : `--protocol ${rule.kind}`} writes into JSON text`);
	}

	return numberedSet(messages, cutter.cut, cutter.needs);
}

/**
Each message's part in templating, checked: `fixed` (its variables are the same at every send:
filled in once), `varying` (a built-in such as {{$seq}} differs each time) or none. A variable not
defined, or a varying message with echo matching (which compares a reply with the message as it
is once), is a UsageError.
*/
function templateKinds(messages: readonly RawMessage[], rule: MatchRule, templates: MessageTemplates): Array<'fixed' | 'varying' | undefined> {
	return messages.map((message, index) => {
		const text = message.bytes.toString();
		if (message.isBinary || !(templates.every || message.template === true) || !templates.hasVariables(text)) {
			return undefined;
		}

		const problem = templates.problem(text);
		if (problem !== undefined) {
			throw new UsageError(`message ${index + 1} (${shown(message)}): ${problem}`);
		}

		if (!templates.varies(text)) {
			return 'fixed';
		}

		if (rule.kind === 'echo') {
			throw new UsageError(`message ${index + 1} (${shown(message)}) changes with each send (--template): echo matching compares replies with the message; give --match PATH or --match any`);
		}

		return 'varying';
	});
}

/**
The message set; with templates, a message with variables is filled in at each send (`{{$seq}}`
differs each time), then cut around its sequence number: its variables may stand where JSON
could not hold `{{…}}` (`{"n":{{$seq}}}`). A sample filling-in checks each one before the run.
*/
export async function buildMessageSet(messages: readonly RawMessage[], rule: MatchRule, templates?: MessageTemplates): Promise<MessageSet> {
	const kinds = templates === undefined ? [] : templateKinds(messages, rule, templates);
	if (templates === undefined || kinds.every(kind => kind === undefined)) {
		return untemplatedSet(messages, rule);
	}

	const texts = messages.map(message => message.bytes.toString());
	const filledOnce = messages.map((message, index) => kinds[index] === undefined ? message : {...message, bytes: Buffer.from(templates.sample(texts[index]!))});
	const [set, cutter] = await Promise.all([untemplatedSet(filledOnce, rule), cutterFor(rule)]);
	if (!kinds.includes('varying')) {
		return set;
	}

	return {
		...set,
		payload(index, sequence) {
			if (kinds[index] !== 'varying') {
				return set.payload(index, sequence);
			}

			const text = templates.expand(texts[index]!);
			if (cutter === undefined) {
				return text;
			}

			const {before, after} = cutter.cut(text);
			return before + sequence + after;
		},
	};
}
