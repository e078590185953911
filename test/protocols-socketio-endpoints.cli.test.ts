import assert from 'node:assert/strict';
import {once} from 'node:events';
import {createServer, type Server as HttpServer} from 'node:http';
import {createRequire} from 'node:module';
import type {AddressInfo} from 'node:net';
import {after, describe, test} from 'node:test';
import {Server, type ServerOptions} from 'socket.io';
import {runCli} from './helpers/cli.js';

/*
Where a Socket.IO server listens (its path, the engine URL a browser's DevTools shows), which
transports it takes, and which version it speaks (socket.io 2, Engine.IO 3), against the real
servers: the socket.io package (4) and socket.io-v2 (2.5).
*/

const closers: Array<() => Promise<void>> = [];
after(async () => Promise.all(closers.map(async close => close())));

async function listen(http: HttpServer): Promise<string> {
	http.listen(0, '127.0.0.1');
	await once(http, 'listening');
	return `127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/** A socket.io 4 server: every namespace greets with `welcome` and acknowledges `echo`. */
async function socketIoServer(options: Partial<ServerOptions>): Promise<string> {
	const http = createServer();
	const io = new Server(http, {transports: ['websocket'], ...options});
	// The default namespace, and any other (a dynamic one).
	for (const namespace of [io.of('/'), io.of(/.*/)]) {
		namespace.on('connection', socket => {
			socket.emit('welcome', {nsp: socket.nsp.name});
			socket.on('echo', (...args: unknown[]) => {
				(args.pop() as (...values: unknown[]) => void)(...args);
			});
		});
	}
	closers.push(async () => {
		await io.close();
	});
	return listen(http);
}

type V2Socket = {
	readonly nsp: {readonly name: string};
	readonly handshake: {readonly query: Record<string, string>};
	emit(event: string, ...args: unknown[]): void;
	on(event: string, listener: (...args: never[]) => void): void;
};
type V2Namespace = {
	use(middleware: (socket: V2Socket, next: (error?: Error) => void) => void): V2Namespace;
	on(event: 'connection', listener: (socket: V2Socket) => void): V2Namespace;
};
type V2Server = {of(name: string): V2Namespace; close(done: () => void): void};
const socketIoV2 = createRequire(import.meta.url)('socket.io-v2') as (http: HttpServer, options: Record<string, unknown>) => V2Server;

/**
A socket.io 2 server (Engine.IO 3): the client must ping it, every 100 ms here (it drops a client
silent for 100 + 400 ms). Namespace /chat wants ?token=t1; both greet with `welcome` (the count of
connections tells a second join), acknowledge `echo`, answer `photo` late (past a few pings) with
a binary event, and `kinds` with what each argument is.
*/
async function socketIoV2Server(): Promise<{host: string; connections: () => number}> {
	const http = createServer();
	const io = socketIoV2(http, {pingInterval: 100, pingTimeout: 400, transports: ['websocket']});
	let connections = 0;
	io.of('/chat').use((socket, next) => {
		next(socket.handshake.query.token === 't1' ? undefined : new Error('no token'));
	});
	for (const name of ['/', '/chat']) {
		io.of(name).on('connection', socket => {
			connections++;
			socket.emit('welcome', {nsp: socket.nsp.name, connections});
			socket.on('echo', (...args: unknown[]) => {
				(args.pop() as (...values: unknown[]) => void)(...args);
			});
			socket.on('photo', (ack: (value: string) => void) => {
				setTimeout(() => {
					socket.emit('photo', Buffer.from([1, 2, 3]), 'caption');
					ack('sent');
				}, 800);
			});
			socket.on('kinds', (...args: unknown[]) => {
				const ack = args.pop() as (kinds: string[]) => void;
				ack(args.map(item => Buffer.isBuffer(item) ? `bytes ${item.toString('hex')}` : typeof item));
			});
		});
	}

	closers.push(async () => new Promise(resolve => {
		io.close(() => {
			resolve();
		});
	}));
	return {host: await listen(http), connections: () => connections};
}

describe('--protocol socketio on a server with another path', () => {
	test('the engine URL DevTools shows (EIO= in its query) is taken as it is: its path, namespace /', async () => {
		const host = await socketIoServer({path: '/api/live'});
		const result = await runCli([`ws://${host}/api/live/?EIO=4&transport=websocket`, '--protocol', 'socketio', '-n', '2'], {input: '["echo",1]\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.equal(result.stdout, '["welcome",{"nsp":"/"}]\nack "echo" => [1]\n');
	});

	test('a polling engine URL with a sid (the browser\'s session) goes as a WebSocket of its own', async () => {
		const host = await socketIoServer({path: '/api/live'});
		const result = await runCli([`http://${host}/api/live/?EIO=4&transport=polling&sid=abc&t=x1`, '--protocol', 'socketio', '-n', '1'], {input: ''});
		assert.equal(result.stderr, '');
		assert.equal(result.stdout, '["welcome",{"nsp":"/"}]\n');
	});

	test('--socketio-path PATH: where the server listens; the URL\'s path is still the namespace', async () => {
		const host = await socketIoServer({path: '/api/live'});
		const result = await runCli([`http://${host}/chat`, '--protocol', 'socketio', '--socketio-path', '/api/live', '-n', '1', '-v'], {input: ''});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, '["welcome",{"nsp":"/chat"}]\n');
		assert.match(result.stderr, /connected to ws:\/\/127\.0\.0\.1:\d+\/api\/live\/\?EIO=4&transport=websocket\n/);
	});

	test('the default path /socket.io/ not answering: the error says the server may use another path', async () => {
		const host = await socketIoServer({path: '/api/live'});
		const result = await runCli([`http://${host}`, '--protocol', 'socketio'], {input: ''});
		assert.equal(result.code, 1);
		assert.match(result.stderr, /^wsterm: could not connect to ws:\/\/127\.0\.0\.1:\d+\/socket\.io\/\?EIO=4&transport=websocket: .+; a Socket\.IO server may listen on another path than \/socket\.io\/: give --socketio-path PATH, or the engine URL the browser's DevTools show \(\.\.\.\?EIO=4&transport=websocket\)\n$/);
	});

	test('usage errors: --socketio-path without --protocol socketio, or with an engine URL; an EIO wsterm does not speak', async () => {
		const without = await runCli(['ws://127.0.0.1:9/', '--socketio-path', '/x'], {input: ''});
		assert.equal(without.code, 2);
		assert.match(without.stderr, /--socketio-path goes with --protocol socketio/);
		const both = await runCli(['ws://127.0.0.1:9/live/?EIO=4', '--protocol', 'socketio', '--socketio-path', '/x'], {input: ''});
		assert.equal(both.code, 2);
		assert.match(both.stderr, /--socketio-path: the URL carries EIO=, so its path is the engine's already: give one of them/);
		const eio = await runCli(['ws://127.0.0.1:9/live/?EIO=5', '--protocol', 'socketio'], {input: ''});
		assert.equal(eio.code, 2);
		assert.match(eio.stderr, /EIO=5 in the URL: wsterm speaks Engine\.IO 3 \(Socket\.IO 2\) and 4 \(Socket\.IO 3 and 4\)/);
	});
});

