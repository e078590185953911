/*
A client connection's options from the command line (`wsterm [url] [options]`, `wsterm replay`
shares the connection part), checked: what to connect to and how, pipe mode's or the session's
own options, and the pipeline's stages. Pure: flags in, options out. Reading files (-x @FILE, -I,
--ca ...), loading stages and connecting is client-mode.ts's.
*/
import type {ConnectFlags} from '../connection/connect-options.js';
import type {ConnectFailure, ConnectionOptions} from '../connection/connection.js';
import {fromUnixSocketUrl, toUnixSocketUrl} from '../connection/route.js';
import type {PipeOptions} from '../pipe/run.js';
import {noProfile, type ProfileContext} from '../profiles/context.js';
import {waitsForEveryReply} from '../protocols/names.js';
import {socketIoConnectFailure} from '../protocols/socketio-url.js';
import {UsageError} from '../shared/exit-codes.js';
import {benchOnly, type ParsedLine, rejectFlags, replayOnly, serveOnly} from './flags.js';
import {connectFlags, connectTimeout} from './connect-flags.js';
import {flagNumber} from './numbers.js';
import {codecChoices, protocolChoices, socketIoEndpointOf, type StageFlags, stageFlags} from './pipeline-options.js';
import {savedMessagesToSend, templateChoices} from './template-options.js';

export type ClientOptions = {
	/** The server's URL as given; undefined: none (the session then talks to a built-in echo server). */
	readonly url?: string;
	/** Where to connect: the URL, or Socket.IO's endpoint for it with --protocol socketio. */
	readonly connectTo?: string;
	readonly connect: ConnectFlags;
	/** Without -I's messages: those are read from `initialFile` when the mode starts. */
	readonly connection: ConnectionOptions;
	readonly initialFile?: string;
	/** The pipeline's stages; undefined: no pipeline flag, nothing to load. */
	readonly stages?: StageFlags;
	/** Full screen (both ends a terminal, no pipe-mode flag), else pipe mode. */
	readonly mode: 'session' | 'pipe';
	/** Pipe mode's options, but the -x messages (`execute`, as given: @FILE is read later) and the stages. */
	readonly pipe: Omit<PipeOptions, 'execute' | 'readStdin' | 'stages'>;
	readonly execute: readonly string[];
	/** --message's saved messages, as written (templates: the template stage fills them in); sent before -x's. */
	readonly savedMessages: readonly string[];
	/** The session's own: --scrollback, --no-history, --no-color. */
	readonly session: {readonly scrollback: number; readonly history: boolean; readonly color: boolean};
	/** The profile's variables, saved messages and secrets (noProfile without one). */
	readonly profile: ProfileContext;
};

export type ClientContext = {
	/** Both stdin and stdout are terminals. */
	readonly terminal: boolean;
	/** Called for each line --encode, --protocol or --template refused (the run then exits 2). */
	readonly onRefused: () => void;
	/** The profile the run uses (`@NAME`), and the variables of the files; none by default. */
	readonly profile?: ProfileContext;
};

/** Ping, close timeout and reconnecting; -I's file is read by the mode. */
export function connectionOptions({flags, named}: Pick<ParsedLine, 'flags' | 'named'>): ConnectionOptions {
	const pingInterval = flagNumber(named('pingInterval'), flags.pingInterval, {min: 0});
	const pingTimeout = flagNumber(named('pingTimeout'), flags.pingTimeout, {min: 0.001});
	if (pingTimeout !== undefined && !pingInterval) {
		throw new UsageError('--ping-timeout needs --ping-interval');
	}

	const closeTimeout = flagNumber(named('closeTimeout'), flags.closeTimeout, {min: 0.001});
	const maxRetries = flagNumber(named('maxRetries'), flags.maxRetries, {min: 0, whole: true});
	if (maxRetries !== undefined && !flags.reconnect) {
		throw new UsageError('--max-retries needs --reconnect');
	}

	return {
		reconnect: flags.reconnect,
		...(pingInterval === undefined ? {} : {pingInterval}),
		...(pingTimeout === undefined ? {} : {pingTimeout}),
		...(maxRetries === undefined ? {} : {maxRetries}),
		...(closeTimeout === undefined ? {} : {closeTimeout: Math.round(closeTimeout * 1000)}),
	};
}

/** -n, -w and --linger, checked (pipe mode's ending). */
function endingOptions({flags, named}: ParsedLine): Pick<PipeOptions, 'count' | 'wait' | 'linger'> {
	const count = flagNumber(named('count'), flags.count, {min: 1, whole: true});
	const wait = flags.wait === '-1' ? -1 : flagNumber(named('wait'), flags.wait, {min: 0, or: '-1 (until the server closes)'});
	const linger = flagNumber(named('linger'), flags.linger, {min: 0});
	if (linger !== undefined && (count !== undefined || wait !== undefined)) {
		throw new UsageError(`${named('linger')} sets how long to wait at the end of input without -n or -w; -n and -w set their own ending`);
	}

	return {
		...(count === undefined ? {} : {count}),
		...(wait === undefined ? {} : {wait}),
		...(linger === undefined ? {} : {linger}),
	};
}

