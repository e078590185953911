import {UsageError} from '../shared/exit-codes.js';
import type {ServeOptions} from '../serve/run.js';

/** The serve flags as the command line gave them (meow's values, unchecked). */
export type ServeFlags = {
	readonly port?: string;
	readonly host?: string;
	readonly path?: string;
	readonly broadcast: boolean;
	readonly subprotocol: readonly string[];
	readonly origin: readonly string[];
	readonly tlsCert?: string;
	readonly tlsKey?: string;
	readonly compress: boolean;
	readonly maxPayload?: string;
	readonly maxConnections?: string;
	readonly pingInterval?: string;
	readonly verbose: boolean;
};

/** What `wsterm serve` does with no flags; the interactive mode's built-in server starts from it too. */
export const defaultServeOptions: ServeOptions = {
	port: 8080,
	host: '127.0.0.1',
	path: '/',
	broadcast: false,
	subprotocols: [],
	origins: [],
	compress: false,
	maxPayload: 16 * 1024 * 1024,
	pingIntervalMs: 30_000,
	verbose: false,
};

// RFC 7230 token characters: what a Sec-WebSocket-Protocol value may hold.
const token = /^[!#$%&'*+\-.^_`|~\dA-Za-z]+$/;

function wholeNumber(flag: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
	if (text === undefined) {
		return undefined;
	}

	const value = Number(text);
	// A strict pattern: Number() would also take '', ' 8', '1e3' and '0x50'.
	if (!/^\d+$/.test(text) || value < min || value > max) {
		const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
		throw new UsageError(`--${flag} takes a whole number ${range}, not "${text}"`);
	}

	return value;
}

function seconds(flag: string, text: string | undefined): number | undefined {
	if (text === undefined) {
		return undefined;
	}

	const value = Number(text);
	if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text.trim()) || !Number.isFinite(value)) {
		throw new UsageError(`--${flag} takes a number of seconds (0 or more), not "${text}"`);
	}

	return value * 1000;
}

/** `--origin` values compare against the Origin header, which browsers send as a bare serialized origin. */
function origin(text: string): string {
	// Pages opened from files and sandboxed frames send the literal `null`.
	if (text === 'null') {
		return text;
	}

	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {}

	if (url === undefined || url.origin === 'null') {
		throw new UsageError(`--origin takes an origin such as http://localhost:3000, not "${text}"`);
	}

	return url.origin;
}

function subprotocol(text: string): string {
	if (!token.test(text)) {
		throw new UsageError(`--subprotocol "${text}" is not a valid subprotocol name (letters, digits and !#$%&'*+-.^_\`|~)`);
	}

	return text;
}

/** Checks the serve flags and fills in defaults. Throws UsageError with one line saying what is wrong. */
export function serveOptionsFromFlags(flags: ServeFlags): ServeOptions {
	const host = flags.host ?? defaultServeOptions.host;
	if (host.trim() === '' || /[\s/]/.test(host)) {
		throw new UsageError(`--host takes an address or host name such as 127.0.0.1 or 0.0.0.0, not "${host}"`);
	}

	const path = flags.path ?? defaultServeOptions.path;
	if (!path.startsWith('/') || /[?#\s]/.test(path)) {
		throw new UsageError(`--path takes a path starting with "/" (no query, no spaces), not "${path}"`);
	}

	if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
		throw new UsageError(`${flags.tlsCert === undefined ? '--tls-key needs --tls-cert' : '--tls-cert needs --tls-key'}: give both to serve wss://`);
	}

	const maxConnections = wholeNumber('max-connections', flags.maxConnections, 1);
	return {
		port: wholeNumber('port', flags.port, 0, 65_535) ?? defaultServeOptions.port,
		host,
		path,
		broadcast: flags.broadcast,
		subprotocols: [...new Set(flags.subprotocol.map(subprotocol))],
		origins: [...new Set(flags.origin.map(origin))],
		compress: flags.compress,
		maxPayload: wholeNumber('max-payload', flags.maxPayload, 1) ?? defaultServeOptions.maxPayload,
		pingIntervalMs: seconds('ping-interval', flags.pingInterval) ?? defaultServeOptions.pingIntervalMs,
		verbose: flags.verbose,
		...(maxConnections === undefined ? {} : {maxConnections}),
		...(flags.tlsCert === undefined || flags.tlsKey === undefined ? {} : {tls: {certPath: flags.tlsCert, keyPath: flags.tlsKey}}),
	};
}
