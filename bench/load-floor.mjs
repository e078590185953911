// The floor for bench/load.ts: a bare ws load generator doing what `wsterm bench URL -c N -d SEC
// -x MSG` does, and nothing more: N connections, each sending MSG and the next one when the echo
// comes back, for SEC seconds; it times each round trip (a sum, for the mean) but pairs nothing
// and keeps no histogram. Prints {"messages", "seconds", "perSecond", "meanMs"} and exits.
// Run: node bench/load-floor.mjs URL CONNECTIONS SECONDS MESSAGE
import {createRequire} from 'node:module';

const WebSocket = createRequire(import.meta.url)('ws');
const [url, connections, seconds, message] = process.argv.slice(2);
const payload = Buffer.from(message);
const sockets = [];
let sending = true;
let answered = 0;
let totalMs = 0;
let firstSentAt;
let lastAnsweredAt = 0;

await Promise.all(Array.from({length: Number(connections)}, () => new Promise((resolve, reject) => {
	const socket = new WebSocket(url);
	let sentAt = 0;
	const send = () => {
		sentAt = performance.now();
		firstSentAt ??= sentAt;
		socket.send(payload, {binary: false});
	};

	socket.on('open', () => {
		sockets.push(socket);
		resolve();
		send();
	});
	socket.on('error', reject);
	socket.on('message', () => {
		lastAnsweredAt = performance.now();
		answered++;
		totalMs += lastAnsweredAt - sentAt;
		if (sending) {
			send();
		}
	});
})));

await new Promise(resolve => setTimeout(resolve, Number(seconds) * 1000 - (performance.now() - firstSentAt)));
sending = false;
await new Promise(resolve => setTimeout(resolve, 100));
for (const socket of sockets) {
	socket.close(1000);
}

const elapsed = (lastAnsweredAt - firstSentAt) / 1000;
console.log(JSON.stringify({messages: answered, seconds: elapsed, perSecond: answered / elapsed, meanMs: totalMs / answered}));
process.exit(0);