/** Checks that the session can run what was asked: it has no --until, and the built-in echo server speaks no protocol and is not recorded. */
function checkSession({typed, named}: ParsedLine, url: string | undefined, stages: StageFlags | undefined): void {
	if (typed.has('until')) {
		throw new UsageError(`${named('until')} ends a pipe-mode run; in the full-screen session, a --script hook can call ctx.exit() (or pipe stdin or stdout, or give -x, -n, -w or --jsonl)`);
	}

	if (url === undefined && stages?.protocol !== undefined) {
		const {name} = stages.protocol;
		throw new UsageError(`${named('protocol')} ${name} needs a server URL (the built-in echo server speaks no protocol): wsterm --protocol ${name} ws://host:port/path`);
	}

	const route = (['unixSocket', 'resolve', 'connectTo'] as const).find(name => typed.has(name));
	if (url === undefined && route !== undefined) {
		throw new UsageError(`${named(route)} needs a URL (the built-in echo server is reached as it is): wsterm ${named(route)} ... ws://host:port/path`);
	}

	if (url === undefined && stages?.record !== undefined) {
		throw new UsageError(`${named('record')} needs a URL: wsterm --record FILE ws://host:port/path`);
	}
}

/** `wsterm [url] [options]`, checked: a UsageError for a flag of another mode, a second argument, a bad value. */
export function clientOptionsFromCommandLine(line: ParsedLine, {terminal, onRefused, profile = noProfile}: ClientContext): ClientOptions {
	const {flags, input} = line;
	rejectFlags(line, serveOnly, 'a client connection (did you mean wsterm serve?)');
	rejectFlags(line, replayOnly, 'a client connection (did you mean wsterm replay?)');
	rejectFlags(line, benchOnly, 'a client connection (did you mean wsterm bench?)');
	if (input.length > 1) {
		throw new UsageError(`unexpected argument "${input[1]}": give one URL (quote it if it has spaces or &)`);
	}

	const ending = endingOptions(line);
	const connect = connectFlags(line.flags, line.named);
	const codec = codecChoices(line, onRefused, connect.maxPayload);
	const scrollback = flagNumber(line.named('scrollback'), flags.scrollback, {min: 1, whole: true}) ?? 10_000;
	const chosenProtocol = protocolChoices(line, onRefused);
	const timeout = connectTimeout(line.flags, line.named);
	// The protocol's handshake is part of connecting: --connect-timeout bounds it too.
	const protocol = chosenProtocol && {...chosenProtocol, connectTimeout: timeout};
	const pipeFlagGiven = flags.execute.length > 0 || flags.message.length > 0 || ending.count !== undefined || ending.wait !== undefined || flags.jsonl;
	const mode = terminal && !pipeFlagGiven ? 'session' : 'pipe';
	const [url] = input;
	if (url === undefined && mode === 'pipe') {
		throw new UsageError('a URL is needed when stdin or stdout is not a terminal: wsterm ws://host:port/path');
	}

	// A ws+unix: URL's socket stays the route; Socket.IO's endpoint is made from the URL inside it.
	const unixUrl = url === undefined ? undefined : fromUnixSocketUrl(url);
	const endpoint = flags.protocol === 'socketio' ? socketIoEndpointOf({flags, input: unixUrl === undefined ? input : [unixUrl.url]}) : undefined;
	const connection = endpoint === undefined ? connectionOptions(line) : {...connectionOptions(line), explainFailure: (failure: ConnectFailure) => socketIoConnectFailure(failure, endpoint)};
	const savedMessages = savedMessagesToSend(line, profile);
	const stages = stageFlags(flags, codec, protocol, templateChoices(line, profile, mode, onRefused));
	if (mode === 'session') {
		checkSession(line, url, stages);
	}

	return {
		...(url === undefined ? {} : {url, connectTo: endpoint === undefined ? url : unixUrl === undefined ? endpoint.url : toUnixSocketUrl(unixUrl.unixSocket, endpoint.url)}),
		connect,
		connection,
		...(flags.initial === undefined ? {} : {initialFile: flags.initial}),
		...(stages === undefined ? {} : {stages}),
		mode,
		pipe: {
			binary: flags.binary,
			nullSeparated: flags.null,
			jsonl: flags.jsonl,
			verbose: flags.verbose,
			showControl: flags.showControl,
			...ending,
			until: flags.until !== undefined,
			holdOpen: flags.until !== undefined || flags.script !== undefined,
			waitForReplies: protocol !== undefined && waitsForEveryReply.has(protocol.name),
		},
		execute: flags.execute,
		savedMessages,
		session: {scrollback, history: flags.history, color: flags.color},
		profile,
	};
}
