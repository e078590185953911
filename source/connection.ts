import {EventEmitter} from 'node:events';
import type {ClientRequest, IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import {closeProblem, describeCloseCode} from './close-codes.js';
import type {ConnectTarget} from './connect-options.js';
import {WebSocket} from './ws.js';

/** Timers and the time, passed in so that tests and benchmarks can use their own. */
export type Clock = {
	readonly now: () => number;
	readonly setTimeout: (callback: () => void, ms: number) => NodeJS.Timeout;
	readonly clearTimeout: (timer: NodeJS.Timeout) => void;
};

export const systemClock: Clock = {
	now: () => performance.now(),
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: timer => {
		clearTimeout(timer);
	},
};

export type ConnectionOptions = {
	/** Seconds between pings; 0 sends none. */
	readonly pingInterval?: number;
	/** Seconds to wait for a pong before the connection is declared dead (default: the interval). */
	readonly pingTimeout?: number;
	/** Reconnect after an unexpected drop. */
	readonly reconnect?: boolean;
	/** Messages sent first on every connect and reconnect. */
	readonly initialMessages?: readonly string[];
	/** Bytes queued or in flight above which `writable` turns false (default 256 KiB). */
	readonly highWaterMark?: number;
	/** Milliseconds to wait for the peer to answer our close frame before dropping the socket (default 5000). */
	readonly closeTimeout?: number;
	readonly clock?: Clock;
	/** The WebSocket constructor (ws's by default). */
	readonly createSocket?: (target: ConnectTarget) => WebSocket;
};

export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed' | 'reconnecting';

/** Why a connection could not be made. */
export type ConnectFailureKind = 'dns' | 'refused' | 'reset' | 'tls' | 'http' | 'timeout' | 'handshake' | 'other';

export type ConnectFailure = {
	readonly kind: ConnectFailureKind;
	/** One line saying what happened and what to try. */
	readonly message: string;
	/** The HTTP status when the server answered the upgrade with one. */
	readonly status?: number;
};

export type OpenEvent = {
	readonly protocol: string;
	readonly extensions: string;
	/** 1 for the first connection, 2 for the first reconnect, ... */
	readonly attempt: number;
};

export type CloseEvent = {
	readonly code: number;
	readonly reason: string;
	/** wsterm sent the close frame first (or gave up waiting for pongs). */
	readonly byUs: boolean;
	readonly willReconnect: boolean;
};

export type PongEvent = {
	readonly payload: Buffer;
	/** Round trip of one of our pings, in milliseconds; undefined for an unsolicited pong. */
	readonly rtt?: number;
	/** It answers a --ping-interval ping rather than one asked for with ping(). */
	readonly keepalive?: boolean;
};

export type ReconnectEvent = {
	readonly attempt: number;
	readonly delay: number;
};

export type ConnectionStats = {
	sentMessages: number;
	sentBytes: number;
	receivedMessages: number;
	receivedBytes: number;
};

type Events = {
	connecting: [attempt: number];
	open: [event: OpenEvent];
	message: [data: Buffer, isBinary: boolean];
	ping: [payload: Buffer];
	pong: [event: PongEvent];
	close: [event: CloseEvent];
	'connect-error': [failure: ConnectFailure];
	reconnecting: [event: ReconnectEvent];
	/** An error on an open connection (bad frame, payload too big ...); a close follows. */
	error: [error: Error];
	/** Queued and in-flight bytes fell back under the low-water mark. */
	drain: [];
	/** Everything handed to `send()` has been written to the socket. */
	flushed: [];
};

type Outgoing = {
	readonly data: Buffer | string;
	readonly isBinary: boolean;
	readonly size: number;
};

const backoffBase = 500;
const backoffCap = 30_000;

/** Delay before reconnect attempt `attempt` (1-based): exponential, capped, with jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(backoffCap, backoffBase * (2 ** Math.min(attempt - 1, 16)));
	// Half fixed, half random: spreads reconnecting clients without ever retrying at once.
	return Math.round((ceiling / 2) + (random() * ceiling / 2));
}

const tlsCodes = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'CERT_HAS_EXPIRED',
	'CERT_NOT_YET_VALID',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'ERR_SSL_WRONG_VERSION_NUMBER',
	'EPROTO',
]);

/** Classifies an error raised before the connection opened into one line for people. */
export function describeConnectError(error: NodeJS.ErrnoException, url: URL): ConnectFailure {
	const code = error.code ?? '';
	const where = `${url.hostname}:${url.port || (url.protocol === 'wss:' ? 443 : 80)}`;
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return {kind: 'dns', message: `host not found: ${url.hostname} (check the spelling of the URL)`};
	}

	if (code === 'ECONNREFUSED') {
		return {kind: 'refused', message: `connection refused by ${where} (is a server listening there?)`};
	}

	if (code === 'ECONNRESET' || error.message === 'socket hang up') {
		return {kind: 'reset', message: `${where} closed the connection during the handshake`};
	}

	if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (code === 'EPROTO' && /wrong version number|packet length too long/i.test(error.message))) {
		return {kind: 'tls', message: `TLS handshake with ${where} failed: the server does not speak TLS (try ws:// instead of wss://)`};
	}

	if (tlsCodes.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /certificate/i.test(error.message)) {
		return {kind: 'tls', message: `TLS: ${error.message} (${code || 'TLS error'}); trust the certificate with --ca FILE, or skip verification with -k`};
	}

	if (/handshake has timed out/i.test(error.message)) {
		return {kind: 'timeout', message: `no answer from ${where} within the connect timeout (--connect-timeout)`};
	}

	if (/subprotocol|Sec-WebSocket|extension|Invalid Upgrade|status code/i.test(error.message)) {
		return {kind: 'handshake', message: `handshake failed: ${error.message}`};
	}

	return {kind: 'other', message: code ? `${error.message} (${code})` : error.message};
}

