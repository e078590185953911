/*
What a submitted input line means: a message to send, or a slash command. Parsing checks
everything it can (close codes, hex, base64) so that a mistake is an inline error and nothing is
sent.
*/
import {closeProblem} from '../connection/close-codes.js';

export type Command =
	| {readonly name: 'ping'; readonly payload: string | undefined}
	| {readonly name: 'close'; readonly code: number; readonly reason: string}
	| {readonly name: 'reconnect'}
	| {readonly name: 'binary'; readonly data: Buffer}
	| {readonly name: 'file'; readonly path: string}
	| {readonly name: 'json'}
	| {readonly name: 'filter'; readonly text: string}
	| {readonly name: 'clear'}
	/** The row the pane cut short (else the lowest on screen), whole, in the pager. */
	| {readonly name: 'open'}
	| {readonly name: 'empty'}
	/** `overwrite`: `/save!`, which may replace an existing file. */
	| {readonly name: 'save'; readonly path: string; readonly overwrite: boolean}
	/** A Socket.IO event (--protocol socketio): sent as the line `["EVENT", ...args]` (emitLine; TypedJson args as typed). */
	| {readonly name: 'emit'; readonly event: string; readonly args: readonly unknown[]}
	/** `codec` undefined: `/decode off`. */
	| {readonly name: 'decode'; readonly codec: string | undefined}
	/** A profile's saved message, sent by its name (a template: its variables filled in). */
	| {readonly name: 'send'; readonly message: string}
	| {readonly name: 'messages'}
	/** Keeps `text` (undefined: the last message typed) as the profile's saved message `message`. */
	| {readonly name: 'keep'; readonly message: string; readonly text: string | undefined}
	| {readonly name: 'help'}
	| {readonly name: 'quit'};

export type ParsedInput =
	| {readonly type: 'send'; readonly text: string}
	| {readonly type: 'command'; readonly command: Command}
	| {readonly type: 'error'; readonly message: string};

/** The slash commands, as `/help` lists them. */
export const commandHelp: ReadonlyArray<readonly [usage: string, description: string]> = [
	['/ping [payload]', 'send a ping; the pong shows the round trip'],
	['/close [code [reason]]', 'close the connection (default 1000)'],
	['/reconnect', 'drop the connection and connect again'],
	['/binary <hex>', 'send a binary message: /binary 68 69, /binary base64:aGk='],
	['/file <path>', 'send a file: text if it is UTF-8, binary otherwise'],
	['/json', 'toggle pretty-printed JSON'],
	['/filter [text]', 'show only rows containing text; alone: show all'],
	['/open', 'show a row whole in $PAGER (else less): the lowest one on screen that was cut short, or the lowest one'],
	['/clear', 'empty the message pane'],
	['/empty', 'send an empty text message'],
	['/save <path>', 'write the session as JSON lines (as --record does; wsterm replay reads it)'],
	['/save! <path>', '/save, replacing the file if it exists'],
	['/emit <event> [args]', 'with --protocol socketio: emit an event with JSON args, as typing ["event", args...] does: /emit chat "hi" {"to":2}'],
	['/decode <codec or off>', 'decode binary messages received from now on (msgpack, cbor, gzip, deflate, protobuf with --proto), or stop'],
	['/send <name>', 'send the profile\'s saved message NAME, its variables filled in (Tab completes the names)'],
	['/messages', 'list the profile\'s saved messages'],
	['/keep <name> [message]', 'save the message (alone: the last one typed) as NAME in your config.toml\'s profile'],
	['/help', 'this list and the keys'],
	['/quit', 'close with 1000 and exit'],
	['//text', 'send text that begins with a slash'],
];

/** Commands that need a protocol: Tab offers them only with it, and they refuse to run without it. */
export const protocolCommands: Readonly<Record<string, string>> = {emit: 'socketio'};

const hexPattern = /^(?:[\da-f]{2})*$/i;
const base64Pattern = /^[a-z\d+/]*={0,2}$/i;

/** Hex pairs (spaces, colons and a 0x prefix allowed) or `base64:...` to bytes; a string is an error. */
export function parseBinary(text: string): Buffer | string {
	const trimmed = text.trim();
	if (trimmed.startsWith('base64:')) {
		const data = trimmed.slice('base64:'.length).replaceAll(/\s/g, '');
		if (data === '' || !base64Pattern.test(data) || data.length % 4 === 1) {
			return 'not valid base64 after "base64:"';
		}

		return Buffer.from(data, 'base64');
	}

	const hex = trimmed.replaceAll(/^0x|[\s:]/gi, '');
	if (hex === '') {
		return '/binary needs data: /binary 68 69 or /binary base64:aGk=';
	}

	if (!hexPattern.test(hex)) {
		return 'not hex: give pairs of 0-9 a-f (e.g. /binary 68 69), or base64:...';
	}

	return Buffer.from(hex, 'hex');
}

