import type {Clock} from '../shared/clock.js';

export type PongEvent = {
	readonly payload: Buffer;
	/** Round trip of one of our pings, in milliseconds; undefined for an unsolicited pong. */
	readonly rtt?: number;
	/** It answers a --ping-interval ping rather than one asked for with ping(). */
	readonly keepalive?: boolean;
};

export type KeepaliveOptions = {
	/** Milliseconds between keepalive pings; 0 sends none. */
	readonly interval: number;
	/** Milliseconds to wait for a pong before the peer is declared dead. */
	readonly timeout: number;
	readonly clock: Clock;
	/** Puts a ping on the wire. */
	readonly sendPing: (payload: Buffer) => void;
	/** No pong came within the timeout. */
	readonly onDead: () => void;
};

// Only the newest few pings matter for round trips; the map stays small whatever the peer does.
const maxPingsInFlight = 16;

/**
The pings of one open connection: the --ping-interval timer, the pong deadline, and the round
trip of every ping, asked for or not.
*/
export class Keepalive {
	private readonly options: KeepaliveOptions;
	private readonly pingsInFlight = new Map<string, {readonly sentAt: number; readonly keepalive: boolean}>();
	private sequence = 0;
	private pingTimer: NodeJS.Timeout | undefined;
	private pongDeadline: NodeJS.Timeout | undefined;

	constructor(options: KeepaliveOptions) {
		this.options = options;
	}

	/** Sends a ping (payload generated when none is given) and returns what was sent. */
	ping(payload?: Buffer | string, keepalive = false): Buffer {
		const body = Buffer.from(payload ?? `wsterm-${++this.sequence}`);
		this.pingsInFlight.set(body.toString('latin1'), {sentAt: this.options.clock.now(), keepalive});
		if (this.pingsInFlight.size > maxPingsInFlight) {
			const oldest = this.pingsInFlight.keys().next().value;
			if (oldest !== undefined) {
				this.pingsInFlight.delete(oldest);
			}
		}

		this.options.sendPing(body);
		return body;
	}

	/** Matches a pong with its ping; any pong of ours proves the peer alive. */
	pong(payload: Buffer): PongEvent {
		const key = payload.toString('latin1');
		const ping = this.pingsInFlight.get(key);
		if (ping === undefined) {
			return {payload};
		}

		this.pingsInFlight.delete(key);
		this.clearDeadline();
		return {payload, rtt: this.options.clock.now() - ping.sentAt, keepalive: ping.keepalive};
	}

	/** Starts the --ping-interval pings (nothing when the interval is 0). */
	start(): void {
		const {interval, timeout, clock} = this.options;
		if (interval <= 0) {
			return;
		}

		this.pingTimer = clock.setInterval(() => {
			this.ping(undefined, true);
			// One deadline for the oldest unanswered ping.
			this.pongDeadline ??= clock.setTimeout(() => {
				this.pongDeadline = undefined;
				this.stop();
				this.options.onDead();
			}, timeout);
		}, interval);
	}

	stop(): void {
		if (this.pingTimer !== undefined) {
			this.options.clock.clearInterval(this.pingTimer);
			this.pingTimer = undefined;
		}

		this.clearDeadline();
		this.pingsInFlight.clear();
	}

	private clearDeadline(): void {
		if (this.pongDeadline !== undefined) {
			this.options.clock.clearTimeout(this.pongDeadline);
			this.pongDeadline = undefined;
		}
	}
}
