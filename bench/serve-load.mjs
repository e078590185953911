// Load generator for bench/serve.ts, in its own process: opens CONNECTIONS clients to URL, keeps
// IN_FLIGHT messages of SIZE bytes outstanding on each, and after a warm-up counts the echoes
// that come back in MS milliseconds. Prints {"messages": n, "seconds": s} and exits.
import {createRequire} from 'node:module';

const WebSocket = createRequire(import.meta.url)('ws');
const [url, connections, inFlight, size, ms] = process.argv.slice(2);
const warmupMs = 300;
const payload = Number(size) >= 1024 ? Buffer.alloc(Number(size), 0x61) : 'x'.repeat(Number(size));
const sockets = [];
let counting = false;
let counted = 0;

await Promise.all(Array.from({length: Number(connections)}, () => new Promise((resolve, reject) => {
	const socket = new WebSocket(url);
	socket.on('open', () => {
		sockets.push(socket);
		resolve();
	});
	socket.on('error', reject);
	socket.on('message', () => {
		if (counting) {
			counted++;
		}

		socket.send(payload);
	});
})));

for (const socket of sockets) {
	for (let index = 0; index < Number(inFlight); index++) {
		socket.send(payload);
	}
}

await new Promise(resolve => setTimeout(resolve, warmupMs));
counting = true;
const started = performance.now();
await new Promise(resolve => setTimeout(resolve, Number(ms)));
counting = false;
const seconds = (performance.now() - started) / 1000;
for (const socket of sockets) {
	socket.terminate();
}

console.log(JSON.stringify({messages: counted, seconds}));