function describeHttpAnswer(response: IncomingMessage, proxied: boolean): ConnectFailure {
	const status = response.statusCode ?? 0;
	const statusLine = `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`;
	let hint = '';
	if (status === 407) {
		hint = ' (the proxy wants credentials: put them in the proxy URL)';
	} else if (status === 401 || status === 403) {
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
		message: `the ${proxied && status === 407 ? 'proxy' : 'server'} answered ${statusLine} instead of switching to WebSocket${hint}`,
	};
}

/**
One WebSocket connection and its life: it queues what is sent before it opens, measures ping
round trips, notices dead peers and reconnects after drops. Everything it learns is an event.
*/
export class Connection extends EventEmitter<Events> {
	readonly target: ConnectTarget;
	readonly stats: ConnectionStats = {sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0};
	private readonly clock: Clock;
	private readonly options: ConnectionOptions;
	private readonly highWaterMark: number;
	private readonly queue: Outgoing[] = [];
	private socket: WebSocket | undefined;
	private currentState: ConnectionState = 'closed';
	private pendingBytes = 0;
	private blocked = false;
	private attempt = 0;
	private failuresInARow = 0;
	private closingByUs = false;
	private stopped = false;
	private everOpened = false;
	private pingTimer: NodeJS.Timeout | undefined;
	private reconnectTimer: NodeJS.Timeout | undefined;
	private pingSequence = 0;
	private readonly pingsInFlight = new Map<string, {readonly sentAt: number; readonly keepalive: boolean}>();
	private pongDeadline: NodeJS.Timeout | undefined;
	private failure: ConnectFailure | undefined;
	private socketPaused = false;
	/** The TCP (or TLS) socket under the WebSocket, from the upgrade response. */
	private stream: Duplex | undefined;
	private corked = false;
	private protocolInUse = '';
	private extensionsInUse = '';

	constructor(target: ConnectTarget, options: ConnectionOptions = {}) {
		super();
		this.target = target;
		this.options = options;
		this.clock = options.clock ?? systemClock;
		this.highWaterMark = options.highWaterMark ?? 256 * 1024;
	}

	get state(): ConnectionState {
		return this.currentState;
	}

	/** The negotiated subprotocol ('' for none). */
	get protocol(): string {
		return this.protocolInUse;
	}

