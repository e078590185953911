// The floor for a one-shot run: the least a Node script using ws needs to connect, send one
// message, print the first reply and close. `wsterm URL -x hello -n 1` is measured against it.
import {createRequire} from 'node:module';

const WebSocket = createRequire(import.meta.url)('ws');
const socket = new WebSocket(process.argv[2]);
socket.on('open', () => {
	socket.send(process.argv[3] ?? 'hello');
});
socket.on('message', data => {
	process.stdout.write(`${data}\n`);
	socket.close();
});
