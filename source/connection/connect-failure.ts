import type {IncomingMessage} from 'node:http';
import {escapeControl} from '../shared/escape-text.js';
import {describeTlsError, isTlsError, plainToTlsHint} from './tls-failure.js';

/** Why a connection could not be made. */
export type ConnectFailureKind = 'dns' | 'refused' | 'reset' | 'tls' | 'http' | 'timeout' | 'handshake' | 'proxy' | 'other';

export type ConnectFailure = {
	readonly kind: ConnectFailureKind;
	/** One line saying what happened and what to try. */
	readonly message: string;
	/** The HTTP status when the server (or the proxy) answered with one. */
	readonly status?: number;
};

/**
A proxy agent's error when its tunnel could not be opened, with the failure already in words (a
SOCKS proxy's reply, which only the agent knows how to read).
*/
export class TunnelError extends Error {
	constructor(readonly failure: ConnectFailure) {
		super(failure.message);
	}
}

/*
The errors of a socket that goes beyond an open tunnel, to the server: the proxy agent
(proxy-agent.ts) marks them, so that a failure there, the server's TLS above all, is the server's
and not the proxy's, for whoever reads it (a connection or each of wsterm bench's sockets, which
share one agent and so cannot tell by its 'proxyConnect' which tunnel opened).
*/
const beyondTunnel = new WeakSet<Error>();

/** Marks every error `socket` raises as the server's: it runs through an open tunnel. */
export function markBeyondTunnel(socket: NodeJS.EventEmitter): void {
	// Before http's own listener, which hands the error on to the request and so to ws.
	socket.prependListener('error', (error: Error) => {
		beyondTunnel.add(error);
	});
}

/** `host:port` of a URL, with the scheme's default port. */
export function hostAndPort(url: URL): string {
	const port = url.port || (url.protocol === 'wss:' || url.protocol === 'https:' ? 443 : 80);
	return `${url.hostname}:${port}`;
}

/** The line for a connect timeout; the connection's own deadline and ws's say the same. */
export function timeoutFailure(url: URL, seconds?: number): ConnectFailure {
	const flag = seconds === undefined ? '--connect-timeout' : `--connect-timeout ${seconds}`;
	return {kind: 'timeout', message: `no answer from ${hostAndPort(url)} within the connect timeout (${flag})`};
}

/**
What went wrong on the way to the proxy: with a proxy, every socket error before the tunnel
stands is between wsterm and the proxy (the proxy answers for the server with an HTTP status).
*/
function describeProxyError(code: string, error: Error, proxy: URL): ConnectFailure {
	const where = `the proxy ${hostAndPort(proxy)}`;
	const check = ' (check --proxy, HTTPS_PROXY and HTTP_PROXY)';
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return {kind: 'proxy', message: `proxy host not found: ${proxy.hostname}${check}`};
	}

	if (code === 'ECONNREFUSED') {
		return {kind: 'proxy', message: `connection refused by ${where}${check}`};
	}

	if (code === 'ECONNRESET' || error.message === 'socket hang up') {
		return {kind: 'proxy', message: `${where} closed the connection before the tunnel was open`};
	}

	if (proxy.protocol === 'https:' && isTlsError(error)) {
		return {kind: 'proxy', message: describeProxyTlsError(error, where)};
	}

	return {kind: 'proxy', message: `${where}: ${code ? `${error.message} (${code})` : error.message}`};
}

/** TLS to an https:// proxy failed: its own certificate is checked by --proxy-ca and --proxy-insecure, not --ca and -k. */
function describeProxyTlsError(error: NodeJS.ErrnoException, where: string): string {
	if (/wrong version number|packet length too long/i.test(error.message)) {
		return `TLS handshake with ${where} failed: it does not speak TLS (try an http:// proxy URL)`;
	}

	const reason = escapeControl(/SSL routines:[^:]*:([^:\n]+)/.exec(error.message)?.[1] ?? error.message.split('\n')[0]!);
	return `TLS to ${where}: ${reason} (${error.code ?? 'TLS error'}); trust its certificate with --proxy-ca FILE, or skip verification with --proxy-insecure`;
}