	/** The negotiated extensions, as the server listed them ('' for none). */
	get extensions(): string {
		return this.extensionsInUse;
	}

	/** Bytes waiting to be sent: queued before the open, or handed to the socket and not yet written. */
	get bufferedBytes(): number {
		return this.pendingBytes;
	}

	/** Messages waiting for the connection to open. */
	get queuedMessages(): number {
		return this.queue.length;
	}

	/** False while more than the high-water mark waits to be sent; 'drain' says when to go on. */
	get writable(): boolean {
		return this.pendingBytes < this.highWaterMark;
	}

	/** Opens the connection. */
	connect(): void {
		this.stopped = false;
		this.open();
	}

	/**
	Sends a message now, or as soon as the connection opens. Returns `writable`, like a stream's
	`write()`: when false, wait for 'drain' before sending more.
	*/
	send(data: Buffer | string, isBinary: boolean): boolean {
		const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
		this.pendingBytes += size;
		if (this.currentState === 'open' && this.queue.length === 0) {
			this.transmit({data, isBinary, size});
		} else {
			this.queue.push({data, isBinary, size});
		}

		if (!this.writable) {
			this.blocked = true;
		}

		return !this.blocked;
	}

	/**
	Sends a ping; its pong reports the round trip. Returns the payload sent (generated when none is
	given), or undefined when the connection is not open.
	*/
	ping(payload?: Buffer | string): Buffer | undefined {
		return this.sendPing(payload, false);
	}

	private sendPing(payload: Buffer | string | undefined, keepalive: boolean): Buffer | undefined {
		if (this.socket === undefined || this.currentState !== 'open') {
			return undefined;
		}

		const body = Buffer.from(payload ?? `wsterm-${++this.pingSequence}`);
		const key = body.toString('latin1');
		this.pingsInFlight.set(key, {sentAt: this.clock.now(), keepalive});
		// Only the newest few matter for round trips; keep the map small whatever the peer does.
		if (this.pingsInFlight.size > 16) {
			const oldest = this.pingsInFlight.keys().next().value;
			if (oldest !== undefined) {
				this.pingsInFlight.delete(oldest);
			}
		}

		this.socket.ping(body);
		return body;
	}

	/**
	Starts the close handshake. The code and reason are checked first; a bad one is returned as
	a message and nothing is sent.
	*/
	close(code = 1000, reason = ''): string | undefined {
		const problem = closeProblem(code, reason);
		if (problem !== undefined) {
			return problem;
		}

		this.stopped = true;
		this.clearReconnect();
		if (this.socket === undefined || this.currentState === 'closed' || this.currentState === 'reconnecting') {
			this.finish({code, reason, byUs: true, willReconnect: false});
			return undefined;
		}

		if (this.currentState === 'connecting') {
			// Nothing to say a close to yet: give up on the handshake quietly.
			const socket = this.socket;
			this.detach(socket);
			socket.terminate();
			this.finish({code: 1006, reason: '', byUs: true, willReconnect: false});
			return undefined;
		}

		this.closingByUs = true;
		this.currentState = 'closing';
		const socket = this.socket;
		socket.close(code, reason);
		// ws waits 30 s for the answer; a person or a script should not.
		const timer = this.clock.setTimeout(() => {
			if (this.socket === socket) {
				socket.terminate();
			}
		}, this.options.closeTimeout ?? 5000);
		socket.once('close', () => {
			this.clock.clearTimeout(timer);
		});
		return undefined;
	}

	/** Drops the connection without a close handshake. */
	terminate(): void {
		this.stopped = true;
		this.clearReconnect();
		if (this.socket === undefined) {
			this.finish({code: 1006, reason: '', byUs: true, willReconnect: false});
			return;
		}

		this.closingByUs = true;
		this.socket.terminate();
	}

	/** Closes the current connection (if any) and connects again at once. */
	reconnect(): void {
		this.clearReconnect();
		const socket = this.socket;
		if (socket !== undefined) {
			this.detach(socket);
			socket.terminate();
		}

		this.stopped = false;
		this.failuresInARow = 0;
		this.open();
	}

