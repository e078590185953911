/*
The server for bench/ui.ts: on "prefill N" or "flood N" it sends N messages as fast as the socket
takes them, then one marker message (PREFILL-DONE or FLOOD-DONE). Prints its URL.
*/
import type {AddressInfo} from 'node:net';
import {WebSocketServer, type WebSocket} from '../source/connection/ws-library.js';

function sendMany(socket: WebSocket, count: number, make: (index: number) => string, done: string): void {
	let index = 0;
	const next = (): void => {
		// Keep a few MiB in flight: as fast as the client reads, without buffering the lot.
		while (index < count && socket.bufferedAmount < 4 * 1024 * 1024) {
			socket.send(make(index++));
		}

		if (index < count) {
			setImmediate(next);
		} else {
			socket.send(done);
		}
	};

	next();
}

const server = new WebSocketServer({host: '127.0.0.1', port: 0});
server.on('connection', socket => {
	socket.on('message', data => {
		const [command, count] = data.toString().split(' ');
		if (command === 'prefill') {
			sendMany(socket, Number(count), index => `prefill row ${index}`, 'PREFILL-DONE');
		} else if (command === 'flood') {
			sendMany(socket, Number(count), index => `{"seq":${index},"text":"flood message number ${index}"}`, 'FLOOD-DONE');
		}
	});
});
server.on('listening', () => {
	process.stdout.write(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/\n`);
});
