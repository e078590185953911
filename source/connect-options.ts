import {getProxyForUrl} from 'proxy-from-env';
import {UsageError} from './exit-codes.js';
import type {ClientOptions} from './ws.js';

/** The connection flags as the command line gave them; every mode that connects shares them. */
export type ConnectFlags = {
	readonly header: readonly string[];
	readonly cookie: readonly string[];
	readonly origin?: string;
	readonly subprotocol: readonly string[];
	readonly userAgent?: string;
	readonly auth?: string;
	readonly followRedirects: boolean;
	readonly insecure: boolean;
	readonly ca?: string;
	readonly cert?: string;
	readonly key?: string;
	readonly passphrase?: string;
	readonly proxy?: string;
	readonly compress: boolean;
	readonly connectTimeout: number;
	readonly maxPayload?: number;
};

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

	// "wss//host" and "ws:/host" would otherwise become hosts named wss and ws.
	const typo = /^(wss?|https?)(?:\/\/|:\/(?!\/))/i.exec(trimmed);
	if (typo !== null) {
		throw new UsageError(`${trimmed} lacks part of "${typo[1]!}://": did you mean ${typo[1]!}://${trimmed.slice(typo[0].length)} ?`);
	}

	const scheme = /^([a-z][a-z\d+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
	let text = trimmed;
	if (scheme === undefined) {
		text = `ws://${trimmed}`;
	} else if (scheme === 'http' || scheme === 'https') {
		text = `ws${scheme.slice(4)}${trimmed.slice(scheme.length)}`;
	} else if (scheme !== 'ws' && scheme !== 'wss') {
		throw new UsageError(`unsupported URL scheme "${scheme}:" in ${trimmed}: use ws://, wss://, http:// or https://`);
	}

	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new UsageError(`not a valid URL: ${trimmed}`);
	}

	if (url.hostname === '') {
		throw new UsageError(`the URL has no host: ${trimmed}`);
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

/** Splits `Name: value`; anything else is a usage error. */
export function parseHeader(text: string): [name: string, value: string] {
	const colon = text.indexOf(':');
	const name = colon > 0 ? text.slice(0, colon).trim() : '';
	if (name === '' || !/^[!#$%&'*+.^`|~\w-]+$/.test(name)) {
		throw new UsageError(`bad header "${text}": write it as "Name: value"`);
	}

	return [name, text.slice(colon + 1).trim()];
}

function proxyFor(url: URL, flags: ConnectFlags): string | undefined {
	if (flags.proxy !== undefined) {
		return flags.proxy;
	}

	// HTTPS_PROXY, HTTP_PROXY and NO_PROXY name proxies by the scheme of the upgrade request.
	const asHttp = new URL(url.href);
	asHttp.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
	const proxy = getProxyForUrl(asHttp.href);
	return proxy === '' ? undefined : proxy;
}

function parseProxy(text: string): URL {
	let proxy: URL;
	try {
		proxy = new URL(text.includes('://') ? text : `http://${text}`);
	} catch {
		throw new UsageError(`not a valid proxy URL: ${text}`);
	}

	if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
		throw new UsageError(`unsupported proxy scheme "${proxy.protocol}" in ${text}: use an http:// or https:// proxy`);
	}

	return proxy;
}

export type BuiltTarget = {
	readonly target: ConnectTarget;
	/** One-line notes for stderr (headers dropped, and so on). */
	readonly notes: readonly string[];
};

/**
Builds what ws needs from a URL and the connection flags. Throws UsageError for anything the
user must fix. The proxy library is loaded only when a proxy is used.
*/
export async function buildTarget(input: string, flags: ConnectFlags, readFile: ReadFile): Promise<BuiltTarget> {
	const url = normalizeUrl(input);
	const notes: string[] = [];
	const headers: Record<string, string> = {};
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
			headers[name] = value;
		}
	}

	if (dropped.length > 0) {
		notes.push(`ignoring ${dropped.join(', ')}: ws makes these handshake headers itself`);
	}

	cookies.push(...flags.cookie);
	if (cookies.length > 0) {
		headers.Cookie = cookies.join('; ');
	}

	if (flags.userAgent !== undefined) {
		headers['User-Agent'] = flags.userAgent;
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

	const options: ClientOptions = {
		headers,
		perMessageDeflate: flags.compress,
		handshakeTimeout: Math.round(flags.connectTimeout * 1000),
		followRedirects: flags.followRedirects,
		maxRedirects: flags.followRedirects ? 10 : 0,
		rejectUnauthorized: !flags.insecure,
		...(flags.maxPayload === undefined ? {} : {maxPayload: flags.maxPayload}),
		...(flags.origin === undefined ? {} : {origin: flags.origin}),
		...(flags.auth === undefined ? {} : {auth: flags.auth}),
		...(flags.ca === undefined ? {} : {ca: readFile(flags.ca)}),
		...(flags.cert === undefined ? {} : {cert: readFile(flags.cert)}),
		...(flags.key === undefined ? {} : {key: readFile(flags.key)}),
		...(flags.passphrase === undefined ? {} : {passphrase: flags.passphrase}),
	};

	if ((flags.cert === undefined) !== (flags.key === undefined)) {
		throw new UsageError('--cert and --key go together: give both or neither');
	}

	const proxyText = proxyFor(url, flags);
	let proxy: string | undefined;
	if (proxyText !== undefined) {
		const proxyUrl = parseProxy(proxyText);
		const {HttpsProxyAgent} = await import('https-proxy-agent');
		// CONNECT tunnels both ws:// and wss://; TLS options still reach the server's socket.
		options.agent = new HttpsProxyAgent(proxyUrl);
		proxy = displayUrl(proxyUrl);
	}

	return {
		target: {
			url: url.href,
			displayUrl: displayUrl(url),
			protocols,
			options,
			...(proxy === undefined ? {} : {proxy}),
		},
		notes,
	};
}
