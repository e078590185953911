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

/** Each message's JSON around its sequence number: the text before it and after it. */
async function numberedSet(messages: readonly RawMessage[], rule: MatchRule & {kind: 'path' | 'jsonrpc'}): Promise<MessageSet> {
	const [{parseExact, stringifyExact}, jsonRpc] = await Promise.all([
		import('../protocols/exact-json.js'),
		rule.kind === 'jsonrpc' ? import('../protocols/jsonrpc.js') : undefined,
	]);
	// A string no message holds, replaced by the number in each copy.
	const marker = `wsterm-bench-sequence-${process.pid}-${Date.now()}`;
	const quotedMarker = JSON.stringify(marker);
	const parts = messages.map((message, index) => {
		const text = message.bytes.toString();
		let value: unknown;
		try {
			value = jsonRpc === undefined ? parseExact(text) : {jsonrpc: '2.0', ...jsonRpc.parseLine(text)};
			writeAtPath(value, rule.kind === 'jsonrpc' ? ['id'] : rule.path, marker);
		} catch (error) {
			const needs = rule.kind === 'jsonrpc' ? '--protocol jsonrpc needs requests (method [params], or a request object)' : `--match ${rule.path.join('.')} needs JSON objects`;
			throw new UsageError(`message ${index + 1} (${shown(message)}): ${(error as Error).message}: ${needs}`);
		}

		const [before, after, ...more] = stringifyExact(value).split(quotedMarker);
		if (after === undefined || more.length > 0) {
			throw new UsageError(`message ${index + 1} (${shown(message)}) cannot carry a sequence number`);
		}

		return {before: before!, after};
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

/**
Which messages change with each send (templates with variables), checked: a variable not defined,
or echo matching (which compares a reply with the message as it is once), is a UsageError.
*/
function varyingMessages(messages: readonly RawMessage[], rule: MatchRule, templates: MessageTemplates): boolean[] {
	return messages.map((message, index) => {
		const text = message.bytes.toString();
		if (message.isBinary || !(templates.every || message.template === true) || !templates.hasVariables(text)) {
			return false;
		}

		const problem = templates.problem(text);
		if (problem !== undefined) {
			throw new UsageError(`message ${index + 1} (${shown(message)}): ${problem}`);
		}

		if (rule.kind === 'echo') {
			throw new UsageError(`message ${index + 1} (${shown(message)}) changes with each send (--template): echo matching compares replies with the message; give --match PATH or --match any`);
		}

		return true;
	});
}

/** The set, with the variables of the messages that have some filled in at each send. */
function withTemplates(set: MessageSet, varying: readonly boolean[], templates: MessageTemplates): MessageSet {
	if (!varying.includes(true)) {
		return set;
	}

	return {
		...set,
		payload(index, sequence) {
			const payload = set.payload(index, sequence);
			return varying[index] ? templates.expand(payload.toString()) : payload;
		},
	};
}

export async function buildMessageSet(messages: readonly RawMessage[], rule: MatchRule, templates?: MessageTemplates): Promise<MessageSet> {
	const varying = templates === undefined ? [] : varyingMessages(messages, rule, templates);
	const set = await untemplatedSet(messages, rule);
	return templates === undefined ? set : withTemplates(set, varying, templates);
}

async function untemplatedSet(messages: readonly RawMessage[], rule: MatchRule): Promise<MessageSet> {
	if (rule.kind === 'path' || rule.kind === 'jsonrpc') {
		const binary = messages.findIndex(message => message.isBinary && !isUtf8(message.bytes));
		if (binary !== -1) {
			throw new UsageError(`message ${binary + 1} is not UTF-8 text: ${rule.kind === 'jsonrpc' ? '--protocol jsonrpc' : `--match ${rule.path.join('.')}`} writes into JSON text`);
		}

		return numberedSet(messages, rule);
	}

	return fixedSet(messages);
}
