import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import {Server} from 'socket.io';
import {socketIoUrl} from '../source/protocols/socketio-url.js';
import {showable} from '../source/protocols/socketio.js';
import {runCli} from './helpers/cli.js';

const closers: Array<() => Promise<void>> = [];
after(async () => Promise.all(closers.map(async close => close())));

/**
The socket.io package's server on 127.0.0.1, Engine.IO pings every 100 ms (a client that does not
answer is dropped after 2 s more: at 100 ms, a loaded CI machine's stall dropped a run that had not
seen its event yet). The ping test asks for a tighter server: pingTimeout 400 ms, `photo` answered
after 1.2 s. Namespace /chat wants auth {token: 't1'}; both namespaces greet
with `welcome`, acknowledge `echo` with its arguments, and answer `photo` with a binary event.
*/
async function socketIoServer({pingTimeout = 2000, photoDelay = 500} = {}): Promise<{url: string; connections: () => number; drop: () => void}> {
	const http = createServer();
	const io = new Server(http, {pingInterval: 100, pingTimeout, transports: ['websocket']});
	let connections = 0;
	// The TCP connections, to drop them as a network would.
	const connectionsTcp = new Set<Socket>();
	http.on('connection', socket => {
		connectionsTcp.add(socket);
		socket.on('close', () => connectionsTcp.delete(socket));
	});
	for (const namespace of [io.of('/'), io.of('/chat')]) {
		if (namespace.name === '/chat') {
			namespace.use((socket, next) => {
				next((socket.handshake.auth as {token?: string}).token === 't1' ? undefined : new Error('no token'));
			});
		}

		namespace.on('connection', socket => {
			connections++;
			socket.emit('welcome', {v: 1, nsp: namespace.name});
			socket.on('echo', (...args: unknown[]) => {
				const ack = args.pop() as (...values: unknown[]) => void;
				ack(...args);
			});
			socket.on('photo', (ack: (value: string) => void) => {
				// Later than a few Engine.IO pings: the run must answer them to stay connected.
				setTimeout(() => {
					socket.emit('photo', Buffer.from([1, 2, 3]), 'caption');
					ack('sent');
				}, photoDelay);
			});
		});
	}

	http.listen(0, '127.0.0.1');
	await once(http, 'listening');
	closers.push(async () => {
		await io.close();
	});
	return {
		url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
		connections: () => connections,
		drop() {
			for (const socket of connectionsTcp) {
				socket.destroy();
			}
		},
	};
}