	/** Stops reading from the socket (for a consumer that cannot keep up). */
	pause(): void {
		this.socketPaused = true;
		this.socket?.pause();
	}

	resume(): void {
		this.socketPaused = false;
		this.socket?.resume();
	}

	private open(): void {
		this.attempt++;
		this.failure = undefined;
		this.closingByUs = false;
		this.currentState = 'connecting';
		this.emit('connecting', this.attempt);
		let socket: WebSocket;
		try {
			socket = this.options.createSocket === undefined
				? new WebSocket(this.target.url, [...this.target.protocols], this.target.options)
				: this.options.createSocket(this.target);
		} catch (error) {
			this.handleConnectFailure({kind: 'other', message: (error as Error).message});
			return;
		}

		this.socket = socket;
		if (this.socketPaused) {
			socket.pause();
		}

		socket.on('upgrade', (response: IncomingMessage) => {
			this.stream = response.socket;
		});
		socket.on('open', () => {
			this.onOpen(socket);
		});
		socket.on('message', (data, isBinary) => {
			const buffer = data as Buffer;
			this.stats.receivedMessages++;
			this.stats.receivedBytes += buffer.length;
			this.emit('message', buffer, isBinary);
		});
		socket.on('ping', payload => {
			this.emit('ping', payload);
		});
		socket.on('pong', payload => {
			this.onPong(payload);
		});
		socket.on('unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
			this.failure = describeHttpAnswer(response, this.target.proxy !== undefined);
			response.resume();
			// Aborts the handshake; ws then reports an error and a close, which end the attempt.
			socket.terminate();
		});
		socket.on('error', error => {
			this.onError(socket, error);
		});
		socket.on('close', (code, reason) => {
			this.onClose(socket, code, reason.toString());
		});
	}

	private onOpen(socket: WebSocket): void {
		this.currentState = 'open';
		this.everOpened = true;
		this.failuresInARow = 0;
		this.protocolInUse = socket.protocol;
		this.extensionsInUse = socket.extensions;
		// The -I messages go first, then whatever was queued, all before anyone hears of the
		// open, so that a listener that closes at once cannot cut them off.
		for (const message of this.options.initialMessages ?? []) {
			const size = Buffer.byteLength(message);
			this.pendingBytes += size;
			this.transmit({data: message, isBinary: false, size});
		}

		const queued = this.queue.splice(0);
		for (const message of queued) {
			this.transmit(message);
		}

		this.startPinging();
		this.emit('open', {protocol: socket.protocol, extensions: socket.extensions, attempt: this.attempt});
	}

	private transmit(message: Outgoing): void {
		const socket = this.socket;
		if (socket === undefined) {
			return;
		}

		this.stats.sentMessages++;
		this.stats.sentBytes += message.size;
		this.batchWrites();
		socket.send(message.data, {binary: message.isBinary}, () => {
			this.pendingBytes -= message.size;
			if (this.pendingBytes === 0) {
				this.emit('flushed');
			}

			if (this.blocked && this.pendingBytes <= this.highWaterMark / 2) {
				this.blocked = false;
				this.emit('drain');
			}
		});
	}

	/**
	Holds the socket's writes until the current tick ends, so that messages sent together leave
	in one system call rather than one each (a pasted block, a chunk of piped lines).
	*/
	private batchWrites(): void {
		const stream = this.stream;
		if (this.corked || stream === undefined) {
			return;
		}

		this.corked = true;
		stream.cork();
		process.nextTick(() => {
			this.corked = false;
			stream.uncork();
		});
	}

	private onPong(payload: Buffer): void {
		const key = payload.toString('latin1');
		const ping = this.pingsInFlight.get(key);
		if (ping === undefined) {
			this.emit('pong', {payload});
			return;
		}

		this.pingsInFlight.delete(key);
		this.clearPongDeadline();
		this.emit('pong', {payload, rtt: this.clock.now() - ping.sentAt, keepalive: ping.keepalive});
	}

	private onError(socket: WebSocket, error: Error): void {
		if (socket !== this.socket) {
			return;
		}

		if (this.currentState === 'connecting') {
			this.failure ??= describeConnectError(error, new URL(this.target.url));
			return;
		}

		this.emit('error', error);
	}

	private onClose(socket: WebSocket, code: number, reason: string): void {
		if (socket !== this.socket) {
			return;
		}

		this.stopPinging();
		this.socket = undefined;
		if (this.currentState === 'connecting') {
			this.handleConnectFailure(this.failure ?? {kind: 'other', message: `closed during the handshake with ${describeCloseCode(code)}`});
			return;
		}

		const byUs = this.closingByUs;
		const willReconnect = !byUs && !this.stopped && this.options.reconnect === true && code !== 1000;
		this.finish({code, reason, byUs, willReconnect});
	}

	private handleConnectFailure(failure: ConnectFailure): void {
		this.socket = undefined;
		this.emit('connect-error', failure);
		// The first connection failing ends the run (a typo should not retry forever); a failure
		// while reconnecting is one more attempt.
		if (this.everOpened && this.options.reconnect === true && !this.stopped) {
			this.failuresInARow++;
			this.scheduleReconnect();
			return;
		}

		this.currentState = 'closed';
		this.stopped = true;
		this.failPending();
	}

	private finish(event: CloseEvent): void {
		this.stopPinging();
		if (event.willReconnect) {
			this.emit('close', event);
			this.failuresInARow++;
			this.scheduleReconnect();
			return;
		}

		this.currentState = 'closed';
		this.failPending();
		this.emit('close', event);
	}

	/** Messages that can never be sent now still release their share of the buffer. */
	private failPending(): void {
		this.queue.length = 0;
		this.pendingBytes = 0;
		if (this.blocked) {
			this.blocked = false;
			this.emit('drain');
		}
	}

	private scheduleReconnect(): void {
		this.currentState = 'reconnecting';
		const delay = backoffDelay(this.failuresInARow);
		this.emit('reconnecting', {attempt: this.attempt + 1, delay});
		this.reconnectTimer = this.clock.setTimeout(() => {
			this.reconnectTimer = undefined;
			this.open();
		}, delay);
	}

	private clearReconnect(): void {
		if (this.reconnectTimer !== undefined) {
			this.clock.clearTimeout(this.reconnectTimer);
			this.reconnectTimer = undefined;
		}
	}

	private detach(socket: WebSocket): void {
		socket.removeAllListeners();
		// A terminated socket may still report an error; nobody is listening any more.
		socket.on('error', () => undefined);
		this.stopPinging();
		this.socket = undefined;
	}

	private startPinging(): void {
		const interval = (this.options.pingInterval ?? 0) * 1000;
		if (interval <= 0) {
			return;
		}

		const timeout = (this.options.pingTimeout ?? this.options.pingInterval ?? 0) * 1000;
		const tick = (): void => {
			if (this.currentState !== 'open') {
				return;
			}

			this.sendPing(undefined, true);
			// One deadline for the oldest unanswered ping; any pong of ours clears it.
			this.pongDeadline ??= this.clock.setTimeout(() => {
				this.dropDeadPeer(timeout);
			}, timeout);
			this.pingTimer = this.clock.setTimeout(tick, interval);
		};

		this.pingTimer = this.clock.setTimeout(tick, interval);
	}

	private stopPinging(): void {
		if (this.pingTimer !== undefined) {
			this.clock.clearTimeout(this.pingTimer);
			this.pingTimer = undefined;
		}

		this.clearPongDeadline();
		this.pingsInFlight.clear();
	}

	private clearPongDeadline(): void {
		if (this.pongDeadline !== undefined) {
			this.clock.clearTimeout(this.pongDeadline);
			this.pongDeadline = undefined;
		}
	}

	private dropDeadPeer(timeout: number): void {
		const socket = this.socket;
		if (socket === undefined) {
			return;
		}

		this.detach(socket);
		socket.terminate();
		this.closingByUs = false;
		const willReconnect = !this.stopped && this.options.reconnect === true;
		this.finish({code: 1006, reason: `no pong within ${timeout / 1000} s`, byUs: false, willReconnect});
	}
}
