/*
The connection layer: one WebSocket connection and its life (connect through proxies and TLS,
send with backpressure, keepalive pings, the close handshake, --reconnect), told as events. It owns
everything in this folder and may import only shared/ and its packages (ws, the proxy agents
https-proxy-agent and socks-proxy-agent); never pipe/, session/, serve/, cli/ or ui/, which all build on it (a test holds it).
*/
import {EventEmitter} from 'node:events';
import type {ClientRequest, IncomingMessage} from 'node:http';
import {type Clock, systemClock} from '../shared/clock.js';
import {closeProblem, erredInCloseFrame} from './close-codes.js';
import {closeForDeadPeer, closeForError, type OurClose, reportClose, wantsReconnect} from './close-report.js';
import type {ConnectFailure} from './connect-failure.js';
import type {ConnectTarget} from './connect-options.js';
import type {CloseEvent, ConnectionState, ConnectionStats, Events} from './events.js';
import {Handshake, type ProxyAnswer} from './handshake.js';
import {Keepalive} from './keepalive.js';
import {defaultReconnectRules, type ReconnectPlan, type ReconnectRules} from './reconnect-policy.js';
import {ReconnectSchedule} from './reconnect-schedule.js';
import {type Outgoing, type Released, SendQueue} from './send-queue.js';
import {WriteBatch} from './write-batch.js';
import type {WebSocket} from './ws-library.js';

export {type Clock, systemClock} from '../shared/clock.js';
export {type ConnectFailure, type ConnectFailureKind, describeConnectError} from './connect-failure.js';
export type {PongEvent} from './keepalive.js';
export type {
	CloseEvent, ConnectionState, ConnectionStats, OpenEvent, ReconnectEvent,
} from './events.js';

export type ConnectionOptions = {
	/** Seconds between pings; 0 sends none. */
	readonly pingInterval?: number;
	/** Seconds to wait for a pong before the connection is declared dead (default: the interval). */
	readonly pingTimeout?: number;
	/** Reconnect after an unexpected drop. */
	readonly reconnect?: boolean;
	/** Reconnect attempts in a row that may fail before giving up (default: no limit). */
	readonly maxRetries?: number;
	/** Backoff and what counts as a connection that lived (tests shorten them). */
	readonly reconnectRules?: Partial<ReconnectRules>;
	/** Messages sent first on every connect and reconnect (unless takeInitialMessages() hands them over). */
	readonly initialMessages?: readonly string[];
	/** Bytes queued or in flight above which `writable` turns false (default 256 KiB). */
	readonly highWaterMark?: number;
	/**
	Milliseconds a close handshake may take, whoever started it, before the socket is dropped
	(default 5000; ws's own default is 30 s).
	*/
	readonly closeTimeout?: number;
	readonly clock?: Clock;
	/** The WebSocket constructor (ws's by default). */
	readonly createSocket?: (target: ConnectTarget) => WebSocket;
	/** What a failure to connect may mean for the protocol spoken there (Socket.IO's path, its transports). */
	readonly explainFailure?: (failure: ConnectFailure) => ConnectFailure;
};

/**
One WebSocket connection and its life: it queues what is sent before it opens, measures ping
round trips, notices dead peers and reconnects after drops. Everything it learns is an event.
The class holds the state machine and the socket's events; the rest lives in its own modules:
Handshake (one attempt's way to the open), SendQueue (backpressure), Keepalive (pings),
ReconnectSchedule and reconnect-policy (when to retry), close-report (how an end is reported),
connect-failure and tls-failure (what went wrong, in words, with what to try), events (the events).
*/
export class Connection extends EventEmitter<Events> {
	readonly target: ConnectTarget;
	readonly stats: ConnectionStats = {sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0};
	private readonly clock: Clock;
	private readonly options: ConnectionOptions;
	private readonly closeTimeout: number;
	private readonly queue: SendQueue;
	private readonly reconnects: ReconnectSchedule;
	private socket: WebSocket | undefined;
	/** The current attempt's, until the next attempt. */
	private handshake: Handshake;
	private currentState: ConnectionState = 'closed';
	private attempt = 0;
	private stopped = false;
	private everOpened = false;
	private openedAt = 0;
	private keepalive: Keepalive | undefined;
	private ourClose: OurClose | undefined;
	private socketPaused = false;
	private readonly writes = new WriteBatch();
	private protocolInUse = '';
	private extensionsInUse = '';
	/** The -I messages were handed over: the caller sends them on each open. */
	private initialTaken = false;

