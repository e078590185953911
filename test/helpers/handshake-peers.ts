/**
Servers that start a protocol's handshake and never finish it (or close before it finishes), for
tests of --protocol's handshake: on 127.0.0.1, a port the OS picks. The mode is the URL's `mode`
query parameter (or its first path part, for Socket.IO URLs whose path is the Engine.IO one).
*/
import {once} from 'node:events';
import type {AddressInfo} from 'node:net';
import {WebSocketServer} from 'ws';

export type HandshakePeer = {
	/** ws://127.0.0.1:PORT (add `/?mode=...`). */
	readonly base: string;
	/** Every text message each connection got, in order. */
	readonly received: string[];
	close(): Promise<void>;
};

/** Engine.IO's open packet. */
const engineOpen = '0{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

/**
Modes: `silent` (opens, says nothing), `sioopen` (Engine.IO open, then nothing), `sioclose`
(Engine.IO open, closes 1000 after the client's first message), `close1000` (closes 1000 after the
client's first message), `forbidden` (closes 4403 Forbidden after it, as graphql-ws servers refuse
connection_init), `stompgarbage` (CONNECTED, then `hello`, a binary blob and a MESSAGE whose
content-length counts characters, not bytes), `gqlreconnect` (graphql-transport-ws whose second
connection never acks, see below).
*/
export async function startHandshakePeer(): Promise<HandshakePeer> {
	const received: string[] = [];
	let gqlConnections = 0;
	// The first subprotocol offered, but graphql-transport-ws wherever it stands (as graphql-ws's server picks).
	const server = new WebSocketServer({host: '127.0.0.1', port: 0, handleProtocols: protocols => protocols.has('graphql-transport-ws') ? 'graphql-transport-ws' : [...protocols][0] ?? false});
	server.on('connection', (socket, request) => {
		const url = new URL(request.url ?? '/', 'http://x');
		const mode = url.searchParams.get('mode') ?? url.pathname.split('/')[1];
		socket.on('message', data => {
			received.push(String(data));
		});
		switch (mode) {
			case 'sioopen': {
				socket.send(engineOpen);
				break;
			}

			case 'sioclose': {
				socket.send(engineOpen);
				socket.once('message', () => socket.close(1000));
				break;
			}

			case 'close1000': {
				socket.once('message', () => socket.close(1000));
				break;
			}

			case 'forbidden': {
				socket.once('message', () => socket.close(4403, 'Forbidden'));
				break;
			}

			case 'stompgarbage': {
				socket.once('message', () => {
					socket.send('CONNECTED\nversion:1.2\n\n\0');
					socket.send('hello');
					socket.send(Buffer.from([0xff, 0xfe, 0x00]));
					// content-length 2 for "é!" (3 bytes): the frame is cut after "é", "!" and a NUL remain.
					socket.send(Buffer.from('MESSAGE\ndestination:/q\nsubscription:sub-0\nmessage-id:1\ncontent-length:2\n\né!\0'));
					socket.send('MESSAGE\ndestination:/q\nsubscription:sub-0\nmessage-id:2\n\nfine\0');
				});
				break;
			}

			case 'gqlreconnect': {
				// graphql-transport-ws: the first connection acks and answers once, then drops; the
				// second never acks; the ones after ack and answer, then complete.
				gqlConnections++;
				const connection = gqlConnections;
				if (connection === 2) {
					break;
				}

				socket.on('message', data => {
					const message = JSON.parse(String(data)) as {type: string; id?: string};
					if (message.type === 'connection_init') {
						socket.send('{"type":"connection_ack"}');
					} else if (message.type === 'subscribe') {
						socket.send(JSON.stringify({id: message.id, type: 'next', payload: {data: {connection}}}));
						if (connection === 1) {
							setTimeout(() => socket.terminate(), 50);
						} else {
							socket.send(JSON.stringify({id: message.id, type: 'complete'}));
						}
					}
				});
				break;
			}

			default: // silent
		}
	});
	await once(server, 'listening');
	const {port} = server.address() as AddressInfo;
	return {
		base: `ws://127.0.0.1:${port}`,
		received,
		async close() {
			for (const client of server.clients) {
				client.terminate();
			}

			await new Promise(resolve => {
				server.close(resolve);
			});
		},
	};
}
