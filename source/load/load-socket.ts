/*
One of the bench's connections: a plain ws client made from the ConnectTarget (no reconnect, no
keepalive, no pipeline: per message it does only what the measure needs), its requests waiting
for a reply, and the pairing of each message received. It counts into the run's LoadStats and
tells the run when it opened, failed, settled requests or went away; the run decides what to send.
With a --protocol that has a handshake (protocol-session.ts), the connection opens when the
handshake finished, within --connect-timeout, and the session sees each message before the matcher.
*/
import type {ClientRequest, IncomingMessage} from 'node:http';
import type {Socket} from 'node:net';
import {type ConnectFailure, describeConnectError, describeHttpAnswer} from '../connection/connect-failure.js';
import type {ConnectTarget} from '../connection/connect-options.js';
import {describeRouteError} from '../connection/route.js';
import {type RawData, WebSocket} from '../connection/ws-library.js';
import type {Clock} from '../shared/clock.js';
import {escapeControl} from '../shared/escape-text.js';
import {notAReply, type ReplyMatcher} from './match.js';
import type {MessageSet} from './messages.js';
import {PendingRequests} from './pending.js';
import type {ProtocolSession, ProtocolSessions} from './protocol-session.js';
import type {LoadStats} from './stats.js';

/** What a connection tells the run. */
export type SocketEvents = {
	readonly opened: (socket: BenchSocket) => void;
	/** It never opened; `reason` says why, in one line. */
	readonly failed: (socket: BenchSocket, reason: string) => void;
	/** `count` of its requests were settled (answered or timed out): a closed loop sends as many again. */
	readonly settled: (socket: BenchSocket, count: number) => void;
	/** It closed after opening (dropped, or closed at the end); `abandoned` requests were waiting, now unanswered. */
	readonly gone: (socket: BenchSocket, abandoned: number) => void;
};

export type SocketContext = {
	readonly target: ConnectTarget;
	readonly clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
	readonly stats: LoadStats;
	readonly matcher: ReplyMatcher;
	readonly messages: MessageSet;
	readonly events: SocketEvents;
	/** The protocol's handshake and pings, when --protocol has them. */
	readonly sessions?: ProtocolSessions | undefined;
};

// Made once: ws takes these per send.
const textFrame = {binary: false} as const;
const binaryFrame = {binary: true} as const;

/** `handshake`: the WebSocket opened, the protocol's handshake has not finished (still connecting). */
type SocketState = 'connecting' | 'handshake' | 'open' | 'closing' | 'closed';

export class BenchSocket {
	readonly pending = new PendingRequests();
	/** Requests the closed loop owes this connection, sent together at its next flush. */
	owed = 0;
	readonly #context: SocketContext;
	readonly #socket: WebSocket;
	readonly #connectStartedAt: number;
	#state: SocketState = 'connecting';
	#failure: string | undefined;
	/** Requests that timed out and whose late reply has not come: such a reply is late, not a push. */
	#expiredUnreplied = 0;
	#session: ProtocolSession | undefined;
	#handshakeTimer: NodeJS.Timeout | undefined;

