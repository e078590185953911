import {UsageError} from '../shared/exit-codes.js';
import {
	fromUnixSocketUrl, type Route, type RouteFlags, routeConnector, routeFromFlags, unixSocketFromUrl,
} from './route.js';
import {createProxyAgent} from './proxy-agent.js';
import {type Environment, proxyFromEnvironment} from './proxy-environment.js';
import type {ClientOptions} from './ws-library.js';

/** The connection flags as the command line gave them; every mode that connects shares them. */
export type ConnectFlags = {
	readonly header: readonly string[];
	readonly cookie: readonly string[];
	readonly origin?: string | undefined;
	readonly subprotocol: readonly string[];
	readonly userAgent?: string | undefined;
	readonly auth?: string | undefined;
	readonly followRedirects: boolean;
	readonly insecure: boolean;
	readonly ca?: string | undefined;
	readonly cert?: string | undefined;
	readonly key?: string | undefined;
	readonly passphrase?: string | undefined;
	readonly proxy?: string | undefined;
	/** Trust this CA (PEM) for an https:// proxy's own certificate. */
	readonly proxyCa?: string | undefined;
	/** Do not check an https:// proxy's own certificate. */
	readonly proxyInsecure?: boolean | undefined;
	readonly compress: boolean;
	readonly connectTimeout: number;
	readonly maxPayload?: number | undefined;
} & RouteFlags;

/** Everything needed to open (and reopen) one WebSocket connection. */
export type ConnectTarget = {
	/** The URL handed to ws, credentials included. */
	readonly url: string;
	/** The URL to show people: no password. */
	readonly displayUrl: string;
	readonly protocols: readonly string[];
	readonly options: ClientOptions;
	/** The proxy in use, if any, without credentials. */
	readonly proxy?: string;
	/** --unix-socket, --resolve and --connect-to (route.ts), when given. */
	readonly route?: Route;
};

/** Reads a file named on the command line; a failure becomes a usage error naming the flag. */
export type ReadFile = (path: string) => Buffer;

/** Headers that ws must generate itself; a DevTools "Copy as cURL" command carries them. */
const handshakeHeaders = new Set([
	'sec-websocket-key',
	'sec-websocket-version',
	'sec-websocket-extensions',
	'sec-websocket-accept',
	'connection',
	'upgrade',
]);

