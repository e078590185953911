// The floor: the least a Node script using ws needs to pipe stdin lines through a WebSocket
// and print the replies. wsterm's pipe mode is measured against it.
import {createRequire} from 'node:module';

const WebSocket = createRequire(import.meta.url)('ws');
const socket = new WebSocket(process.argv[2]);
const chunks = [];
let inputDone = false;
let open = false;
let sent = 0;
let received = 0;

function sendAll() {
	if (!inputDone || !open) {
		return;
	}

	const lines = Buffer.concat(chunks).toString().split('\n');
	if (lines.at(-1) === '') {
		lines.pop();
	}

	sent = lines.length;
	for (const line of lines) {
		socket.send(line);
	}
}

process.stdin.on('data', chunk => chunks.push(chunk));
process.stdin.on('end', () => {
	inputDone = true;
	sendAll();
});
socket.on('open', () => {
	open = true;
	sendAll();
});
socket.on('message', data => {
	process.stdout.write(`${data}\n`);
	if (++received === sent) {
		socket.close();
	}
});