	constructor(target: ConnectTarget, options: ConnectionOptions = {}) {
		super();
		this.target = target;
		this.options = options;
		this.clock = options.clock ?? systemClock;
		this.closeTimeout = options.closeTimeout ?? 5000;
		this.queue = new SendQueue(options.highWaterMark ?? 256 * 1024);
		const rules: ReconnectRules = {
			...defaultReconnectRules,
			...options.reconnectRules,
			...(options.maxRetries === undefined ? {} : {maxRetries: options.maxRetries}),
		};
		this.reconnects = new ReconnectSchedule(rules, this.clock);
		this.handshake = new Handshake(target, this.clock);
		// The proxy agent says what the proxy answered to CONNECT before ws hears of any response.
		target.options.agent?.on('proxyConnect', (answer: ProxyAnswer) => {
			this.handshake.proxyAnswered(answer);
		});
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
		return this.queue.bytes;
	}

	/** Messages waiting for the connection to open. */
	get queuedMessages(): number {
		return this.queue.length;
	}

	/** False while more than the high-water mark waits to be sent; 'drain' says when to go on. */
	get writable(): boolean {
		return this.queue.writable;
	}

	/**
	Hands the -I messages over: from now on the caller sends them on each open, the connection no
	longer does. A pipeline with stages takes them, to send them through its stages once the open
	has been through them (encoded, framed by a protocol after its handshake, seen by the hooks).
	*/
	takeInitialMessages(): readonly string[] {
		this.initialTaken = true;
		return this.options.initialMessages ?? [];
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
		const message = {data, isBinary, size: typeof data === 'string' ? Buffer.byteLength(data) : data.length};
		const now = this.currentState === 'open' && this.queue.length === 0;
		const writable = this.queue.add(message, !now);
		if (now) {
			this.transmit(message);
		}

		return writable;
	}

	/**
	Sends a ping; its pong reports the round trip. Returns the payload sent (generated when none is
	given), or undefined when the connection is not open.
	*/
	ping(payload?: Buffer | string): Buffer | undefined {
		return this.currentState === 'open' ? this.keepalive?.ping(payload) : undefined;
	}

	/**
	Starts the close handshake; the socket is dropped if it has not ended within the close timeout.
	The code and reason are checked first; a bad one is returned as a message and nothing is sent.
	*/
	close(code = 1000, reason = ''): string | undefined {
		const problem = closeProblem(code, reason);
		if (problem !== undefined) {
			return problem;
		}

		this.stopped = true;
		this.clearReconnect();
		const socket = this.socket;
		if (socket === undefined) {
			this.endWithoutSocket(code, reason);
		} else if (this.currentState === 'connecting') {
			this.abandonHandshake(socket);
		} else if (this.currentState === 'open') {
			this.ourClose = {code, reason};
			this.beginClosing();
			socket.close(code, reason);
		}

		return undefined;
	}

