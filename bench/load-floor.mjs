// The floor for bench/load.ts: a bare ws load generator doing what `wsterm bench URL -c N -d SEC
// --window K -x MSG` does, and nothing more: N connections, each keeping K copies of MSG in
// flight and sending the next when an echo comes back, for SEC seconds. It times each round trip
// (a sum, for the mean) but pairs nothing by content and keeps no histogram.
// Prints {"messages", "seconds", "perSecond", "meanMs"} and exits.
// Run: node bench/load-floor.mjs URL CONNECTIONS SECONDS IN_FLIGHT MESSAGE
import {createRequire} from 'node:module';

const WebSocket = createRequire(import.meta.url)('ws');
const [url, connections, seconds, inFlight, message] = process.argv.slice(2);
const payload = Buffer.from(message);
const sockets = [];
let sending = true;
let answered = 0;
let totalMs = 0;
let firstSentAt;
let lastAnsweredAt = 0;

await Promise.all(Array.from({length: Number(connections)}, () => new Promise((resolve, reject) => {
	const socket = new WebSocket(url);
	// Send times of the messages in flight, oldest first (an echo server answers in order).
	const sentAt = [];
	const send = () => {
		const now = performance.now();
		firstSentAt ??= now;
		sentAt.push(now);
		socket.send(payload, {binary: false});
	};

	socket.on('open', () => {
		sockets.push(socket);
		resolve();
		for (let index = 0; index < Number(inFlight); index++) {
			send();
		}
	});
	socket.on('error', reject);
	socket.on('message', () => {
		lastAnsweredAt = performance.now();
		answered++;
		totalMs += lastAnsweredAt - sentAt.shift();
		if (sending) {
			send();
		}
	});
})));

await new Promise(resolve => setTimeout(resolve, Number(seconds) * 1000 - (performance.now() - firstSentAt)));
sending = false;
await new Promise(resolve => setTimeout(resolve, 200));
for (const socket of sockets) {
	socket.close(1000);
}

const elapsed = (lastAnsweredAt - firstSentAt) / 1000;
console.log(JSON.stringify({messages: answered, seconds: elapsed, perSecond: answered / elapsed, meanMs: totalMs / answered}));
process.exit(0);
