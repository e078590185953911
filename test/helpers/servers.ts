import {once} from 'node:events';
import {createServer, type IncomingMessage, type Server} from 'node:http';
import {createServer as createHttpsServer, type ServerOptions as HttpsServerOptions} from 'node:https';
import type {AddressInfo} from 'node:net';
import type {Duplex} from 'node:stream';
import {WebSocketServer, type WebSocket} from '../../source/connection/ws-library.js';

export type TestServer = {
	readonly url: string;
	readonly port: number;
	readonly wss: WebSocketServer;
	/** Request headers of each handshake, in order. */
	readonly requests: IncomingMessage[];
	close(): Promise<void>;
};

export type ServerBehaviour = {
	/** What to do with each connection (default: echo). */
	readonly onConnection?: (socket: WebSocket, request: IncomingMessage) => void;
	/** Milliseconds to wait before completing each upgrade. */
	readonly upgradeDelay?: number;
	/** Answer the upgrade with this HTTP status instead. */
	readonly rejectWith?: number;
	/** Serve wss://; the rest of the options ask for a client certificate, or hold TLS to a version. */
	readonly tls?: {readonly key: Buffer; readonly cert: Buffer} & Pick<HttpsServerOptions, 'requestCert' | 'rejectUnauthorized' | 'ca' | 'maxVersion'>;
	readonly handleProtocols?: (protocols: Set<string>) => string | false;
	/** Listen on this port (to come back on the same one); default: one the OS picks. */
	readonly port?: number;
};

export function echo(socket: WebSocket): void {
	socket.on('message', (data, isBinary) => {
		socket.send(data, {binary: isBinary});
	});
}

/** An echo server that keeps each text it receives in `received`, in order. */
export async function startRecordingEcho(): Promise<TestServer & {readonly received: string[]}> {
	const received: string[] = [];
	const server = await startServer({onConnection(socket) {
		socket.on('message', data => {
			received.push(data.toString());
			socket.send(data.toString());
		});
	}});
	return Object.assign(server, {received});
}

/** A real ws server on 127.0.0.1, on a port the OS picks. */
export async function startServer(behaviour: ServerBehaviour = {}): Promise<TestServer> {
	const server: Server = behaviour.tls === undefined ? createServer() : createHttpsServer(behaviour.tls);
	const wss = new WebSocketServer({
		noServer: true,
		...(behaviour.handleProtocols === undefined ? {} : {handleProtocols: behaviour.handleProtocols}),
	});
	const requests: IncomingMessage[] = [];
	const sockets = new Set<Duplex>();
	server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		requests.push(request);
		if (behaviour.rejectWith !== undefined) {
			socket.end(`HTTP/1.1 ${behaviour.rejectWith} Nope\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
			return;
		}

		const upgrade = (): void => {
			wss.handleUpgrade(request, socket, head, ws => {
				wss.emit('connection', ws, request);
			});
		};

		if (behaviour.upgradeDelay === undefined) {
			upgrade();
		} else {
			setTimeout(upgrade, behaviour.upgradeDelay);
		}
	});
	server.on('request', (_request, response) => {
		response.writeHead(404).end('not here\n');
	});
	wss.on('connection', (socket, request) => {
		(behaviour.onConnection ?? echo)(socket, request);
	});
	server.listen(behaviour.port ?? 0, '127.0.0.1');
	await once(server, 'listening');
	const {port} = server.address() as AddressInfo;
	return {
		url: `${behaviour.tls === undefined ? 'ws' : 'wss'}://127.0.0.1:${port}/`,
		port,
		wss,
		requests,
		async close() {
			for (const client of wss.clients) {
				client.terminate();
			}

			for (const socket of sockets) {
				socket.destroy();
			}

			server.closeAllConnections();
			await new Promise(resolve => {
				server.close(resolve);
			});
		},
	};
}

/**
A request/response server that takes its time: the nth message is answered `delays[n]`
milliseconds later (the last delay repeats), as `re: <message>`.
*/
export function slowReplier(delays: readonly number[]): (socket: WebSocket) => void {
	return socket => {
		let index = 0;
		socket.on('message', data => {
			const delay = delays[Math.min(index++, delays.length - 1)]!;
			setTimeout(() => {
				if (socket.readyState === socket.OPEN) {
					socket.send(`re: ${data.toString()}`);
				}
			}, delay);
		});
	};
}
