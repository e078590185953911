/*
Engine.IO 4, Socket.IO's transport, at the level of a received frame: its handshake (`open`,
answered by joining the namespace), the server's pings (answered with pong), and `message`
packets, whose data goes to the Socket.IO side (socketio-socket.ts). Engine.IO's own packets are
control messages: recorded (--record), not printed, not given to hooks, not counted for -n.
*/
import type {PipelineMessage} from '../pipeline/message.js';
import type {Next, StageLink} from '../pipeline/stage.js';
import {quote} from './stage-helpers.js';
import type {SocketIoSocket} from './socketio-socket.js';
import {badge, quotable, type SocketIoWire} from './socketio-wire.js';

export type EngineIoParts = {
	readonly link: StageLink;
	readonly wire: SocketIoWire;
	readonly socket: SocketIoSocket;
};

/** A received frame, read as an Engine.IO packet and passed on (or handed to the Socket.IO side). */
export function receiveEngineIo(message: PipelineMessage, next: Next, {link, wire, socket}: EngineIoParts): void {
	/** A packet of the protocol's own, sent on its own (the session shows no row for it). */
	const control = (frame: PipelineMessage): void => {
		link.send(frame.annotate({awaitsReply: false, control: true, badge}));
	};

	const packet = wire.decode(message);
	switch (packet.type) {
		case 'open': {
			next(message.annotate({control: true}));
			control(socket.joinFrame());
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
