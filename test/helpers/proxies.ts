/*
Real proxies on 127.0.0.1 for the tests: a SOCKS5 server (@pondwader/socks5-server, with or
without a user and password), a small SOCKS4/4a server, and HTTP and HTTPS CONNECT proxies (the `proxy`
package, behind TLS for HTTPS). Each maps host names only it knows (`only-the-proxy.test`) to addresses, as
a proxy on another network resolves names the client cannot, and records where it was asked to go.
*/
import {once} from 'node:events';
import {createServer as createHttpServer, type Server as HttpServer} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import {type AddressInfo, connect, createServer, type Server, type Socket} from 'node:net';
import {createServer as createSocks5Server} from '@pondwader/socks5-server';
import {createProxy} from 'proxy';
import type {TestCertificate} from './tls.js';

/** A name only the test proxies can resolve. */
export const proxyOnlyHost = 'only-the-proxy.test';

export type TestProxy = {
	readonly url: string;
	readonly port: number;
	/** `host:port` of each tunnel asked for, as the client named it (a name or an address). */
	readonly destinations: readonly string[];
	close(): Promise<void>;
};

function resolveName(host: string): string {
	return host === proxyOnlyHost ? '127.0.0.1' : host;
}

async function listen(server: Server): Promise<number> {
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	return (server.address() as AddressInfo).port;
}

function closer(server: Server, ...socketSets: ReadonlyArray<Set<Socket>>): () => Promise<void> {
	return async () => {
		for (const socket of socketSets.flatMap(sockets => [...sockets])) {
			socket.destroy();
		}

		await new Promise(resolve => {
			server.close(resolve);
		});
	};
}

function tracked(server: Server): Set<Socket> {
	const sockets = new Set<Socket>();
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	return sockets;
}

/** A SOCKS5 server (RFC 1928), with RFC 1929 authentication when `auth` is given. */
export async function startSocks5Proxy(auth?: {readonly username: string; readonly password: string}): Promise<TestProxy> {
	const socks = createSocks5Server(auth === undefined ? {} : {auth});
	const destinations: string[] = [];
	const sockets = new Set<Socket>();
	socks.setConnectionHandler((connection, sendStatus) => {
		destinations.push(`${connection.destAddress}:${connection.destPort}`);
		const upstream = connect({host: resolveName(connection.destAddress), port: connection.destPort});
		sockets.add(upstream);
		upstream.on('error', () => {
			sendStatus('CONNECTION_REFUSED');
		});
		upstream.on('connect', () => {
			sendStatus('REQUEST_GRANTED');
			connection.socket.pipe(upstream).pipe(connection.socket);
		});
		connection.socket.on('error', () => upstream.destroy());
		connection.socket.on('close', () => upstream.destroy());
	});
	// The package keeps its net.Server private: the test listens on it as on any other.
	const server = (socks as unknown as {server: Server}).server;
	const connections = tracked(server);
	const port = await listen(server);
	const userInfo = auth === undefined ? '' : `${auth.username}:${auth.password}@`;
	return {url: `socks5://${userInfo}127.0.0.1:${port}`, port, destinations, close: closer(server, connections, sockets)};
}

/** Reads one SOCKS4 request (VN CD DSTPORT DSTIP USERID NUL [HOST NUL]), or undefined while incomplete. */
function socks4Request(bytes: Buffer): {readonly host: string; readonly port: number; readonly length: number} | undefined {
	const userEnd = bytes.indexOf(0, 8);
	if (bytes.length < 9 || userEnd === -1) {
		return undefined;
	}

	const port = bytes.readUInt16BE(2);
	const address = [...bytes.subarray(4, 8)].join('.');
	// SOCKS4a: an address 0.0.0.x (x not 0) says the host name follows the user id.
	if (address.startsWith('0.0.0.') && address !== '0.0.0.0') {
		const hostEnd = bytes.indexOf(0, userEnd + 1);
		return hostEnd === -1 ? undefined : {host: bytes.subarray(userEnd + 1, hostEnd).toString(), port, length: hostEnd + 1};
	}

	return {host: address, port, length: userEnd + 1};
}

/** A SOCKS4 and SOCKS4a server (connect only). */
export async function startSocks4Proxy(): Promise<TestProxy> {
	const destinations: string[] = [];
	const server = createServer(client => {
		let buffered = Buffer.alloc(0);
		client.on('error', () => undefined);
		const onData = (chunk: Buffer): void => {
			buffered = Buffer.concat([buffered, chunk]);
			const request = socks4Request(buffered);
			if (request === undefined) {
				return;
			}

			client.off('data', onData);
			destinations.push(`${request.host}:${request.port}`);
			const upstream = connect({host: resolveName(request.host), port: request.port});
			upstream.on('error', () => client.end(Buffer.from([0, 91, 0, 0, 0, 0, 0, 0])));
			upstream.on('connect', () => {
				client.write(Buffer.from([0, 90, 0, 0, 0, 0, 0, 0]));
				upstream.write(buffered.subarray(request.length));
				client.pipe(upstream).pipe(client);
			});
			client.on('close', () => upstream.destroy());
		};

		client.on('data', onData);
	});
	const sockets = tracked(server);
	const port = await listen(server);
	return {url: `socks4a://127.0.0.1:${port}`, port, destinations, close: closer(server, sockets)};
}

/** An HTTPS proxy: TLS with `certificate`, then the `proxy` package's CONNECT; `auth` (user:password) it requires. */
export async function startHttpsProxy(certificate: TestCertificate, auth?: string): Promise<TestProxy & {readonly authorizations: readonly string[]}> {
	return startConnectProxy(createHttpsServer({key: certificate.key, cert: certificate.cert}), 'https', auth);
}

/** A plain HTTP CONNECT proxy (the `proxy` package), without TLS to it. */
export async function startHttpProxy(): Promise<TestProxy & {readonly authorizations: readonly string[]}> {
	return startConnectProxy(createHttpServer(), 'http');
}

async function startConnectProxy(base: HttpServer, scheme: 'http' | 'https', auth?: string): Promise<TestProxy & {readonly authorizations: readonly string[]}> {
	const server = createProxy(base);
	const destinations: string[] = [];
	const authorizations: string[] = [];
	server.on('connect', (request: {url?: string; headers: Record<string, string | undefined>}) => {
		destinations.push(request.url ?? '');
		authorizations.push(request.headers['proxy-authorization'] ?? '');
	});
	if (auth !== undefined) {
		server.authenticate = request => request.headers['proxy-authorization'] === `Basic ${Buffer.from(auth).toString('base64')}`;
	}

	const sockets = tracked(server);
	const port = await listen(server);
	return {url: `${scheme}://127.0.0.1:${port}`, port, destinations, authorizations, close: closer(server, sockets)};
}
