/*
Socket.IO 4 over WebSocket (--protocol socketio): Engine.IO 4 and Socket.IO packets are read and
written by the official parsers (engine.io-parser, socket.io-parser); this stage is the glue. On
each open it waits for Engine.IO's handshake, joins the namespace (CONNECT, with --auth's JSON),
and holds the lines until the server's CONNECT answer; it answers Engine.IO pings. Each event
prints as its JSON array (`["welcome",{"v":1}]`), binary attachments as {"$bytes": base64}; each
line that is a JSON array `["event", args...]` is emitted asking for an acknowledgement, and the
ack prints as `ack EVENT => [args]`. Control packets (handshakes, pings) are recorded (--record)
but not printed, not given to hooks and not counted for -n.

An event the server emits with a callback (it carries an ack id) is answered: by a hook's
`message.ack(...args)`, else with no arguments once the hooks are done with it (at once without
hooks). Events received carry their name as badge, for the session (the acks wsterm sends:
`ack EVENT`; what you emit and the acks received keep `socket.io`, their text naming the event);
--jsonl keeps `codec: "socket.io"` and writes the name as `event`.

An event's numbers go out as typed (exact-json.ts): the line is parsed losslessly and the Encoder's
text gets each number token back, so 9007199254740993, 1.10, -0 and 1e400 are sent unchanged. The server's
events and acks print (and show in the session) with its number tokens, read again from the
packet's text; hooks see plain values.

Socket.IO 2 (Engine.IO 3, options.engineIo 3: --socketio-version 2 or an engine URL with EIO=3)
differs in three places: the client pings (ClientPings, socketio-engine.ts), the server joins the
default namespace by itself (socketio-socket.ts), and a binary frame starts with its packet type
(socketio-wire.ts). Where the server listens: socketio-url.ts.

The libraries are imported in loadSocketIoStage (a dynamic import: the CLI is one bundle, where
a static import of a package would be loaded at every start).
*/
import type {StageFactory} from '../pipeline/stage.js';
import {ClientPings, receiveEngineIo} from './socketio-engine.js';
import {SocketIoSocket, type SocketIoOptions} from './socketio-socket.js';
import {badge, type SocketIoLibraries, SocketIoWire} from './socketio-wire.js';

export type {SocketIoOptions} from './socketio-socket.js';
export {showable} from './socketio-wire.js';

export async function loadSocketIoStage(options: SocketIoOptions): Promise<StageFactory> {
	const [engineIo, socketIo] = await Promise.all([import('engine.io-parser'), import('socket.io-parser')]);
	return socketIoStage(options, {engineIo, socketIo});
}

/**
The parts, by layer: the parsers (socketio-wire.ts), Engine.IO's packets (socketio-engine.ts), and
the Socket.IO side of the connection, its namespace, events and acks (socketio-socket.ts).
*/
export function socketIoStage(options: SocketIoOptions, libraries: SocketIoLibraries): StageFactory {
	const wire = new SocketIoWire(libraries, options.engineIo);
	return link => {
		const socket = new SocketIoSocket(link, wire, options);
		const pings = wire.engineIoVersion === 3 ? new ClientPings(options.clock, () => {
			link.send(wire.frame({type: 'ping'}).annotate({awaitsReply: false, control: true, badge}));
		}) : undefined;
		return {
			name: 'socketio',
			event(event) {
				if (event.type === 'open') {
					socket.opened();
				} else if (event.type === 'close') {
					pings?.stop();
					socket.closed(event);
				}
			},
			receive(message, next) {
				receiveEngineIo(message, next, {link, wire, socket, ...(pings === undefined ? {} : {pings})});
			},
			send: (message, next) => socket.emit(message, next),
		};
	};
}
