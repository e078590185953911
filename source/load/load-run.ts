/*
The load itself: opens the connections (all at once, or spread over --ramp), decides when each
request goes (closed loop: --window in flight per connection; open loop: --rate on a schedule,
open-loop.ts), stops sending when -d runs out or -m messages went, times out requests left
without a reply, and says when the run is over: every request settled, or no connection left.
Closing the connections at the end is here too (with 1000, bounded in time).
*/
import type {ConnectTarget} from '../connection/connect-options.js';
import type {Clock} from '../shared/clock.js';
import {BenchSocket, type SocketContext} from './load-socket.js';
import type {ReplyMatcher} from './match.js';
import type {MessageSet} from './messages.js';
import {OpenLoop} from './open-loop.js';
import type {BenchOptions} from './options.js';
import type {ProtocolSessions} from './protocol-session.js';
import type {LoadStats} from './stats.js';

/** Why the run ended. */
export type RunEnd = 'done' | 'no-connections' | 'interrupted';

export type LoadRunParts = {
	readonly target: ConnectTarget;
	readonly clock: Clock;
	readonly stats: LoadStats;
	readonly matcher: ReplyMatcher;
	readonly messages: MessageSet;
	/** --protocol's handshake on each connection, when it has one. */
	readonly sessions?: ProtocolSessions | undefined;
};

type LoadRunOptions = Pick<BenchOptions, 'connections' | 'rampMs' | 'amount' | 'pace' | 'timeoutMs'>;

export class LoadRun {
	readonly #options: LoadRunOptions;
	readonly #clock: Clock;
	readonly #context: SocketContext;
	readonly #sockets = new Set<BenchSocket>();
	/** The open connections, in the order they opened (the open loop takes them in turn). */
	readonly #open: BenchSocket[] = [];
	readonly #openLoop: OpenLoop | undefined;
	readonly #window: number;
	readonly #timers = new Set<NodeJS.Timeout>();
	/** Connections owed requests by the closed loop, sent at the next flush. */
	readonly #owing = new Set<BenchSocket>();
	#flushQueued = false;
	#sweep: NodeJS.Timeout | undefined;
	#startedAt = 0;
	#connectionsStarted = 0;
	/** Connections started that have not opened or failed yet. */
	#connecting = 0;
	#sending = true;
	/** Messages -m still allows (Infinity with -d). */
	#unsent: number;
	#nextSequence = 0;
	/** Requests waiting for a reply, over every connection. */
	#waiting = 0;
	#firstFailure: string | undefined;
	#end: ((end: RunEnd) => void) | undefined;
	#ended = false;

