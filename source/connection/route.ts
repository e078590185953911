/*
The way to the server when it is not the URL's host and port: `--unix-socket PATH` (every
connection goes through the socket), `--connect-to HOST:PORT:HOST2:PORT2` and `--resolve
HOST:PORT:ADDR` (curl's flags). The URL still gives the Host header, the path, the scheme (wss://
means TLS, over the socket too), the TLS server name and the name the certificate is checked
against: only where the bytes go changes. ws takes it as its `createConnection` option, so every
mode that builds its target with buildTarget (the client, replay, bench) takes the same route.
Also the words for the route, proxies included (describeRoute): the status bar and -v show them.
*/
import {isIP, connect as netConnect, type NetConnectOpts, type Socket} from 'node:net';
import {checkServerIdentity, type ConnectionOptions, connect as tlsConnect, type PeerCertificate} from 'node:tls';
import {UsageError} from '../shared/exit-codes.js';
import type {ConnectFailure} from './connect-failure.js';

/** The route flags as the command line gave them. */
export type RouteFlags = {
	readonly unixSocket?: string | undefined;
	readonly resolve?: readonly string[] | undefined;
	readonly connectTo?: readonly string[] | undefined;
};

/** One --resolve or --connect-to: connections for host:port (undefined: any) go to toHost:toPort (undefined: unchanged). */
export type RouteRule = {
	readonly flag: '--resolve' | '--connect-to';
	readonly host: string | undefined;
	readonly port: number | undefined;
	readonly toHost: string | undefined;
	readonly toPort: number | undefined;
};

/** Where the bytes go instead of the URL's host and port. */
export type Route = {
	readonly unixSocket?: string;
	readonly rules: readonly RouteRule[];
};

/** A host as a socket takes it: no brackets around an IPv6 address, lower case. */
function bareHost(text: string): string {
	return (text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text).toLowerCase();
}

function portOf(flag: string, value: string, text: string, optional: boolean): number | undefined {
	if (text === '' && optional) {
		return undefined;
	}

	const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
	if (!(port >= 1 && port <= 65_535)) {
		throw new UsageError(`${flag} ${value}: "${text}" is not a port (1-65535)`);
	}

	return port;
}

// HOST (a name, or an IPv6 address in brackets), then ':' and the rest.
const hostThenRest = /^(\[[^\]]*\]|[^:[\]]*):(.*)$/;

/** `--resolve HOST:PORT:ADDR`: HOST may be `*` (any host); ADDR is an IP address, IPv6 in brackets. */
export function parseResolve(value: string): RouteRule {
	const flag = '--resolve';
	const [, host = '', rest = ''] = hostThenRest.exec(value) ?? [];
	const colon = rest.indexOf(':');
	if (host === '' || colon < 0) {
		throw new UsageError(`${flag} ${value}: write it as HOST:PORT:ADDRESS (e.g. example.com:443:127.0.0.1)`);
	}

	const port = portOf(flag, value, rest.slice(0, colon), false);
	const address = rest.slice(colon + 1);
	if (isIP(bareHost(address)) === 0) {
		throw new UsageError(`${flag} ${value}: "${address}" is not an IP address (e.g. 127.0.0.1, or [::1])`);
	}

	return {flag, host: host === '*' ? undefined : bareHost(host), port, toHost: bareHost(address), toPort: undefined};
}

/** `--connect-to HOST:PORT:HOST2:PORT2`, curl's: an empty HOST or PORT matches any, an empty HOST2 or PORT2 keeps the URL's. */
export function parseConnectTo(value: string): RouteRule {
	const flag = '--connect-to';
	const wrong = `${flag} ${value}: write it as HOST:PORT:HOST2:PORT2 (an empty part matches any, or keeps the URL's)`;
	const [, host, rest] = hostThenRest.exec(value) ?? [];
	const [, port, rest2] = /^(\d*):(.*)$/.exec(rest ?? '') ?? [];
	const [, toHost, toPort] = hostThenRest.exec(rest2 ?? '') ?? [];
	if (host === undefined || port === undefined || toHost === undefined || toPort === undefined || !/^\d*$/.test(toPort)) {
		throw new UsageError(wrong);
	}

	return {
		flag,
		host: host === '' ? undefined : bareHost(host),
		port: portOf(flag, value, port, true),
		toHost: toHost === '' ? undefined : bareHost(toHost),
		toPort: portOf(flag, value, toPort, true),
	};
}

