/*
One attempt's way to an open socket: the socket made (ws's, or the one a test gives), one
deadline for the whole connect, what the proxy answered to CONNECT, the subprotocol the server
chose, and what went wrong, in words. The connection makes one Handshake per attempt and drops it
with the attempt.

Subprotocols are negotiated here, not by ws: ws fails the connection when the server picks none of
those offered ("Server sent no subprotocol"), as the WHATWG rule for browsers says, while RFC 6455
lets the server pick none and the client go on. wsterm goes on (and says so with -v), so the
offer goes in the request's headers, ws is told of no subprotocol, and the answer is checked on
ws's 'upgrade' event, before ws looks at it: one that was offered is taken (and its header
removed, as ws would refuse a subprotocol it did not ask for), one that was not fails the connect.
*/
import type {IncomingMessage} from 'node:http';
import type {Clock} from '../shared/clock.js';
import {escapeControl} from '../shared/escape-text.js';
import {describeCloseCode} from './close-codes.js';
import {
	type ConnectFailure, describeConnectError, describeHttpAnswer, describeProxyAnswer, timeoutFailure,
} from './connect-failure.js';
import type {ConnectTarget} from './connect-options.js';
import {describeRouteError} from './route.js';
import {type ClientOptions, WebSocket} from './ws-library.js';

/** What the proxy answered to CONNECT. */
export type ProxyAnswer = {
	readonly statusCode: number;
	readonly statusText?: string;
};

export class Handshake {
	/** What went wrong so far; the first cause wins (ws's later errors say less). */
	private failure: ConnectFailure | undefined;
	private proxyAnswer: ProxyAnswer | undefined;
	private deadline: NodeJS.Timeout | undefined;
	/** wsterm offers the subprotocols itself (its own socket, and some to offer). */
	private negotiates = false;
	private chosen = '';

	constructor(
		private readonly target: ConnectTarget,
		private readonly clock: Clock,
	) {}

	/** The subprotocol the server chose ('' for none); undefined when ws negotiated it (a test's socket). */
	get protocol(): string | undefined {
		return this.negotiates ? this.chosen : undefined;
	}

	/** The attempt's socket: ws's, unless `create` (a test's) is given. */
	createSocket(closeTimeout: number, create?: (target: ConnectTarget) => WebSocket): WebSocket {
		const {target} = this;
		if (create !== undefined) {
			return create(target);
		}

		this.negotiates = target.protocols.length > 0;
		const headers = this.negotiates
			? {...target.options.headers, 'Sec-WebSocket-Protocol': target.protocols.join(',')}
			: target.options.headers;
		// ws bounds every close handshake by closeTimeout (ours, the peer's, after a protocol error).
		const options: ClientOptions & {closeTimeout: number} = {...target.options, headers, closeTimeout};
		return new WebSocket(target.url, [], options);
	}

	/** ws's 'upgrade' event, before ws checks the answer: the subprotocol chosen, checked against those offered. */
	upgraded(response: IncomingMessage): void {
		const answer = response.headers['sec-websocket-protocol'];
		if (!this.negotiates || answer === undefined) {
			return;
		}

		if (this.target.protocols.includes(answer)) {
			this.chosen = answer;
			delete response.headers['sec-websocket-protocol'];
			return;
		}

		// Left in place: ws refuses it and fails the connect, with this failure as its cause.
		this.failure ??= {
			kind: 'handshake',
			message: `handshake failed: the server chose subprotocol "${escapeControl(answer)}", which was not offered (-s ${this.target.protocols.join(', ')})`,
		};
	}

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
		this.failure ??= describeRouteError(error, this.target.route, new URL(this.target.url)) ?? describeConnectError(error, new URL(this.target.url), proxy, {clientCertificate: this.target.options.cert !== undefined});
	}

	/** Why the attempt failed, now that the socket closed before it opened. */
	failureAtClose(code: number): ConnectFailure {
		return this.failure ?? {kind: 'other', message: `closed during the handshake with ${describeCloseCode(code)}`};
	}
}