	constructor(options: LoadRunOptions, parts: LoadRunParts) {
		this.#options = options;
		this.#clock = parts.clock;
		this.#unsent = options.amount.kind === 'messages' ? options.amount.count : Number.POSITIVE_INFINITY;
		this.#window = options.pace.kind === 'closed' ? options.pace.window : 0;
		this.#openLoop = options.pace.kind === 'open' ? new OpenLoop(options.pace.rate, parts.clock, (startedAt) => this.#sendScheduled(startedAt)) : undefined;
		this.#context = {
			...parts,
			events: {
				opened: socket => {
					this.#onOpened(socket);
				},
				failed: (socket, reason) => {
					this.#onFailed(socket, reason);
				},
				settled: (socket, count) => {
					this.#onSettled(socket, count);
				},
				gone: (socket, abandoned) => {
					this.#onGone(socket, abandoned);
				},
			},
		};
	}

	/** Why the first connection that failed did. */
	get firstFailure(): string | undefined {
		return this.#firstFailure;
	}

	/** How many connections are open now. */
	get openConnections(): number {
		return this.#open.length;
	}

	/** Runs until every request is settled after the end of sending, or no connection is left; resolves with why it ended. */
	async run(): Promise<RunEnd> {
		const ended = new Promise<RunEnd>(resolve => {
			this.#end = resolve;
		});
		this.#startedAt = this.#clock.now();
		if (this.#options.amount.kind === 'duration') {
			this.#after(this.#options.amount.ms, () => {
				this.#stopSending();
			});
		}

		const {timeoutMs} = this.#options;
		// Timeouts are found by a sweep, not a timer per request: a tenth of --timeout late at most.
		this.#sweep = this.#clock.setInterval(() => {
			this.#expire(this.#clock.now() - timeoutMs);
		}, Math.min(100, Math.max(5, timeoutMs / 10)));
		this.#openDue();
		return ended;
	}

	/** Ends the run now (Ctrl-C): nothing more is sent, and the requests waiting are unanswered. */
	interrupt(): void {
		for (const socket of this.#sockets) {
			this.#waiting -= socket.abandon();
		}

		this.#finish('interrupted');
	}

	/** Closes every connection with 1000; those that have not closed after `graceMs` are dropped. */
	async closeAll(graceMs: number): Promise<void> {
		for (const socket of this.#sockets) {
			socket.close();
		}

		const deadline = this.#clock.now() + graceMs;
		while (this.#sockets.size > 0 && this.#clock.now() < deadline) {
			// eslint-disable-next-line no-await-in-loop
			await new Promise<void>(resolve => {
				this.#clock.setTimeout(resolve, 10);
			});
		}

		this.terminateAll();
	}

	/** Drops every connection at once (a second Ctrl-C). */
	terminateAll(): void {
		for (const socket of this.#sockets) {
			socket.terminate();
		}
	}

	/** Starts the connections whose turn has come (with --ramp, one every rampMs / connections). */
	#openDue(): void {
		const {connections, rampMs} = this.#options;
		const elapsed = this.#clock.now() - this.#startedAt;
		while (this.#connectionsStarted < connections && !this.#ended
			&& (rampMs === 0 || this.#connectionsStarted * rampMs / connections <= elapsed)) {
			this.#connectionsStarted++;
			this.#connecting++;
			this.#sockets.add(new BenchSocket(this.#context));
		}

		if (this.#connectionsStarted < connections && !this.#ended) {
			const next = this.#startedAt + this.#connectionsStarted * rampMs / connections;
			this.#after(Math.max(1, next - this.#clock.now()), () => {
				this.#openDue();
			});
		}
	}

	#after(ms: number, callback: () => void): void {
		const timer = this.#clock.setTimeout(() => {
			this.#timers.delete(timer);
			callback();
		}, ms);
		this.#timers.add(timer);
	}

	/** Whether one more request may go, counting it against -m. */
	#take(): boolean {
		if (!this.#sending || this.#unsent <= 0) {
			return false;
		}

		this.#unsent--;
		if (this.#unsent === 0) {
			this.#sending = false;
			this.#openLoop?.stop();
		}

		return true;
	}

	#send(socket: BenchSocket, startedAt: number): void {
		this.#waiting++;
		socket.send(this.#nextSequence++, startedAt);
	}

	/** The open loop's turn: the next open connection sends the request scheduled at `startedAt`; false when none can. */
	#sendScheduled(startedAt: number): boolean {
		if (this.#open.length === 0 || !this.#take()) {
			return false;
		}

		const socket = this.#open[this.#nextSequence % this.#open.length]!;
		this.#send(socket, startedAt);
		return true;
	}

	/**
	The closed loop: `count` more requests owed on `socket`. With --window above 1 they go out
	together once the messages received in the same read are handled (a microtask later), in one
	write: several replies in one TCP read are common then, and a write per request was the bench's
	largest cost.
	*/
	#refill(socket: BenchSocket, count: number): void {
		if (this.#window === 1) {
			// One in flight: nothing to batch, and a microtask per request costs a ping-pong some 10%.
			if (socket.isOpen && this.#take()) {
				this.#send(socket, this.#clock.now());
			}

			return;
		}

		socket.owed += count;
		this.#owing.add(socket);
		if (!this.#flushQueued) {
			this.#flushQueued = true;
			queueMicrotask(this.#flush);
		}
	}

	readonly #flush = (): void => {
		this.#flushQueued = false;
		const now = this.#clock.now();
		for (const socket of this.#owing) {
			socket.cork();
			while (socket.owed > 0 && socket.isOpen && this.#take()) {
				socket.owed--;
				this.#send(socket, now);
			}

			socket.owed = 0;
			socket.uncork();
		}

		this.#owing.clear();
		this.#checkEnd();
	};

	#onOpened(socket: BenchSocket): void {
		this.#connecting--;
		if (this.#ended) {
			socket.close();
			return;
		}

		this.#open.push(socket);
		if (this.#openLoop === undefined) {
			this.#refill(socket, this.#window);
		} else {
			this.#openLoop.start();
		}

		this.#checkEnd();
	}

	#onFailed(socket: BenchSocket, reason: string): void {
		this.#connecting--;
		this.#sockets.delete(socket);
		this.#firstFailure ??= reason;
		this.#checkEnd();
	}

	#onSettled(socket: BenchSocket, count: number): void {
		this.#waiting -= count;
		if (this.#openLoop === undefined && this.#sending) {
			this.#refill(socket, count);
		}

		this.#checkEnd();
	}

	#onGone(socket: BenchSocket, abandoned: number): void {
		this.#waiting -= abandoned;
		this.#sockets.delete(socket);
		const index = this.#open.indexOf(socket);
		if (index !== -1) {
			this.#open.splice(index, 1);
		}

		this.#checkEnd();
	}

	#expire(deadline: number): void {
		for (const socket of this.#open) {
			const expired = socket.expire(deadline);
			if (expired > 0) {
				this.#onSettled(socket, expired);
			}
		}
	}

	#stopSending(): void {
		this.#sending = false;
		this.#openLoop?.stop();
		this.#checkEnd();
	}

	/** Over when nothing more will be sent and nothing waits, or when no connection is left and none is coming. */
	#checkEnd(): void {
		if (this.#ended) {
			return;
		}

		const moreComing = this.#connectionsStarted < this.#options.connections || this.#connecting > 0;
		if (this.#open.length === 0 && !moreComing) {
			this.#finish(this.#sockets.size === 0 && this.#context.stats.connectionsOpened === 0 ? 'no-connections' : 'done');
			return;
		}

		if ((!this.#sending || this.#unsent <= 0) && this.#waiting <= 0) {
			this.#finish('done');
		}
	}

	#finish(end: RunEnd): void {
		if (this.#ended) {
			return;
		}

		this.#ended = true;
		this.#sending = false;
		this.#openLoop?.stop();
		for (const timer of this.#timers) {
			this.#clock.clearTimeout(timer);
		}

		this.#timers.clear();
		if (this.#sweep !== undefined) {
			this.#clock.clearInterval(this.#sweep);
		}

		// Closing connections at the end is not a change the run needs to follow.
		this.#open.length = 0;
		this.#end?.(end);
	}
}
