/*
The server behind `wsterm serve` and the interactive mode's built-in echo server: echo or
broadcast over ws, with the handshake checks (path, origin, connection limit, subprotocol), a
heartbeat, a handshake timeout and backpressure. It prints nothing itself; events go to `log`.
This file listens, keeps the set of clients and shuts down; admission.ts decides the handshakes,
peer.ts is one client's life, backpressure.ts keeps a fast sender from flooding a slow reader.
*/
import {readFile} from 'node:fs/promises';
import {createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import type {Socket} from 'node:net';
import type {Duplex} from 'node:stream';
import type {ServeHooksRunning, ServeHooksSetup} from '../automation/serve.js';
import type {ResponderFactory} from '../replay/responder.js';
import {type Clock, systemClock} from '../shared/clock.js';
import {interruptGraceMs} from '../shared/interrupt.js';
import {type WebSocket, WebSocketServer} from '../connection/ws-library.js';
import {admit, chooseSubprotocol} from './admission.js';
import {formatAddress, peerAddress, rejectLine, type ServeLog} from './log.js';
import {Peer, type PeerShared} from './peer.js';
import {listenOnSocket, SocketPathProblem, type UnixSocketOptions, unixSocketUrlBase} from './unix-socket.js';

export type {ServeLog} from './log.js';

export type ServeOptions = {
	readonly port: number;
	readonly host: string;
	/** Connections are accepted on this path only (any query string). */
	readonly path: string;
	/** Send each message to every other client instead of echoing it. */
	readonly broadcast: boolean;
	/** Subprotocols accepted; empty: the first one a client offers. */
	readonly subprotocols: readonly string[];
	/** Origins allowed (serialized, e.g. `http://localhost:3000`); empty: any. */
	readonly origins: readonly string[];
	readonly tls?: {readonly certPath: string; readonly keyPath: string};
	/** `--unix-socket`: listen on this socket instead of host and port (unix-socket.ts). */
	readonly unixSocket?: UnixSocketOptions;
	/** Offer permessage-deflate. */
	readonly compress: boolean;
	/** Larger messages close the connection with 1009. */
	readonly maxPayload: number;
	/** Handshakes beyond this many open connections get HTTP 503; undefined: no limit. */
	readonly maxConnections?: number;
	/** Ping every client this often and drop those that did not answer the last ping; 0: never. */
	readonly pingIntervalMs: number;
	/** Log every received message. */
	readonly verbose: boolean;
	/** Connections that have not completed the WebSocket handshake by then are dropped (10 s). */
	readonly handshakeTimeoutMs?: number;
	/** Bytes queued for a client above which reading stops (see backpressure.ts) (1 MiB). */
	readonly highWaterMark?: number;
	/** Broadcast: a receiver over the high-water mark this long is closed with 1013 (5 s). */
	readonly slowReceiverMs?: number;
	/** `--reply` rules and a `--script` (source/automation/, loaded only when given). */
	readonly hooks?: ServeHooksSetup;
	/** `--replay`: each client is answered by its own responder instead of the echo. */
	readonly respond?: ResponderFactory;
	/** `--replay`: the recorded subprotocol, chosen whenever a client offers it (a client may offer several). */
	readonly preferredSubprotocol?: string;
};

export type RunningServer = {
	/** Where clients connect, e.g. `ws://127.0.0.1:8080/`. */
	readonly url: string;
	readonly port: number;
	/** Stops listening, closes every client with 1001, waits up to `graceMs` (interruptGraceMs, 2 s), then drops the rest. */
	close(graceMs?: number): Promise<void>;
	/** Drops every connection at once. */
	terminate(): void;
};

/** The server could not start (port in use, unreadable certificate ...): one line, exit code 1. */
export class ServeError extends Error {
	override name = 'ServeError';
}

const defaultHandshakeTimeoutMs = 10_000;
const defaultHighWaterMark = 1024 * 1024;
const defaultSlowReceiverMs = 5000;

const statusText: Record<number, string> = {
	400: 'Bad Request',
	403: 'Forbidden',
	404: 'Not Found',
	426: 'Upgrade Required',
	503: 'Service Unavailable',
};

function httpResponse(status: number, body: string): string {
	return `HTTP/1.1 ${status} ${statusText[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function rejectHandshake(socket: Duplex, status: number, body: string): void {
	if (socket.writable) {
		socket.once('finish', () => socket.destroy());
		socket.end(httpResponse(status, `${body}\n`));
	} else {
		socket.destroy();
	}
}

function hostForUrl(host: string): string {
	return host.includes(':') ? `[${host}]` : host;
}

async function readPem(flag: string, path: string): Promise<Buffer> {
	try {
		return await readFile(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new ServeError(`${flag}: cannot read ${path}${code === 'ENOENT' ? ': no such file' : code === undefined ? '' : ` (${code})`}`);
	}
}

async function createServer(tls: ServeOptions['tls'], handshakeTimeoutMs: number): Promise<Server> {
	if (tls === undefined) {
		return createHttpServer();
	}

	// One after the other: with both unreadable, the message is about --tls-cert every time.
	const cert = await readPem('--tls-cert', tls.certPath);
	const key = await readPem('--tls-key', tls.keyPath);
	try {
		return createHttpsServer({cert, key, handshakeTimeout: handshakeTimeoutMs});
	} catch (error) {
		throw new ServeError(`--tls-cert/--tls-key: not a usable certificate and key (${(error as Error).message})`);
	}
}

function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
	switch (error.code) {
		case 'EADDRINUSE': {
			return `cannot listen on ${formatAddress(host, port)}: the port is in use (--port 0 picks a free one)`;
		}

		case 'EACCES': {
			return `cannot listen on ${formatAddress(host, port)}: permission denied (ports below 1024 need privileges)`;
		}

		case 'EADDRNOTAVAIL': {
			return `cannot listen on ${host}: not an address of this machine`;
		}

		case 'ENOTFOUND':
		case 'EAI_AGAIN': {
			return `cannot listen on ${host}: no such host`;
		}

		default: {
			return `cannot listen on ${formatAddress(host, port)}: ${error.message}`;
		}
	}
}


async function listen(server: Server, host: string, port: number): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			reject(new ServeError(listenProblem(error, host, port)));
		});
		server.listen(port, host, () => {
			server.removeAllListeners('error');
			resolve();
		});
	});
}

/** A listening server: the handshakes, the set of clients, the heartbeat and the shutdown. */
class ListeningServer implements RunningServer {
	readonly url: string;
	readonly port: number;
	private readonly peers = new Set<Peer>();
	// Sockets that have not finished the WebSocket handshake, with the timer that drops them.
	private readonly handshaking = new Map<Duplex, NodeJS.Timeout>();
	private readonly handshakeTimeoutMs: number;
	private readonly hooks: ServeHooksRunning | undefined;
	private readonly wss: WebSocketServer;
	private readonly shared: PeerShared;
	private readonly heartbeat: NodeJS.Timeout | undefined;
	private nextId = 1;
	private closing = false;
	/** During a shutdown: called each time a client is gone. */
	private onPeerGone: (() => void) | undefined;
	private closed: Promise<void> | undefined;

	constructor(private readonly server: Server, private readonly options: ServeOptions, private readonly log: ServeLog, private readonly clock: Clock) {
		const {handshakeTimeoutMs = defaultHandshakeTimeoutMs, highWaterMark = defaultHighWaterMark, slowReceiverMs = defaultSlowReceiverMs} = options;
		this.handshakeTimeoutMs = handshakeTimeoutMs;
		// On a unix socket, address() is its path: no port, and ws's form of URL for a socket.
		const address = server.address();
		this.port = typeof address === 'object' && address !== null ? address.port : 0;
		const urlBase = options.unixSocket === undefined
			? `${options.tls === undefined ? 'ws' : 'wss'}://${hostForUrl(options.host)}:${this.port}`
			: unixSocketUrlBase(options.unixSocket.path, options.tls !== undefined);
		this.url = `${urlBase}${options.path}`;
		this.hooks = options.hooks?.start(log);
		this.wss = new WebSocketServer({
			noServer: true,
			clientTracking: false,
			maxPayload: options.maxPayload,
			perMessageDeflate: options.compress,
			handleProtocols: offered => chooseSubprotocol(offered, options.subprotocols, options.preferredSubprotocol),
		});
		this.shared = {
			log,
			limits: {highWaterMark, slowReceiverMs: options.broadcast ? slowReceiverMs : undefined, clock},
			broadcast: options.broadcast,
			verbose: options.verbose,
			pingIntervalMs: options.pingIntervalMs,
			hooks: this.hooks,
			respond: options.respond,
			urlBase,
			onUnixSocket: options.unixSocket !== undefined,
			peers: this.peers,
			closing: () => this.closing,
			onGone: () => this.onPeerGone?.(),
		};
		this.heartbeat = options.pingIntervalMs > 0 ? clock.setInterval(this.heartbeatOnTick, options.pingIntervalMs) : undefined;
		this.heartbeat?.unref?.();
		server.on(options.tls === undefined ? 'connection' : 'secureConnection', this.serverOnConnection);
		server.on('upgrade', this.serverOnUpgrade);
		server.on('request', this.serverOnRequest);
		server.on('error', this.serverOnError);
	}

	/** Drops every connection at once. */
	terminate(): void {
		void this.stopListening();
		for (const peer of this.peers) {
			peer.terminate();
		}
	}

	/** Stops listening, closes every client with 1001, waits up to `graceMs` for them to go, then drops the rest. */
	async close(graceMs = interruptGraceMs): Promise<void> {
		this.closed ??= (async () => {
			const stopped = this.stopListening();
			for (const peer of this.peers) {
				peer.shutDown();
			}

			await this.peersGone(graceMs);
			for (const peer of this.peers) {
				peer.dropAfterShutdown(graceMs);
			}

			await stopped;
		})();
		return this.closed;
	}

	private async stopListening(): Promise<void> {
		this.closing = true;
		if (this.heartbeat !== undefined) {
			this.clock.clearInterval(this.heartbeat);
		}

		this.hooks?.stop();
		for (const socket of this.handshaking.keys()) {
			socket.destroy();
		}

		return new Promise(resolve => {
			this.server.close(() => resolve());
		});
	}

	/** Resolves once every client is gone, or after `graceMs`. */
	private async peersGone(graceMs: number): Promise<void> {
		if (this.peers.size === 0) {
			return;
		}

		await new Promise<void>(resolve => {
			const timer = this.clock.setTimeout(resolve, graceMs);
			this.onPeerGone = () => {
				if (this.peers.size === 0) {
					this.clock.clearTimeout(timer);
					resolve();
				}
			};
		});
	}

	private readonly heartbeatOnTick = (): void => {
		for (const peer of this.peers) {
			peer.heartbeat();
		}
	};

	private readonly serverOnConnection = (socket: Socket): void => {
		const timer = this.clock.setTimeout(() => {
			this.log(`dropped ${peerAddress(socket, this.shared.onUnixSocket)}: the WebSocket handshake did not finish within ${this.handshakeTimeoutMs / 1000} s`);
			socket.destroy();
		}, this.handshakeTimeoutMs);
		this.handshaking.set(socket, timer);
		socket.once('close', () => {
			this.handshakeDone(socket);
		});
	};

	private handshakeDone(socket: Duplex): void {
		const timer = this.handshaking.get(socket);
		if (timer !== undefined) {
			this.clock.clearTimeout(timer);
			this.handshaking.delete(socket);
		}
	}

	private readonly serverOnUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
		this.handshakeDone(socket);
		const admission = admit({
			url: request.url,
			origin: request.headers.origin,
			subprotocols: request.headers['sec-websocket-protocol'],
		}, this.options, {closing: this.closing, connected: this.peers.size});
		if (admission.accepted) {
			this.wss.handleUpgrade(request, socket, head, this.wssOnOpen);
			return;
		}

		this.log(rejectLine(peerAddress(request.socket, this.shared.onUnixSocket), admission.status, admission.reason));
		rejectHandshake(socket, admission.status, admission.reason);
	};

	private readonly wssOnOpen = (socket: WebSocket, request: IncomingMessage): void => {
		new Peer(this.nextId++, socket, this.shared).open(request);
	};

	private readonly serverOnRequest = (_request: IncomingMessage, response: ServerResponse): void => {
		response.writeHead(426, {'Content-Type': 'text/plain; charset=utf-8', Connection: 'close'});
		response.end('This is a WebSocket server (wsterm serve): connect with a WebSocket client.\n');
	};

	private readonly serverOnError = (error: Error): void => {
		this.log(`server error: ${error.message}`);
	};
}

/** Starts the server and resolves once it listens. Throws ServeError when it cannot. */
export async function startServer(options: ServeOptions, log: ServeLog, clock: Clock = systemClock): Promise<RunningServer> {
	const server = await createServer(options.tls, options.handshakeTimeoutMs ?? defaultHandshakeTimeoutMs);
	if (options.unixSocket === undefined) {
		await listen(server, options.host, options.port);
	} else {
		await listenOnSocket(server, options.unixSocket).catch((error: unknown) => {
			throw error instanceof SocketPathProblem ? new ServeError(error.message) : error;
		});
	}

	return new ListeningServer(server, options, log, clock);
}