/**
The route the flags ask for; undefined when they ask for none. A route names the way to the server
itself: with --proxy it is a usage error (and the proxies of the environment are not used).
*/
export function routeFromFlags(flags: RouteFlags & {readonly proxy?: string | undefined}): Route | undefined {
	const rules = [...(flags.connectTo ?? []).map(value => parseConnectTo(value)), ...(flags.resolve ?? []).map(value => parseResolve(value))];
	if (flags.unixSocket === '') {
		throw new UsageError('--unix-socket takes the path of a socket');
	}

	if (flags.unixSocket === undefined && rules.length === 0) {
		return undefined;
	}

	const route = {...(flags.unixSocket === undefined ? {} : {unixSocket: flags.unixSocket}), rules};
	if (flags.proxy !== undefined) {
		throw new UsageError(`${routeFlag(route)} and --proxy do not go together: ${routeFlag(route)} says where to connect, a proxy would decide it`);
	}

	return route;
}

/**
ws's URL for a unix socket, which `wsterm serve --unix-socket` prints: `ws+unix:PATH:/path`
(`wss+unix:` for TLS) is `--unix-socket PATH ws://localhost/path`. Undefined for any other URL.
*/
export function fromUnixSocketUrl(input: string): {readonly url: string; readonly unixSocket: string} | undefined {
	const match = /^(wss?)\+unix:([^:]+)(?::(.*))?$/i.exec(input.trim());
	if (match === null) {
		return undefined;
	}

	const [, scheme = 'ws', unixSocket = '', path = ''] = match;
	return {url: `${scheme.toLowerCase()}://localhost${path.startsWith('/') ? path : `/${path}`}`, unixSocket};
}

/** The other way round: `ws+unix:PATH:/path?query` for a ws:// or wss:// URL through the socket at PATH. */
export function toUnixSocketUrl(unixSocket: string, url: string): string {
	const {protocol, pathname, search} = new URL(url);
	return `${protocol.slice(0, -1)}+unix:${unixSocket}:${pathname}${search}`;
}

/** The flags with the socket a `ws+unix:` URL names; --unix-socket as well is one too many. */
export function unixSocketFromUrl<Flags extends RouteFlags>(unixSocket: string, flags: Flags): Flags {
	if (flags.unixSocket !== undefined) {
		throw new UsageError(`give the socket once: --unix-socket ${flags.unixSocket} or the URL's ${unixSocket}`);
	}

	return {...flags, unixSocket};
}

/** The flag that names the route, for error lines: `--unix-socket`, else the first rule's. */
export function routeFlag(route: Route): string {
	return route.unixSocket === undefined ? route.rules[0]?.flag ?? '--resolve' : '--unix-socket';
}

function matches(rule: RouteRule, host: string, port: number): boolean {
	return (rule.host === undefined || rule.host === host) && (rule.port === undefined || rule.port === port);
}

/** Where a connection for host:port goes: --connect-to first, then --resolve on its result (curl's order). */
export function destination(route: Route, host: string, port: number): {readonly host: string; readonly port: number; readonly rule?: RouteRule} {
	let target: {host: string; port: number; rule?: RouteRule} = {host: bareHost(host), port};
	const connectTo = route.rules.find(rule => rule.flag === '--connect-to' && matches(rule, target.host, target.port));
	if (connectTo !== undefined) {
		target = {host: connectTo.toHost ?? target.host, port: connectTo.toPort ?? target.port, rule: connectTo};
	}

	const resolve = route.rules.find(rule => rule.flag === '--resolve' && matches(rule, target.host, target.port));
	if (resolve !== undefined) {
		target = {...target, host: resolve.toHost!, rule: resolve};
	}

	return target;
}

/** The options ws hands its createConnection (those of http.request); only these are read here. */
type ConnectionRequest = {
	readonly host?: string | null | undefined;
	readonly port?: number | string | null | undefined;
	readonly defaultPort?: number | string | undefined;
	readonly servername?: string | undefined;
	readonly [option: string]: unknown;
};