/**
Classifies an error raised before the connection opened into one line for people. `proxy` is
given when the connection goes through one and its tunnel is not open yet.
*/
export function describeConnectError(error: NodeJS.ErrnoException, url: URL, proxy?: URL, sent: {readonly clientCertificate?: boolean} = {}): ConnectFailure {
	if (error instanceof TunnelError) {
		return error.failure;
	}

	const code = error.code ?? '';
	if (/handshake has timed out/i.test(error.message)) {
		return timeoutFailure(url);
	}

	// A SOCKS proxy's failures are TunnelErrors (above): any other error is after its tunnel opened;
	// so is one from the socket through an HTTP proxy's open tunnel (markBeyondTunnel).
	if (proxy !== undefined && !proxy.protocol.startsWith('socks') && !beyondTunnel.has(error)) {
		return describeProxyError(code, error, proxy);
	}

	const where = hostAndPort(url);
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return {kind: 'dns', message: `host not found: ${url.hostname} (check the spelling of the URL)`};
	}

	if (code === 'ECONNREFUSED') {
		return {kind: 'refused', message: `connection refused by ${where} (is a server listening there?)`};
	}

	// A TLS server meeting ws://'s plain HTTP request answers in TLS, or hangs up.
	const tlsServer = plainToTlsHint(error, url);
	if (tlsServer === 'answered') {
		return {kind: 'tls', message: `${where} answered in TLS, not HTTP (try wss:// instead of ws://)`};
	}

	if (code === 'ECONNRESET' || error.message === 'socket hang up') {
		// A server that checks client certificates after the TLS handshake (Node's, with TLS 1.2 or
		// 1.3) hangs up on one it does not trust, with no alert to name.
		const hint = tlsServer === 'maybe' ? ' (if it speaks TLS there, try wss://)'
			: url.protocol === 'wss:' && sent.clientCertificate === true ? ' (it may not accept the client certificate given with --cert)' : '';
		return {kind: 'reset', message: `${where} closed the connection during the handshake${hint}`};
	}

	if (isTlsError(error)) {
		return {kind: 'tls', message: describeTlsError(error, where, url.hostname)};
	}

	if (/subprotocol|Sec-WebSocket|extension|Invalid Upgrade|status code/i.test(error.message)) {
		return {kind: 'handshake', message: `handshake failed: ${error.message}`};
	}

	return {kind: 'other', message: code ? `${error.message} (${code})` : error.message};
}

function statusLine(status: number, text: string | undefined): string {
	return `HTTP ${status}${text ? ` ${text}` : ''}`;
}

/** The proxy refused to open the tunnel (its answer to CONNECT was not 200). */
export function describeProxyAnswer(status: number, statusText: string | undefined, proxy: URL, url: URL): ConnectFailure {
	const hint = status === 407
		? ' (the proxy wants credentials: put them in the proxy URL)'
		: (status === 502 || status === 504 ? ` (the proxy could not reach ${hostAndPort(url)})` : '');
	return {
		kind: 'proxy',
		status,
		message: `the proxy ${hostAndPort(proxy)} answered ${statusLine(status, statusText)} to CONNECT ${hostAndPort(url)}${hint}`,
	};
}

/** The server answered the upgrade with something other than 101. */
export function describeHttpAnswer(response: IncomingMessage): ConnectFailure {
	const status = response.statusCode ?? 0;
	let hint = '';
	if (status === 401 || status === 403) {
		hint = ' (check --auth, -H "Authorization: ...", --cookie or --origin)';
	} else if (status === 404) {
		hint = ' (check the path of the URL)';
	} else if (status >= 300 && status < 400) {
		hint = response.headers.location ? ` to ${response.headers.location} (add -L to follow redirects)` : ' (add -L to follow redirects)';
	} else if (status >= 200 && status < 300) {
		hint = ': this is not a WebSocket endpoint';
	}

	return {
		kind: 'http',
		status,
		message: `the server answered ${statusLine(status, response.statusMessage)} instead of switching to WebSocket${hint}`,
	};
}