	/** Drops the connection without a close handshake, in any state; 'close' follows. */
	terminate(): void {
		this.stopped = true;
		this.clearReconnect();
		const socket = this.socket;
		if (socket === undefined) {
			this.endWithoutSocket(1006, '');
		} else if (this.currentState === 'connecting') {
			this.abandonHandshake(socket);
		} else {
			this.ourClose ??= {code: 1006, reason: ''};
			this.beginClosing();
			socket.terminate();
		}
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
		this.reconnects.reset();
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

	/**
	Drops the open connection as failed, with no close handshake: `fault` says why (a protocol's
	handshake that never finished). With --reconnect it is one more failed attempt.
	*/
	drop(fault: string): void {
		if (this.socket !== undefined && this.currentState === 'open') {
			this.dropSocket(this.socket, {code: 1006, reason: fault, fault});
		}
	}

	private open(): void {
		this.attempt++;
		this.ourClose = undefined;
		this.currentState = 'connecting';
		this.emit('connecting', this.attempt);
		const handshake = new Handshake(this.target, this.clock);
		this.handshake = handshake;
		let socket: WebSocket;
		try {
			socket = handshake.createSocket(this.closeTimeout, this.options.createSocket);
		} catch (error) {
			// ws puts the URL in some messages; the password stays out of them.
			this.connectFailed({kind: 'other', message: (error as Error).message.replaceAll(this.target.url, this.target.displayUrl)});
			return;
		}

		this.socket = socket;
		handshake.startDeadline(failure => {
			if (socket === this.socket && this.currentState === 'connecting') {
				this.detach(socket);
				socket.terminate();
				this.connectFailed(failure);
			}
		});
		if (this.socketPaused) {
			socket.pause();
		}

		socket.on('upgrade', (response: IncomingMessage) => {
			this.socketOnUpgrade(socket, response);
		});
		socket.on('open', () => {
			this.socketOnOpen(socket);
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
			this.emit('pong', this.keepalive?.pong(payload) ?? {payload});
		});
		socket.on('unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
			handshake.refused(response);
			response.resume();
			// Aborts the handshake; ws then reports an error and a close, which end the attempt.
			socket.terminate();
		});
		socket.on('error', error => {
			this.socketOnError(socket, error);
		});
		socket.on('close', (code, reason) => {
			this.socketOnClose(socket, code, reason.toString());
		});
	}

	/** The connect is over (opened, failed, given up): its deadline no longer runs. */
	private clearConnectDeadline(): void {
		this.handshake.stop();
	}

	private socketOnUpgrade(socket: WebSocket, response: IncomingMessage): void {
		this.handshake.upgraded(response);
		const stream = response.socket;
		this.writes.attach(stream);
		// ws ends its side once it has answered a close frame or given up on a protocol error;
		// from then on the connection is closing, even while the peer keeps TCP open.
		stream.once('finish', () => {
			if (socket === this.socket && this.currentState === 'open') {
				this.beginClosing();
			}
		});
	}

	private socketOnOpen(socket: WebSocket): void {
		this.clearConnectDeadline();
		this.currentState = 'open';
		this.everOpened = true;
		this.openedAt = this.clock.now();
		this.protocolInUse = this.handshake.protocol ?? socket.protocol;
		this.extensionsInUse = socket.extensions;
		const interval = (this.options.pingInterval ?? 0) * 1000;
		const timeout = (this.options.pingTimeout ?? this.options.pingInterval ?? 0) * 1000;
		this.keepalive = new Keepalive({
			interval,
			timeout,
			clock: this.clock,
			sendPing(payload) {
				socket.ping(payload);
			},
			onDead: () => {
				this.dropDeadPeer(socket, timeout);
			},
		});
		// The -I messages go first, then whatever was queued, all before anyone hears of the
		// open, so that a listener that closes at once cannot cut them off.
		for (const data of this.initialTaken ? [] : this.options.initialMessages ?? []) {
			const message = {data, isBinary: false, size: Buffer.byteLength(data)};
			this.queue.add(message, false);
			this.transmit(message);
		}

		for (const message of this.queue.takeWaiting()) {
			this.transmit(message);
		}

		this.keepalive.start();
		this.emit('open', {protocol: this.protocolInUse, extensions: socket.extensions, attempt: this.attempt});
	}

	private transmit(message: Outgoing): void {
		const socket = this.socket;
		if (socket === undefined) {
			return;
		}

		this.stats.sentMessages++;
		this.stats.sentBytes += message.size;
		this.writes.hold();
		const generation = this.queue.generation;
		socket.send(message.data, {binary: message.isBinary}, () => {
			this.released(this.queue.release(message.size, generation));
		});
	}

	private released({flushed, drained}: Released): void {
		if (flushed) {
			this.emit('flushed');
		}

		if (drained) {
			this.emit('drain');
		}
	}

	private socketOnError(socket: WebSocket, error: Error): void {
		if (socket !== this.socket) {
			return;
		}

		if (this.currentState === 'connecting') {
			this.handshake.failed(error);
			return;
		}

		// ws has sent a close frame for a protocol error (1002, 1007, 1009): that close is ours.
		const forced = closeForError(error, erredInCloseFrame(socket));
		if (forced !== undefined && this.ourClose === undefined) {
			this.ourClose = forced;
			this.beginClosing();
		}

		this.emit('error', error);
	}