/**
ws's `createConnection` for a route: the socket goes to the route's address (or the unix socket),
while TLS's server name and certificate check keep the URL's host.
*/
export function routeConnector(route: Route): (request: ConnectionRequest) => Socket {
	return request => {
		const host = bareHost(request.host ?? 'localhost');
		// ws sets defaultPort from the scheme (443 for wss://), on each redirect again.
		const secure = Number(request.defaultPort) === 443;
		const port = Number(request.port ?? request.defaultPort);
		const to = destination(route, host, port);
		// ws's options hold the request's path; for a socket, `path` is the unix socket's (or none).
		const where = route.unixSocket === undefined ? {host: to.host, port: to.port, path: undefined} : {path: route.unixSocket};
		if (!secure) {
			return netConnect({...request, ...where} as NetConnectOpts);
		}

		return tlsConnect({
			...request,
			...where,
			servername: request.servername ?? (isIP(host) === 0 ? host : ''),
			checkServerIdentity: (_name: string, cert: PeerCertificate) => checkServerIdentity(host, cert),
		} as ConnectionOptions);
	};
}

/** How a route or a proxy is shown: `via unix /run/app.sock`, `via 10.0.0.5 (--resolve)`, `via socks5 127.0.0.1:1080`. */
export function describeRoute(target: {readonly url: string; readonly route?: Route | undefined; readonly proxy?: string | undefined}): string | undefined {
	if (target.route?.unixSocket !== undefined) {
		return `via unix ${target.route.unixSocket}`;
	}

	if (target.route !== undefined) {
		const url = new URL(target.url);
		const port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
		const to = destination(target.route, url.hostname, port);
		const host = to.host.includes(':') ? `[${to.host}]` : to.host;
		return to.rule === undefined ? undefined : `via ${host}${to.port === port ? '' : `:${to.port}`} (${to.rule.flag})`;
	}

	return target.proxy === undefined ? undefined : describeProxy(target.proxy);
}

/** `via socks5 127.0.0.1:1080`, `via http proxy 127.0.0.1:8080`: the proxy URL's scheme and host, never its credentials. */
function describeProxy(proxyUrl: string): string {
	let proxy: URL;
	try {
		proxy = new URL(proxyUrl);
	} catch {
		return 'via a proxy';
	}

	const scheme = proxy.protocol.slice(0, -1);
	const port = proxy.port || (scheme === 'https' ? '443' : (scheme.startsWith('socks') ? '1080' : '80'));
	const kind = scheme === 'http' || scheme === 'https' ? `${scheme} proxy` : scheme;
	return `via ${kind} ${proxy.hostname}:${port}`;
}

/**
A failure on the way to a unix socket or to the address a rule chose, in its own words (the URL's
host:port would mislead); undefined for anything else, which the usual description covers.
*/
export function describeRouteError(error: NodeJS.ErrnoException, route: Route | undefined, url: URL): ConnectFailure | undefined {
	if (route === undefined) {
		return undefined;
	}

	const path = route.unixSocket;
	if (path === undefined) {
		return describeRuleError(error, route, url);
	}

	switch (error.code) {
		case 'ENOENT': {
			return {kind: 'refused', message: `no socket at ${path} (--unix-socket: is the server running?)`};
		}

		case 'ECONNREFUSED': {
			return {kind: 'refused', message: `connection refused by the socket ${path} (is a server listening on it?)`};
		}

		case 'EACCES': {
			return {kind: 'refused', message: `permission denied for the socket ${path}`};
		}

		case 'ENOTSOCK': {
			return {kind: 'refused', message: `${path} is not a socket (--unix-socket)`};
		}

		default: {
			return undefined;
		}
	}
}

/** Refused by, or no such host as, what --resolve or --connect-to chose: named, with the flag. */
function describeRuleError(error: NodeJS.ErrnoException, route: Route, url: URL): ConnectFailure | undefined {
	const port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
	const to = destination(route, url.hostname, port);
	if (to.rule === undefined) {
		return undefined;
	}

	const instead = `for ${url.hostname}:${port} by ${to.rule.flag}`;
	if (error.code === 'ECONNREFUSED') {
		const host = to.host.includes(':') ? `[${to.host}]` : to.host;
		return {kind: 'refused', message: `connection refused by ${host}:${to.port} (${instead}; is a server listening there?)`};
	}

	if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
		return {kind: 'dns', message: `host not found: ${to.host} (${instead})`};
	}

	return undefined;
}
