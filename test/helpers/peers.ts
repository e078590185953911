/**
Peers that break the rules, for tests of what wsterm does when a server misbehaves: a silent peer,
a half-closer, one that sends invalid UTF-8 (in a message or a close reason), one that accepts and closes at once, an outage on
the same port and a late upgrade. All on 127.0.0.1, on a port the OS picks.
*/
import {createHash} from 'node:crypto';
import {once} from 'node:events';
import {createServer as createHttpServer, type Server as HttpServer} from 'node:http';
import {type AddressInfo, createServer, type Server, type Socket} from 'node:net';
import {echo, startServer, type TestServer} from './servers.js';

export type RawPeer = {
	readonly url: string;
	readonly port: number;
	/** Every TCP connection the peer accepted. */
	readonly sockets: readonly Socket[];
	close(): Promise<void>;
};

/** A frame as a server sends it (unmasked, final), with a payload under 126 bytes. */
export function serverFrame(opcode: number, payload: Buffer): Buffer {
	return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
}

/** A close frame with this code and reason. */
export function closeFrame(code: number, reason = ''): Buffer {
	const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
	payload.writeUInt16BE(code, 0);
	payload.write(reason, 2);
	return serverFrame(0x8, payload);
}

async function listen(server: Server | HttpServer, port = 0): Promise<number> {
	server.listen(port, '127.0.0.1');
	await once(server, 'listening');
	return (server.address() as AddressInfo).port;
}

/**
A raw TCP server that writes the 101 answer itself, then calls `afterUpgrade` with the socket and
otherwise never sends a byte, never answers a close, never closes.
*/
export async function startRawPeer(afterUpgrade: (socket: Socket) => void = () => undefined): Promise<RawPeer> {
	const sockets: Socket[] = [];
	// allowHalfOpen: our FIN does not make the peer close its side; only the test does.
	const server = createServer({allowHalfOpen: true}, socket => {
		sockets.push(socket);
		socket.on('error', () => undefined);
		let head = '';
		const onData = (chunk: Buffer): void => {
			head += chunk.toString('latin1');
			if (!head.includes('\r\n\r\n')) {
				return;
			}

			socket.off('data', onData);
			// Everything after the handshake is read and ignored.
			socket.resume();
			const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
			const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
			socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
			afterUpgrade(socket);
		};

		socket.on('data', onData);
	});
	const port = await listen(server);
	return {
		url: `ws://127.0.0.1:${port}/`,
		port,
		sockets,
		async close() {
			for (const socket of sockets) {
				socket.destroy();
			}

			await new Promise(resolve => {
				server.close(resolve);
			});
		},
	};
}

/** Completes the handshake, then is never heard from again. */
export async function startSilentPeer(): Promise<RawPeer> {
	return startRawPeer();
}

/** Sends a close frame but keeps TCP open (never ends, never answers). */
export async function startHalfCloser(code = 1000, reason = ''): Promise<RawPeer> {
	return startRawPeer(socket => {
		socket.write(closeFrame(code, reason));
	});
}

/** Sends a text message that is not UTF-8, then keeps TCP open. */
export async function startInvalidUtf8Peer(): Promise<RawPeer> {
	return startRawPeer(socket => {
		socket.write(serverFrame(0x1, Buffer.from([0xC3, 0x28])));
	});
}

/** Sends a close frame (1000) whose reason is not UTF-8, then keeps TCP open. */
export async function startInvalidCloseReasonPeer(): Promise<RawPeer> {
	return startRawPeer(socket => {
		socket.write(serverFrame(0x8, Buffer.from([0x03, 0xE8, 0xC3, 0x28])));
	});
}

/** Accepts every connection and closes it at once with `code`. */
export async function startAcceptThenClose(code = 4002, reason = 'go away'): Promise<TestServer> {
	return startServer({
		onConnection(socket) {
			socket.close(code, reason);
		},
	});
}

/** Answers the upgrade after `delay` milliseconds. */
export async function startLateUpgrade(delay = 1500): Promise<TestServer> {
	return startServer({upgradeDelay: delay});
}

export type OutagePeer = {
	readonly url: string;
	readonly port: number;
	/** Connections accepted, over every run of the server. */
	readonly connections: number;
	/** Text messages received, over every run. */
	readonly received: readonly string[];
	/** Kills the server and drops every client (an outage). */
	stop(): Promise<void>;
	/** Brings it back on the same port. */
	start(): Promise<void>;
	close(): Promise<void>;
};

/** An echo server that can go down and come back on the same port. */
export async function startOutagePeer(): Promise<OutagePeer> {
	let server: TestServer | undefined;
	let connections = 0;
	const received: string[] = [];
	const onConnection = (socket: Parameters<typeof echo>[0]): void => {
		connections++;
		socket.on('message', (data, isBinary) => {
			if (!isBinary) {
				received.push(String(data));
			}
		});
		echo(socket);
	};

	server = await startServer({onConnection});
	const {port} = server;
	return {
		url: server.url,
		port,
		get connections() {
			return connections;
		},
		received,
		async stop() {
			await server?.close();
			server = undefined;
		},
		async start() {
			server = await startServer({onConnection, port});
		},
		async close() {
			await server?.close();
			server = undefined;
		},
	};
}

/** An HTTP server that answers every CONNECT with `status` (a proxy that cannot reach the target). */
export async function startRefusingProxy(status = 502): Promise<{readonly url: string; readonly port: number; close(): Promise<void>}> {
	const server = createHttpServer();
	server.on('connect', (_request, socket: Socket) => {
		socket.end(`HTTP/1.1 ${status} Bad Gateway\r\nContent-Length: 0\r\n\r\n`);
	});
	const port = await listen(server);
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		async close() {
			server.closeAllConnections();
			await new Promise(resolve => {
				server.close(resolve);
			});
		},
	};
}

/** A port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
	const server = createServer();
	const port = await listen(server);
	await new Promise(resolve => {
		server.close(resolve);
	});
	return port;
}
