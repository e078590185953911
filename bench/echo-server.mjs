// A bare ws echo server in its own process, so that it does not share a core's time with the
// client under test. Prints its URL on the first line.
import {createRequire} from 'node:module';

const {WebSocketServer} = createRequire(import.meta.url)('ws');
const server = new WebSocketServer({host: '127.0.0.1', port: 0});
server.on('connection', socket => {
	socket.on('message', (data, isBinary) => {
		socket.send(data, {binary: isBinary});
	});
});
server.on('listening', () => {
	console.log(`ws://127.0.0.1:${server.address().port}/`);
});