function parseClose(rest: string): Command | string {
	if (rest === '') {
		return {name: 'close', code: 1000, reason: ''};
	}

	const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(rest);
	const codeText = match?.[1] ?? '';
	const reason = match?.[2] ?? '';
	if (!/^\d+$/.test(codeText)) {
		return `close code must be a number, not "${codeText}" (e.g. /close 1000 bye)`;
	}

	const code = Number(codeText);
	return closeProblem(code, reason) ?? {name: 'close', code, reason};
}

/**
Where the JSON value starting at `start` ends: after its closing quote or bracket (strings and
nesting followed), or at the next space or comma for a number or literal. JSON.parse checks it.
*/
function jsonValueEnd(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let index = start; index < text.length; index++) {
		const char = text[index]!;
		if (inString) {
			if (char === '\\') {
				index++;
			} else if (char === '"') {
				inString = false;
				if (depth === 0) {
					return index + 1;
				}
			}
		} else if (char === '"') {
			inString = true;
		} else if (char === '[' || char === '{') {
			depth++;
		} else if (char === ']' || char === '}') {
			depth--;
			if (depth <= 0) {
				return index + 1;
			}
		} else if (depth === 0 && /[\s,]/.test(char)) {
			return index;
		}
	}

	return text.length;
}

/**
A JSON value as typed, kept as its text because JSON.parse would change one of its numbers
(9007199254740993, 1.10, -0, 1e2): /emit sends it as typed, as typing the event's array does.
*/
export class TypedJson {
	constructor(readonly text: string) {}
}

// JSON strings (skipped) and numbers, in a text JSON.parse accepted.
const jsonNumbers = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** The value of a JSON text, or the text itself (TypedJson) when JSON.parse would change a number of it. */
function typedValue(text: string): unknown {
	const value: unknown = JSON.parse(text);
	for (const [token] of text.matchAll(jsonNumbers)) {
		if (!token.startsWith('"') && JSON.stringify(Number(token)) !== token) {
			return new TypedJson(text);
		}
	}

	return value;
}

/** The line `/emit` sends: the event's JSON array, each argument as typed. */
export function emitLine(event: string, args: readonly unknown[]): string {
	return `[${[event, ...args].map(value => value instanceof TypedJson ? value.text : JSON.stringify(value)).join(',')}]`;
}

/** JSON values separated by spaces (or commas): `"hi" {"to":2} 3`. A string is what is wrong. */
export function parseJsonValues(text: string): unknown[] | string {
	const values: unknown[] = [];
	let index = 0;
	while (true) {
		while (index < text.length && /[\s,]/.test(text[index]!)) {
			index++;
		}

		if (index === text.length) {
			return values;
		}

		const end = jsonValueEnd(text, index);
		const piece = text.slice(index, end);
		try {
			values.push(typedValue(piece));
		} catch {
			return `argument ${values.length + 1} is not JSON: ${piece.length > 40 ? `${piece.slice(0, 40)}...` : piece} (quote strings: "hi")`;
		}

		index = end;
	}
}

function parseEmit(rest: string): Command | string {
	if (rest === '') {
		return '/emit needs an event name: /emit chat "hi" {"to":2}';
	}

	let event: unknown;
	let after: string;
	if (rest.startsWith('"')) {
		// A quoted name may hold spaces.
		const end = jsonValueEnd(rest, 0);
		try {
			event = JSON.parse(rest.slice(0, end));
		} catch {
			return 'the event name is not a JSON string: /emit "my event" 1';
		}

		after = rest.slice(end);
	} else {
		const match = /^(\S+)([\s\S]*)$/.exec(rest)!;
		event = match[1];
		after = match[2]!;
	}

	if (typeof event !== 'string') {
		return 'the event name must be a string';
	}

	const args = parseJsonValues(after);
	return typeof args === 'string' ? args : {name: 'emit', event, args};
}

