/*
The flag table: every option of every mode, in meow's form (the key is the camelCase long name),
and which mode each belongs to. The parsed values' types come from it (meow's TypedFlags), so no
builder retypes a flag.
*/
import type {TypedFlags} from 'meow';
import {UsageError} from '../shared/exit-codes.js';
import type {CommandLine} from './command-line.js';

export const flagTable = {
	header: {type: 'string', shortFlag: 'H', isMultiple: true, default: [] as string[]},
	cookie: {type: 'string', shortFlag: 'b', isMultiple: true, default: [] as string[]},
	origin: {type: 'string', shortFlag: 'o', isMultiple: true, default: [] as string[]},
	subprotocol: {type: 'string', shortFlag: 's', isMultiple: true, default: [] as string[]},
	userAgent: {type: 'string', shortFlag: 'A'},
	auth: {type: 'string'},
	followRedirects: {type: 'boolean', shortFlag: 'L', default: false},
	insecure: {type: 'boolean', shortFlag: 'k', default: false},
	ca: {type: 'string'},
	cert: {type: 'string'},
	key: {type: 'string'},
	passphrase: {type: 'string'},
	proxy: {type: 'string'},
	unixSocket: {type: 'string'},
	resolve: {type: 'string', isMultiple: true, default: [] as string[]},
	connectTo: {type: 'string', isMultiple: true, default: [] as string[]},
	unixMode: {type: 'string'},
	proxyCa: {type: 'string'},
	proxyInsecure: {type: 'boolean', default: false},
	compress: {type: 'boolean', default: false},
	// DevTools "Copy as cURL" compatibility.
	compressed: {type: 'boolean', default: false},
	request: {type: 'string', shortFlag: 'X'},
	connectTimeout: {type: 'string'},
	maxPayload: {type: 'string'},
	pingInterval: {type: 'string'},
	pingTimeout: {type: 'string'},
	reconnect: {type: 'boolean', default: false},
	maxRetries: {type: 'string'},
	closeTimeout: {type: 'string'},
	initial: {type: 'string', shortFlag: 'I'},
	execute: {type: 'string', shortFlag: 'x', isMultiple: true, default: [] as string[]},
	binary: {type: 'boolean', default: false},
	null: {type: 'boolean', shortFlag: '0', default: false},
	count: {type: 'string', shortFlag: 'n'},
	wait: {type: 'string', shortFlag: 'w'},
	linger: {type: 'string'},
	jsonl: {type: 'boolean', default: false},
	verbose: {type: 'boolean', shortFlag: 'v', default: false},
	showControl: {type: 'boolean', shortFlag: 'P', default: false},
	scrollback: {type: 'string'},
	history: {type: 'boolean', default: true},
	color: {type: 'boolean', default: true},
	port: {type: 'string', shortFlag: 'p'},
	host: {type: 'string'},
	path: {type: 'string'},
	broadcast: {type: 'boolean', default: false},
	tlsCert: {type: 'string'},
	tlsKey: {type: 'string'},
	maxConnections: {type: 'string'},
	reply: {type: 'string', isMultiple: true, default: [] as string[]},
	script: {type: 'string'},
	until: {type: 'string'},
	record: {type: 'string'},
	replay: {type: 'string'},
	pace: {type: 'string'},
	replyTimeout: {type: 'string'},
	check: {type: 'boolean', default: false},
	ignore: {type: 'string', isMultiple: true, default: [] as string[]},
	unordered: {type: 'boolean', default: false},
	entry: {type: 'string'},
	decode: {type: 'string'},
	encode: {type: 'string'},
	proto: {type: 'string', isMultiple: true, default: [] as string[]},
	type: {type: 'string'},
	protocol: {type: 'string'},
	init: {type: 'string'},
	subscribe: {type: 'string', isMultiple: true, default: [] as string[]},
	sendTo: {type: 'string'},
	vhost: {type: 'string'},
	socketioPath: {type: 'string'},
	socketioVersion: {type: 'string'},
	connections: {type: 'string', shortFlag: 'c'},
	ramp: {type: 'string'},
	duration: {type: 'string', shortFlag: 'd'},
	messages: {type: 'string', shortFlag: 'm'},
	window: {type: 'string'},
	rate: {type: 'string'},
	match: {type: 'string'},
	timeout: {type: 'string'},
	json: {type: 'boolean', default: false},
	hist: {type: 'string'},
	maxP99: {type: 'string'},
	maxErrors: {type: 'string'},
	minRate: {type: 'string'},
	profile: {type: 'string'},
	var: {type: 'string', isMultiple: true, default: [] as string[]},
	template: {type: 'boolean', default: false},
	message: {type: 'string', isMultiple: true, default: [] as string[]},
} as const;

