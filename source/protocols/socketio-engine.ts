/*
Engine.IO 4, Socket.IO's transport, at the level of a received frame: its handshake (`open`,
answered by joining the namespace), the server's pings (answered with pong), and `message`
packets, whose data goes to the Socket.IO side (socketio-socket.ts). Engine.IO's own packets are
control messages: recorded (--record), not printed, not given to hooks, not counted for -n.

Engine.IO 3 (Socket.IO 2) turns the heartbeat round: the client pings every pingInterval (the
open packet says it) and the server answers with pong; a server that hears nothing for
pingInterval + pingTimeout drops the client. ClientPings does that.
*/
import type {Clock} from '../shared/clock.js';
import type {PipelineMessage} from '../pipeline/message.js';
import type {Next, StageLink} from '../pipeline/stage.js';
import {quote} from './stage-helpers.js';
import type {SocketIoSocket} from './socketio-socket.js';
import {badge, quotable, type SocketIoWire} from './socketio-wire.js';

export type EngineIoParts = {
	readonly link: StageLink;
	readonly wire: SocketIoWire;
	readonly socket: SocketIoSocket;
	/** Engine.IO 3's pings, sent by the client; undefined with Engine.IO 4 (the server pings). */
	readonly pings?: ClientPings;
};

/** Engine.IO 3's heartbeat, the client's side: a ping every pingInterval, from the open packet on until the close. */
export class ClientPings {
	readonly #clock: Pick<Clock, 'setInterval' | 'clearInterval'>;
	readonly #ping: () => void;
	#timer: NodeJS.Timeout | undefined;

	constructor(clock: Pick<Clock, 'setInterval' | 'clearInterval'>, ping: () => void) {
		this.#clock = clock;
		this.#ping = ping;
	}

	/** The open packet's data (its JSON names pingInterval, in ms). */
	start(openData: unknown): void {
		this.stop();
		let interval: unknown;
		try {
			interval = (JSON.parse(String(openData)) as {pingInterval?: unknown}).pingInterval;
		} catch {
			// A broken open packet: no interval to keep, and the server will say what it wants.
		}

		if (typeof interval === 'number' && interval > 0) {
			this.#timer = this.#clock.setInterval(this.#ping, interval);
			// The pings keep the connection, not the process: its end is the close's business.
			this.#timer.unref?.();
		}
	}

	stop(): void {
		if (this.#timer !== undefined) {
			this.#clock.clearInterval(this.#timer);
			this.#timer = undefined;
		}
	}
}

/** A received frame, read as an Engine.IO packet and passed on (or handed to the Socket.IO side). */
export function receiveEngineIo(message: PipelineMessage, next: Next, {link, wire, socket, pings}: EngineIoParts): void {
	/** A packet of the protocol's own, sent on its own (the session shows no row for it). */
	const control = (frame: PipelineMessage): void => {
		link.send(frame.annotate({awaitsReply: false, control: true, badge}));
	};

	const packet = wire.decode(message);
	switch (packet.type) {
		case 'open': {
			next(message.annotate({control: true}));
			pings?.start(packet.data);
			const join = socket.engineOpened();
			if (join !== undefined) {
				control(join);
			}

			return;
		}

		case 'ping': {
			next(message.annotate({control: true}));
			control(wire.frame({type: 'pong'}));
			return;
		}

		case 'message': {
			socket.add(packet.data, message, next);
			return;
		}

		case 'error': {
			link.error(`not an Engine.IO packet: ${quote(quotable(message))}`);
			next(message.annotate({control: true}));
			return;
		}

		default: {
			// close, noop, upgrade, pong: nothing to show.
			next(message.annotate({control: true}));
		}
	}
}
