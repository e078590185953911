/*
`wsterm bench --protocol graphql-ws|socketio` as users run it, against the real servers: the
graphql-ws package's server (a query, a slow one, a failing one, an invalid one) and the socket.io
package's (an event acknowledged at once, one acknowledged late, events emitted unasked). Each
reply is paired by the protocol's own id (the operation's id, the ack id); its handshake is part of
connecting. Every run is bounded by -m.
*/
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';
import {after, describe, test} from 'node:test';
import {GraphQLObjectType, GraphQLSchema, GraphQLString} from 'graphql';
// Its name says hook to the react-hooks lint rule: it is graphql-ws's server.
import {useServer as graphqlWsServer} from 'graphql-ws/use/ws';
import {Server as SocketIoServer} from 'socket.io';
import {WebSocketServer} from 'ws';
import type {BenchSummary} from '../source/load/stats.js';
import {runBenchCli} from './helpers/bench-cli.js';
import {runCli} from './helpers/cli.js';

const closers: Array<() => Promise<void>> = [];
after(async () => Promise.all(closers.map(async close => close())));

function summaryOf(stdout: string): BenchSummary {
	return JSON.parse(stdout) as BenchSummary;
}

function counts({connections, connectFailures, sent, answered, unanswered, pushes, errors}: BenchSummary): Partial<BenchSummary> {
	return {connections, connectFailures, sent, answered, unanswered, pushes, errors};
}

const schema = new GraphQLSchema({
	query: new GraphQLObjectType({
		name: 'Query',
		fields: {
			hello: {type: GraphQLString, resolve: () => 'world'},
			slow: {type: GraphQLString, async resolve() {
				await sleep(250);
				return 'late';
			}},
			broken: {type: GraphQLString, resolve() {
				throw new Error('resolver failed');
			}},
		},
	}),
});

type GraphqlServer = {url: string; inits: unknown[]; pongs: () => number};

/** The graphql-ws package's server on 127.0.0.1; `ackDelay` holds each connection_ack back, `refuse` refuses connection_init (4403). */
async function graphqlServer({ackDelay = 0, refuse = false, ping = false} = {}): Promise<GraphqlServer> {
	const wss = new WebSocketServer({host: '127.0.0.1', port: 0});
	await once(wss, 'listening');
	const inits: unknown[] = [];
	let pongs = 0;
	if (ping) {
		// The protocol's own ping, before the first operation: the bench answers it with pong.
		wss.on('connection', socket => {
			socket.on('message', data => {
				if (data.toString().includes('"pong"')) {
					pongs++;
				}
			});
			setTimeout(() => {
				socket.send('{"type":"ping"}');
			}, 20);
		});
	}

	graphqlWsServer({
		schema,
		async onConnect(context) {
			inits.push(context.connectionParams);
			await sleep(ackDelay);
			return !refuse;
		},
	}, wss);
	closers.push(async () => {
		for (const client of wss.clients) {
			client.terminate();
		}

		await new Promise(resolve => {
			wss.close(resolve);
		});
	});
	return {url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, inits, pongs: () => pongs};
}