describe('--protocol socketio against the socket.io server', () => {
	test('joins a namespace with --auth; events print as their JSON array; acks print paired; binary attachments shown; pings answered', async () => {
		const {url} = await socketIoServer({pingTimeout: 400, photoDelay: 1200});
		const result = await runCli([`${url}/chat`, '--protocol', 'socketio', '--auth', '{"token":"t1"}'], {input: '["echo","hi",{"n":1}]\n["photo"]\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(result.stdout.trim().split('\n'), [
			'["welcome",{"v":1,"nsp":"/chat"}]',
			'ack "echo" => ["hi",{"n":1}]',
			'["photo",{"$bytes":"AQID"},"caption"]',
			'ack "photo" => ["sent"]',
		]);
	});

	test('-n counts events and acks, not control packets; --jsonl adds event, ack and rttMs', async () => {
		const {url} = await socketIoServer();
		const result = await runCli([url, '--protocol', 'socketio', '-n', '2', '--jsonl'], {input: '["echo",1]\n["echo",2]\n'});
		assert.equal(result.code, 0);
		const records = result.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>).filter(record => record.dir === 'in');
		assert.equal(records.length, 2);
		assert.deepEqual(records[0]!.decoded, ['welcome', {v: 1, nsp: '/'}]);
		assert.equal(records[0]!.codec, 'socket.io');
		assert.equal(records[1]!.event, 'echo');
		assert.equal(records[1]!.ack, 0);
		assert.equal(typeof records[1]!.rttMs, 'number');
	});

	test('a namespace that refuses the auth: one line, exit 1; a line that is not an event array is refused (exit 2)', async () => {
		const {url} = await socketIoServer();
		const refused = await runCli([`${url}/chat`, '--protocol', 'socketio', '--auth', '{"token":"wrong"}'], {input: '["echo",1]\n'});
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /the server refused to join namespace \/chat: \{"message":"no token"\}/);
		assert.equal(refused.stdout, '');

		const bad = await runCli([url, '--protocol', 'socketio'], {input: 'hello\n["echo","ok"]\n'});
		assert.equal(bad.code, 2);
		assert.match(bad.stderr, /^wsterm: not sent: give an event as a JSON array, \["name", args\.\.\.\]: hello\n$/);
		assert.match(bad.stdout, /ack "echo" => \["ok"\]/);
	});

	test('a reserved event name (disconnect, connect ...) is refused as socket.io-client refuses it; the lines after it still go (exit 2)', async () => {
		const {url, connections} = await socketIoServer();
		const result = await runCli([url, '--protocol', 'socketio', '-n', '2', '-w', '5'], {input: '["disconnect"]\n["connect",1]\n["newListener"]\n["echo","after"]\n'});
		assert.equal(result.code, 2);
		assert.deepEqual(result.stderr.trim().split('\n'), [
			'wsterm: not sent: "disconnect" is a reserved event name (Socket.IO uses it itself): ["disconnect"]',
			'wsterm: not sent: "connect" is a reserved event name (Socket.IO uses it itself): ["connect",1]',
			'wsterm: not sent: "newListener" is a reserved event name (Socket.IO uses it itself): ["newListener"]',
		]);
		assert.match(result.stdout, /ack "echo" => \["after"\]/);
		assert.equal(connections(), 1);
	});

	test('the other reserved names, disconnecting and removeListener (and connect_error), are refused too', async () => {
		const {url, connections} = await socketIoServer();
		const result = await runCli([url, '--protocol', 'socketio', '-n', '2', '-w', '5'], {input: '["disconnecting"]\n["removeListener","x"]\n["connect_error"]\n["echo","after"]\n'});
		assert.equal(result.code, 2);
		assert.deepEqual(result.stderr.trim().split('\n'), [
			'wsterm: not sent: "disconnecting" is a reserved event name (Socket.IO uses it itself): ["disconnecting"]',
			'wsterm: not sent: "removeListener" is a reserved event name (Socket.IO uses it itself): ["removeListener","x"]',
			'wsterm: not sent: "connect_error" is a reserved event name (Socket.IO uses it itself): ["connect_error"]',
		]);
		assert.match(result.stdout, /ack "echo" => \["after"\]/);
		assert.equal(connections(), 1);
	});

	test('--reconnect: after the server drops the connection, wsterm joins again', async () => {
		const server = await socketIoServer();
		const run = runCli([server.url, '--protocol', 'socketio', '--reconnect', '-n', '2', '-w', '-1'], {input: ''});
		const deadline = Date.now() + 10_000;
		while (server.connections() < 1 && Date.now() < deadline) {
			await new Promise(resolve => setTimeout(resolve, 20));
		}

		server.drop();
		const result = await run;
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stderr, /reconnect/i);
		assert.equal(result.stdout, '["welcome",{"v":1,"nsp":"/"}]\n["welcome",{"v":1,"nsp":"/"}]\n');
		assert.equal(server.connections(), 2);
	});

	test('hooks see the event\'s arguments; --record keeps the Engine.IO frames', async () => {
		const {url} = await socketIoServer();
		const directory = mkdtempSync(join(tmpdir(), 'wsterm-socketio-'));
		const script = join(directory, 'hooks.mjs');
		const record = join(directory, 'run.jsonl');
		writeFileSync(script, 'export function onMessage(message, ctx) { ctx.log(`event ${message.decoded[0]} in ${message.text}`); }\n');
		const result = await runCli([url, '--protocol', 'socketio', '--script', script, '--record', record, '-n', '1'], {input: ''});
		assert.equal(result.code, 0);
		// Only the event: not Engine.IO's open packet nor Socket.IO's CONNECT answer.
		assert.equal(result.stderr, 'event welcome in 42["welcome",{"v":1,"nsp":"/"}]\n');
		const frames = readFileSync(record, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {dir: string; data?: string; url?: string});
		assert.match(frames[0]!.url!, /\/socket\.io\/\?EIO=4&transport=websocket$/);
		assert.ok(frames.some(frame => frame.dir === 'in' && frame.data?.startsWith('0{') === true), 'Engine.IO open');
		assert.ok(frames.some(frame => frame.dir === 'out' && frame.data === '40'), 'Socket.IO CONNECT');
		assert.ok(frames.some(frame => frame.dir === 'in' && frame.data === '42["welcome",{"v":1,"nsp":"/"}]'), 'the event as on the wire');
	});
});