	private socketOnClose(socket: WebSocket, code: number, reason: string): void {
		if (socket !== this.socket) {
			return;
		}

		this.clearConnectDeadline();
		this.keepalive?.stop();
		this.socket = undefined;
		if (this.currentState === 'connecting') {
			this.connectFailed(this.handshake.failureAtClose(code));
			return;
		}

		const report = reportClose(this.ourClose, code, reason);
		const retry = this.options.reconnect === true && !this.stopped && wantsReconnect(report);
		const plan = retry ? this.reconnects.plan(this.clock.now() - this.openedAt) : undefined;
		this.finish({...report, willReconnect: plan !== undefined}, plan);
	}

	private connectFailed(given: ConnectFailure): void {
		const failure = this.options.explainFailure?.(given) ?? given;
		this.clearConnectDeadline();
		this.socket = undefined;
		// The first connection failing ends the run (a typo should not retry forever); a failure
		// while reconnecting is one more attempt, until --max-retries.
		const retrying = this.everOpened && this.options.reconnect === true && !this.stopped;
		const plan = retrying ? this.reconnects.plan(undefined) : undefined;
		if (plan !== undefined) {
			this.scheduleReconnect(plan, failure);
			return;
		}

		this.currentState = 'closed';
		this.stopped = true;
		this.failPending();
		const {retries} = this.reconnects;
		this.emit('connect-error', retrying
			? {...failure, message: `${failure.message}; gave up after ${retries} reconnect attempt${retries === 1 ? '' : 's'} (--max-retries)`}
			: failure);
	}

	private finish(event: CloseEvent, plan?: ReconnectPlan): void {
		this.keepalive?.stop();
		if (plan !== undefined) {
			this.currentState = 'reconnecting';
			this.emit('close', event);
			// A 'close' listener may have closed the connection for good.
			if (!this.stopped) {
				this.scheduleReconnect(plan);
			}

			return;
		}

		this.currentState = 'closed';
		this.failPending();
		this.emit('close', event);
	}

	/** close() or terminate() with no socket: nothing to say a close to, but it still ends. */
	private endWithoutSocket(code: number, reason: string): void {
		if (this.currentState !== 'closed') {
			this.finish({code, reason, byUs: true, willReconnect: false});
		}
	}

	/** Nothing to say a close to yet: give up on the handshake quietly. */
	private abandonHandshake(socket: WebSocket): void {
		this.detach(socket);
		socket.terminate();
		this.finish({code: 1006, reason: '', byUs: true, willReconnect: false});
	}

	private beginClosing(): void {
		if (this.currentState !== 'closing') {
			this.currentState = 'closing';
			this.keepalive?.stop();
			this.emit('closing');
		}
	}

	/** Messages that can never be sent now still release their share of the buffer. */
	private failPending(): void {
		this.released(this.queue.drop());
	}

	private scheduleReconnect(plan: ReconnectPlan, failure?: ConnectFailure): void {
		this.currentState = 'reconnecting';
		this.reconnects.start(plan, () => {
			this.open();
		});
		this.emit('reconnecting', {attempt: plan.state.retries, delay: plan.delay, ...(failure === undefined ? {} : {failure})});
	}

	private clearReconnect(): void {
		this.reconnects.cancel();
	}

	private detach(socket: WebSocket): void {
		socket.removeAllListeners();
		// A terminated socket may still report an error; nobody is listening any more.
		socket.on('error', () => undefined);
		this.clearConnectDeadline();
		this.keepalive?.stop();
		this.socket = undefined;
	}

	/** No pong in time: wsterm decides the peer is gone and drops the socket. */
	private dropDeadPeer(socket: WebSocket, timeout: number): void {
		if (socket === this.socket) {
			this.dropSocket(socket, closeForDeadPeer(timeout));
		}
	}

	private dropSocket(socket: WebSocket, close: OurClose): void {
		this.ourClose = close;
		this.beginClosing();
		socket.terminate();
	}
}
