/*
One attempt's way to an open socket: the socket made (ws's, or the one a test gives), one
deadline for the whole connect, what the proxy answered to CONNECT, and what went wrong, in words.
The connection makes one Handshake per attempt and drops it with the attempt.
*/
import type {IncomingMessage} from 'node:http';
import type {Clock} from '../shared/clock.js';
import {describeCloseCode} from './close-codes.js';
import {
	type ConnectFailure, describeConnectError, describeHttpAnswer, describeProxyAnswer, timeoutFailure,
} from './connect-failure.js';
import type {ConnectTarget} from './connect-options.js';
import {type ClientOptions, WebSocket} from './ws.js';

/** What the proxy answered to CONNECT. */
export type ProxyAnswer = {
	readonly statusCode: number;
	readonly statusText?: string;
};

/** The attempt's socket: ws's, unless `create` (a test's) is given. */
export function createSocket(target: ConnectTarget, closeTimeout: number, create?: (target: ConnectTarget) => WebSocket): WebSocket {
	if (create !== undefined) {
		return create(target);
	}

	// ws bounds every close handshake by closeTimeout (ours, the peer's, after a protocol error).
	const options: ClientOptions & {closeTimeout: number} = {...target.options, closeTimeout};
	return new WebSocket(target.url, [...target.protocols], options);
}

export class Handshake {
	/** What went wrong so far; the first cause wins (ws's later errors say less). */
	private failure: ConnectFailure | undefined;
	private proxyAnswer: ProxyAnswer | undefined;
	private deadline: NodeJS.Timeout | undefined;

	constructor(
		private readonly target: ConnectTarget,
		private readonly clock: Clock,
	) {}

	/**
	One deadline for the whole connect (TCP, proxy, TLS, upgrade): ws's handshake timeout restarts
	for each stage, which made a wss:// timeout twice as long.
	*/
	startDeadline(onTimeout: (failure: ConnectFailure) => void): void {
		const limit = this.target.options.handshakeTimeout;
		if (limit === undefined || limit <= 0) {
			return;
		}

		this.deadline = this.clock.setTimeout(() => {
			this.deadline = undefined;
			onTimeout(timeoutFailure(new URL(this.target.url), limit / 1000));
		}, limit);
	}

	/** The attempt is over (opened, failed or given up): its deadline no longer runs. */
	stop(): void {
		if (this.deadline !== undefined) {
			this.clock.clearTimeout(this.deadline);
			this.deadline = undefined;
		}
	}

	/** The proxy agent says what the proxy answered before ws hears of any response. */
	proxyAnswered(answer: ProxyAnswer): void {
		this.proxyAnswer = answer;
	}

	/** The upgrade was answered with something else than 101: by the proxy (to CONNECT) or by the server. */
	refused(response: IncomingMessage): void {
		const answer = this.proxyAnswer;
		this.failure = this.target.proxy !== undefined && answer !== undefined && answer.statusCode !== 200
			? describeProxyAnswer(answer.statusCode, answer.statusText, new URL(this.target.proxy), new URL(this.target.url))
			: describeHttpAnswer(response);
	}

	/** A socket error before the open. */
	failed(error: Error): void {
		// With a proxy, anything before its tunnel stands is about the proxy.
		const proxy = this.target.proxy !== undefined && this.proxyAnswer?.statusCode !== 200 ? new URL(this.target.proxy) : undefined;
		this.failure ??= describeConnectError(error, new URL(this.target.url), proxy);
	}

	/** Why the attempt failed, now that the socket closed before it opened. */
	failureAtClose(code: number): ConnectFailure {
		return this.failure ?? {kind: 'other', message: `closed during the handshake with ${describeCloseCode(code)}`};
	}
}
