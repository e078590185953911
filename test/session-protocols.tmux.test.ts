/*
--protocol in the full-screen session, in a real terminal (tmux) against the real servers: the
socket.io package's server, graphql-ws's server with a graphql schema, Apollo's legacy
subscriptions-transport-ws server, and json-rpc-2.0 over ws.
*/
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, readFileSync} from 'node:fs';
import {createServer, type Server as HttpServer} from 'node:http';
import {createRequire} from 'node:module';
import type {AddressInfo, Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {after, before, describe, test} from 'node:test';
import {execute, GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, subscribe} from 'graphql';
import {useServer} from 'graphql-ws/use/ws';
import {JSONRPCErrorException, JSONRPCServer} from 'json-rpc-2.0';
import {Server as SocketIoServer} from 'socket.io';
import {SubscriptionServer} from 'subscriptions-transport-ws';
import {WebSocketServer} from 'ws';
import {cliPath} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';
import {startStompServer} from './helpers/stomp-server.js';
import {cliCommand, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const directory = mkdtempSync(join(tmpdir(), 'wsterm-session-protocols-'));
const skip = hasTmux() ? false : 'tmux is not installed';
const closers: Array<() => Promise<unknown>> = [];
after(async () => Promise.all(closers.map(async close => close())));

function session(arguments_: readonly string[], {columns = 140, rows = 30} = {}): TmuxSession {
	const command = cliCommand(cliPath, arguments_, {XDG_STATE_HOME: directory, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: '', NO_COLOR: ''});
	return new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns, rows});
}

function type(tmux: TmuxSession, line: string): void {
	tmux.keys(line, {literal: true});
	tmux.keys('Enter');
}

/** The screen with its colours, as tmux keeps them (to check that a row is in the error colour). */
function colored(tmux: TmuxSession): string {
	return tmux.tmux('capture-pane', '-p', '-e', '-t', 'main');
}

/** The status bar's line. */
function statusBar(screen: string): string {
	return screen.split('\n').find(line => / · ↑\d+ /.test(line)) ?? '';
}

async function quit(tmux: TmuxSession): Promise<string> {
	type(tmux, '/quit');
	return tmux.waitFor(/EXIT=\d+/, {what: 'the session to exit'});
}

