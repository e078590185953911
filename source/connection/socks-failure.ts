/*
A failed SOCKS handshake in one line that names the proxy and its reply (RFC 1928 section 6 for
SOCKS5, the SOCKS4 protocol's codes 91-93), never the password. The socks package says what went
wrong in its error messages only (its socket errors lose their code), so they are read here.
*/
import {escapeControl} from '../shared/escape-text.js';
import type {ConnectFailure} from './connect-failure.js';

/** SOCKS5's replies (RFC 1928 section 6) by the names the socks package gives them. */
const socks5Replies = new Map([
	['Failure', 'general SOCKS server failure'],
	['NotAllowed', 'connection not allowed by ruleset'],
	['NetworkUnreachable', 'network unreachable'],
	['HostUnreachable', 'host unreachable'],
	['ConnectionRefused', 'connection refused'],
	['TTLExpired', 'TTL expired'],
	['CommandNotSupported', 'command not supported'],
	['AddressNotSupported', 'address type not supported'],
]);

/** SOCKS4's replies 91-93. */
const socks4Replies = new Map([
	['Failed', 'request rejected or failed'],
	['Rejected', 'request rejected or failed'],
	['RejectedIdent', 'request rejected: the proxy could not check the user with identd'],
]);

/** Where the tunnel was to go: the server's host and port, as ws asked the agent for them. */
export type TunnelEnd = {
	readonly host: string;
	readonly port: number;
};

/** The code of a socket error, which the socks package keeps only in the message ("connect ECONNREFUSED 127.0.0.1:1080"). */
function errorCode(error: NodeJS.ErrnoException): string {
	return error.code ?? /\b(E[A-Z]{3,}|EAI_[A-Z]+)\b/.exec(error.message)?.[1] ?? '';
}

/** Why the SOCKS proxy `proxy` opened no tunnel to the server. */
export function describeSocksError(error: NodeJS.ErrnoException & {readonly hostname?: string}, proxy: URL, server: TunnelEnd): ConnectFailure {
	const version = proxy.protocol.startsWith('socks4') ? 'SOCKS4' : 'SOCKS5';
	// RFC 1928: the SOCKS service is conventionally on TCP port 1080.
	const where = `the ${version} proxy ${proxy.hostname}:${proxy.port || 1080}`;
	const target = `${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
	const code = errorCode(error);
	const message = escapeControl(error.message);
	// A lookup error with its code is wsterm's own lookup of the server's name (the proxy's fails inside socks, without one).
	if (error.code !== undefined && (code === 'ENOTFOUND' || code === 'EAI_AGAIN') && error.hostname !== proxy.hostname) {
		const remote = version === 'SOCKS5' ? 'socks5h://' : 'socks4a://';
		return {kind: 'dns', message: `host not found: ${escapeControl(server.host)} (${proxy.protocol}// proxies get addresses looked up here: with ${remote} the proxy looks the name up)`};
	}

	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return {kind: 'proxy', message: `proxy host not found: ${proxy.hostname} (check --proxy and ALL_PROXY)`};
	}

	if (code === 'ECONNREFUSED') {
		return {kind: 'proxy', message: `connection refused by ${where} (check --proxy and ALL_PROXY)`};
	}

	if (/Authentication failed/i.test(message)) {
		return {kind: 'proxy', message: `${where} refused the user name and password of the proxy URL`};
	}

	if (/no accepted authentication type/i.test(message)) {
		const hint = proxy.username === '' ? ': put user:password@ in the proxy URL' : '';
		return {kind: 'proxy', message: `${where} accepts none of the authentication methods offered${hint}`};
	}

	const reply = /rejected connection - \(?(\w+)\)?/i.exec(message)?.[1];
	if (reply !== undefined) {
		const text = (version === 'SOCKS5' ? socks5Replies : socks4Replies).get(reply) ?? reply;
		return {kind: 'proxy', message: `${where} answered "${text}" to CONNECT ${target}`};
	}

	if (code === 'ECONNRESET' || /Socket closed/i.test(message)) {
		return {kind: 'proxy', message: `${where} closed the connection before the tunnel was open`};
	}

	return {kind: 'proxy', message: `${where}: ${message}`};
}
