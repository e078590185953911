/*
The pipeline's flags, checked (pipe mode and the session take them): --decode, --encode, --proto,
--type; --protocol and its --init, --auth, --subscribe, --send-to, --vhost, --socketio-path,
--socketio-version; --reply, --until,
--script; --record. Pure: flags in, the stages' choices out; load-stages.ts loads the stages.
*/
import type {CodecChoices} from '../codecs/stage.js';
import {normalizeUrl} from '../connection/connect-options.js';
import {type CodecName, decodeNames, encodeNames} from '../codecs/types.js';
import type {TemplateChoices} from '../profiles/template-stage.js';
import type {ProtocolChoices} from '../protocols/index.js';
import {isJsonObject, parseExact} from '../protocols/exact-json.js';
import {type ProtocolName, protocolNames, protocolSubprotocols} from '../protocols/names.js';
import {type SocketIoEndpoint, socketIoEndpoint, SocketIoUrlError} from '../protocols/socketio-url.js';
import {UsageError} from '../shared/exit-codes.js';
import type {FlagNamer, Flags, ParsedLine} from './flags.js';
import type {StageChoices} from './load-stages.js';

/** What loadStages is asked for, but the URL and where its notes go; undefined when no pipeline flag is given. */
export type StageFlags = Omit<StageChoices, 'url' | 'note' | 'io'>;

function names(list: readonly string[]): string {
	return `${list.slice(0, -1).join(', ')} or ${list.at(-1)!}`;
}

/** --decode, --encode, --proto and --type, checked; undefined when none is given. */
export function codecChoices({flags, typed, named}: ParsedLine, onRefused: () => void, maxPayload?: number): CodecChoices | undefined {
	const codecFlags = ['decode', 'encode', 'proto', 'type'] as const;
	if (!codecFlags.some(name => typed.has(name))) {
		return undefined;
	}

	if (flags.decode !== undefined && !(decodeNames as readonly string[]).includes(flags.decode)) {
		throw new UsageError(`${named('decode')} takes ${names(decodeNames)}, not "${flags.decode}"`);
	}

	if (flags.encode !== undefined && !(encodeNames as readonly string[]).includes(flags.encode)) {
		throw new UsageError(`${named('encode')} takes ${names(encodeNames)}${flags.encode === 'gzip' || flags.encode === 'deflate' ? ` (${flags.encode} only decodes)` : ''}, not "${flags.encode}"`);
	}

	if (flags.encode !== undefined && flags.binary) {
		throw new UsageError(`${named('encode')} sends each line as ${flags.encode}; --binary sends lines byte for byte: give one of them`);
	}

	if ((flags.proto.length > 0 || flags.type !== undefined) && flags.decode !== 'protobuf' && flags.encode !== 'protobuf') {
		throw new UsageError(`${named(flags.proto.length > 0 ? 'proto' : 'type')} goes with --decode protobuf or --encode protobuf`);
	}

	return {
		proto: flags.proto,
		onRefused,
		...(flags.decode === undefined ? {} : {decode: flags.decode as CodecName}),
		...(flags.encode === undefined ? {} : {encode: flags.encode as CodecName}),
		...(flags.type === undefined ? {} : {type: flags.type}),
		...(maxPayload === undefined ? {} : {maxPayload}),
	};
}

/** --init, read exactly: its numbers go to the server as typed (a token's 9007199254740993). */
export function graphqlInit({flags, named}: {readonly flags: Pick<Flags, 'protocol' | 'init'>; readonly named: FlagNamer}): Record<string, unknown> | undefined {
	if (flags.init === undefined) {
		return undefined;
	}

	if (flags.protocol !== 'graphql-ws') {
		throw new UsageError(`${named('init')} goes with --protocol graphql-ws`);
	}

	let parsed: unknown;
	try {
		parsed = parseExact(flags.init);
	} catch (error) {
		throw new UsageError(`${named('init')} is not JSON (${(error as Error).message})`);
	}

	if (!isJsonObject(parsed)) {
		throw new UsageError(`${named('init')} takes a JSON object (connection_init's payload)`);
	}

	return parsed;
}

/** --protocol and the flags that go with it, checked; undefined without --protocol. */
export function protocolChoices(line: ParsedLine, onRefused: () => void): ProtocolChoices | undefined {
	const {flags, typed, named} = line;
	const stompFlag = (['subscribe', 'sendTo', 'vhost'] as const).find(name => typed.has(name));
	if (stompFlag !== undefined && flags.protocol !== 'stomp') {
		throw new UsageError(`${typed.get(stompFlag)!} goes with --protocol stomp`);
	}

	const socketIoFlag = (['socketioPath', 'socketioVersion'] as const).find(name => typed.has(name));
	if (socketIoFlag !== undefined && flags.protocol !== 'socketio') {
		throw new UsageError(`${typed.get(socketIoFlag)!} goes with --protocol socketio`);
	}

	if (flags.protocol === undefined) {
		if (flags.init !== undefined) {
			throw new UsageError(`${named('init')} goes with --protocol graphql-ws`);
		}

		return undefined;
	}

	if (!(protocolNames as readonly string[]).includes(flags.protocol)) {
		throw new UsageError(`${named('protocol')} takes ${names(protocolNames)}, not "${flags.protocol}"`);
	}

	if (flags.binary) {
		throw new UsageError(`${named('protocol')} ${flags.protocol} reads each line as a message of its own; --binary sends lines byte for byte: give one of them`);
	}

	const init = graphqlInit(line);
	if (flags.protocol === 'stomp') {
		return {name: 'stomp', onRefused, stomp: stompChoices(line)};
	}

	if (flags.protocol !== 'socketio') {
		return {name: flags.protocol as ProtocolName, onRefused, ...(init === undefined ? {} : {init}), ...(flags.protocol === 'graphql-ws' && flags.verbose ? {verbose: true} : {})};
	}

	const auth = socketIoAuth(line);
	const endpoint = socketIoEndpointOf(line);
	if (auth !== undefined && endpoint?.engineIo === 3) {
		throw new UsageError(`${named('auth')} JSON is Socket.IO 3 and 4's auth payload: Socket.IO 2 has none (put the values in the URL's query: ?token=...)`);
	}

	return {name: 'socketio', onRefused, namespace: endpoint?.namespace ?? '/', engineIo: endpoint?.engineIo ?? 4, ...(auth === undefined ? {} : {auth})};
}

