/*
One connected client of the server, from its open to its close: what it sends is echoed (or
broadcast to the others), handed to its `--reply`/`--script` hooks, or answered by its `--replay`
responder; it answers the heartbeat's pings or is dropped; its open and close are logged with
its traffic.
*/
import type {IncomingMessage} from 'node:http';
import type {ServeClientHooks, ServeHooksRunning, ServePeer} from '../automation/serve.js';
import {sentCloseCode} from '../connection/close-codes.js';
import {WebSocket, type RawData} from '../connection/ws-library.js';
import type {Responder, ResponderFactory} from '../replay/responder.js';
import {Backpressure, type BackpressureLimits} from './backpressure.js';
import {closeLine, messageLine, openLine, peerAddress, shown, type ServeLog} from './log.js';

/** What every client of one server shares: the settings, the log and the set of clients. */
export type PeerShared = {
	readonly log: ServeLog;
	readonly limits: BackpressureLimits;
	/** Send each message to every other client instead of echoing it. */
	readonly broadcast: boolean;
	/** Log every received message. */
	readonly verbose: boolean;
	readonly pingIntervalMs: number;
	readonly hooks: ServeHooksRunning | undefined;
	readonly respond: ResponderFactory | undefined;
	/** The server's URL without its path: a client's URL, for its hooks, is this and its request's target. */
	readonly urlBase: string;
	/** The server listens on a unix socket (serve --unix-socket): its clients have no address. */
	readonly onUnixSocket: boolean;
	/** The clients connected now: a peer adds itself when it opens and removes itself when it closes. */
	readonly peers: Set<Peer>;
	/** The server is shutting down (a client's hooks hear its close as the server's). */
	readonly closing: () => boolean;
	/** A client closed and left `peers`. */
	readonly onGone: () => void;
};

type Traffic = {messagesIn: number; bytesIn: number; messagesOut: number; bytesOut: number};

export class Peer {
	private readonly backpressure: Backpressure;
	private readonly traffic: Traffic = {messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0};
	/** Sends are counted as they go; a plain echo sends what it received, so that is counted at the close instead. */
	private readonly countsSent: boolean;
	/** With --replay: answers in the recording's place (set once, on open). */
	private responder: Responder | undefined;
	/** With --reply or --script (set once, on open). */
	private clientHooks: ServeClientHooks | undefined;
	/** It answered the last ping. */
	private alive = true;
	/** Reading is paused until the messages waiting in the hooks are through. */
	private hooksBehind = false;
	/** The close the server started (its code and reason), logged instead of what ws reports at the end. */
	private sentClose: {readonly code: number; readonly reason: string} | undefined;

	constructor(readonly id: number, private readonly socket: WebSocket, private readonly shared: PeerShared) {
		this.backpressure = new Backpressure(socket, shared.limits, this.closeSlow);
		this.countsSent = shared.broadcast || shared.hooks !== undefined || shared.respond !== undefined;
	}

	/** The handshake is done: joins the clients, starts its responder and hooks (which may send at once), then listens. */
	open(request: IncomingMessage): void {
		const {log, peers, hooks, respond, urlBase} = this.shared;
		peers.add(this);
		log(openLine({
			id: this.id,
			from: peerAddress(request.socket, this.shared.onUnixSocket),
			origin: request.headers.origin,
			path: request.url ?? '/',
			subprotocol: this.socket.protocol,
			connected: peers.size,
		}));
		this.responder = respond?.(this.answer);
		this.clientHooks = hooks?.connect(this.hooksPeer(), request, `${urlBase}${request.url ?? '/'}`);
		this.socket.on('message', this.socketOnMessage);
		this.socket.on('pong', this.socketOnPong);
		this.socket.on('error', this.socketOnError);
		this.socket.on('close', this.socketOnClose);
	}

	/** One heartbeat: drops the client if it did not answer the last ping, else pings it again. */
	heartbeat(): void {
		if (this.alive) {
			this.alive = false;
			this.socket.ping();
			return;
		}

		this.shared.log(`#${this.id} did not answer a ping within ${this.shared.pingIntervalMs / 1000} s: dropping it`);
		this.sentClose ??= {code: 1006, reason: 'no pong'};
		this.socket.terminate();
	}

	/** The server closes the connection (the code and reason are logged as the server's). */
	close(code: number, reason: string): void {
		this.sentClose ??= {code, reason};
		this.socket.close(code, reason);
	}

	/** The server shuts down: closes with 1001 and reads again, or the client's closing frame would never be seen. */
	shutDown(): void {
		this.close(1001, 'server shutting down');
		this.socket.resume();
	}

	terminate(): void {
		this.socket.terminate();
	}