describe('--protocol socketio in the session', () => {
	let url: string;
	let http: HttpServer;
	const sockets = new Set<Socket>();
	/** What the server's `note` handler received. */
	const notes: unknown[][] = [];

	before(async () => {
		http = createServer();
		http.on('connection', socket => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		// Engine.IO pings every 200 ms: the session must answer them, without a row for each (the
		// timeout is long: the UI loads while the connection opens, and a loaded machine is slow).
		const io = new SocketIoServer(http, {pingInterval: 200, pingTimeout: 5000, transports: ['websocket']});
		io.of('/locked').use((_socket, next) => {
			next(new Error('no token'));
		});
		io.on('connection', socket => {
			socket.emit('welcome', {v: 1});
			socket.on('echo', (...args: unknown[]) => {
				const ack = args.pop() as (...values: unknown[]) => void;
				ack(...args);
			});
			socket.on('note', (...args: unknown[]) => {
				notes.push(args.filter(arg => typeof arg !== 'function'));
			});
		});
		http.listen(0, '127.0.0.1');
		await once(http, 'listening');
		url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
		closers.push(async () => io.close());
	});

	test('the welcome event is a row with its badge; /emit sends ["EVENT", args...] and its ack is a row with the round trip; Engine.IO pings are no rows', {skip}, async () => {
		const tmux = session([url, '--protocol', 'socketio']);
		try {
			let screen = await tmux.waitFor(/< \S+ \["welcome",\{"v":1\}\]/, {what: 'the welcome row'});
			assert.match(screen, /< (?:socket\.io|welcome) \["welcome",\{"v":1\}\]/, 'the event as its JSON array, with a badge');
			assert.match(statusBar(screen), /socketio/, 'the status bar says the protocol');
			type(tmux, '/emit echo "hi" {"n":1}');
			screen = await tmux.waitFor(/< .*ack "echo" => \["hi",\{"n":1\}\] \(\d+\.\d ms\)/, {what: 'the ack row with its round trip'});
			// The badge: the protocol, or the event's name (as the stage annotates it).
			assert.match(screen, /> (?:socket\.io|echo) \["echo","hi",\{"n":1\}\]/, 'the sent row is the event array, not the Engine.IO frame');
			assert.doesNotMatch(screen, /42\[|> \S+ 40$|< \S+ 2$|> \S+ 3$/m, 'no Engine.IO frames on screen');
			// Several Engine.IO pings later (every 200 ms), none of them is a row or a counted message.
			await sleep(1000);
			screen = tmux.capture();
			assert.match(statusBar(screen), /socketio \+\d+ control/, 'the protocol\'s own packets are counted apart');
			assert.match(statusBar(screen), /↑1 .*↓2 /, 'one event sent, the welcome and the ack received');
			assert.doesNotMatch(screen, /^\S+ [<>] (?:socket\.io )?[23]\s*$/m, 'no ping or pong rows');
			type(tmux, '["note",1,[2]]');
			await tmux.waitFor(/> (?:socket\.io|note) \["note",1,\[2\]\]/, {what: 'the typed event row'});
			assert.match(await quit(tmux), /EXIT=0/);
		} finally {
			tmux.kill();
		}

		assert.deepEqual(notes, [[1, [2]]], 'the typed JSON array was emitted');
	});

	test('/emit with bad JSON args and a refused line are error rows, nothing is sent, the session goes on and keeps them in its history', {skip}, async () => {
		notes.length = 0;
		const tmux = session([url, '--protocol', 'socketio']);
		try {
			await tmux.waitFor(/\["welcome"/);
			type(tmux, '/emit note {bad');
			let screen = await tmux.waitFor(/\* error argument 1 is not JSON: \{bad/, {what: 'the /emit error row'});
			type(tmux, 'not an event');
			screen = await tmux.waitFor(/\* error not sent: give an event as a JSON array/, {what: 'the refused line\'s error row'});
			tmux.keys('Up');
			screen = await tmux.waitFor(/^> not an event/m, {what: 'the refused line back from the history'});
			tmux.keys('C-u');
			type(tmux, '/binary 01 02');
			screen = await tmux.waitFor(/not sent: give an event as a JSON array, \["name", args\.\.\.\]: \[binary 2 B\]/, {what: '/binary refused by the stage'});
			type(tmux, '/emit note "still here"');
			screen = await tmux.waitFor(/> (?:socket\.io|note) \["note","still here"\]/, {what: 'the session still sends'});
			assert.match(statusBar(screen), / open /);
			assert.match(await quit(tmux), /EXIT=0/);
		} finally {
			tmux.kill();
		}

		assert.deepEqual(notes, [['still here']], 'only the good event reached the server');
	});

	test('a namespace that refuses to be joined ends the session with exit 1, and stderr says why', {skip}, async () => {
		const tmux = session([`${url}/locked`, '--protocol', 'socketio']);
		try {
			const screen = await tmux.waitFor(/EXIT=\d+/, {what: 'the session to exit'});
			assert.match(screen, /wsterm: the server refused to join namespace \/locked: \{"message":"no token"\}\n(?:.*\n)*EXIT=1/);
		} finally {
			tmux.kill();
		}
	});

	test('/emit sends its arguments\' numbers as typed: 9007199254740993, 1.10 and -0 go out unchanged', {skip}, async () => {
		const file = join(directory, 'socketio-emit.jsonl');
		const tmux = session([url, '--protocol', 'socketio', '--record', file]);
		try {
			await tmux.waitFor(/\["welcome"/);
			type(tmux, '/emit note {"n":9007199254740993,"d":1.10,"z":-0} 1e2');
			await tmux.waitFor(/> (?:socket\.io|note) \["note",/, {what: 'the emitted row'});
			assert.match(await quit(tmux), /EXIT=0/);
		} finally {
			tmux.kill();
		}

		const records = readFileSync(file, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {dir?: string; data?: string});
		const emitted = records.filter(record => record.dir === 'out' && record.data?.startsWith('42') === true).map(record => record.data);
		assert.equal(emitted.length, 1);
		// 42, the ack id the session asks with, then the event as typed.
		assert.match(emitted[0]!, /^42\d*\["note",\{"n":9007199254740993,"d":1\.10,"z":-0\},1e2\]$/);
	});

	test('--reconnect: after a drop the stage joins again; --record writes the Engine.IO frames', {skip}, async () => {
		const file = join(directory, 'socketio.jsonl');
		const tmux = session([url, '--protocol', 'socketio', '--reconnect', '--record', file]);
		try {
			await tmux.waitFor(/\["welcome"/);
			for (const socket of sockets) {
				socket.destroy();
			}

			const screen = await tmux.waitFor(text => text.split('["welcome",{"v":1}]').length === 3, {what: 'a second welcome after the reconnect', timeout: 15_000});
			assert.match(screen, /reconnected \(attempt 1\)/);
			type(tmux, '/emit echo 2');
			await tmux.waitFor(/ack "echo" => \[2\]/, {what: 'the ack after the reconnect'});
			assert.match(await quit(tmux), /EXIT=0/);
		} finally {
			tmux.kill();
		}

		const records = readFileSync(file, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {type: string; dir?: string; data?: string});
		assert.equal(records[0]!.type, 'open');
		assert.ok(records.some(record => record.dir === 'in' && record.data === '42["welcome",{"v":1}]'), 'the event as on the wire');
		assert.ok(records.some(record => record.dir === 'out' && record.data === '40'), 'the namespace CONNECT as on the wire');
		assert.ok(records.some(record => record.dir === 'out' && record.data?.startsWith('420["echo",2]') === true), 'the emit as on the wire');
	});
});

describe('--protocol graphql-ws in the session', () => {
	let url: string;
	const inits: unknown[] = [];
	let dropAll: () => void;

	before(async () => {
		const schema = new GraphQLSchema({
			query: new GraphQLObjectType({
				name: 'Query',
				fields: {
					hello: {type: GraphQLString, resolve: () => 'world'},
				},
			}),
			subscription: new GraphQLObjectType({
				name: 'Subscription',
				fields: {
					count: {
						type: GraphQLInt,
						args: {to: {type: GraphQLInt}},
						async * subscribe(_root, {to}: {to: number}) {
							for (let index = 1; index <= to; index++) {
								await sleep(10);
								yield {count: index};
							}
						},
					},
				},
			}),
		});
		const wss = new WebSocketServer({host: '127.0.0.1', port: 0, path: '/graphql'});
		await once(wss, 'listening');
		useServer({
			schema,
			onConnect(context) {
				inits.push(context.connectionParams);
				return (context.connectionParams as {token?: string} | undefined)?.token === 'ok';
			},
		}, wss);
		url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`;
		dropAll = () => {
			for (const client of wss.clients) {
				client.terminate();
			}
		};
		closers.push(async () => new Promise(resolve => {
			for (const client of wss.clients) {
				client.terminate();
			}

			wss.close(resolve);
		}));
	});

	test('--init is sent; each result of a subscription is a row; errors stand out; complete is a quiet row; a refused line keeps the session', {skip}, async () => {
		const tmux = session([url, '--protocol', 'graphql-ws', '--init', '{"token":"ok"}']);
		try {
			await tmux.waitFor(/ open /, {what: 'the open'});
			type(tmux, 'subscription { count(to: 3) }');
			let screen = await tmux.waitFor(/< graphql-ws \{"data":\{"count":3\}\}/, {what: 'the third result'});
			assert.match(screen, /< graphql-ws \{"data":\{"count":1\}\}\n.*< graphql-ws \{"data":\{"count":2\}\}\n.*< graphql-ws \{"data":\{"count":3\}\}/, 'each result a row, in order');
			screen = await tmux.waitFor(/< graphql-ws complete subscription \{ count\(to: 3\) \}/, {what: 'the complete row'});
			assert.match(screen, /> graphql-ws \{"type":"subscribe","id":"1","payload":\{"query":"subscription \{ count\(to: 3\) \}"\}\}/, 'the sent row is the subscribe message');
			assert.doesNotMatch(screen, /connection_init|connection_ack/, 'the handshake is no row');
			assert.match(statusBar(screen), /graphql-ws \+2 control/, 'connection_init and connection_ack counted apart');
			assert.match(statusBar(screen), /↑1 .*↓4 /, 'the subscribe sent; three results and the complete (its row is quiet)');
			type(tmux, '{ nope }');
			screen = await tmux.waitFor(/< graphql-ws error: \{ nope \} => \[.*Cannot query field/, {what: 'the error row'});
			const errorLine = colored(tmux).split('\n').find(line => line.includes('error: { nope }'))!;
			assert.match(errorLine, /\u001B\[31m[^\u001B]*error: \{ nope \}/, 'the error row is in the error colour');
			type(tmux, '');
			type(tmux, '{"query": 1}');
			await tmux.waitFor(/\* error not sent: a JSON line needs a "query" string/, {what: 'the refused line'});
			type(tmux, '{ hello }');
			await tmux.waitFor(/< graphql-ws \{"data":\{"hello":"world"\}\}/, {what: 'the session goes on'});
			assert.match(await quit(tmux), /EXIT=0/);
		} finally {
			tmux.kill();
		}

		assert.deepEqual(inits.at(-1), {token: 'ok'});
	});

	test('--reconnect: connection_init again with --init after a drop, then operations go on; --record keeps the handshakes', {skip}, async () => {
		const file = join(directory, 'graphql.jsonl');
		const initsBefore = inits.length;
		const tmux = session([url, '--protocol', 'graphql-ws', '--init', '{"token":"ok"}', '--reconnect', '--record', file]);
		try {
			await tmux.waitFor(/ open .*graphql-ws \+2 control/, {what: 'the handshake'});
			dropAll();
			let screen = await tmux.waitFor(/reconnected \(attempt 1\)/, {what: 'the reconnect', timeout: 15_000});
			screen = await tmux.waitFor(/ open .*graphql-ws \+4 control/, {what: 'the second handshake'});
			type(tmux, '{ hello }');
			screen = await tmux.waitFor(/< graphql-ws \{"data":\{"hello":"world"\}\}/, {what: 'a query after the reconnect'});
			assert.doesNotMatch(screen, /connection_init|connection_ack/);
			assert.match(await quit(tmux), /EXIT=0/);
		} finally {
			tmux.kill();
		}

		assert.deepEqual(inits.slice(initsBefore), [{token: 'ok'}, {token: 'ok'}], '--init on each open');
		const records = readFileSync(file, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {dir?: string; data?: string});
		assert.equal(records.filter(record => record.dir === 'out' && record.data === '{"type":"connection_init","payload":{"token":"ok"}}').length, 2);
		assert.equal(records.filter(record => record.dir === 'in' && record.data?.includes('"connection_ack"') === true).length, 2);
	});
});


describe('--protocol graphql-ws in the session, against Apollo\'s legacy server', () => {
	test('the status bar names subscriptions-transport-ws; results are rows; ka is no row', {skip}, async () => {
		const schema = new GraphQLSchema({
			query: new GraphQLObjectType({name: 'Query', fields: {hello: {type: GraphQLString, resolve: () => 'world'}}}),
			subscription: new GraphQLObjectType({name: 'Subscription', fields: {
				count: {type: GraphQLInt, async * subscribe() {
					yield {count: 1};
					yield {count: 2};
				}},
			}}),
		});
		const http = createServer();
		http.listen(0, '127.0.0.1');
		await once(http, 'listening');
		const server = SubscriptionServer.create({schema, execute, subscribe, keepAlive: 100}, {server: http, path: '/graphql'});
		closers.push(async () => {
			server.close();
			await new Promise(resolve => {
				http.close(resolve);
			});
		});
		const tmux = session([`ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`, '--protocol', 'graphql-ws']);
		try {
			let screen = await tmux.waitFor(/ open /, {what: 'the open'});
			type(tmux, 'subscription { count }');
			screen = await tmux.waitFor(/< graphql-ws complete subscription \{ count \}/, {what: 'the complete row'});
			assert.match(screen, /< graphql-ws \{"data":\{"count":1\}\}\n.*< graphql-ws \{"data":\{"count":2\}\}/, 'each result a row');
			assert.match(screen, /> graphql-ws \{"id":"1","type":"start","payload":\{"query":"subscription \{ count \}"\}\}/, 'the sent row is the start message');
			await sleep(300);
			screen = tmux.capture();
			assert.doesNotMatch(screen, /"ka"|connection_init|connection_ack/, 'keep-alives and the handshake are no rows');
			assert.match(statusBar(screen), /proto graphql-ws .*subscriptions-transport-ws \+\d+ control/, 'the status bar says which protocol is spoken');
			assert.match(await quit(tmux), /EXIT=0/);
		} finally {
			tmux.kill();
		}
	});
});
describe('--protocol jsonrpc in the session', () => {
	let server: TestServer;

	before(async () => {
		const rpc = new JSONRPCServer({errorListener() {}});
		rpc.addMethod('add', ([a, b]: [number, number]) => a + b);
		rpc.addMethod('fail', () => {
			throw new JSONRPCErrorException('it failed', 42);
		});
		server = await startServer({
			onConnection(socket) {
				socket.send(JSON.stringify({jsonrpc: '2.0', method: 'welcome', params: {v: 1}}));
				socket.on('message', async (data: Buffer) => {
					const response = await rpc.receive(JSON.parse(data.toString()) as Parameters<JSONRPCServer['receive']>[0]);
					if (response !== null) {
						socket.send(JSON.stringify(response));
					}
				});
			},
		});
		closers.push(async () => server.close());
	});

	test('a response is a row paired with its request and its round trip; an error response stands out; a notification shows as it came', {skip}, async () => {
		const tmux = session([server.url, '--protocol', 'jsonrpc']);
		try {
			let screen = await tmux.waitFor(/< jsonrpc \{"jsonrpc":"2\.0","method":"welcome","params":\{"v":1\}\}/, {what: 'the notification row'});
			type(tmux, 'add [1,2]');
			screen = await tmux.waitFor(/< jsonrpc add \[1,2\] => \{"jsonrpc":"2\.0","id":1,"result":3\} \(\d+\.\d ms\)/, {what: 'the paired response'});
			assert.match(screen, /> jsonrpc \{"jsonrpc":"2\.0","id":1,"method":"add","params":\[1,2\]\}/, 'the sent row is the request with its id');
			type(tmux, 'fail');
			screen = await tmux.waitFor(/< jsonrpc error: fail => \{"jsonrpc":"2\.0","id":2,"error":\{"code":42,"message":"it failed"\}\}/, {what: 'the error response'});
			const lines = colored(tmux).split('\n');
			assert.match(lines.find(line => line.includes('error: fail'))!, /\u001B\[31m[^\u001B]*error: fail =>/, 'the error response is in the error colour');
			assert.doesNotMatch(lines.find(line => line.includes('add [1,2] =>'))!, /\u001B\[31m/, 'a good response is not');
			type(tmux, 'add [1,');
			screen = await tmux.waitFor(/\* error not sent: params are not JSON/, {what: 'the refused line'});
			type(tmux, 'add [2,3]');
			screen = await tmux.waitFor(/add \[2,3\] => \{"jsonrpc":"2\.0","id":3,"result":5\}/, {what: 'the session goes on'});
			type(tmux, '/emit x 1');
			screen = await tmux.waitFor(/\* error \/emit needs --protocol socketio \(this session speaks jsonrpc\)/, {what: '/emit refused without socketio'});
			assert.match(statusBar(screen), /jsonrpc/);
			assert.match(statusBar(screen), /↑3 .*↓4 /, 'three requests; a notification and three responses');
			assert.match(await quit(tmux), /EXIT=0/);
		} finally {
			tmux.kill();
		}
	});
});

test('the session takes --protocol (no "not yet" refusal) but needs a URL for it: the built-in echo server speaks none (exit 2)', {skip}, async () => {
	const tmux = session(['--protocol', 'jsonrpc']);
	try {
		const screen = await tmux.waitFor(/EXIT=\d+/, {what: 'the usage error'});
		assert.match(screen, /wsterm: --protocol jsonrpc needs a server URL \(the built-in echo server speaks no protocol\)/);
		assert.match(screen, /EXIT=2/);
		assert.doesNotMatch(screen, /not yet/);
	} finally {
		tmux.kill();
	}
});

/** What the test uses of stomp-broker-js (it ships no types). */
type StompBroker = {
	on(event: 'subscribe', listener: (subscription: {id: string; topic: string}) => void): void;
	on(event: 'send', listener: (sent: {dest: string; frame: {body: unknown}}) => void): void;
	send(topic: string, headers: Record<string, string>, body: string): void;
};
const StompServer = createRequire(import.meta.url)('stomp-broker-js') as new (config: {server: HttpServer; path: string}) => StompBroker;

test('--protocol stomp in the session: MESSAGE bodies are rows, a SEND typed as DESTINATION BODY is a row, CONNECT and SUBSCRIBE are no rows', {skip}, async () => {
	const http = createServer();
	const broker = new StompServer({server: http, path: '/ws'});
	const subscriptions: string[] = [];
	const sends: Array<{dest: string; body: unknown}> = [];
	broker.on('subscribe', subscription => subscriptions.push(subscription.topic));
	broker.on('send', ({dest, frame}) => sends.push({dest, body: frame.body}));
	const sockets = new Set<Socket>();
	http.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	http.listen(0, '127.0.0.1');
	await once(http, 'listening');
	closers.push(async () => {
		for (const socket of sockets) {
			socket.destroy();
		}

		await new Promise(resolve => http.close(resolve));
	});
	const tmux = session([`ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`, '--protocol', 'stomp', '--subscribe', '/queue/a']);
	try {
		for (let attempt = 0; attempt < 500 && subscriptions.length === 0; attempt++) {
			await sleep(20);
		}

		assert.deepEqual(subscriptions, ['/queue/a']);
		broker.send('/queue/a', {}, 'hello from the broker');
		let screen = await tmux.waitFor(/< stomp hello from the broker/, {what: 'the MESSAGE row'});
		type(tmux, '/queue/b hi there');
		screen = await tmux.waitFor(/> stomp \/queue\/b hi there/, {what: 'the SEND row'});
		assert.doesNotMatch(screen, /CONNECT|SUBSCRIBE/, 'the protocol\'s own frames are no rows');
		assert.match(statusBar(screen), /stomp \+\d+ control/);
		assert.match(statusBar(screen), /↑1 .*↓1 /, 'one SEND, one MESSAGE');
		type(tmux, 'no-body-here');
		await tmux.waitFor(/\* error not sent: give DESTINATION BODY/, {what: 'the refused line'});
		assert.match(await quit(tmux), /EXIT=0/);
	} finally {
		tmux.kill();
	}

	// The broker reports its own send to /queue/a as well.
	assert.deepEqual(sends.filter(sent => sent.dest !== '/queue/a').map(sent => [sent.dest, String(sent.body)]), [['/queue/b', 'hi there']]);
});

test('SIGTERM in a STOMP session: DISCONNECT goes before the WebSocket close, exit 143', {skip}, async () => {
	const server = await startStompServer();
	closers.push(async () => server.close());
	const tmux = session([server.url, '--protocol', 'stomp', '--send-to', '/queue/a']);
	const commands = (): string[] => server.seen.map(seen => seen.command);
	try {
		await tmux.waitFor(/ · ↑0 /, {what: 'the status bar'});
		type(tmux, 'hi');
		for (let attempt = 0; attempt < 500 && !commands().includes('SEND'); attempt++) {
			await sleep(20);
		}

		assert.ok(commands().includes('SEND'), commands().join(' '));
		const shell = tmux.display('#{pane_pid}');
		// The shell's one child is wsterm (matched by parent, not by name: the name differs between Node versions).
		execFileSync('pkill', ['-TERM', '-P', shell]);
		assert.match(await tmux.waitFor(/EXIT=\d+/, {what: 'the session to exit'}), /EXIT=143/);
		// The server may see the socket's end a moment after wsterm has exited.
		for (let attempt = 0; attempt < 100 && commands().at(-1) !== 'websocket close'; attempt++) {
			await sleep(20);
		}

		assert.deepEqual(commands().slice(-2), ['DISCONNECT', 'websocket close']);
	} finally {
		tmux.kill();
	}
});