/**
Turns what a user typed into a WebSocket URL: `http(s)` becomes `ws(s)`, no scheme means `ws://`.
A fragment is dropped, as browsers do.
*/
export function normalizeUrl(input: string): URL {
	const trimmed = input.trim();
	if (trimmed === '') {
		throw new UsageError('the URL is empty');
	}

	// Error lines show the input without its password.
	const shown = redactCredentials(trimmed);
	// "wss//host" and "ws:/host" would otherwise become hosts named wss and ws.
	const typo = /^(wss?|https?)(?:\/\/|:\/(?!\/))/i.exec(trimmed);
	if (typo !== null) {
		throw new UsageError(`${shown} lacks part of "${typo[1]!}://": did you mean ${typo[1]!}://${shown.slice(typo[0].length)} ?`);
	}

	const scheme = /^([a-z][a-z\d+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
	let text = trimmed;
	if (scheme === undefined) {
		text = `ws://${trimmed}`;
	} else if (scheme === 'http' || scheme === 'https') {
		text = `ws${scheme.slice(4)}${trimmed.slice(scheme.length)}`;
	} else if (scheme !== 'ws' && scheme !== 'wss') {
		throw new UsageError(`unsupported URL scheme "${scheme}:" in ${shown}: use ws://, wss://, http:// or https://`);
	}

	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new UsageError(`not a valid URL: ${shown}`);
	}

	if (url.hostname === '') {
		throw new UsageError(`the URL has no host: ${shown}`);
	}

	url.hash = '';
	return url;
}

/** The URL without its password, for status lines and messages. */
export function displayUrl(url: URL): string {
	if (url.password === '') {
		return url.href;
	}

	const shown = new URL(url.href);
	shown.password = '***';
	return shown.href;
}

/** Splits `Name: value`; anything else, or a value HTTP cannot carry, is a usage error. */
export function parseHeader(text: string): [name: string, value: string] {
	const colon = text.indexOf(':');
	const name = colon > 0 ? text.slice(0, colon).trim() : '';
	if (name === '' || !/^[!#$%&'*+.^`|~\w-]+$/.test(name)) {
		throw new UsageError(`bad header "${escapeForError(text)}": write it as "Name: value"`);
	}

	const value = text.slice(colon + 1).trim();
	checkHeaderValue(`header ${name}`, value);
	return [name, value];
}

/** A header value may hold any text but control characters (C0 but tab, DEL, C1): those would end or bend the header. */
function checkHeaderValue(what: string, value: string): void {
	if (/[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/.test(value)) {
		throw new UsageError(`bad value for ${what}: "${escapeForError(value)}" has a control character`);
	}
}

/**
A header value as its UTF-8 bytes, as curl sends what was typed: Node's HTTP client writes header
strings one character a byte (Latin-1), so each byte of the UTF-8 becomes one character. One rule
for every non-ASCII value: `Zoë` and `東京` alike go as UTF-8 (never `ë` as the Latin-1 byte 0xEB).
*/
function utf8Bytes(value: string): string {
	return /^[\u0000-\u007F]*$/.test(value) ? value : Buffer.from(value).toString('latin1');
}

/** Control characters made visible in an error line. */
function escapeForError(text: string): string {
	return text.replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, character => `\\x${character.codePointAt(0)!.toString(16).padStart(2, '0')}`);
}

/**
The password of anything URL-like in `text` replaced with `***`, for error lines about input that
is not (yet) a valid URL: `wss//user:pw@host`, `ftp://user:pw@host`.
*/
export function redactCredentials(text: string): string {
	return text.replace(/^([^@\s]*?\/\/|[a-z][a-z\d+.-]*:\/?)?([^/@\s:]*):[^/@\s]*@/i, '$1$2:***@');
}

/** The proxy for `url`: --proxy, else the environment's (proxy-environment.ts); undefined for none (`--proxy ''`, as curl). */
function proxyFor(url: URL, flags: ConnectFlags, env: Environment): URL | undefined {
	if (flags.proxy !== undefined) {
		return flags.proxy.trim() === '' ? undefined : parseProxy(flags.proxy, '--proxy');
	}

	const named = proxyFromEnvironment(url, env);
	return named === undefined ? undefined : parseProxy(named.proxy, named.variable);
}

/** The proxy schemes wsterm speaks: a socks5:// proxy is given addresses, a socks5h:// one names. */
const proxySchemes = new Set(['http:', 'https:', 'socks5:', 'socks5h:', 'socks4:', 'socks4a:']);

/** A proxy URL; no scheme means http://, as curl reads it. `from` says where it came from, for error lines. */
export function parseProxy(text: string, from = '--proxy'): URL {
	let proxy: URL;
	try {
		proxy = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(text) ? text : `http://${text}`);
	} catch {
		throw new UsageError(`not a valid proxy URL (${from}): ${redactCredentials(text)}`);
	}

	if (proxy.protocol === 'socks:') {
		throw new UsageError(`socks:// does not say which SOCKS (${from}): give socks5h:// (the proxy resolves names), socks5://, socks4a:// or socks4://`);
	}

	if (!proxySchemes.has(proxy.protocol)) {
		throw new UsageError(`unsupported proxy scheme "${proxy.protocol}" in ${displayUrl(proxy)} (${from}): use http://, https://, socks5://, socks5h://, socks4:// or socks4a://`);
	}

	if (proxy.hostname === '') {
		throw new UsageError(`the proxy URL has no host: ${displayUrl(proxy)} (${from})`);
	}

	return proxy;
}

/** A CA file given by `flag`, checked now: one that is not PEM certificates is the user's to fix (exit 2). */
async function readCa(flag: string, path: string, readFile: ReadFile): Promise<Buffer> {
	const {X509Certificate} = await import('node:crypto');
	const ca = readFile(path);
	const blocks = ca.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
	if (blocks.length === 0) {
		throw new UsageError(`${flag} ${path}: not a PEM certificate (no "-----BEGIN CERTIFICATE-----" in it)`);
	}

	for (const block of blocks) {
		try {
			// eslint-disable-next-line no-new
			new X509Certificate(block);
		} catch (error) {
			throw new UsageError(`${flag} ${path}: not a readable certificate (${(error as Error).message})`);
		}
	}

	return ca;
}

type TlsFiles = Pick<ClientOptions, 'ca' | 'cert' | 'key' | 'passphrase'>;

/**
Reads --ca, --cert and --key and checks them now: a file that is not PEM, a wrong passphrase or a
certificate that does not match its key is the user's to fix (exit 2), not a failed TLS handshake.
*/
async function readTlsFiles(flags: ConnectFlags, readFile: ReadFile): Promise<TlsFiles> {
	if ((flags.cert === undefined) !== (flags.key === undefined)) {
		throw new UsageError('--cert and --key go together: give both or neither');
	}

	if (flags.ca === undefined && flags.cert === undefined) {
		return flags.passphrase === undefined ? {} : {passphrase: flags.passphrase};
	}

	const {createSecureContext} = await import('node:tls');
	const files: {ca?: Buffer; cert?: Buffer; key?: Buffer; passphrase?: string} = {};
	if (flags.ca !== undefined) {
		files.ca = await readCa('--ca', flags.ca, readFile);
	}

	if (flags.cert !== undefined && flags.key !== undefined) {
		files.cert = readFile(flags.cert);
		files.key = readFile(flags.key);
	}

	if (flags.passphrase !== undefined) {
		files.passphrase = flags.passphrase;
	}

	if (files.cert !== undefined) {
		try {
			createSecureContext({cert: files.cert, key: files.key, passphrase: files.passphrase ?? ''});
		} catch (error) {
			throw new UsageError(tlsFileProblem(error as Error, flags));
		}
	}

	return files;
}

function tlsFileProblem(error: Error, flags: ConnectFlags): string {
	const text = `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`;
	if (/bad decrypt|bad password|BAD_DECRYPT/i.test(text)) {
		return flags.passphrase === undefined
			? `--key ${flags.key!} is encrypted: give its --passphrase`
			: `--passphrase does not decrypt --key ${flags.key!}`;
	}

	if (/mismatch/i.test(text)) {
		return `--cert ${flags.cert!} and --key ${flags.key!} do not belong together (the key does not match the certificate)`;
	}

	return `--cert ${flags.cert!} / --key ${flags.key!}: not a usable PEM certificate and key (${error.message})`;
}

/** The agent through `proxy`, with --proxy-ca read for an https:// proxy. */
async function proxyAgent(proxy: URL, flags: ConnectFlags, readFile: ReadFile): Promise<ClientOptions['agent']> {
	const ca = flags.proxyCa === undefined || proxy.protocol !== 'https:' ? undefined : await readCa('--proxy-ca', flags.proxyCa, readFile);
	return createProxyAgent(proxy, {ca, rejectUnauthorized: flags.proxyInsecure !== true});
}

/** --proxy-ca and --proxy-insecure concern an https:// proxy: given without one, a note says they did nothing. */
function proxyTlsNotes(proxy: URL | undefined, flags: ConnectFlags): string[] {
	const given = [flags.proxyCa === undefined ? '' : '--proxy-ca', flags.proxyInsecure === true ? '--proxy-insecure' : ''].filter(Boolean);
	if (given.length === 0 || proxy?.protocol === 'https:') {
		return [];
	}

	const why = proxy === undefined ? 'no proxy is used' : `${displayUrl(proxy)} is not one`;
	return [`ignoring ${given.join(' and ')}: ${given.length > 1 ? 'they are' : 'it is'} for an https:// proxy, and ${why}`];
}

export type BuiltTarget = {
	readonly target: ConnectTarget;
	/** One-line notes for stderr (headers dropped, and so on). */
	readonly notes: readonly string[];
};

/**
Builds what ws needs from a URL and the connection flags. Throws UsageError for anything the
user must fix. The proxy comes from --proxy, else from `env` (the process's environment; a test's
or none by default); its library is loaded only when a proxy is used.
*/
export async function buildTarget(input: string, flags: ConnectFlags, readFile: ReadFile, env: Environment = {}): Promise<BuiltTarget> {
	// `ws+unix:PATH:/path` (what serve --unix-socket prints) is --unix-socket PATH ws://localhost/path.
	const unixUrl = fromUnixSocketUrl(input);
	const url = normalizeUrl(unixUrl?.url ?? input);
	const notes: string[] = [];
	// Repeated names send every value, each on its own line, under the first spelling given.
	const headers: Record<string, string[]> = {};
	const spelling = new Map<string, string>();
	const protocols: string[] = [...flags.subprotocol];
	const cookies: string[] = [];
	const dropped: string[] = [];

	for (const text of flags.header) {
		const [name, value] = parseHeader(text);
		const lower = name.toLowerCase();
		if (lower === 'sec-websocket-protocol') {
			protocols.push(...value.split(',').map(protocol => protocol.trim()).filter(Boolean));
		} else if (handshakeHeaders.has(lower)) {
			dropped.push(name);
		} else if (lower === 'cookie') {
			cookies.push(value);
		} else {
			const key = spelling.get(lower) ?? name;
			spelling.set(lower, key);
			(headers[key] ??= []).push(utf8Bytes(value));
		}
	}

	if (dropped.length > 0) {
		notes.push(`ignoring ${dropped.join(', ')}: ws makes these handshake headers itself`);
	}

	for (const cookie of flags.cookie) {
		checkHeaderValue('-b/--cookie', cookie);
	}

	cookies.push(...flags.cookie);
	if (cookies.length > 0) {
		headers.Cookie = [utf8Bytes(cookies.join('; '))];
	}

	if (flags.userAgent !== undefined) {
		checkHeaderValue('-A/--user-agent', flags.userAgent);
		headers['User-Agent'] = [utf8Bytes(flags.userAgent)];
	}

	const seen = new Set<string>();
	for (const protocol of protocols) {
		if (!/^[!#$%&'*+.^`|~\w-]+$/.test(protocol)) {
			throw new UsageError(`bad subprotocol "${protocol}": a subprotocol is one token, no spaces or commas`);
		}

		if (seen.has(protocol)) {
			throw new UsageError(`subprotocol "${protocol}" is given twice`);
		}

		seen.add(protocol);
	}

	if (flags.auth !== undefined && !flags.auth.includes(':')) {
		throw new UsageError('--auth takes user:password');
	}

	if (flags.origin !== undefined) {
		checkHeaderValue('-o/--origin', flags.origin);
	}

	const tlsFiles = await readTlsFiles(flags, readFile);
	const options: ClientOptions = {
		// Node's HTTP client sends an array as one header line per value; ws's types say string only.
		headers: headers as unknown as Record<string, string>,
		perMessageDeflate: flags.compress,
		handshakeTimeout: Math.round(flags.connectTimeout * 1000),
		followRedirects: flags.followRedirects,
		maxRedirects: flags.followRedirects ? 10 : 0,
		rejectUnauthorized: !flags.insecure,
		...(flags.maxPayload === undefined ? {} : {maxPayload: flags.maxPayload}),
		...(flags.origin === undefined ? {} : {origin: utf8Bytes(flags.origin)}),
		...(flags.auth === undefined ? {} : {auth: flags.auth}),
		...tlsFiles,
	};

	// A route (route.ts) says where to connect: no proxy then, not even the environment's.
	const route = routeFromFlags(unixUrl === undefined ? flags : unixSocketFromUrl(unixUrl.unixSocket, flags));
	if (route !== undefined) {
		options.createConnection = routeConnector(route) as unknown as ClientOptions['createConnection'];
	}

	const proxyUrl = route === undefined ? proxyFor(url, flags, env) : undefined;
	if (proxyUrl !== undefined) {
		options.agent = await proxyAgent(proxyUrl, flags, readFile);
	}

	notes.push(...proxyTlsNotes(proxyUrl, flags));
	const proxy = proxyUrl === undefined ? undefined : displayUrl(proxyUrl);
	return {
		target: {
			url: url.href,
			displayUrl: displayUrl(url),
			protocols,
			options,
			...(proxy === undefined ? {} : {proxy}),
			...(route === undefined ? {} : {route}),
		},
		notes,
	};
}
