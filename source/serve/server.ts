/*
The server behind `wsterm serve` and the interactive mode's built-in echo server: echo or
broadcast over ws, with the handshake checks (path, origin, connection limit, subprotocol), a
heartbeat, a handshake timeout and backpressure. It prints nothing itself; events go to `log`.
*/
import {readFile} from 'node:fs/promises';
import {createServer as createHttpServer, type IncomingMessage, type Server} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import type {Duplex} from 'node:stream';
import {sentCloseCode} from '../connection/close-codes.js';
import type {ServeHooksSetup} from '../automation/serve.js';
import type {ResponderFactory} from '../replay/responder.js';
import {closeLine, formatAddress, messageLine, openLine, rejectLine, shown} from './log.js';
import {WebSocket, WebSocketServer, type RawData} from '../connection/ws.js';

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
	/** Bytes queued for a client above which reading stops (see `deliver`) (1 MiB). */
	readonly highWaterMark?: number;
	/** Broadcast: a receiver over the high-water mark this long is closed with 1013 (5 s). */
	readonly slowReceiverMs?: number;
	/** `--reply` rules and a `--script` (source/automation/, loaded only when given). */
	readonly hooks?: ServeHooksSetup;
	/** `--replay`: each client is answered by its own responder instead of the echo. */
	readonly respond?: ResponderFactory;
};

/** One line per event, already safe to show. */
export type ServeLog = (line: string) => void;

export type RunningServer = {
	/** Where clients connect, e.g. `ws://127.0.0.1:8080/`. */
	readonly url: string;
	readonly port: number;
	/** Stops listening, closes every client with 1001, waits up to `graceMs` (2 s), then drops the rest. */
	close(graceMs?: number): Promise<void>;
	/** Drops every connection at once. */
	terminate(): void;
};

/** The server could not start (port in use, unreadable certificate ...): one line, exit code 1. */
export class ServeError extends Error {
	override name = 'ServeError';
}

type Peer = {
	readonly id: number;
	readonly socket: WebSocket;
	alive: boolean;
	messagesIn: number;
	bytesIn: number;
	messagesOut: number;
	bytesOut: number;
	/** Peers whose reading was paused because their messages pushed this peer over the high-water mark. */
	readonly held: Set<Peer>;
	/** How many peers this one waits on to drain; its own reading is paused while this is above 0. */
	waitingOn: number;
	slowTimer: NodeJS.Timeout | undefined;
	/** Send callback, made once per peer: checks whether the buffer has drained. */
	readonly afterWrite: () => void;
	/** The close the server started (its code and reason), logged instead of what ws reports at the end. */
	sentClose?: {readonly code: number; readonly reason: string};
};

// Shared by every send: ws copies them, so there is no need to allocate one per message.
const asBinary = {binary: true};
const asText = {binary: false};

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