/** A path as typed: quotes around it (as a shell would need them for spaces) are dropped. */
function unquote(text: string): string {
	const match = /^(["'])([\s\S]*)\1$/.exec(text);
	return match === null ? text : match[2]!;
}

/** `~` and `~/...` at the start of a path mean the home directory, as in a shell. */
export function expandHome(path: string, home: string): string {
	return path === '~' || path.startsWith('~/') ? home + path.slice(1) : path;
}

/**
Reads one submitted line. `protocol` (--protocol): a line that starts with a path, such as a STOMP
destination (`/queue/a hello`), is a message, not an unknown command (no command has a slash in
its name); without a protocol it stays an error, so that a mistyped command is never sent.
*/
export function parseInput(line: string, {protocol}: {readonly protocol?: string | undefined} = {}): ParsedInput {
	if (!line.startsWith('/')) {
		return {type: 'send', text: line};
	}

	if (line.startsWith('//')) {
		return {type: 'send', text: line.slice(1)};
	}

	const match = /^\/(\S*)\s*([\s\S]*)$/.exec(line);
	const name = match?.[1] ?? '';
	const rest = (match?.[2] ?? '').trim();
	const command = (result: Command | string): ParsedInput => typeof result === 'string'
		? {type: 'error', message: result}
		: {type: 'command', command: result};
	const noArguments = (result: Command): ParsedInput => rest === ''
		? {type: 'command', command: result}
		: {type: 'error', message: `/${name} takes no arguments`};

	switch (name) {
		case 'ping': {
			// A control frame carries at most 125 bytes; ws throws on more.
			return command(Buffer.byteLength(rest) > 125
				? `a ping payload is at most 125 bytes, not ${Buffer.byteLength(rest)}`
				: {name: 'ping', payload: rest === '' ? undefined : rest});
		}

		case 'close': {
			return command(parseClose(rest));
		}

		case 'reconnect': {
			return noArguments({name: 'reconnect'});
		}

		case 'binary': {
			const data = parseBinary(rest);
			return command(typeof data === 'string' ? data : {name: 'binary', data});
		}

		case 'file': {
			return command(rest === '' ? '/file needs a path: /file message.json' : {name: 'file', path: unquote(rest)});
		}

		case 'json': {
			return noArguments({name: 'json'});
		}

		case 'filter': {
			return command({name: 'filter', text: rest});
		}

		case 'clear': {
			return noArguments({name: 'clear'});
		}

		case 'open': {
			return noArguments({name: 'open'});
		}

		case 'empty': {
			return noArguments({name: 'empty'});
		}

		case 'save':
		case 'save!': {
			return command(rest === '' ? `/${name} needs a path: /${name} session.jsonl` : {name: 'save', path: unquote(rest), overwrite: name === 'save!'});
		}

		case 'emit': {
			return command(parseEmit(rest));
		}

		case 'decode': {
			return command(rest === '' ? '/decode needs a codec or off: /decode msgpack' : {name: 'decode', codec: rest === 'off' ? undefined : rest});
		}

		case 'send': {
			return command(rest === '' ? '/send needs a saved message\'s name: /send NAME (/messages lists them)' : {name: 'send', message: rest});
		}

		case 'messages': {
			return noArguments({name: 'messages'});
		}

		case 'keep': {
			const [, message = '', text] = /^(\S*)(?:\s+([\s\S]+))?$/.exec(rest)!;
			return command(message === '' ? '/keep needs a name: /keep NAME [message] (alone, it keeps the last message typed)' : {name: 'keep', message, text});
		}

		case 'help':
		case '?': {
			return command({name: 'help'});
		}

		case 'quit':
		case 'exit':
		case 'q': {
			return noArguments({name: 'quit'});
		}

		default: {
			if (protocol !== undefined && name.includes('/')) {
				return {type: 'send', text: line};
			}

			return {type: 'error', message: `unknown command /${name}: /help lists them; //text sends text that begins with a slash`};
		}
	}
}

/** The names Tab completes: each command of `/help`, and its aliases. */
const commandNames = [...new Set(commandHelp.map(([usage]) => /^\/([^\s/]+)/.exec(usage)?.[1]).filter(name => name !== undefined))];

/** Longest start that all of `names` share. */
function sharedStart(names: readonly string[]): string {
	let shared = names[0] ?? '';
	for (const name of names) {
		while (!name.startsWith(shared)) {
			shared = shared.slice(0, -1);
		}
	}

	return shared;
}

/**
Tab on `text`: a command name started after the slash is completed as far as the commands that
fit agree (with a space after a whole name), and `choices` lists those that fit; a command that
needs a protocol fits only with `protocol` (--protocol) naming it. After `/send ` and `/keep `, the
profile's saved messages' names (`savedNames`) are completed the same way.
*/
export function completeCommand(text: string, protocol?: string, savedNames: readonly string[] = []): {readonly text: string; readonly choices: readonly string[]} {
	const send = /^\/(send|keep)\s+(\S*)$/.exec(text);
	if (send !== null) {
		return completeName(`/${send[1]!} `, send[2]!, savedNames);
	}

	const match = /^\/([^\s/]*)$/.exec(text);
	if (match === null) {
		return {text, choices: []};
	}

	const typed = match[1] ?? '';
	const fits = commandNames.filter(name => name.startsWith(typed) && (protocolCommands[name] === undefined || protocolCommands[name] === protocol));
	if (fits.length === 0) {
		return {text, choices: []};
	}

	const choices = fits.map(name => `/${name}`);
	return fits.length === 1 ? {text: `/${fits[0]!} `, choices} : {text: `/${sharedStart(fits)}`, choices};
}

/** Tab after `/send ` (or `/keep `): a saved message's name, completed as far as the names that fit agree. */
function completeName(command: string, typed: string, names: readonly string[]): {readonly text: string; readonly choices: readonly string[]} {
	const fits = names.filter(name => name.startsWith(typed));
	if (fits.length === 0) {
		return {text: command + typed, choices: []};
	}

	return {text: command + (fits.length === 1 ? fits[0]! : sharedStart(fits)), choices: fits};
}
