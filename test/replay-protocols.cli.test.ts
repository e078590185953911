/*
Record and replay against real protocol peers: a conversation recorded by the CLI (`--record`)
against a real server is replayed with --check against the same server started again, and served
with `serve --replay` to the protocol's real client library.
*/
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import type {AddressInfo, Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {after, describe, test} from 'node:test';
import {GraphQLObjectType, GraphQLSchema, GraphQLString} from 'graphql';
import {Client as StompClient, type IStompSocket, Versions} from '@stomp/stompjs';
import {createClient} from 'graphql-ws';
// Its name says hook to the react-hooks lint rule: it is graphql-ws's server.
import {useServer as graphqlWsServer} from 'graphql-ws/use/ws';
import {JSONRPCClient} from 'json-rpc-2.0';
import {Server as SocketIoServer} from 'socket.io';
import {WebSocket, WebSocketServer} from 'ws';
import {runCli, startCli} from './helpers/cli.js';
import {startServeCli, type ServeChild, within} from './helpers/serve-clients.js';

const require = createRequire(import.meta.url);
const temporary = mkdtempSync(join(tmpdir(), 'wsterm-replay-protocols-'));
const closers: Array<() => Promise<void>> = [];
after(async () => Promise.all(closers.map(async close => close())));

function path(name: string): string {
	return join(temporary, name);
}

/** Closes an HTTP server and drops its connections (a WebSocket would hold it open). */
function closing(http: import('node:http').Server): void {
	const sockets = new Set<Socket>();
	http.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	closers.push(async () => {
		for (const socket of sockets) {
			socket.destroy();
		}

		await new Promise(resolve => http.close(resolve));
	});
}

async function listening(http: import('node:http').Server): Promise<number> {
	http.listen(0, '127.0.0.1');
	await once(http, 'listening');
	return (http.address() as AddressInfo).port;
}

/** A plain ws server that answers each message with `reply to TEXT`, after `delays[TEXT]` ms. */
async function slowEcho(delays: Record<string, number>): Promise<string> {
	const http = createServer();
	closing(http);
	const wss = new WebSocketServer({server: http});
	wss.on('connection', socket => {
		socket.on('message', data => {
			const text = data.toString();
			setTimeout(() => {
				socket.send(`reply to ${text}`);
			}, delays[text] ?? 0);
		});
	});
	return `ws://127.0.0.1:${await listening(http)}/`;
}

/** graphql-ws's server: queries `first` and `second` answer after the delays given. */
async function graphqlServer(delays: {first: number; second: number}): Promise<string> {
	const field = (value: string, ms: number) => ({type: GraphQLString, resolve: async () => sleep(ms).then(() => value)});
	const schema = new GraphQLSchema({query: new GraphQLObjectType({name: 'Query', fields: {first: field('one', delays.first), second: field('two', delays.second)}})});
	const http = createServer();
	closing(http);
	const wss = new WebSocketServer({server: http, path: '/graphql'});
	graphqlWsServer({schema}, wss);
	return `ws://127.0.0.1:${await listening(http)}/graphql`;
}

/** stomp-broker-js (STOMP 1.1) on path /ws: its CONNECTED names a new session each time. */
async function stompBroker(): Promise<string> {
	const StompServer = require('stomp-broker-js') as new (config: {server: import('node:http').Server; path: string}) => unknown;
	const http = createServer();
	closing(http);
	// eslint-disable-next-line no-new
	new StompServer({server: http, path: '/ws'});
	return `ws://127.0.0.1:${await listening(http)}/ws`;
}

/** socket.io 4: acknowledges `echo` with its arguments. */
async function socketIoServer(): Promise<string> {
	const http = createServer();
	closing(http);
	const io = new SocketIoServer(http, {transports: ['websocket']});
	io.on('connection', socket => {
		socket.on('echo', (...args: unknown[]) => {
			const ack = args.pop() as (...values: unknown[]) => void;
			ack(...args);
		});
	});
	closers.push(async () => {
		await io.close();
	});
	return `http://127.0.0.1:${await listening(http)}`;
}

/** socket.io 2 (Engine.IO 3), whose client is the one installed: acknowledges `echo` with its arguments. */
async function socketIoV2Server(): Promise<string> {
	type V2Socket = {on(event: string, listener: (...args: unknown[]) => void): void};
	const createIo = require('socket.io-v2') as (http: import('node:http').Server, options: object) => {on(event: 'connection', listener: (socket: V2Socket) => void): void; close(): void};
	const http = createServer();
	const io = createIo(http, {transports: ['websocket']});
	io.on('connection', socket => {
		socket.on('echo', (...args: unknown[]) => {
			const ack = args.pop() as (...values: unknown[]) => void;
			ack(...args);
		});
	});
	closing(http);
	return `ws://127.0.0.1:${await listening(http)}/socket.io/?EIO=3&transport=websocket`;
}

/** The recording's data messages, as [dir, data]. */
function recorded(file: string): Array<[string, string]> {
	return readFileSync(file, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {dir: string; type: string; data?: string})
		.filter(record => record.type === 'text')
		.map(record => [record.dir, record.data!]);
}

async function stopServe(server: ServeChild): Promise<void> {
	server.child.kill('SIGTERM');
	await server.exit;
}

describe('replay --check of a protocol recording', () => {
	test('graphql-ws: concurrent operations that finish in another order pass, each compared by its id', async () => {
		const file = path('graphql.jsonl');
		const recording = await runCli([await graphqlServer({first: 10, second: 400}), '--protocol', 'graphql-ws', '--record', file], {input: '{ first }\n{ second }\n'});
		assert.equal(recording.code, 0, recording.stderr);
		const replies = recorded(file).filter(([dir, data]) => dir === 'in' && data.includes('"next"'));
		assert.match(replies[0]![1], /"one"/, 'recorded: first, then second');

		// The same server, started again with the other operation the faster.
		const swapped = await graphqlServer({first: 400, second: 10});
		const result = await runCli(['replay', file, swapped, '--check']);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stderr, /check passed: 5 messages as recorded/);

		// A reply that differs still fails, named by its operation.
		const other = await graphqlServer({first: 400, second: 10});
		const changed = path('graphql-changed.jsonl');
		writeFileSync(changed, readFileSync(file, 'utf8').replace(String.raw`\"one\"`, String.raw`\"uno\"`));
		const failed = await runCli(['replay', changed, other, '--check']);
		assert.equal(failed.code, 4, failed.stderr);
		assert.match(failed.stderr, /check: message \d of 5 \(id "1"\) differs\n.*\n.*\n {2}\$\.payload\.data\.first: expected "uno", actual "one"/);
		assert.match(failed.stderr, /check failed: 1 mismatch in 5 recorded messages/);
	});

	test('plain messages: replies in another order fail the check, and pass with --unordered; a reply that changed still fails', async () => {
		const file = path('plain.jsonl');
		const recording = await runCli([await slowEcho({a: 300, b: 10}), '--record', file, '-n', '2'], {input: 'a\nb\n'});
		assert.equal(recording.code, 0, recording.stderr);
		assert.deepEqual(recorded(file).filter(([dir]) => dir === 'in'), [['in', 'reply to b'], ['in', 'reply to a']]);

		const swapped = await slowEcho({a: 10, b: 300});
		const ordered = await runCli(['replay', file, swapped, '--check']);
		assert.equal(ordered.code, 4, ordered.stderr);
		const unordered = await runCli(['replay', file, swapped, '--check', '--unordered']);
		assert.equal(unordered.code, 0, unordered.stderr);
		assert.match(unordered.stderr, /check passed: 2 messages as recorded/);

		const changed = path('plain-changed.jsonl');
		writeFileSync(changed, readFileSync(file, 'utf8').replace('"reply to a"', '"reply to A"'));
		const failed = await runCli(['replay', changed, swapped, '--check', '--unordered']);
		assert.equal(failed.code, 4, failed.stderr);
		assert.match(failed.stderr, /check: message 2 of 2 differs\n {2}expected: reply to A\n {2}actual: {3}reply to a\n/);
	});

	test('STOMP: CONNECTED\'s new session header is left out, with a note; --ignore names a header too', async () => {
		const file = path('stomp.jsonl');
		const recording = await runCli([await stompBroker(), '--protocol', 'stomp', '--record', file, '--linger', '0'], {input: '/queue/x hi\n'});
		assert.equal(recording.code, 0, recording.stderr);
		assert.ok(recorded(file).some(([dir, data]) => dir === 'in' && /^CONNECTED\n(?:.*\n)*session:/.test(data)), 'CONNECTED names its session');

		const result = await runCli(['replay', file, await stompBroker(), '--check']);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stderr, /^wsterm: check: CONNECTED's session header is left out \(STOMP gives each connection a new one\)$/m);

		// A header recorded otherwise fails, and passes when --ignore names it.
		const changed = path('stomp-changed.jsonl');
		writeFileSync(changed, readFileSync(file, 'utf8').replace(/server:[^\\]*/, 'server:other/9'));
		const failed = await runCli(['replay', changed, await stompBroker(), '--check']);
		assert.equal(failed.code, 4, failed.stderr);
		assert.match(failed.stderr, / {2}header server: expected "other\/9", actual ".+"/);
		const ignored = await runCli(['replay', changed, await stompBroker(), '--check', '--ignore', 'server']);
		assert.equal(ignored.code, 0, ignored.stderr);
	});

	test('Socket.IO: the handshake\'s new sid is left out, with a note; acks compare by their id', async () => {
		const file = path('socketio.jsonl');
		const recording = await runCli([await socketIoServer(), '--protocol', 'socketio', '--record', file, '-n', '2', '-w', '5'], {input: '["echo","one"]\n["echo","two"]\n'});
		assert.equal(recording.code, 0, recording.stderr);
		assert.ok(recorded(file).some(([dir, data]) => dir === 'in' && data.startsWith('0{"sid"')), 'the handshake names its sid');

		const result = await runCli(['replay', file, `${await socketIoServer()}/socket.io/?EIO=4&transport=websocket`, '--check']);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stderr, /^wsterm: check: the handshake's sid is left out \(Socket\.IO gives each connection a new one\)$/m);
	});
});