function offeredSubprotocols(header: string | undefined): string[] {
	return header === undefined ? [] : header.split(',').map(name => name.trim()).filter(name => name !== '');
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

/** Starts the server and resolves once it listens. Throws ServeError when it cannot. */
export async function startServer(options: ServeOptions, log: ServeLog): Promise<RunningServer> {
	const {
		handshakeTimeoutMs = 10_000,
		highWaterMark = 1024 * 1024,
		slowReceiverMs = 5000,
	} = options;
	const lowWaterMark = highWaterMark / 2;
	const server = await createServer(options.tls, handshakeTimeoutMs);
	const acceptedSubprotocols = new Set(options.subprotocols);
	const allowedOrigins = new Set(options.origins);
	const maxConnections = options.maxConnections ?? Number.POSITIVE_INFINITY;
	const peers = new Set<Peer>();
	// Sockets that have not finished the WebSocket handshake, with the timer that drops them.
	const handshaking = new Map<Duplex, NodeJS.Timeout>();
	let nextId = 1;
	let closing = false;
	let onPeerGone: (() => void) | undefined;
	const hooks = options.hooks?.start(log);

	const wss = new WebSocketServer({
		noServer: true,
		clientTracking: false,
		maxPayload: options.maxPayload,
		perMessageDeflate: options.compress,
		handleProtocols(offered) {
			for (const name of offered) {
				if (acceptedSubprotocols.size === 0 || acceptedSubprotocols.has(name)) {
					return name;
				}
			}

			return false;
		},
	});

	const release = (peer: Peer): void => {
		clearTimeout(peer.slowTimer);
		peer.slowTimer = undefined;
		for (const sender of peer.held) {
			if (--sender.waitingOn === 0) {
				sender.socket.resume();
			}
		}

		peer.held.clear();
	};

	const closePeer = (peer: Peer, code: number, reason: string): void => {
		peer.sentClose ??= {code, reason};
		peer.socket.close(code, reason);
	};

	const closeSlow = (peer: Peer): void => {
		log(`#${peer.id} kept over ${Math.round(highWaterMark / 1024)} KiB unsent for ${slowReceiverMs / 1000} s: closing with 1013`);
		// The close frame waits behind the unsent data; ws drops the socket if it never gets through.
		closePeer(peer, 1013, 'receiving too slowly');
		release(peer);
	};

	/*
	Backpressure. Sending never blocks, so the server checks the receiver's buffer: once a send
	would take it past the high-water mark, the sender is paused (ws stops reading its socket, so
	TCP pushes back on it) and the send gets a callback; reading resumes when a callback sees the
	buffer under half the mark. Sends are written in order, so the last callback always comes.
	In echo mode sender and receiver are the same client. In broadcast mode a receiver that stays
	over the mark for slowReceiverMs is closed with 1013, so one stuck client cannot stall the rest.
	*/
	const deliver = (from: Peer, to: Peer, data: Buffer, isBinary: boolean): void => {
		const sendOptions = isBinary ? asBinary : asText;
		if (to.held.size === 0 && to.socket.bufferedAmount + data.length <= highWaterMark) {
			to.socket.send(data, sendOptions);
			return;
		}

		to.socket.send(data, sendOptions, to.afterWrite);
		if (!to.held.has(from)) {
			to.held.add(from);
			if (from.waitingOn++ === 0) {
				from.socket.pause();
			}
		}

		if (options.broadcast && to.slowTimer === undefined) {
			to.slowTimer = setTimeout(closeSlow, slowReceiverMs, to);
		}
	};

	const onOpen = (socket: WebSocket, request: IncomingMessage): void => {
		const peer: Peer = {
			id: nextId++,
			socket,
			alive: true,
			messagesIn: 0,
			bytesIn: 0,
			messagesOut: 0,
			bytesOut: 0,
			held: new Set(),
			waitingOn: 0,
			slowTimer: undefined,
			afterWrite() {
				if (peer.held.size > 0 && socket.bufferedAmount <= lowWaterMark) {
					release(peer);
				}
			},
		};
		peers.add(peer);
		log(openLine({
			id: peer.id,
			from: formatAddress(request.socket.remoteAddress, request.socket.remotePort),
			origin: request.headers.origin,
			path: request.url ?? '/',
			subprotocol: socket.protocol,
			connected: peers.size,
		}));

		const broadcastFrom = (bytes: Buffer, isBinary: boolean): void => {
			for (const other of peers) {
				if (other !== peer && other.socket.readyState === WebSocket.OPEN) {
					other.messagesOut++;
					other.bytesOut += bytes.length;
					deliver(peer, other, bytes, isBinary);
				}
			}
		};

		const forward = (bytes: Buffer, isBinary: boolean): void => {
			if (!options.broadcast) {
				// What goes out is what came in; counted at close (with hooks, as it goes).
				if (clientHooks !== undefined) {
					peer.messagesOut++;
					peer.bytesOut += bytes.length;
				}

				deliver(peer, peer, bytes, isBinary);
				return;
			}

			broadcastFrom(bytes, isBinary);
		};

		const answer = (bytes: Buffer, isBinary: boolean): void => {
			if (socket.readyState === WebSocket.OPEN) {
				peer.messagesOut++;
				peer.bytesOut += bytes.length;
				deliver(peer, peer, bytes, isBinary);
			}
		};

		const responder = options.respond?.(answer);
		const clientHooks = hooks?.connect({
			id: peer.id,
			// With --replay, the default answer is the recording's: only messages the hooks leave to
			// the default move it on, so a script can answer what the recording does not hold.
			forward: responder === undefined ? forward : () => {
				responder.receive();
			},
			broadcast: broadcastFrom,
			send: answer,
			close(code, reason) {
				socket.close(code, reason);
			},
		}, request, `${url.slice(0, url.length - options.path.length)}${request.url ?? '/'}`);

		let hooksBehind = false;
		socket.on('message', (data: RawData, isBinary: boolean) => {
			// The default binaryType, 'nodebuffer', always gives a Buffer.
			const bytes = data as Buffer;
			peer.messagesIn++;
			peer.bytesIn += bytes.length;
			if (options.verbose) {
				log(messageLine(peer.id, bytes, isBinary));
			}

			if (clientHooks === undefined && responder !== undefined) {
				responder.receive();
				return;
			}

			if (clientHooks === undefined) {
				forward(bytes, isBinary);
			} else if (!clientHooks.receive(bytes, isBinary) && !hooksBehind) {
				// Many messages wait on an async hook: read no more until they are through.
				hooksBehind = true;
				socket.pause();
				void clientHooks.settled().then(() => {
					hooksBehind = false;
					if (peer.waitingOn === 0) {
						socket.resume();
					}
				});
			}
		});
		if (clientHooks !== undefined) {
			socket.on('close', (code: number, reason: Buffer) => {
				clientHooks.close(code, reason.toString(), closing);
			});
		}

		socket.on('pong', () => {
			peer.alive = true;
		});
		socket.on('error', (error: Error) => {
			// ws has sent a close frame for a protocol error (1002, 1007, 1009): that close is the server's.
			const code = sentCloseCode(error);
			if (code !== undefined) {
				peer.sentClose ??= {code, reason: ''};
			}

			log(`#${peer.id} error: ${shown(error.message)}`);
		});
		socket.on('close', (code: number, reason: Buffer) => {
			peers.delete(peer);
			release(peer);
			responder?.stop();
			const sent = options.broadcast || clientHooks !== undefined || responder !== undefined ? peer : {messagesOut: peer.messagesIn, bytesOut: peer.bytesIn};
			const close = peer.sentClose === undefined ? {code, reason: reason.toString()} : {...peer.sentClose, byServer: true};
			log(closeLine({...peer, ...sent, ...close, connected: peers.size}));
			onPeerGone?.();
		});
	};

	const serverOnConnection = (socket: Duplex): void => {
		const timer = setTimeout(() => socket.destroy(), handshakeTimeoutMs);
		handshaking.set(socket, timer);
		socket.once('close', () => {
			clearTimeout(timer);
			handshaking.delete(socket);
		});
	};

	const serverOnUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
		clearTimeout(handshaking.get(socket));
		handshaking.delete(socket);
		const from = formatAddress(request.socket.remoteAddress, request.socket.remotePort);
		const reject = (status: number, why: string): void => {
			log(rejectLine(from, status, why));
			rejectHandshake(socket, status, why);
		};

		// Only the path: `new URL()` would read `//host/...` as a host.
		const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
		const {origin} = request.headers;
		const offered = offeredSubprotocols(request.headers['sec-websocket-protocol']);
		if (closing) {
			reject(503, 'server shutting down');
		} else if (path !== options.path) {
			reject(404, `path ${shown(path)} (serving ${options.path})`);
		} else if (origin !== undefined && allowedOrigins.size > 0 && !allowedOrigins.has(origin.toLowerCase())) {
			reject(403, `origin ${shown(origin)} not allowed`);
		} else if (peers.size >= maxConnections) {
			reject(503, `already ${maxConnections} connections (--max-connections)`);
		} else if (acceptedSubprotocols.size > 0 && !offered.some(name => acceptedSubprotocols.has(name))) {
			const accepted = [...acceptedSubprotocols].join(', ');
			reject(400, offered.length === 0
				? `no subprotocol offered (accepting ${accepted})`
				: `subprotocol ${shown(offered.join(', '))} not accepted (accepting ${accepted})`);
		} else {
			wss.handleUpgrade(request, socket, head, onOpen);
		}
	};

	server.on(options.tls === undefined ? 'connection' : 'secureConnection', serverOnConnection);
	server.on('upgrade', serverOnUpgrade);
	server.on('request', (_request: IncomingMessage, response) => {
		response.writeHead(426, {'Content-Type': 'text/plain; charset=utf-8', Connection: 'close'});
		response.end('This is a WebSocket server (wsterm serve): connect with a WebSocket client.\n');
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			reject(new ServeError(listenProblem(error, options.host, options.port)));
		});
		server.listen(options.port, options.host, () => {
			server.removeAllListeners('error');
			resolve();
		});
	});
	server.on('error', (error: Error) => {
		log(`server error: ${error.message}`);
	});

	const heartbeat = options.pingIntervalMs > 0
		? setInterval(() => {
			for (const peer of peers) {
				if (!peer.alive) {
					log(`#${peer.id} did not answer a ping within ${options.pingIntervalMs / 1000} s: dropping it`);
					peer.sentClose ??= {code: 1006, reason: 'no pong'};
					peer.socket.terminate();
				} else {
					peer.alive = false;
					peer.socket.ping();
				}
			}
		}, options.pingIntervalMs)
		: undefined;
	heartbeat?.unref();

	const {port} = server.address() as AddressInfo;
	const url = `${options.tls === undefined ? 'ws' : 'wss'}://${hostForUrl(options.host)}:${port}${options.path}`;
	let closed: Promise<void> | undefined;

	const stopListening = (): Promise<void> => {
		closing = true;
		clearInterval(heartbeat);
		hooks?.stop();
		for (const socket of handshaking.keys()) {
			socket.destroy();
		}

		return new Promise(resolve => {
			server.close(() => resolve());
		});
	};

	const terminate = (): void => {
		void stopListening();
		for (const peer of peers) {
			peer.socket.terminate();
		}
	};

	return {
		url,
		port,
		terminate,
		close(graceMs = 2000) {
			closed ??= (async () => {
				const stopped = stopListening();
				for (const peer of peers) {
					closePeer(peer, 1001, 'server shutting down');
					// Read again, or the client's closing frame would never be seen.
					peer.socket.resume();
				}

				if (peers.size > 0) {
					await new Promise<void>(resolve => {
						const timer = setTimeout(resolve, graceMs);
						onPeerGone = () => {
							if (peers.size === 0) {
								clearTimeout(timer);
								resolve();
							}
						};
					});
				}

				terminate();
				await stopped;
			})();
			return closed;
		},
	};
}
