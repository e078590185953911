#!/usr/bin/env node
import {isUtf8} from 'node:buffer';
import {readFileSync} from 'node:fs';
import {setFlagsFromString} from 'node:v8';
import {type CommandLine, type FlagSpec, type FlagValues, parseCommandLine} from './parse-args.js';
import type {ConnectFlags} from '../connection/connect-options.js';
import {buildTarget} from '../connection/connect-options.js';
import type {ConnectionOptions} from '../connection/connection.js';
import {exitCodes, UsageError} from '../shared/exit-codes.js';
import {type CodecName, decodeNames, encodeNames} from '../codecs/types.js';
import type {ArgumentBytes, PipeMessage} from '../pipe/run.js';
import type {CodecChoices, DecoderSwitch} from '../codecs/stage.js';
import type {ProtocolChoices} from '../protocols/index.js';
import {type ProtocolName, protocolNames, protocolSubprotocols, waitsForEveryReply} from '../protocols/names.js';
import {socketIoUrl} from '../protocols/socketio-url.js';
import {isJsonObject, parseExact} from '../protocols/exact-json.js';
import type {ResponderFactory} from '../replay/responder.js';
import type {ServeFlags} from './serve-options.js';
import type {SessionOptions} from '../ui/start.js';

const help = `
	Usage
	  $ wsterm [url] [options]          connect: full-screen in a terminal,
	                                    pipe mode when stdin/stdout is not one
	  $ wsterm serve [options]          a local echo (or broadcast) server
	  $ wsterm replay FILE [url]        send a recorded conversation again
	  $ wsterm                          in a terminal: talk to a built-in
	                                    echo server
	  $ wsterm --help, -h, --version    anywhere on the line: print and exit

	Connection options
	  -H, --header "Name: value"  Add a request header (repeatable)
	  -b, --cookie "k=v"          Add a cookie (repeatable, one Cookie header)
	  -o, --origin URL            Origin header
	  -s, --subprotocol NAME      Offer a subprotocol (repeatable)
	  -A, --user-agent TEXT       User-Agent header
	      --auth USER:PASS        Basic authentication (or user:pass@ in the URL);
	                              with --protocol socketio, a JSON object is
	                              the namespace's auth payload; with --protocol
	                              stomp, CONNECT's login and passcode
	  -L, --follow-redirects      Follow HTTP redirects during the handshake
	  -k, --insecure              Do not verify the server's TLS certificate
	      --ca FILE               Trust this CA certificate (PEM)
	      --cert FILE             Client certificate (PEM), with --key
	      --key FILE              Client private key (PEM)
	      --passphrase TEXT       Passphrase of the client key
	      --proxy URL             HTTP(S) proxy (default: HTTPS_PROXY, HTTP_PROXY,
	                              NO_PROXY from the environment)
	      --compress              Offer permessage-deflate (off: costs CPU)
	      --connect-timeout SEC   Give up connecting after SEC seconds (10)
	      --max-payload BYTES     Largest message accepted (100 MiB)
	      --ping-interval SEC     Ping every SEC seconds, show the round trip
	      --ping-timeout SEC      Declare the connection dead when no pong comes
	                              within SEC seconds (default: the interval)
	      --reconnect             Reconnect after a drop (backoff with jitter)
	      --max-retries N         With --reconnect: give up after N failed
	                              attempts in a row (default: never)
	      --close-timeout SEC     Drop the connection when a close handshake
	                              takes longer than SEC seconds (5)
	  -I, --initial FILE          Send FILE's lines on every connect and reconnect

	Pipe mode (stdin or stdout not a terminal, or -x/-n/-w/--jsonl given)
	  -x, --execute MSG           Send MSG (repeatable); -x @FILE sends a file as
	                              one message (binary if it is not UTF-8),
	                              -x @@text sends "@text"; with -x, stdin is not
	                              read
	      --binary                Send messages as binary, byte for byte
	  -0, --null                  Split stdin on NUL instead of newlines; end
	                              each message on stdout with NUL
	  -n, --count N               Exit after receiving N messages, whatever
	                              stdin does (exit 5 if fewer come)
	  -w, --wait SEC              After sending, print replies for SEC seconds
	                              (-1: until the server closes; with -n,
	                              whichever comes first)
	      --linger SEC            Without -n and -w: after sending, close once
	                              as many messages came back as were sent, or
	                              after SEC seconds without one (2; 0: at once)
	      --jsonl                 One JSON object per event on stdout
	  -v, --verbose               Connection events on stderr
	  -P, --show-control          Also show ping, pong and close
	      --reply 'PAT => TEXT'   Send TEXT when a received message matches PAT
	                              (a regular expression; repeatable)
	      --until PATTERN         Pipe mode only: end after printing the first
	                              message that matches (exit 4 if the
	                              connection ends or -w runs out first)
	      --script FILE           JavaScript hooks: onOpen, onMessage, onSend,
	                              onClose (.js/.mjs/.cjs)
	      --record FILE           Write every event to FILE as JSON lines
	                              (for wsterm replay)
	      --decode CODEC          Decode binary messages received: msgpack,
	                              cbor, protobuf, gzip or deflate (shown as
	                              JSON; see Binary formats)
	      --encode CODEC          Send each line, read as JSON, as msgpack,
	                              cbor or protobuf (a line that is not JSON
	                              is not sent: exit 2)
	      --proto FILE            protobuf: a .proto file (repeatable)
	      --type NAME             protobuf: the message type (package.Message)
	      --protocol NAME         Speak a protocol over the socket: jsonrpc
	                              (JSON-RPC 2.0), graphql-ws
	                              (graphql-transport-ws), socketio
	                              (Socket.IO 4) or stomp (STOMP 1.2); see
	                              Protocols
	      --init JSON             graphql-ws: connection_init's payload
	      --subscribe DEST        stomp: subscribe to DEST (repeatable)
	      --send-to DEST          stomp: send each line to DEST (without it,
	                              a line is DEST BODY)
	      --vhost NAME            stomp: CONNECT's host header, the broker's
	                              virtual host (default: none, the broker's
	                              default one)

	Replay (wsterm replay FILE [url]; FILE: JSON lines or a HAR file)
	      --pace MODE             reply: each message once the replies recorded
	                              after the previous one came (default);
	                              recorded: with the recorded gaps; fast
	      --reply-timeout SEC     Longest wait for recorded replies (5)
	      --check                 Compare the replies with the recorded ones
	      --ignore KEY            JSON key left out of --check (repeatable)
	      --entry N               The HAR file's Nth WebSocket entry

	Interactive session
	      --scrollback N          Rows kept in the message pane (10000)
	      --no-history            Do not read or save input history
	      --no-color              No colours (NO_COLOR and FORCE_COLOR work too)

	Serve options (wsterm serve)
	  -p, --port N                Port, 0 for any free one (8080)
	      --host ADDRESS          Address to bind (127.0.0.1)
	      --path PATH             Path to accept connections on (/)
	      --broadcast             Send each message to every other client
	  -o, --origin URL            Accept only this Origin (repeatable)
	  -s, --subprotocol NAME      Accept only these subprotocols (repeatable;
	                              default: the first one a client offers)
	      --tls-cert FILE         Serve wss:// with this certificate (PEM)
	      --tls-key FILE          ... and this key (PEM)
	      --compress              Offer permessage-deflate
	      --max-payload BYTES     Close larger messages with 1009 (16 MiB)
	      --max-connections N     Answer 503 beyond N clients
	      --ping-interval SEC     Drop clients that miss a ping (30; 0: never)
	  -v, --verbose               Log every message
	      --reply 'PAT => TEXT'   Answer a message matching PAT (a regular
	                              expression) with TEXT instead (repeatable)
	      --script FILE           Answer with a JavaScript module's hooks
	                              (.js/.mjs/.cjs; reloaded when it changes)
	      --replay FILE           Answer as the recorded server did (with
	                              --pace recorded: with its delays; a HAR
	                              file's entry chosen with --entry N)

	Exit codes
	  0    closed cleanly (1000, 1001, 1005, or closed by wsterm)
	  1    could not connect (DNS, refused, TLS, HTTP answer, timeout,
	       a --protocol handshake that did not finish), or serve could
	       not listen
	  2    usage error; or --encode or --protocol refused a line (the
	       rest was sent)
	  3    connection dropped, or closed with any other code
	  4    an expected message did not come: --until's before the
	       end, or replay --check's (a message differed, was missing
	       or extra)
	  5    -n N: fewer than N messages came (the server closed
	       first, or -w ran out)
	  130  interrupted (SIGINT), after closing and flushing
	  143  terminated (SIGTERM), likewise

	Examples
	  $ wsterm wss://echo.example.com
	  $ seq 1 5 | wsterm ws://127.0.0.1:8080 -n 5
	  $ wsterm wss://api.example.com/ws -x '{"op":"subscribe"}' -w 10 --jsonl
	  $ wsterm serve --port 0
`;