/** --protocol socketio's endpoint for the URL, with --socketio-path and --socketio-version; undefined without a URL. */
export function socketIoEndpointOf({flags, input}: {readonly flags: Partial<Pick<Flags, 'socketioPath' | 'socketioVersion'>>; readonly input: readonly string[]}): SocketIoEndpoint | undefined {
	const [url] = input;
	if (url === undefined) {
		return undefined;
	}

	try {
		// `host:port` and http:// as for any URL (ws://host:port).
		return socketIoEndpoint(normalizeUrl(url).href, {...(flags.socketioPath === undefined ? {} : {path: flags.socketioPath}), ...(flags.socketioVersion === undefined ? {} : {version: flags.socketioVersion})});
	} catch (error) {
		throw error instanceof SocketIoUrlError ? new UsageError(error.message) : error;
	}
}

/** With --protocol socketio, an --auth that is a JSON object is Socket.IO's auth payload (else it is basic authentication). */
export function socketIoAuth({flags, named}: {readonly flags: Pick<Flags, 'protocol' | 'auth'>; readonly named: FlagNamer}): Record<string, unknown> | undefined {
	if (flags.protocol !== 'socketio' || flags.auth?.trimStart().startsWith('{') !== true) {
		return undefined;
	}

	let auth: unknown;
	try {
		auth = parseExact(flags.auth);
	} catch (error) {
		throw new UsageError(`${named('auth')} is not JSON (${(error as Error).message})`);
	}

	if (!isJsonObject(auth)) {
		throw new UsageError(`${named('auth')} takes a JSON object with --protocol socketio`);
	}

	return auth;
}

/** --protocol stomp's CONNECT (host: --vhost's, else none; --auth USER:PASS: login and passcode) and destinations. */
function stompChoices({flags, named}: ParsedLine): NonNullable<ProtocolChoices['stomp']> {
	const separator = flags.auth?.indexOf(':') ?? -1;
	const login = separator === -1 ? flags.auth : flags.auth!.slice(0, separator);
	for (const [name, destination] of [...flags.subscribe.map(value => ['subscribe', value] as const), ['sendTo', flags.sendTo] as const]) {
		if (destination?.trim() === '') {
			throw new UsageError(`${named(name)} takes a destination, not an empty string`);
		}
	}

	return {
		...(flags.vhost === undefined ? {} : {host: flags.vhost}),
		subscribe: flags.subscribe,
		...(login === undefined ? {} : {login}),
		...(separator === -1 ? {} : {passcode: flags.auth!.slice(separator + 1)}),
		...(flags.sendTo === undefined ? {} : {sendTo: flags.sendTo}),
	};
}

/** -s's subprotocols, then those --protocol speaks (graphql-ws and graphql-transport-ws) that -s does not name. */
export function withProtocolSubprotocol(flags: Readonly<Pick<Flags, 'protocol' | 'subprotocol'>>): readonly string[] {
	const offered = flags.protocol === undefined ? undefined : protocolSubprotocols[flags.protocol as ProtocolName];
	const missing = offered?.filter(name => !flags.subprotocol.includes(name)) ?? [];
	return missing.length === 0 ? flags.subprotocol : [...flags.subprotocol, ...missing];
}

/**
The stages the pipeline flags ask for, from the connection outwards; undefined when none is
given, so that nothing is loaded. `protocol` carries --connect-timeout already.
*/
export function stageFlags(flags: Flags, codec: CodecChoices | undefined, protocol: ProtocolChoices | undefined, template?: TemplateChoices): StageFlags | undefined {
	const hookFlagGiven = flags.reply.length > 0 || flags.script !== undefined || flags.until !== undefined;
	if (codec === undefined && protocol === undefined && !hookFlagGiven && flags.record === undefined && template === undefined) {
		return undefined;
	}

	return {
		...(codec === undefined ? {} : {codec}),
		...(protocol === undefined ? {} : {protocol}),
		...(hookFlagGiven
			? {hooks: {role: 'client', reply: flags.reply, ...(flags.until === undefined ? {} : {until: flags.until}), ...(flags.script === undefined ? {} : {script: flags.script})}}
			: {}),
		...(flags.record === undefined ? {} : {record: flags.record}),
		...(template === undefined ? {} : {template}),
	};
}