	/** The shutdown's grace ran out with this client still open: says so, then drops it. */
	dropAfterShutdown(graceMs: number): void {
		this.shared.log(`#${this.id} still open ${graceMs / 1000} s after the shutdown began: dropping it`);
		this.terminate();
	}

	/** What the hooks may do with this client. */
	private hooksPeer(): ServePeer {
		const {responder} = this;
		return {
			id: this.id,
			// With --replay, the default answer is the recording's: only messages the hooks leave to
			// the default move it on, so a script can answer what the recording does not hold.
			forward: responder === undefined ? this.forward : (data, isBinary) => {
				responder.receive(data, isBinary);
			},
			broadcast: this.broadcastFrom,
			send: this.answer,
			// The script's close is the server's: logged as `closed by the server` with its code and reason.
			close: (code, reason) => {
				this.close(code, reason);
			},
		};
	}

	private readonly socketOnMessage = (data: RawData, isBinary: boolean): void => {
		// The default binaryType, 'nodebuffer', always gives a Buffer.
		const bytes = data as Buffer;
		this.traffic.messagesIn++;
		this.traffic.bytesIn += bytes.length;
		if (this.shared.verbose) {
			this.shared.log(messageLine(this.id, bytes, isBinary));
		}

		if (this.clientHooks !== undefined) {
			this.toHooks(this.clientHooks, bytes, isBinary);
		} else if (this.responder === undefined) {
			this.forward(bytes, isBinary);
		} else {
			this.responder.receive(bytes, isBinary);
		}
	};

	private toHooks(hooks: ServeClientHooks, bytes: Buffer, isBinary: boolean): void {
		if (hooks.receive(bytes, isBinary) || this.hooksBehind) {
			return;
		}

		// Many messages wait on an async hook: read no more until they are through.
		this.hooksBehind = true;
		this.socket.pause();
		void hooks.settled().then(() => {
			this.hooksBehind = false;
			if (!this.backpressure.waiting) {
				this.socket.resume();
			}
		});
	}

	/** The default for a received message: echo it, or broadcast it with --broadcast. */
	private readonly forward = (bytes: Buffer, isBinary: boolean): void => {
		if (this.shared.broadcast) {
			this.broadcastFrom(bytes, isBinary);
			return;
		}

		if (this.countsSent) {
			this.countSent(bytes);
		}

		this.backpressure.send(this.backpressure, bytes, isBinary);
	};

	/** Sends to this client (a hook's or the responder's answer), if it is still open. */
	private readonly answer = (bytes: Buffer, isBinary: boolean): void => {
		this.receiveFrom(this, bytes, isBinary);
	};

	private readonly broadcastFrom = (bytes: Buffer, isBinary: boolean): void => {
		for (const other of this.shared.peers) {
			if (other !== this) {
				other.receiveFrom(this, bytes, isBinary);
			}
		}
	};

	private receiveFrom(sender: Peer, bytes: Buffer, isBinary: boolean): void {
		if (this.socket.readyState === WebSocket.OPEN) {
			this.countSent(bytes);
			this.backpressure.send(sender.backpressure, bytes, isBinary);
		}
	}

	private countSent(bytes: Buffer): void {
		this.traffic.messagesOut++;
		this.traffic.bytesOut += bytes.length;
	}

	private readonly closeSlow = (): void => {
		const {highWaterMark, slowReceiverMs = 0} = this.shared.limits;
		this.shared.log(`#${this.id} kept over ${Math.round(highWaterMark / 1024)} KiB unsent for ${slowReceiverMs / 1000} s: closing with 1013`);
		// The close frame waits behind the unsent data; ws drops the socket if it never gets through.
		this.close(1013, 'receiving too slowly');
	};

	private readonly socketOnPong = (): void => {
		this.alive = true;
	};

	private readonly socketOnError = (error: Error): void => {
		// ws has sent a close frame for a protocol error (1002, 1007, 1009): that close is the server's.
		const code = sentCloseCode(error);
		if (code !== undefined) {
			this.sentClose ??= {code, reason: ''};
		}

		this.shared.log(`#${this.id} error: ${shown(error.message)}`);
	};

	private readonly socketOnClose = (code: number, reason: Buffer): void => {
		const {log, peers, closing, onGone} = this.shared;
		this.clientHooks?.close(code, reason.toString(), closing());
		peers.delete(this);
		this.backpressure.release();
		this.responder?.stop();
		const {traffic} = this;
		const sent = this.countsSent ? traffic : {messagesOut: traffic.messagesIn, bytesOut: traffic.bytesIn};
		const close = this.sentClose === undefined ? {code, reason: reason.toString()} : {...this.sentClose, byServer: true};
		log(closeLine({id: this.id, ...traffic, ...sent, ...close, connected: peers.size}));
		onGone();
	};
}
