#!/usr/bin/env node
import {readFileSync} from 'node:fs';
import meow from 'meow';
import type {ConnectFlags} from './connect-options.js';
import {buildTarget} from './connect-options.js';
import type {ConnectionOptions} from './connection.js';
import {exitCodes, UsageError} from './exit-codes.js';
import type {PipeMessage} from './pipe.js';
import type {ServeFlags} from './serve-options.js';

const help = `
	Usage
	  $ wsterm [url] [options]          connect: full-screen in a terminal,
	                                    pipe mode when stdin/stdout is not one
	  $ wsterm serve [options]          a local echo (or broadcast) server
	  $ wsterm                          in a terminal: talk to a built-in
	                                    echo server

	Connection options
	  -H, --header "Name: value"  Add a request header (repeatable)
	  -b, --cookie "k=v"          Add a cookie (repeatable, one Cookie header)
	  -o, --origin URL            Origin header
	  -s, --subprotocol NAME      Offer a subprotocol (repeatable)
	  -A, --user-agent TEXT       User-Agent header
	      --auth USER:PASS        Basic authentication (or user:pass@ in the URL)
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
	  -I, --initial FILE          Send FILE's lines on every connect and reconnect

	Pipe mode (stdin or stdout not a terminal, or -x/-n/-w/--jsonl given)
	  -x, --execute MSG           Send MSG (repeatable); -x @FILE sends a file as
	                              one message, -x @@text sends "@text"; with -x,
	                              stdin is not read
	      --binary                Send messages as binary
	  -0, --null                  Split stdin on NUL instead of newlines
	  -n, --count N               Exit after receiving N messages
	  -w, --wait SEC              After sending, print replies for SEC seconds
	                              (-1: until the server closes; with -n,
	                              whichever comes first)
	      --jsonl                 One JSON object per event on stdout
	  -v, --verbose               Connection events on stderr
	  -P, --show-control          Also show ping, pong and close

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

	Exit codes
	  0    closed cleanly (1000, 1001, 1005, or closed by wsterm)
	  1    could not connect (DNS, refused, TLS, HTTP answer, timeout),
	       or serve could not listen
	  2    usage error
	  3    connection dropped, or closed with any other code
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
	initial: {type: 'string', shortFlag: 'I'},
	execute: {type: 'string', shortFlag: 'x', isMultiple: true, default: [] as string[]},
	binary: {type: 'boolean', default: false},
	null: {type: 'boolean', shortFlag: '0', default: false},
	count: {type: 'string', shortFlag: 'n'},
	wait: {type: 'string', shortFlag: 'w'},
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
} as const;

const cli = meow(help, {
	importMeta: import.meta,
	description: 'A WebSocket client for the terminal, for scripts, and a local echo server.',
	autoHelp: true,
	autoVersion: true,
	allowUnknownFlags: true,
	flags: flagSpecs,
});

type Flags = typeof cli.flags;

const clientOnly = ['header', 'cookie', 'userAgent', 'auth', 'followRedirects', 'insecure', 'ca', 'cert', 'key', 'passphrase', 'proxy', 'compressed', 'request', 'connectTimeout', 'pingTimeout', 'reconnect', 'initial', 'execute', 'binary', 'null', 'count', 'wait', 'jsonl', 'showControl', 'scrollback'] as const;
const serveOnly = ['port', 'host', 'path', 'broadcast', 'tlsCert', 'tlsKey', 'maxConnections'] as const;

function kebab(name: string): string {
	return name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

/** Flags meow does not know arrive as extra keys; a typo must not pass silently. */
function checkUnknownFlags(): void {
	const known = new Set<string>(['help', 'version']);
	for (const [name, spec] of Object.entries(flagSpecs)) {
		known.add(name);
		if ('shortFlag' in spec) {
			known.add(spec.shortFlag);
		}
	}

	for (const name of Object.keys(cli.unnormalizedFlags)) {
		if (!known.has(name)) {
			throw new UsageError(`unknown option ${name.length === 1 ? '-' : '--'}${kebab(name)} (see wsterm --help)`);
		}
	}
}

function isGiven(flags: Flags, name: keyof Flags): boolean {
	const value = flags[name];
	if (Array.isArray(value)) {
		return value.length > 0;
	}

	if (typeof value === 'boolean') {
		return value !== (name === 'history' || name === 'color');
	}

	return value !== undefined;
}

function rejectFlags(flags: Flags, names: ReadonlyArray<keyof Flags>, where: string): void {
	const wrong = names.find(name => isGiven(flags, name));
	if (wrong !== undefined) {
		throw new UsageError(`--${kebab(wrong)} does not apply to ${where}`);
	}
}

function number(name: string, text: string | undefined, {min, integer = false}: {min: number; integer?: boolean}): number | undefined {
	if (text === undefined) {
		return undefined;
	}

	const value = Number(text);
	if (text.trim() === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
		throw new UsageError(`--${name} takes ${integer ? 'a whole number' : 'a number'} of at least ${min}, not "${text}"`);
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
		subprotocol: flags.subprotocol,
		followRedirects: flags.followRedirects,
		insecure: flags.insecure,
		compress: flags.compress || flags.compressed,
		connectTimeout,
		...(origin === undefined ? {} : {origin}),
		...(flags.userAgent === undefined ? {} : {userAgent: flags.userAgent}),
		...(flags.auth === undefined ? {} : {auth: flags.auth}),
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

	const initialMessages = flags.initial === undefined
		? undefined
		: readFlagFile('-I/--initial', flags.initial).toString().split(/\r?\n/).filter(line => line !== '');
	return {
		reconnect: flags.reconnect,
		...(pingInterval === undefined ? {} : {pingInterval}),
		...(pingTimeout === undefined ? {} : {pingTimeout}),
		...(initialMessages === undefined ? {} : {initialMessages}),
	};
}

function executeMessages(flags: Flags): PipeMessage[] {
	return flags.execute.map(text => {
		if (text.startsWith('@@')) {
			return {data: text.slice(1), isBinary: flags.binary};
		}

		if (text.startsWith('@')) {
			const data = readFlagFile('-x', text.slice(1));
			return flags.binary ? {data, isBinary: true} : {data: data.toString(), isBinary: false};
		}

		return {data: text, isBinary: flags.binary};
	});
}

async function runServeMode(flags: Flags): Promise<number> {
	rejectFlags(flags, clientOnly, 'wsterm serve');
	if (cli.input.length > 1) {
		throw new UsageError(`unexpected argument "${cli.input[1]}" after serve`);
	}

	const [{serveOptionsFromFlags}, {runServe}] = await Promise.all([import('./serve-options.js'), import('./serve.js')]);
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
	return runServe(serveOptionsFromFlags(serveFlags), {stdout: process.stdout, stderr: process.stderr, signals: process});
}

async function runClient(flags: Flags): Promise<number> {
	rejectFlags(flags, serveOnly, 'a client connection (did you mean wsterm serve?)');
	if (cli.input.length > 1) {
		throw new UsageError(`unexpected argument "${cli.input[1]}": give one URL (quote it if it has spaces or &)`);
	}

	const count = number('count', flags.count, {min: 1, integer: true});
	const wait = flags.wait === '-1' ? -1 : number('wait', flags.wait, {min: 0});
	const scrollback = number('scrollback', flags.scrollback, {min: 1, integer: true}) ?? 10_000;
	const pipeFlagGiven = flags.execute.length > 0 || count !== undefined || wait !== undefined || flags.jsonl;
	const interactive = process.stdin.isTTY && process.stdout.isTTY && !pipeFlagGiven;
	const [url] = cli.input;
	if (url === undefined && !interactive) {
		throw new UsageError('a URL is needed when stdin or stdout is not a terminal: wsterm ws://host:port/path');
	}

	const connection = connectionOptions(flags);
	const built = url === undefined
		? undefined
		: await buildTarget(url, connectFlags(flags), path => readFlagFile('--ca/--cert/--key', path));

	if (interactive) {
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
		const {startSession} = await import('./session-start.js');
		const [started, {runInteractive}] = await Promise.all([
			startSession({target: built?.target, connection, scrollback, history: flags.history, notes: built?.notes ?? []}, io),
			import('./ui/run.js'),
		]);
		return runInteractive(started, io);
	}

	for (const note of built!.notes) {
		process.stderr.write(`wsterm: ${note}\n`);
	}

	const [{Connection}, {runPipe}] = await Promise.all([import('./connection.js'), import('./pipe.js')]);
	const execute = executeMessages(flags);
	return runPipe(new Connection(built!.target, connection), {
		binary: flags.binary,
		nullSeparated: flags.null,
		readStdin: execute.length === 0,
		execute,
		jsonl: flags.jsonl,
		verbose: flags.verbose,
		showControl: flags.showControl,
		...(count === undefined ? {} : {count}),
		...(wait === undefined ? {} : {wait}),
	}, {
		stdin: process.stdin,
		stdout: process.stdout,
		stderr: process.stderr,
		signals: process,
		now: () => Date.now(),
		setTimeout: (callback, ms) => setTimeout(callback, ms),
	});
}

async function main(): Promise<number> {
	const {flags} = cli;
	checkUnknownFlags();
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