describe('--protocol socketio sends {"$bytes"} as bytes', () => {
	test('an argument {"$bytes": base64} goes as a binary attachment, as a received Buffer prints; its numbers as typed', async () => {
		const http = createServer();
		const io = new Server(http, {transports: ['websocket']});
		const headers: string[] = [];
		io.on('connection', socket => {
			socket.conn.on('packet', (packet: {type: string; data?: unknown}) => {
				if (packet.type === 'message' && typeof packet.data === 'string' && packet.data.startsWith('5')) {
					headers.push(packet.data);
				}
			});
			// Answers with what each argument is, as the server's handler sees it.
			socket.on('kinds', (...args: unknown[]) => {
				const ack = args.pop() as (kinds: string[]) => void;
				ack(args.map(item => Buffer.isBuffer(item) ? `bytes ${item.toString('hex')}` : typeof item));
			});
		});
		http.listen(0, '127.0.0.1');
		await once(http, 'listening');
		closers.push(async () => {
			await io.close();
		});
		const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
		const result = await runCli([url, '--protocol', 'socketio', '-n', '2', '-w', '5'], {input: '["kinds",{"$bytes":"AQID"},9007199254740993,{"a":{"$bytes":"/w=="}}]\n["kinds",{"$bytes":"!!"}]\n["kinds",{"$bytes":"AQ==","x":1}]\n'});
		assert.equal(result.stderr, 'wsterm: not sent: "!!" in {"$bytes"} is not base64: ["kinds",{"$bytes":"!!"}]\n');
		assert.equal(result.code, 2);
		assert.deepEqual(result.stdout.trim().split('\n'), [
			'ack "kinds" => [["bytes 010203","number","object"]]',
			'ack "kinds" => [["object"]]',
		]);
		assert.deepEqual(headers, ['52-0["kinds",{"_placeholder":true,"num":0},9007199254740993,{"a":{"_placeholder":true,"num":1}}]']);
	});
});

describe('socketio parts', () => {
	test('socketIoUrl: the Socket.IO path and the namespace from the URL path', () => {
		assert.deepEqual(socketIoUrl('http://h:3000'), {url: 'http://h:3000/socket.io/?EIO=4&transport=websocket', namespace: '/'});
		assert.deepEqual(socketIoUrl('https://h/admin/'), {url: 'https://h/socket.io/?EIO=4&transport=websocket', namespace: '/admin'});
		assert.deepEqual(socketIoUrl('ws://h/socket.io/?x=1'), {url: 'ws://h/socket.io/?x=1&EIO=4&transport=websocket', namespace: '/'});
	});

	test('showable: bytes as {"$bytes"}', () => {
		assert.deepEqual(showable(['a', Buffer.from([1]), {b: new Uint8Array([2])}]), ['a', {$bytes: 'AQ=='}, {b: {$bytes: 'Ag=='}}]);
	});
});