const flagSpecs = {
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
} as const;

const description = 'A WebSocket client for the terminal, for scripts, and a local echo server.';
// Parsed first thing in main(), so that a bad option is a usage error like any other.
let cli: CommandLine<typeof flagSpecs>;

type Flags = FlagValues<typeof flagSpecs>;

const clientOnly = ['header', 'cookie', 'userAgent', 'auth', 'followRedirects', 'insecure', 'ca', 'cert', 'key', 'passphrase', 'proxy', 'compressed', 'request', 'connectTimeout', 'pingTimeout', 'reconnect', 'maxRetries', 'closeTimeout', 'initial', 'execute', 'binary', 'null', 'count', 'wait', 'linger', 'jsonl', 'showControl', 'scrollback', 'until', 'record', 'decode', 'encode', 'proto', 'type', 'protocol', 'init', 'subscribe', 'sendTo', 'vhost'] as const;
const serveOnly = ['port', 'host', 'path', 'broadcast', 'tlsCert', 'tlsKey', 'maxConnections', 'replay'] as const;
// The pipeline's flags (pipe mode and the full-screen session take them; replay does not).
const pipelineFlags = ['reply', 'script', 'until', 'record', 'decode', 'encode', 'proto', 'type', 'protocol', 'init', 'subscribe', 'sendTo', 'vhost'] as const;
const replayOnly = ['pace', 'replyTimeout', 'check', 'ignore', 'entry'] as const;
const notForReplay = ['reconnect', 'maxRetries', 'initial', 'execute', 'binary', 'null', 'count', 'wait', 'linger', 'showControl', 'scrollback', 'history', 'color', ...pipelineFlags] as const;