describe('serve --replay answers the request it recorded, with the live id', () => {
	test('graphql-ws\'s client (ids are UUIDs): each operation gets its recorded result, whatever the order asked', async () => {
		const file = path('graphql-served.jsonl');
		const recording = await runCli([await graphqlServer({first: 10, second: 10}), '--protocol', 'graphql-ws', '--record', file], {input: '{ first }\n{ second }\n'});
		assert.equal(recording.code, 0, recording.stderr);
		const server = await startServeCli(['--replay', file, '--path', '/graphql']);
		const client = createClient({url: server.url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true});
		try {
			const query = async (text: string): Promise<unknown> => new Promise((resolve, reject) => {
				let result: unknown;
				client.subscribe({query: text}, {next: value => {
					result = value;
				}, error: reject, complete: () => resolve(result)});
			});
			const results = await within(5000, 'the results', Promise.all([query('{ second }'), query('{ first }')]));
			assert.deepEqual(results, [{data: {second: 'two'}}, {data: {first: 'one'}}]);
		} finally {
			await client.dispose();
			await stopServe(server);
		}
	});

	test('a JSON-RPC client with its own ids gets each recorded result under its id', async () => {
		const file = path('jsonrpc.jsonl');
		const wss = new WebSocketServer({host: '127.0.0.1', port: 0});
		await once(wss, 'listening');
		closers.push(async () => new Promise(resolve => {
			wss.close(() => resolve());
		}));
		wss.on('connection', socket => {
			socket.on('message', data => {
				const {id, method, params} = JSON.parse(data.toString()) as {id: number; method: string; params: number[]};
				socket.send(JSON.stringify({jsonrpc: '2.0', id, result: method === 'add' ? params[0]! + params[1]! : params.join('')}));
			});
		});
		const recording = await runCli([`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, '--protocol', 'jsonrpc', '--record', file], {input: 'add [1,2]\nadd [3,4]\njoin [5,6]\n'});
		assert.equal(recording.code, 0, recording.stderr);

		const server = await startServeCli(['--replay', file]);
		const socket = new WebSocket(server.url);
		await once(socket, 'open');
		const ids = ['x-1', 'x-2', 'x-3'];
		const client = new JSONRPCClient(async payload => {
			socket.send(JSON.stringify(payload));
		}, () => ids.shift()!);
		socket.on('message', data => {
			client.receive(JSON.parse(data.toString()) as Parameters<typeof client.receive>[0]);
		});
		try {
			const results = await within(5000, 'the results', Promise.all([client.request('join', [5, 6]), client.request('add', [3, 4]), client.request('add', [1, 2])]));
			assert.deepEqual(results, ['56', 7, 3]);
		} finally {
			socket.close();
			await stopServe(server);
		}
	});

	test('socket.io-client (2.x, the one installed): each emit with an ack gets its recorded ack under its own ack id, whatever the order', async () => {
		const file = path('socketio-v2.jsonl');
		// Plain pipe mode, Engine.IO 3 frames typed as lines; they go once the namespace is joined (`40`), as a client's would.
		const run = startCli([await socketIoV2Server(), '--record', file, '-n', '4', '-w', '5']);
		let printed = '';
		run.child.stdout!.on('data', (chunk: Buffer) => {
			const joined = /^40$/m.test(printed);
			printed += chunk.toString();
			if (!joined && /^40$/m.test(printed)) {
				run.child.stdin!.end('421["echo","one"]\n422["echo","two"]\n');
			}
		});
		const recording = await run.result;
		assert.equal(recording.code, 0, recording.stderr);
		assert.deepEqual(recorded(file).filter(([dir]) => dir === 'in').map(([, data]) => data).slice(1), ['40', '431["one"]', '432["two"]']);

		const server = await startServeCli(['--replay', file, '--path', '/socket.io/']);
		type V2Client = {emit(event: string, ...args: unknown[]): void; close(): void; on(event: string, listener: (...args: unknown[]) => void): void};
		const io = require('socket.io-client') as (url: string, options: object) => V2Client;
		const client = io(server.url.replace(/^ws/, 'http').replace(/\/socket\.io\/$/, ''), {transports: ['websocket'], reconnection: false});
		try {
			const emitted = async (value: string): Promise<unknown> => new Promise(resolve => {
				client.emit('echo', value, (answer: unknown) => {
					resolve(answer);
				});
			});
			assert.equal(await within(5000, 'the ack of "two"', emitted('two')), 'two');
			assert.equal(await within(5000, 'the ack of "one"', emitted('one')), 'one');
		} finally {
			client.close();
			await stopServe(server);
		}
	});

	test('@stomp/stompjs (it offers v10, v11 and v12.stomp): the recorded subprotocol is chosen, and the client connects', async () => {
		const file = path('stomp-served.jsonl');
		const recording = await runCli([await stompBroker(), '--protocol', 'stomp', '--record', file, '--linger', '0'], {input: '/queue/x hi\n'});
		assert.equal(recording.code, 0, recording.stderr);
		const {protocol} = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as {protocol: string};
		const offered = new Versions(['1.0', '1.1', '1.2']).protocolVersions();
		assert.notEqual(protocol, offered[0], 'a recording whose subprotocol is not the first the client offers');

		const server = await startServeCli(['--replay', file]);
		let socket: WebSocket | undefined;
		const client = new StompClient({
			webSocketFactory() {
				socket = new WebSocket(server.url, offered);
				return socket as unknown as IStompSocket;
			},
			reconnectDelay: 0,
		});
		try {
			const connected = new Promise<void>(resolve => {
				client.onConnect = () => {
					resolve();
				};
			});
			client.activate();
			await within(5000, 'the CONNECTED frame', connected);
			assert.equal(socket!.protocol, protocol);
		} finally {
			await client.deactivate();
			await stopServe(server);
		}
	});
});