describe('--protocol socketio on a server that takes polling only', () => {
	test('its HTTP 400 to the WebSocket upgrade is said in words: it does not accept the WebSocket transport', async () => {
		const host = await socketIoServer({transports: ['polling']});
		const result = await runCli([`http://${host}`, '--protocol', 'socketio'], {input: ''});
		assert.equal(result.code, 1);
		assert.match(result.stderr, /^wsterm: could not connect to \S+: the server answered HTTP 400 Bad Request instead of switching to WebSocket: this Socket\.IO server does not accept the WebSocket transport \(polling only\), and wsterm speaks Socket\.IO over WebSocket only\n$/);
	});
});

describe('--protocol socketio against a socket.io 2 server (Engine.IO 3)', () => {
	test('without --socketio-version 2: one line naming the server\'s version, exit 1, no event printed (never twice)', async () => {
		const {host} = await socketIoV2Server();
		const result = await runCli([`http://${host}`, '--protocol', 'socketio', '-w', '5'], {input: ''});
		assert.equal(result.code, 1);
		assert.equal(result.stdout, '');
		assert.equal(result.stderr, 'wsterm: the server speaks Socket.IO 2 (Engine.IO 3), not Socket.IO 3 or 4: give --socketio-version 2\n');
	});

	test('--socketio-version 2: joins once, pings the server (it stays past its ping timeout), events, acks and binary attachments both ways', async () => {
		const server = await socketIoV2Server();
		const result = await runCli([`http://${server.host}/chat?token=t1`, '--protocol', 'socketio', '--socketio-version', '2', '-n', '5', '-w', '5'], {input: '["echo","hi",{"n":1}]\n["photo"]\n["kinds",{"$bytes":"AQID"},2]\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(result.stdout.trim().split('\n'), [
			'["welcome",{"nsp":"/chat","connections":2}]',
			'ack "echo" => ["hi",{"n":1}]',
			'ack "kinds" => [["bytes 010203","number"]]',
			'["photo",{"$bytes":"AQID"},"caption"]',
			'ack "photo" => ["sent"]',
		]);
		// The default namespace (the server joins it by itself) and /chat: no second join.
		assert.equal(server.connections(), 2);
	});

	test('the engine URL with EIO=3 speaks Engine.IO 3: namespace / joined once (the server\'s own join)', async () => {
		const server = await socketIoV2Server();
		const result = await runCli([`ws://${server.host}/socket.io/?EIO=3&transport=websocket`, '--protocol', 'socketio', '-n', '2', '-w', '5'], {input: '["echo",7]\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.equal(result.stdout, '["welcome",{"nsp":"/","connections":1}]\nack "echo" => [7]\n');
		assert.equal(server.connections(), 1);
	});

	test('a namespace that refuses: one line, exit 1; --auth JSON is refused (Socket.IO 2 has no auth payload)', async () => {
		const {host} = await socketIoV2Server();
		const refused = await runCli([`http://${host}/chat`, '--protocol', 'socketio', '--socketio-version', '2', '-w', '5'], {input: ''});
		assert.equal(refused.code, 1);
		assert.equal(refused.stderr, 'wsterm: the server refused to join namespace /chat: "no token"\n');
		assert.equal(refused.stdout, '');
		const auth = await runCli([`http://${host}/chat`, '--protocol', 'socketio', '--socketio-version', '2', '--auth', '{"token":"t1"}'], {input: ''});
		assert.equal(auth.code, 2);
		assert.match(auth.stderr, /--auth JSON is Socket\.IO 3 and 4's auth payload: Socket\.IO 2 has none \(put the values in the URL's query: \?token=\.\.\.\)/);
	});
});

describe('--socketio-version 2 against a socket.io 4 server', () => {
	test('with allowEIO3 it speaks Engine.IO 3 with it; without, one line says the server does not take Engine.IO 3 clients', async () => {
		const allowing = await socketIoServer({allowEIO3: true, pingInterval: 100, pingTimeout: 400});
		const spoken = await runCli([`http://${allowing}`, '--protocol', 'socketio', '--socketio-version', '2', '-n', '2', '-w', '5'], {input: '["echo",{"$bytes":"AQI="}]\n'});
		assert.equal(spoken.stderr, '');
		assert.equal(spoken.stdout, '["welcome",{"nsp":"/"}]\nack "echo" => [{"$bytes":"AQI="}]\n');

		const refusing = await socketIoServer({});
		const refused = await runCli([`http://${refusing}`, '--protocol', 'socketio', '--socketio-version', '2', '-w', '5'], {input: ''});
		assert.notEqual(refused.code, 0);
		assert.match(refused.stderr, /^wsterm: the server broke off before Engine\.IO's handshake: a Socket\.IO 3 or 4 server without allowEIO3 does so to Engine\.IO 3 clients \(try without --socketio-version 2 or EIO=3\)\n/);
	});

	test('without allowEIO3, on another path and with a line waiting: it never connected (exit 1), one line and nothing about the broken frame', async () => {
		const refusing = await socketIoServer({path: '/api/live'});
		const refused = await runCli([`http://${refusing}/`, '--socketio-path', '/api/live', '--protocol', 'socketio', '--socketio-version', '2'], {input: '["echo",1]\n'});
		assert.equal(refused.stderr, 'wsterm: the server broke off before Engine.IO\'s handshake: a Socket.IO 3 or 4 server without allowEIO3 does so to Engine.IO 3 clients (try without --socketio-version 2 or EIO=3)\n');
		assert.equal(refused.code, 1);
		assert.equal(refused.stdout, '');
	});
});