	constructor(context: SocketContext) {
		this.#context = context;
		this.#connectStartedAt = context.clock.now();
		this.#socket = new WebSocket(context.target.url, [...context.target.protocols], context.target.options);
		this.#socket.on('open', () => {
			this.#onOpen();
		});
		this.#socket.on('message', (data: RawData, isBinary: boolean) => {
			this.#onMessage(data as Buffer, isBinary);
		});
		this.#socket.on('unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
			this.#onRefused(response);
		});
		this.#socket.on('error', (error: Error) => {
			this.#onError(error);
		});
		this.#socket.on('close', (code: number, reason: Buffer) => {
			this.#onClose(code, reason);
		});
	}

	get isOpen(): boolean {
		return this.#state === 'open';
	}

	/** Sends the set's message for `sequence` (in turn), its latency counted from `startedAt`. */
	send(sequence: number, startedAt: number): void {
		const {messages, stats} = this.#context;
		const index = sequence % messages.size;
		this.pending.add(sequence, startedAt, index);
		stats.sent++;
		stats.firstSentAt ??= startedAt;
		this.#socket.send(messages.payload(index, sequence), messages.isBinary[index] ? binaryFrame : textFrame);
	}

	/**
	Holds writes back until uncork, so that the requests sent in between go in one system call.
	ws has no API for it: its TCP socket is the private `_socket` (absent: no batching, no harm).
	*/
	cork(): void {
		this.#tcp()?.cork();
	}

	uncork(): void {
		this.#tcp()?.uncork();
	}

	#tcp(): Socket | undefined {
		return (this.#socket as unknown as {_socket?: Socket})._socket;
	}

	/** Settles the requests that started at or before `deadline` as unanswered; returns how many. */
	expire(deadline: number): number {
		const expired = this.pending.expire(deadline);
		if (expired > 0) {
			this.#expiredUnreplied += expired;
			this.#context.stats.unanswered += expired;
			this.#context.stats.lastSettledAt = this.#context.clock.now();
		}

		return expired;
	}

	/** Settles every request still waiting as unanswered (the run is ending); returns how many. */
	abandon(): number {
		const waiting = this.pending.clear();
		if (waiting > 0) {
			this.#context.stats.unanswered += waiting;
			this.#context.stats.lastSettledAt = this.#context.clock.now();
		}

		return waiting;
	}

	/** Closes with 1000 (a connection still connecting is dropped: it has nothing to close). */
	close(): void {
		if (this.#state === 'open') {
			this.#state = 'closing';
			this.#socket.close(1000);
		} else if (this.#state === 'connecting' || this.#state === 'handshake') {
			this.#state = 'closing';
			this.#socket.terminate();
		}
	}

	/** Drops the TCP connection now: the close handshake took too long, or a second Ctrl-C. */
	terminate(): void {
		if (this.#state !== 'closed') {
			this.#socket.terminate();
		}
	}

	get isClosed(): boolean {
		return this.#state === 'closed';
	}

	#onOpen(): void {
		if (this.#state !== 'connecting') {
			return;
		}

		if (this.#context.sessions === undefined) {
			this.#opened();
		} else {
			this.#startSession(this.#context.sessions);
		}
	}

	/** The WebSocket opened: the protocol's handshake starts, bounded by --connect-timeout. */
	#startSession(sessions: ProtocolSessions): void {
		const {names, timeoutSeconds} = sessions;
		this.#state = 'handshake';
		this.#handshakeTimer = this.#context.clock.setTimeout(() => {
			this.#handshakeTimer = undefined;
			this.#handshakeFailed(`no ${names.awaited} from the ${names.protocol} server within the connect timeout (--connect-timeout ${timeoutSeconds})`);
		}, timeoutSeconds * 1000);
		this.#session = sessions.start({
			send: text => {
				this.#socket.send(text, textFrame);
			},
			ready: () => {
				this.#opened();
			},
			refuse: reason => {
				this.#handshakeFailed(reason);
			},
			drop: () => {
				this.terminate();
			},
		});
		this.#session.opened();
	}

	/** The handshake was refused or ran out of time: a connect failure (told when the connection has closed). */
	#handshakeFailed(reason: string): void {
		if (this.#state === 'handshake') {
			this.#failure ??= reason;
			this.#socket.terminate();
		}
	}

	#stopHandshakeTimer(): void {
		if (this.#handshakeTimer !== undefined) {
			this.#context.clock.clearTimeout(this.#handshakeTimer);
			this.#handshakeTimer = undefined;
		}
	}

	/** Connected (with a protocol: its handshake finished): the connect time ends here. */
	#opened(): void {
		const {clock, stats, events} = this.#context;
		if (this.#state !== 'connecting' && this.#state !== 'handshake') {
			return;
		}

		this.#stopHandshakeTimer();
		this.#state = 'open';
		stats.connectionsOpened++;
		stats.recordConnect(clock.now() - this.#connectStartedAt);
		events.opened(this);
	}

	#onMessage(data: Buffer, isBinary: boolean): void {
		if ((this.#session !== undefined && this.#session.receive(data, isBinary)) || this.#state === 'handshake') {
			return;
		}

		const {clock, stats, matcher, events} = this.#context;
		const now = clock.now();
		const position = matcher.find(data, this.pending);
		if (position < 0) {
			if (this.#expiredUnreplied > 0 && matcher.lastLooksLikeReply()) {
				this.#expiredUnreplied--;
				stats.late++;
			} else if (position === notAReply) {
				stats.pushes++;
			}

			// Else the protocol's own traffic (match.ts's protocolTraffic): neither a push nor a reply.
			return;
		}

		const startedAt = this.pending.settle(position);
		stats.answered++;
		stats.recordLatency(now - startedAt);
		stats.lastSettledAt = now;
		if (matcher.lastWasError()) {
			stats.errors++;
		}

		events.settled(this, 1);
	}

	/** The upgrade was answered with another status than 101: said as pipe mode says it (the status in words, what to check). */
	#onRefused(response: IncomingMessage): void {
		if (this.#state === 'connecting') {
			this.#failure ??= this.#explained(describeHttpAnswer(response));
		}

		response.resume();
		// Aborts the handshake; ws then reports an error (its own words, not kept) and a close.
		this.#socket.terminate();
	}

	#onError(error: Error): void {
		if (this.#state === 'connecting') {
			const target = this.#context.target;
			this.#failure ??= this.#explained(describeRouteError(error, target.route, new URL(target.url)) ?? describeConnectError(error, new URL(target.url), target.proxy === undefined ? undefined : new URL(target.proxy), {clientCertificate: target.options.cert !== undefined}));
		}
	}

	/** A failure to connect in words, with what it may mean for the protocol. */
	#explained(failure: ConnectFailure): string {
		return (this.#context.sessions?.explainFailure?.(failure) ?? failure).message;
	}

	#onClose(code: number, reason: Buffer): void {
		const before = this.#state;
		this.#state = 'closed';
		this.#stopHandshakeTimer();
		const {stats, events} = this.#context;
		if (before === 'handshake') {
			this.#failure ??= this.#closedInHandshake(code, reason);
		}

		if (before === 'connecting' || before === 'handshake') {
			stats.connectFailures++;
			events.failed(this, this.#failure ?? 'closed during the handshake');
			return;
		}

		if (before === 'open') {
			// The server closed, or the connection broke, in the middle of the run.
			stats.errors++;
		}

		events.gone(this, this.abandon());
	}

	/** The server closed before the protocol's handshake finished: its close code and reason. */
	#closedInHandshake(code: number, reason: Buffer): string {
		const {protocol, waiting} = this.#context.sessions!.names;
		const text = reason.length === 0 ? '' : ` ${escapeControl(reason.toString())}`;
		return `the ${protocol} server closed the connection (${code}${text}) ${waiting}`;
	}
}