export type FlagTable = typeof flagTable;

/** Every flag's value as meow gives it: a string flag not given is undefined, a repeatable one an array. */
export type Flags = TypedFlags<FlagTable>;

export type FlagName = keyof Flags & string;

/**
Some of the flags, as an options builder takes them: those that may be missing are optional, so
that a caller (a test) gives only the ones it sets.
*/
export type FlagsOf<Name extends FlagName> = {
	readonly [Key in Name as undefined extends Flags[Key] ? never : Key]: Flags[Key];
} & {
	readonly [Key in Name as undefined extends Flags[Key] ? Key : never]?: Flags[Key];
};

/** A flag as the user typed it (`-n`), else its long name (`--count`): for error lines. */
export type FlagNamer<Name extends string = FlagName> = (name: Name) => string;

export const clientOnly = ['header', 'cookie', 'userAgent', 'auth', 'followRedirects', 'insecure', 'ca', 'cert', 'key', 'passphrase', 'proxy', 'proxyCa', 'proxyInsecure', 'resolve', 'connectTo', 'compressed', 'request', 'connectTimeout', 'pingTimeout', 'reconnect', 'maxRetries', 'closeTimeout', 'initial', 'execute', 'binary', 'null', 'count', 'wait', 'linger', 'jsonl', 'showControl', 'scrollback', 'until', 'record', 'decode', 'encode', 'proto', 'type', 'protocol', 'init', 'subscribe', 'sendTo', 'vhost', 'profile', 'var', 'template', 'message', 'socketioPath', 'socketioVersion'] as const satisfies readonly FlagName[];
export const serveOnly = ['port', 'host', 'path', 'broadcast', 'tlsCert', 'tlsKey', 'maxConnections', 'replay', 'unixMode'] as const satisfies readonly FlagName[];
// The pipeline's flags (pipe mode and the full-screen session take them; replay does not).
const pipelineFlags = ['reply', 'script', 'until', 'record', 'decode', 'encode', 'proto', 'type', 'protocol', 'init', 'subscribe', 'sendTo', 'vhost', 'socketioPath', 'socketioVersion'] as const satisfies readonly FlagName[];
export const benchOnly = ['connections', 'ramp', 'duration', 'messages', 'window', 'rate', 'match', 'timeout', 'json', 'hist', 'maxP99', 'maxErrors', 'minRate'] as const satisfies readonly FlagName[];
// What wsterm bench takes besides its own: the messages and the connection's options.
export const benchAlso = ['execute', 'binary', 'protocol', 'init', 'encode', 'header', 'cookie', 'origin', 'subprotocol', 'userAgent', 'auth', 'followRedirects', 'insecure', 'ca', 'cert', 'key', 'passphrase', 'proxy', 'proxyCa', 'proxyInsecure', 'unixSocket', 'resolve', 'connectTo', 'compress', 'connectTimeout', 'maxPayload', 'profile', 'var', 'template', 'message', 'socketioPath', 'socketioVersion'] as const satisfies readonly FlagName[];
export const notForBench = (Object.keys(flagTable) as FlagName[]).filter(name => !(benchOnly as readonly string[]).includes(name) && !(benchAlso as readonly string[]).includes(name));
export const replayOnly = ['pace', 'replyTimeout', 'check', 'ignore', 'unordered', 'entry'] as const satisfies readonly FlagName[];
export const notForReplay = ['reconnect', 'maxRetries', 'initial', 'execute', 'binary', 'null', 'count', 'wait', 'linger', 'showControl', 'scrollback', 'history', 'color', 'template', 'message', ...pipelineFlags] as const satisfies readonly FlagName[];

/** The command line as the options builders take it (see command-line.ts). */
export type ParsedLine = Pick<CommandLine<FlagTable>, 'flags' | 'input' | 'typed' | 'named'>;

/** A usage error when one of `names` was given: they do not apply `where`. */
export function rejectFlags(line: Pick<ParsedLine, 'typed'>, names: readonly FlagName[], where: string): void {
	const wrong = names.find(name => line.typed.has(name));
	if (wrong !== undefined) {
		throw new UsageError(`${line.typed.get(wrong)!} does not apply to ${where}`);
	}
}