/** The option as the user typed it, for error lines: `-n`, `--count`, `--no-history`. */
function typed(name: string): string {
	return cli.typed.get(name.replaceAll(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase()) as keyof Flags) ?? `--${name}`;
}

function rejectFlags(names: ReadonlyArray<keyof Flags>, where: string): void {
	const wrong = names.find(name => cli.typed.has(name));
	if (wrong !== undefined) {
		throw new UsageError(`${cli.typed.get(wrong)} does not apply to ${where}`);
	}
}

function number(name: string, text: string | undefined, {min, integer = false, or}: {min: number; integer?: boolean; or?: string}): number | undefined {
	if (text === undefined) {
		return undefined;
	}

	const value = Number(text);
	if (text.trim() === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
		throw new UsageError(`${typed(name)} takes ${integer ? 'a whole number' : 'a number'} of at least ${min}${or === undefined ? '' : `, or ${or}`}, not "${text}"`);
	}

	return value;
}

function readFlagFile(flag: string, path: string): Buffer {
	try {
		return readFileSync(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UsageError(`${flag}: cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
	}
}

function connectFlags(flags: Flags): ConnectFlags {
	if (flags.request !== undefined && flags.request.toUpperCase() !== 'GET') {
		throw new UsageError(`-X ${flags.request}: a WebSocket handshake is always a GET`);
	}

	if (flags.origin.length > 1) {
		throw new UsageError('give -o/--origin once when connecting (several are for wsterm serve)');
	}

	const [origin] = flags.origin;
	const connectTimeout = number('connect-timeout', flags.connectTimeout, {min: 0.001}) ?? 10;
	const maxPayload = number('max-payload', flags.maxPayload, {min: 1, integer: true});
	return {
		header: flags.header,
		cookie: flags.cookie,
		subprotocol: withProtocolSubprotocol(flags),
		followRedirects: flags.followRedirects,
		insecure: flags.insecure,
		compress: flags.compress || flags.compressed,
		connectTimeout,
		...(origin === undefined ? {} : {origin}),
		...(flags.userAgent === undefined ? {} : {userAgent: flags.userAgent}),
		// With --protocol stomp, --auth is CONNECT's login and passcode, not HTTP authentication.
		...(flags.auth === undefined || socketIoAuth(flags) !== undefined || flags.protocol === 'stomp' ? {} : {auth: flags.auth}),
		...(flags.ca === undefined ? {} : {ca: flags.ca}),
		...(flags.cert === undefined ? {} : {cert: flags.cert}),
		...(flags.key === undefined ? {} : {key: flags.key}),
		...(flags.passphrase === undefined ? {} : {passphrase: flags.passphrase}),
		...(flags.proxy === undefined ? {} : {proxy: flags.proxy}),
		...(maxPayload === undefined ? {} : {maxPayload}),
	};
}

function connectionOptions(flags: Flags): ConnectionOptions {
	const pingInterval = number('ping-interval', flags.pingInterval, {min: 0});
	const pingTimeout = number('ping-timeout', flags.pingTimeout, {min: 0.001});
	if (pingTimeout !== undefined && !pingInterval) {
		throw new UsageError('--ping-timeout needs --ping-interval');
	}

	const closeTimeout = number('close-timeout', flags.closeTimeout, {min: 0.001});
	const maxRetries = number('max-retries', flags.maxRetries, {min: 0, integer: true});
	if (maxRetries !== undefined && !flags.reconnect) {
		throw new UsageError('--max-retries needs --reconnect');
	}

	const initialMessages = flags.initial === undefined
		? undefined
		: readFlagFile('-I/--initial', flags.initial).toString().split(/\r?\n/).filter(line => line !== '');
	return {
		reconnect: flags.reconnect,
		...(pingInterval === undefined ? {} : {pingInterval}),
		...(pingTimeout === undefined ? {} : {pingTimeout}),
		...(maxRetries === undefined ? {} : {maxRetries}),
		...(closeTimeout === undefined ? {} : {closeTimeout: Math.round(closeTimeout * 1000)}),
		...(initialMessages === undefined ? {} : {initialMessages}),
	};
}

/** The -x messages; `notes` says which files go as binary because they are not UTF-8. */
function executeMessages(flags: Flags, argumentBytes: ArgumentBytes): {messages: PipeMessage[]; notes: string[]} {
	const notes: string[] = [];
	const messages = flags.execute.map(text => {
		if (text.startsWith('@@')) {
			return {data: text.slice(1), isBinary: flags.binary};
		}

		if (text.startsWith('@')) {
			if (text === '@') {
				throw new UsageError(`${typed('execute')} @: a file name is missing after @ (-x @@ sends "@")`);
			}

			const data = readFlagFile(typed('execute'), text.slice(1));
			if (flags.binary || isUtf8(data)) {
				return {data, isBinary: flags.binary};
			}

			// Text messages must be UTF-8; sent as text, these bytes would be changed.
			notes.push(`${text.slice(1)} is not valid UTF-8: sent as a binary message`);
			return {data, isBinary: true};
		}

		return argumentBytes.message(text, flags.binary);
	});
	return {messages, notes};
}

async function runServeMode(flags: Flags): Promise<number> {
	rejectFlags(clientOnly, 'wsterm serve');
	rejectFlags(flags.replay === undefined ? replayOnly : replayOnly.filter(name => name !== 'pace' && name !== 'entry'), flags.replay === undefined ? 'wsterm serve' : 'wsterm serve --replay');
	if (cli.input.length > 1) {
		throw new UsageError(`unexpected argument "${cli.input[1]}" after serve`);
	}

	const [{serveOptionsFromFlags}, {runServe}, {systemClock}] = await Promise.all([import('./serve-options.js'), import('../serve/run.js'), import('../shared/clock.js')]);
	const serveFlags: ServeFlags = {
		broadcast: flags.broadcast,
		subprotocol: flags.subprotocol,
		origin: flags.origin,
		compress: flags.compress,
		verbose: flags.verbose,
		...(flags.port === undefined ? {} : {port: flags.port}),
		...(flags.host === undefined ? {} : {host: flags.host}),
		...(flags.path === undefined ? {} : {path: flags.path}),
		...(flags.tlsCert === undefined ? {} : {tlsCert: flags.tlsCert}),
		...(flags.tlsKey === undefined ? {} : {tlsKey: flags.tlsKey}),
		...(flags.maxPayload === undefined ? {} : {maxPayload: flags.maxPayload}),
		...(flags.maxConnections === undefined ? {} : {maxConnections: flags.maxConnections}),
		...(flags.pingInterval === undefined ? {} : {pingInterval: flags.pingInterval}),
	};
	const options = serveOptionsFromFlags(serveFlags);
	// Loaded only when asked for; a bad rule or a script that does not load exits 2 before listening.
	const hooks = flags.reply.length > 0 || flags.script !== undefined
		? await import('../automation/index.js').then(async ({createServeHooks, loadHooks}) =>
			createServeHooks(await loadHooks({role: 'server', reply: flags.reply, ...(flags.script === undefined ? {} : {script: flags.script})})))
		: undefined;
	const respond = flags.replay === undefined ? undefined : await replayResponder(flags.replay, flags);
	return runServe({...options, ...(hooks === undefined ? {} : {hooks}), ...(respond === undefined ? {} : {respond})}, {stdout: process.stdout, stderr: process.stderr, signals: process, clock: systemClock});
}

async function replayResponder(file: string, flags: Flags): Promise<ResponderFactory> {
	if (flags.broadcast) {
		throw new UsageError('--replay and --broadcast do not go together');
	}

	const [{readConversation}, {replayChoicesFromFlags}, {createResponderFactory}, {systemClock}] = await Promise.all([
		import('../replay/read-conversation.js'), import('./replay-options.js'), import('../replay/responder.js'), import('../connection/connection.js'),
	]);
	const {pace, entry} = replayChoicesFromFlags(flags);
	return createResponderFactory(readConversation(file, entry), {pace, clock: systemClock});
}

async function runReplayMode(flags: Flags): Promise<number> {
	rejectFlags([...serveOnly, ...notForReplay], 'wsterm replay');
	const [, file, url, extra] = cli.input;
	if (file === undefined) {
		throw new UsageError('wsterm replay needs a file: wsterm replay FILE [url]');
	}

	if (extra !== undefined) {
		throw new UsageError(`unexpected argument "${extra}": wsterm replay FILE [url]`);
	}

	const [{readConversation}, {replayChoicesFromFlags, withRecordedProtocol}, {runReplay}, {Connection, systemClock}] = await Promise.all([
		import('../replay/read-conversation.js'), import('./replay-options.js'), import('../replay/run.js'), import('../connection/connection.js'),
	]);
	const choices = replayChoicesFromFlags(flags);
	const conversation = readConversation(file, choices.entry);
	const target = url ?? conversation.url;
	if (target === undefined) {
		throw new UsageError(`${file} does not say which URL it recorded: give one, wsterm replay FILE ws://host:port/path`);
	}

	const built = await buildTarget(target, withRecordedProtocol(connectFlags(flags), conversation), path => readFlagFile('--ca/--cert/--key', path));
	for (const note of built.notes) {
		process.stderr.write(`wsterm: ${note}\n`);
	}

	return runReplay(new Connection(built.target, connectionOptions(flags)), conversation, {
		...choices,
		jsonl: flags.jsonl,
		verbose: flags.verbose,
	}, {stdout: process.stdout, stderr: process.stderr, signals: process, clock: systemClock});
}

/** --decode, --encode, --proto and --type, checked; undefined when none is given. */
function codecChoices(flags: Flags, onRefused: () => void): CodecChoices | undefined {
	const codecFlags = ['decode', 'encode', 'proto', 'type'] as const;
	if (!codecFlags.some(name => cli.typed.has(name))) {
		return undefined;
	}

	const names = (list: readonly string[]): string => `${list.slice(0, -1).join(', ')} or ${list.at(-1)!}`;
	if (flags.decode !== undefined && !(decodeNames as readonly string[]).includes(flags.decode)) {
		throw new UsageError(`${typed('decode')} takes ${names(decodeNames)}, not "${flags.decode}"`);
	}

	if (flags.encode !== undefined && !(encodeNames as readonly string[]).includes(flags.encode)) {
		throw new UsageError(`${typed('encode')} takes ${names(encodeNames)}${flags.encode === 'gzip' || flags.encode === 'deflate' ? ` (${flags.encode} only decodes)` : ''}, not "${flags.encode}"`);
	}

	if (flags.encode !== undefined && flags.binary) {
		throw new UsageError(`${typed('encode')} sends each line as ${flags.encode}; --binary sends lines byte for byte: give one of them`);
	}

	if ((flags.proto.length > 0 || flags.type !== undefined) && flags.decode !== 'protobuf' && flags.encode !== 'protobuf') {
		throw new UsageError(`${typed(flags.proto.length > 0 ? 'proto' : 'type')} goes with --decode protobuf or --encode protobuf`);
	}

	return {
		proto: flags.proto,
		onRefused,
		...(flags.decode === undefined ? {} : {decode: flags.decode as CodecName}),
		...(flags.encode === undefined ? {} : {encode: flags.encode as CodecName}),
		...(flags.type === undefined ? {} : {type: flags.type}),
	};
}

/** --protocol and the flags that go with it, checked; undefined without --protocol. */
function protocolChoices(flags: Flags, onRefused: () => void): ProtocolChoices | undefined {
	const stompFlag = (['subscribe', 'sendTo', 'vhost'] as const).find(name => cli.typed.has(name));
	if (stompFlag !== undefined && flags.protocol !== 'stomp') {
		throw new UsageError(`${cli.typed.get(stompFlag)!} goes with --protocol stomp`);
	}

	if (flags.protocol === undefined) {
		if (flags.init !== undefined) {
			throw new UsageError(`${typed('init')} goes with --protocol graphql-ws`);
		}

		return undefined;
	}

	if (!(protocolNames as readonly string[]).includes(flags.protocol)) {
		throw new UsageError(`${typed('protocol')} takes ${protocolNames.slice(0, -1).join(', ')} or ${protocolNames.at(-1)!}, not "${flags.protocol}"`);
	}

	if (flags.binary) {
		throw new UsageError(`${typed('protocol')} ${flags.protocol} reads each line as a message of its own; --binary sends lines byte for byte: give one of them`);
	}

	let init: Record<string, unknown> | undefined;
	if (flags.init !== undefined) {
		if (flags.protocol !== 'graphql-ws') {
			throw new UsageError(`${typed('init')} goes with --protocol graphql-ws`);
		}

		// Read exactly: its numbers go to the server as typed (a token's 9007199254740993).
		let parsed: unknown;
		try {
			parsed = parseExact(flags.init);
		} catch (error) {
			throw new UsageError(`${typed('init')} is not JSON (${(error as Error).message})`);
		}

		if (!isJsonObject(parsed)) {
			throw new UsageError(`${typed('init')} takes a JSON object (connection_init's payload)`);
		}

		init = parsed;
	}

	if (flags.protocol === 'stomp') {
		return {name: 'stomp', onRefused, stomp: stompChoices(flags)};
	}

	if (flags.protocol !== 'socketio') {
		return {name: flags.protocol as ProtocolName, onRefused, ...(init === undefined ? {} : {init})};
	}

	const auth = socketIoAuth(flags);
	const [url] = cli.input;
	return {name: 'socketio', onRefused, namespace: url === undefined ? '/' : socketIoUrl(url).namespace, ...(auth === undefined ? {} : {auth})};
}

/** With --protocol socketio, an --auth that is a JSON object is Socket.IO's auth payload (else it is basic authentication). */
function socketIoAuth(flags: Flags): Record<string, unknown> | undefined {
	if (flags.protocol !== 'socketio' || flags.auth?.trimStart().startsWith('{') !== true) {
		return undefined;
	}

	let auth: unknown;
	try {
		auth = parseExact(flags.auth);
	} catch (error) {
		throw new UsageError(`${typed('auth')} is not JSON (${(error as Error).message})`);
	}

	if (!isJsonObject(auth)) {
		throw new UsageError(`${typed('auth')} takes a JSON object with --protocol socketio`);
	}

	return auth;
}

/** --protocol stomp's CONNECT (host: --vhost's, else none; --auth USER:PASS: login and passcode) and destinations. */
function stompChoices(flags: Flags): NonNullable<ProtocolChoices['stomp']> {
	const separator = flags.auth?.indexOf(':') ?? -1;
	const login = separator === -1 ? flags.auth : flags.auth!.slice(0, separator);
	for (const [name, destination] of [...flags.subscribe.map(value => ['subscribe', value] as const), ['sendTo', flags.sendTo] as const]) {
		if (destination?.trim() === '') {
			throw new UsageError(`${typed(name)} takes a destination, not an empty string`);
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

/** -s's subprotocols, and those --protocol speaks (graphql-transport-ws) that -s does not name. */
function withProtocolSubprotocol(flags: Flags): readonly string[] {
	const offered = flags.protocol === undefined ? undefined : protocolSubprotocols[flags.protocol as ProtocolName];
	const missing = offered?.filter(name => !flags.subprotocol.includes(name)) ?? [];
	return missing.length === 0 ? flags.subprotocol : [...flags.subprotocol, ...missing];
}

/**
The session's pipeline, when a pipeline flag is given: always with a codec stage, so that /decode
can switch decoding on and off. Without the flags, nothing is loaded and there is no pipeline.
*/
async function sessionStages(flags: Flags, codec: CodecChoices | undefined, protocol: ProtocolChoices | undefined, url: string | undefined): Promise<Pick<SessionOptions, 'stages' | 'decoder' | 'stageNotes' | 'codecOptions' | 'protocol'>> {
	const hookFlagGiven = flags.reply.length > 0 || flags.script !== undefined;
	if (codec === undefined && protocol === undefined && !hookFlagGiven && flags.record === undefined) {
		return {};
	}

	if (url === undefined && protocol !== undefined) {
		throw new UsageError(`${typed('protocol')} ${protocol.name} needs a server URL (the built-in echo server speaks no protocol): wsterm --protocol ${protocol.name} ws://host:port/path`);
	}

	if (url === undefined && flags.record !== undefined) {
		throw new UsageError(`${typed('record')} needs a URL: wsterm --record FILE ws://host:port/path`);
	}

	const decoder: DecoderSwitch = {current: undefined};
	// stderr until the session is drawn, then an error row (see session-start.ts).
	const stageNotes = {to: (line: string) => process.stderr.write(`wsterm: ${line}\n`)};
	const {loadStages} = await import('./load-stages.js');
	const stages = await loadStages({
		codec: {...codec, decoderSwitch: decoder},
		...(protocol === undefined ? {} : {protocol}),
		...(hookFlagGiven ? {hooks: {role: 'client', reply: flags.reply, ...(flags.script === undefined ? {} : {script: flags.script})}} : {}),
		...(flags.record === undefined ? {} : {record: flags.record}),
		url: url ?? 'ws://127.0.0.1/',
		note(line) {
			stageNotes.to(line);
		},
	});
	return {stages, decoder, stageNotes, codecOptions: {proto: flags.proto, ...(flags.type === undefined ? {} : {type: flags.type})}, ...(protocol === undefined ? {} : {protocol: protocol.name})};
}

async function runClient(flags: Flags): Promise<number> {
	rejectFlags(serveOnly, 'a client connection (did you mean wsterm serve?)');
	rejectFlags(replayOnly, 'a client connection (did you mean wsterm replay?)');
	if (cli.input.length > 1) {
		throw new UsageError(`unexpected argument "${cli.input[1]}": give one URL (quote it if it has spaces or &)`);
	}

	const count = number('count', flags.count, {min: 1, integer: true});
	const wait = flags.wait === '-1' ? -1 : number('wait', flags.wait, {min: 0, or: '-1 (until the server closes)'});
	const linger = number('linger', flags.linger, {min: 0});
	if (linger !== undefined && (count !== undefined || wait !== undefined)) {
		throw new UsageError(`${typed('linger')} sets how long to wait at the end of input without -n or -w; -n and -w set their own ending`);
	}

	const scrollback = number('scrollback', flags.scrollback, {min: 1, integer: true}) ?? 10_000;
	let refusedLines = 0;
	const codec = codecChoices(flags, () => {
		refusedLines++;
	});
	const chosenProtocol = protocolChoices(flags, () => {
		refusedLines++;
	});
	// The protocol's handshake is part of connecting: --connect-timeout bounds it too.
	const protocol = chosenProtocol && {...chosenProtocol, connectTimeout: number('connect-timeout', flags.connectTimeout, {min: 0.001}) ?? 10};
	const pipeFlagGiven = flags.execute.length > 0 || count !== undefined || wait !== undefined || flags.jsonl;
	const interactive = process.stdin.isTTY && process.stdout.isTTY && !pipeFlagGiven;
	const [url] = cli.input;
	if (url === undefined && !interactive) {
		throw new UsageError('a URL is needed when stdin or stdout is not a terminal: wsterm ws://host:port/path');
	}

	const connection = connectionOptions(flags);
	const built = url === undefined
		? undefined
		: await buildTarget(flags.protocol === 'socketio' ? socketIoUrl(url).url : url, connectFlags(flags), path => readFlagFile('--ca/--cert/--key', path));

	if (interactive) {
		if (cli.typed.has('until')) {
			throw new UsageError(`${typed('until')} ends a pipe-mode run; in the full-screen session, a --script hook can call ctx.exit() (or pipe stdin or stdout, or give -x, -n, -w or --jsonl)`);
		}

		const stages = await sessionStages(flags, codec, protocol, built?.target.url);

		if (!flags.color) {
			// The flag is the most explicit choice: it beats a FORCE_COLOR in the environment.
			process.env.NO_COLOR = '1';
			process.env.FORCE_COLOR = '0';
		}

		// Both ends are a terminal, so a person is watching: ink draws only a final frame when
		// it believes it runs in CI, and it reads that once, when it is first imported.
		for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) {
			if (name in process.env) {
				process.env[name] = 'false';
			}
		}

		// The connection opens and the first frame is painted while the UI loads.
		const io = {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, signals: process};
		const {startSession} = await import('../ui/start.js');
		const [started, {runInteractive}] = await Promise.all([
			startSession({target: built?.target, connection, scrollback, history: flags.history, notes: built?.notes ?? [], ...stages}, io),
			import('../ui/run.js'),
		]);
		return runInteractive(started, io);
	}

	for (const note of built!.notes) {
		process.stderr.write(`wsterm: ${note}\n`);
	}

	// A million small messages make V8 double its young generation up to 2 x 16 MiB of mostly
	// garbage; kept at its starting size, peak RSS for 1,000,000 lines drops by about 30 MB at
	// the same speed (npm run bench:pipe).
	setFlagsFromString('--semi-space-growth-factor=1');
	const [{Connection, systemClock}, {runPipe, ArgumentBytes}] = await Promise.all([import('../connection/connection.js'), import('../pipe/run.js')]);
	const execute = executeMessages(flags, new ArgumentBytes(process.argv.slice(2)));
	const hookFlagGiven = flags.reply.length > 0 || flags.script !== undefined || flags.until !== undefined;
	// Loaded only when asked for: a bad rule, a script that does not load or a --record file that
	// cannot be written exits 2 before connecting.
	const stages = codec !== undefined || protocol !== undefined || hookFlagGiven || flags.record !== undefined
		? await import('./load-stages.js').then(async ({loadStages}) => loadStages({
			...(codec === undefined ? {} : {codec}),
			...(protocol === undefined ? {} : {protocol}),
			...(hookFlagGiven ? {hooks: {role: 'client', reply: flags.reply, ...(flags.until === undefined ? {} : {until: flags.until}), ...(flags.script === undefined ? {} : {script: flags.script})}} : {}),
			...(flags.record === undefined ? {} : {record: flags.record}),
			url: built!.target.url,
			note(line) {
				process.stderr.write(`wsterm: ${line}\n`);
			},
		}))
		: [];
	if (flags.verbose) {
		for (const note of execute.notes) {
			process.stderr.write(`wsterm: ${note}\n`);
		}
	}

	const code = await runPipe(new Connection(built!.target, connection), {
		binary: flags.binary,
		nullSeparated: flags.null,
		readStdin: execute.messages.length === 0,
		execute: execute.messages,
		jsonl: flags.jsonl,
		verbose: flags.verbose,
		showControl: flags.showControl,
		...(count === undefined ? {} : {count}),
		...(wait === undefined ? {} : {wait}),
		...(linger === undefined ? {} : {linger}),
		stages,
		until: flags.until !== undefined,
		holdOpen: flags.until !== undefined || flags.script !== undefined,
		waitForReplies: protocol !== undefined && waitsForEveryReply.has(protocol.name),
	}, {
		stdin: process.stdin,
		stdout: process.stdout,
		stderr: process.stderr,
		signals: process,
		clock: systemClock,
	});
	// --encode refused a line that was not JSON (or --protocol one it could not read): the rest was sent, but the input was not all good.
	return code === exitCodes.ok && refusedLines > 0 ? exitCodes.usage : code;
}

async function main(): Promise<number> {
	cli = parseCommandLine(process.argv.slice(2), flagSpecs satisfies Record<string, FlagSpec>);
	const {flags} = cli;
	if (cli.help) {
		process.stdout.write(`\n  ${description}\n\n${help.replace(/^\n+|\s+$/g, '').replaceAll(/^\t/gm, '  ')}\n\n`);
		return exitCodes.ok;
	}

	if (cli.version) {
		const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
		process.stdout.write(`${version}\n`);
		return exitCodes.ok;
	}

	if (cli.input[0] === 'replay') {
		return runReplayMode(flags);
	}

	return cli.input[0] === 'serve' ? runServeMode(flags) : runClient(flags);
}

try {
	process.exit(await main());
} catch (error) {
	if (error instanceof UsageError) {
		process.stderr.write(`wsterm: ${error.message}\n`);
		process.exit(exitCodes.usage);
	}

	process.stderr.write(`wsterm: unexpected error: ${(error as Error).message ?? String(error)}\n`);
	process.exit(exitCodes.connectFailed);
}
