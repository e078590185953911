/*
The proxy a connection goes through, as an http.Agent for ws: the one choice of agent for every
mode that connects (the client, wsterm replay and wsterm bench all take it from buildTarget).
http:// and https:// proxies tunnel with CONNECT (https-proxy-agent: TLS to an https:// proxy,
checked against --proxy-ca, or not with --proxy-insecure); socks5://, socks5h://, socks4:// and
socks4a:// through socks-proxy-agent, whose failures are put in words here (socks-failure.ts).
Each package is loaded with import() when a proxy of its kind is used, so a run without a proxy
loads neither (a static import would be hoisted into the bundle's start: scripts/bundle-cli.ts).
Through every kind, the server's certificate beyond the tunnel is checked against the URL's host
(checkUrlHost), as without a proxy.
*/
import type {Agent, ClientRequest} from 'node:http';
import type {Socket} from 'node:net';
import {checkServerIdentity, type PeerCertificate} from 'node:tls';
import {markBeyondTunnel, TunnelError} from './connect-failure.js';
import {describeSocksError} from './socks-failure.js';

/** Whether the proxy is a SOCKS proxy (any version). */
export function isSocksProxy(proxy: URL): boolean {
	return proxy.protocol.startsWith('socks');
}

/** How wsterm checks an https:// proxy's own certificate (--proxy-ca, --proxy-insecure). */
export type ProxyTls = {
	readonly ca?: Buffer | undefined;
	readonly rejectUnauthorized: boolean;
};

/** The agent that takes a connection through `proxy`. */
export async function createProxyAgent(proxy: URL, tls: ProxyTls): Promise<Agent> {
	if (isSocksProxy(proxy)) {
		const {SocksProxyAgent} = await import('socks-proxy-agent');
		return checkUrlHost(socksAgent(new SocksProxyAgent(proxy), proxy));
	}

	const {HttpsProxyAgent} = await import('https-proxy-agent');
	// CONNECT tunnels both ws:// and wss://; the server's TLS options reach its socket through ws.
	return checkUrlHost(proxy.protocol === 'https:'
		? new HttpsProxyAgent(proxy, {rejectUnauthorized: tls.rejectUnauthorized, ...(tls.ca === undefined ? {} : {ca: tls.ca})})
		: new HttpsProxyAgent(proxy));
}

type SocksProxyAgent = import('socks-proxy-agent').SocksProxyAgent;
type ConnectOptions = Parameters<SocksProxyAgent['connect']>[1];
type TunnelAgent = Agent & {connect(request: ClientRequest, options: ConnectOptions): Promise<Socket>};

/**
The agent's connect, made to check the server's certificate against the host of the URL (ws's
`host`, the redirect's on a redirect). Both packages start TLS on the tunnel without a `host`,
and, when that host is an IP address, rightly without a server name (SNI carries no address):
Node then checked the certificate against 'localhost', so that a certificate for localhost passed
for wss://127.0.0.2 and a wrong one was said to be "not for localhost". The server name sent is
left as the packages set it. The socket through the open tunnel has its errors marked as the
server's (markBeyondTunnel).
*/
function checkUrlHost<A extends TunnelAgent>(agent: A): A {
	const connect = agent.connect.bind(agent);
	agent.connect = async (request: ClientRequest, options: ConnectOptions) => {
		const socket = await connect(request, options.secureEndpoint ? withUrlHostChecked(options) : options);
		markBeyondTunnel(socket);
		return socket;
	};

	return agent;
}

/** TLS options whose certificate check is for `options.host`, the URL's (ws gives an IPv6 address without brackets). */
function withUrlHostChecked(options: Extract<ConnectOptions, {secureEndpoint: true}>): ConnectOptions {
	if (typeof options.host !== 'string' || options.host === '') {
		return options;
	}

	const host = options.host.replace(/^\[|\]$/g, '');
	const check = options.checkServerIdentity ?? checkServerIdentity;
	return {...options, checkServerIdentity: (_name: string, cert: PeerCertificate) => check(host, cert)};
}

/**
The SOCKS agent, its connect wrapped: a failed handshake becomes a TunnelError that names the
proxy and its reply, and an open tunnel is announced as HTTP proxies announce theirs (a
'proxyConnect' answer of 200), so that later errors (the server's TLS) are the server's.
*/
function socksAgent(agent: SocksProxyAgent, proxy: URL): SocksProxyAgent {
	const connect = agent.connect.bind(agent);
	agent.connect = async (request: ClientRequest, options: Parameters<SocksProxyAgent['connect']>[1]) => {
		try {
			const socket = await connect(request, options);
			agent.emit('proxyConnect', {statusCode: 200});
			return socket;
		} catch (error) {
			throw new TunnelError(describeSocksError(error as NodeJS.ErrnoException, proxy, {host: options.host ?? '', port: Number(options.port)}));
		}
	};

	return agent;
}