describe('wsterm bench --protocol graphql-ws', () => {
	test('each operation paired by its id; error messages and results with errors are errors; complete and ping are no pushes', async () => {
		const server = await graphqlServer({ping: true});
		const {code, stdout, stderr} = await runBenchCli([server.url, '--protocol', 'graphql-ws', '-c', '2', '-m', '30', '--window', '3', '--init', '{"token":"t1"}', '--json',
			'-x', '{ hello }', '-x', '{"query":"query Q { broken }","operationName":"Q"}', '-x', '{ nope }']);
		assert.equal(code, 0, stderr);
		assert.deepEqual(counts(summaryOf(stdout)), {connections: 2, connectFailures: 0, sent: 30, answered: 30, unanswered: 0, pushes: 0, errors: 20});
		assert.deepEqual(server.inits, [{token: 't1'}, {token: 't1'}]);
		assert.equal(server.pongs(), 2);
	});

	test('latency of a slow query; the connect time includes connection_ack', async () => {
		const server = await graphqlServer({ackDelay: 200});
		const {code, stdout, stderr} = await runBenchCli([server.url, '--protocol', 'graphql-ws', '-m', '2', '-x', '{ slow }', '--json']);
		assert.equal(code, 0, stderr);
		const summary = summaryOf(stdout);
		assert.deepEqual(counts(summary), {connections: 1, connectFailures: 0, sent: 2, answered: 2, unanswered: 0, pushes: 0, errors: 0});
		assert.ok(summary.latencyMs.min! >= 240, `latency ${summary.latencyMs.min}`);
		assert.ok(summary.connectMs.max! >= 190, `connect ${summary.connectMs.max}`);
	});

	test('connection_init refused (4403): a connect failure saying so, exit 1', async () => {
		const server = await graphqlServer({refuse: true});
		const {code, stderr} = await runBenchCli([server.url, '--protocol', 'graphql-ws', '-m', '1', '-x', '{ hello }']);
		assert.equal(code, 1, stderr);
		assert.match(stderr, /^wsterm: could not connect: the graphql-ws server closed the connection \(4403 Forbidden\) before connection_ack\n$/);
	});

	test('no connection_ack within --connect-timeout: a connect failure saying so', async () => {
		const wss = new WebSocketServer({host: '127.0.0.1', port: 0, handleProtocols: protocols => protocols.values().next().value ?? false});
		await once(wss, 'listening');
		closers.push(async () => new Promise(resolve => {
			wss.close(() => {
				resolve();
			});
		}));
		const offered: string[] = [];
		wss.on('connection', (socket, request) => {
			offered.push(request.headers['sec-websocket-protocol'] ?? '');
		});
		const {code, stderr} = await runBenchCli([`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, '--protocol', 'graphql-ws', '-m', '1', '-x', '{ hello }', '--connect-timeout', '0.3']);
		for (const client of wss.clients) {
			client.terminate();
		}

		assert.equal(code, 1, stderr);
		assert.match(stderr, /^wsterm: could not connect: no connection_ack from the graphql-ws server within the connect timeout \(--connect-timeout 0\.3\)\n$/);
		assert.deepEqual(offered, ['graphql-transport-ws']);
	});
});

/**
The socket.io package's server on 127.0.0.1 (WebSocket only, Engine.IO pings every 100 ms, a
client that does not answer dropped 200 ms later). Each connection gets two `tick` events unasked;
`echo` is acknowledged at once with its arguments, `slow` 250 ms later; `leave` makes the
server leave the namespace (DISCONNECT). Namespace /chat wants
auth {token: 't1'}.
*/
async function socketIoServer({path}: {path?: string} = {}): Promise<{url: string}> {
	const http = createServer();
	const io = new SocketIoServer(http, {pingInterval: 100, pingTimeout: 200, transports: ['websocket'], ...(path === undefined ? {} : {path})});
	for (const namespace of [io.of('/'), io.of('/chat')]) {
		if (namespace.name === '/chat') {
			namespace.use((socket, next) => {
				next((socket.handshake.auth as {token?: string}).token === 't1' ? undefined : new Error('no token'));
			});
		}

		namespace.on('connection', socket => {
			socket.emit('tick', 1);
			socket.emit('tick', 2);
			socket.on('echo', (...args: unknown[]) => {
				const ack = args.pop() as (...values: unknown[]) => void;
				ack(...args);
			});
			socket.on('leave', () => {
				socket.disconnect();
			});
			socket.on('slow', (ack: (value: string) => void) => {
				setTimeout(() => {
					ack('done');
				}, 250);
			});
		});
	}

	http.listen(0, '127.0.0.1');
	await once(http, 'listening');
	closers.push(async () => {
		await io.close();
	});
	return {url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`};
}

describe('wsterm bench --protocol socketio', () => {
	test('each event paired by its ack id; events emitted unasked are pushes', async () => {
		const {url} = await socketIoServer();
		const {code, stdout, stderr} = await runBenchCli([url, '--protocol', 'socketio', '-c', '2', '-m', '40', '--window', '4', '--json', '-x', '["echo",1,{"a":[2]}]', '-x', '["echo"]']);
		assert.equal(code, 0, stderr);
		assert.deepEqual(counts(summaryOf(stdout)), {connections: 2, connectFailures: 0, sent: 40, answered: 40, unanswered: 0, pushes: 4, errors: 0});
	});

	test('a slow ack\'s latency, with Engine.IO pings answered all along; a namespace joined with --auth', async () => {
		const {url} = await socketIoServer();
		const {code, stdout, stderr} = await runBenchCli([`${url}/chat`, '--protocol', 'socketio', '--auth', '{"token":"t1"}', '-m', '4', '-x', '["slow"]', '--json']);
		assert.equal(code, 0, stderr);
		const summary = summaryOf(stdout);
		assert.deepEqual(counts(summary), {connections: 1, connectFailures: 0, sent: 4, answered: 4, unanswered: 0, pushes: 2, errors: 0});
		assert.ok(summary.latencyMs.min! >= 240, `latency ${summary.latencyMs.min}`);
	});

	test('the namespace refused (CONNECT_ERROR): a connect failure with its message, exit 1', async () => {
		const {url} = await socketIoServer();
		const {code, stderr} = await runBenchCli([`${url}/chat`, '--protocol', 'socketio', '--auth', '{"token":"wrong"}', '-m', '1', '-x', '["echo"]']);
		assert.equal(code, 1, stderr);
		assert.equal(stderr, 'wsterm: could not connect: the server refused to join namespace /chat: no token\n');
	});

	test('the server leaving the namespace drops the connection: an error, its request unanswered', async () => {
		const {url} = await socketIoServer();
		const {code, stdout, stderr} = await runBenchCli([url, '--protocol', 'socketio', '-m', '1', '-x', '["leave"]', '--json']);
		assert.equal(code, 0, stderr);
		assert.deepEqual(counts(summaryOf(stdout)), {connections: 1, connectFailures: 0, sent: 1, answered: 0, unanswered: 1, pushes: 2, errors: 1});
	});

	test('binary attachments are refused before anything is sent (exit 2)', async () => {
		const {url} = await socketIoServer();
		const {code, stderr} = await runBenchCli([url, '--protocol', 'socketio', '-m', '1', '-x', '["photo",{"$bytes":"AQID"}]']);
		assert.equal(code, 2, stderr);
		assert.match(stderr, /^wsterm: message 1 \("\[\\"photo\\",\{\\"\$bytes\\":\\"AQID\\"\}\]"\): binary attachments \(\{"\$bytes"\}\) are not supported by wsterm bench/);
	});
});

/** A socket.io 2 server (Engine.IO 3, the socket.io-v2 package) on 127.0.0.1: `echo` acknowledged. */
async function socketIoV2Server(): Promise<{url: string}> {
	const http = createServer();
	const io = socketIoV2(http, {transports: ['websocket']});
	io.of('/').on('connection', socket => {
		socket.on('echo', (...args: unknown[]) => {
			(args.pop() as (...values: unknown[]) => void)(...args);
		});
	});
	http.listen(0, '127.0.0.1');
	await once(http, 'listening');
	closers.push(async () => new Promise(resolve => {
		io.close(() => {
			resolve();
		});
	}));
	return {url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`};
}

type V2Socket = {on(event: string, listener: (...args: never[]) => void): void};
type V2Server = {of(name: string): {on(event: 'connection', listener: (socket: V2Socket) => void): void}; close(done: () => void): void};
const socketIoV2 = createRequire(import.meta.url)('socket.io-v2') as (http: ReturnType<typeof createServer>, options: Record<string, unknown>) => V2Server;

describe('wsterm bench --protocol socketio: where the server listens, and its version', () => {
	test('--socketio-path PATH: where the server listens; the URL\'s path is still the namespace', async () => {
		const {url} = await socketIoServer({path: '/api/live'});
		const {code, stdout, stderr} = await runBenchCli([`${url}/chat`, '--protocol', 'socketio', '--socketio-path', '/api/live', '--auth', '{"token":"t1"}', '-m', '5', '-x', '["echo",1]', '--json']);
		assert.equal(code, 0, stderr);
		assert.deepEqual(counts(summaryOf(stdout)), {connections: 1, connectFailures: 0, sent: 5, answered: 5, unanswered: 0, pushes: 2, errors: 0});
	});

	test('a profile\'s socketio-path applies to wsterm bench @NAME', async () => {
		const {url} = await socketIoServer({path: '/api/live'});
		const directory = mkdtempSync(join(tmpdir(), 'wsterm-bench-profile-'));
		writeFileSync(join(directory, 'wsterm.toml'), `[profiles.s]\nurl = "${url}/"\nprotocol = "socketio"\nsocketio-path = "/api/live"\n`);
		const {code, stdout, stderr} = await runCli(['bench', '@s', '-m', '3', '-x', '["echo",1]', '--json'], {cwd: directory, env: {XDG_CONFIG_HOME: join(directory, 'config'), HOME: directory}});
		assert.equal(code, 0, stderr);
		assert.deepEqual(counts(summaryOf(stdout)), {connections: 1, connectFailures: 0, sent: 3, answered: 3, unanswered: 0, pushes: 2, errors: 0});
	});

	test('the default path /socket.io/ not answering: the line says the server may listen on another path (exit 1)', async () => {
		const {url} = await socketIoServer({path: '/api/live'});
		const {code, stderr} = await runBenchCli([url, '--protocol', 'socketio', '-m', '1', '-x', '["echo",1]']);
		assert.equal(code, 1, stderr);
		assert.match(stderr, /^wsterm: could not connect: .+; a Socket\.IO server may listen on another path than \/socket\.io\/: give --socketio-path PATH, or the engine URL the browser's DevTools show \(\.\.\.\?EIO=4&transport=websocket\)\n$/);
	});

	test('a Socket.IO 2 server: one line saying so, exit 1, its join not counted as a push', async () => {
		const {url} = await socketIoV2Server();
		const {code, stdout, stderr} = await runBenchCli([url, '--protocol', 'socketio', '-m', '2', '-x', '["echo",1]', '--json']);
		assert.equal(stderr, 'wsterm: could not connect: the server speaks Socket.IO 2 (Engine.IO 3), not Socket.IO 3 or 4: wsterm bench speaks Socket.IO 3 and 4 only\n');
		assert.equal(code, 1);
		assert.deepEqual(counts(summaryOf(stdout)), {connections: 0, connectFailures: 1, sent: 0, answered: 0, unanswered: 0, pushes: 0, errors: 0});
	});

	test('usage errors: --socketio-version 2 (or EIO=3), --socketio-path without --protocol socketio', async () => {
		const version = await runBenchCli(['ws://127.0.0.1:9/', '--protocol', 'socketio', '--socketio-version', '2', '-m', '1', '-x', '["echo"]']);
		assert.equal(version.code, 2);
		assert.equal(version.stderr, 'wsterm: --socketio-version 2: wsterm bench speaks Socket.IO 3 and 4 (Engine.IO 4) only, not Socket.IO 2 yet\n');
		const engine = await runBenchCli(['ws://127.0.0.1:9/socket.io/?EIO=3&transport=websocket', '--protocol', 'socketio', '-m', '1', '-x', '["echo"]']);
		assert.equal(engine.code, 2);
		assert.equal(engine.stderr, 'wsterm: EIO=3 in the URL: wsterm bench speaks Socket.IO 3 and 4 (Engine.IO 4) only, not Socket.IO 2 yet\n');
		const without = await runBenchCli(['ws://127.0.0.1:9/', '--socketio-path', '/x', '-m', '1', '-x', 'hi']);
		assert.equal(without.code, 2);
		assert.equal(without.stderr, 'wsterm: --socketio-path goes with --protocol socketio\n');
	});
});
