/*
-I's lines with pipeline stages: they go through the stages on each open, after the open has been
through them (a protocol's handshake, a hook's onOpen), so they are encoded, framed by the protocol
and answered like any line; and they still count among the messages whose replies the run awaits.
*/
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import * as msgpack from '@msgpack/msgpack';
import type {WebSocket} from 'ws';
import {Connection} from '../source/connection/connection.js';
import {loadCodecStage} from '../source/codecs/stage.js';
import type {SessionEvent} from '../source/session/session.js';
import {listenToConnection} from '../source/session/events.js';
import {SessionMessagePath} from '../source/session/message-path.js';
import {runCli, startCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';
import {startStompServer} from './helpers/stomp-server.js';
import {until} from './helpers/until.js';

const servers: TestServer[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

function initialFile(text: string): string {
	const path = join(mkdtempSync(join(tmpdir(), 'wsterm-initial-pipeline-')), 'initial.txt');
	writeFileSync(path, text);
	return path;
}

type Received = {readonly data: Buffer; readonly isBinary: boolean};

/** A server that keeps what each connection receives (one array per connection) and lets `answer` reply. */
async function server(answer: (data: Buffer, isBinary: boolean, socket: WebSocket, connection: number) => void): Promise<{url: string; connections: Received[][]}> {
	const connections: Received[][] = [];
	const started = await startServer({
		onConnection(socket) {
			const received: Received[] = [];
			const index = connections.push(received) - 1;
			socket.on('message', (data: Buffer, isBinary) => {
				received.push({data, isBinary});
				answer(data, isBinary, socket, index);
			});
		},
	});
	servers.push(started);
	return {url: started.url, connections};
}

/** Answers each JSON-RPC request with the sum of its params (an array), after `delay` ms. */
function jsonRpcAnswer(data: Buffer, socket: WebSocket, delay = 0): void {
	const request = JSON.parse(data.toString()) as {id: number; params?: number[]};
	setTimeout(() => {
		socket.send(JSON.stringify({jsonrpc: '2.0', id: request.id, result: (request.params ?? []).reduce((sum, value) => sum + value, 0)}));
	}, delay);
}

describe('-I goes through the pipeline', {concurrency: 2}, () => {
	test('--encode msgpack: -I lines go msgpack-encoded, first, and their replies are awaited', async () => {
		// The reply to -I comes late: the run must still wait for it (replies = messages sent).
		const {url, connections} = await server((data, isBinary, socket, _connection) => {
			const first = connections[0]!.length === 1;
			setTimeout(() => {
				socket.send(data, {binary: isBinary});
			}, first ? 300 : 0);
		});
		const result = await runCli([url, '--encode', 'msgpack', '--decode', 'msgpack', '-I', initialFile('{"hello":1}\n')], {input: '{"line":2}\n'});
		assert.equal(result.code, 0, result.stderr);
		const received = connections[0]!;
		assert.equal(received.length, 2);
		assert.ok(received.every(message => message.isBinary));
		assert.deepEqual(received.map(message => msgpack.decode(message.data)), [{hello: 1}, {line: 2}]);
		assert.deepEqual(result.stdout.split('\n').filter(Boolean).toSorted(), ['{"hello":1}', '{"line":2}']);
	});

	test('--protocol jsonrpc: an -I line is a JSON-RPC request, paired with its response', async () => {
		const {url, connections} = await server((data, _isBinary, socket) => {
			jsonRpcAnswer(data, socket);
		});
		const result = await runCli([url, '--protocol', 'jsonrpc', '-I', initialFile('add [1,2]\n')], {input: 'add [3,4]\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.deepEqual(connections[0]!.map(message => JSON.parse(message.data.toString()) as unknown), [
			{jsonrpc: '2.0', id: 1, method: 'add', params: [1, 2]},
			{jsonrpc: '2.0', id: 2, method: 'add', params: [3, 4]},
		]);
		assert.equal(result.stdout, 'add [1,2] => {"jsonrpc":"2.0","id":1,"result":3}\nadd [3,4] => {"jsonrpc":"2.0","id":2,"result":7}\n');
	});

	test('--protocol stomp: an -I line is a SEND after CONNECTED, before stdin\'s lines', async () => {
		const stomp = await startStompServer();
		servers.push(stomp);
		const result = await runCli([stomp.url, '--protocol', 'stomp', '-I', initialFile('/queue/a hello\n')], {input: '/queue/b world\n'});
		assert.equal(result.code, 0, result.stderr);
		const frames = stomp.seen.filter(frame => frame.command !== 'websocket close' && frame.command !== 'DISCONNECT');
		assert.deepEqual(frames.map(frame => frame.command), ['CONNECT', 'SEND', 'SEND']);
		assert.deepEqual(frames.slice(1).map(frame => 'headers' in frame && [frame.headers.destination, frame.body]), [['/queue/a', 'hello'], ['/queue/b', 'world']]);
	});

	test('--script and --record: onSend sees -I lines after onOpen\'s message, and the file records each once, as sent', async () => {
		const {url, connections} = await server((data, isBinary, socket) => {
			socket.send(data, {binary: isBinary});
		});
		const directory = mkdtempSync(join(tmpdir(), 'wsterm-initial-pipeline-'));
		const script = join(directory, 'hooks.mjs');
		writeFileSync(script, `export function onOpen(ctx) { ctx.send('auth'); }
export function onSend(message, ctx) { ctx.log('onSend ' + message.text); return message.text.toUpperCase(); }`);
		const recording = join(directory, 'run.jsonl');
		const result = await runCli([url, '--script', script, '--record', recording, '-I', initialFile('hello\n'), '-n', '3'], {input: 'line\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stderr, 'onSend hello\nonSend line\n');
		assert.deepEqual(connections[0]!.map(message => message.data.toString()), ['auth', 'HELLO', 'LINE']);
		const records = readFileSync(recording, 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line) as {type: string; dir?: string; data?: string});
		assert.deepEqual(records.filter(record => record.dir === 'out' && record.type === 'text').map(record => record.data), ['auth', 'HELLO', 'LINE']);
	});

	test('--reconnect: -I goes through the stage again on each connection, before lines piped meanwhile', async () => {
		const {url, connections} = await server((data, _isBinary, socket, connection) => {
			jsonRpcAnswer(data, socket);
			if (connection === 0) {
				// The first connection drops after its first request: wsterm reconnects.
				setTimeout(() => {
					socket.terminate();
				}, 50);
			}
		});
		const run = startCli([url, '--protocol', 'jsonrpc', '--reconnect', '-I', initialFile('login [1]\n')]);
		let stderr = '';
		run.child.stderr!.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		await until(() => stderr.includes('reconnecting'));
		// Piped while the connection is down: it goes after -I on the new connection.
		run.child.stdin!.end('add [2,3]\n');
		const result = await run.result;
		assert.equal(result.code, 0, result.stderr);
		assert.equal(connections.length, 2);
		const requests = connections.map(received => received.map(message => JSON.parse(message.data.toString()) as unknown));
		assert.deepEqual(requests, [
			[{jsonrpc: '2.0', id: 1, method: 'login', params: [1]}],
			[{jsonrpc: '2.0', id: 2, method: 'login', params: [1]}, {jsonrpc: '2.0', id: 3, method: 'add', params: [2, 3]}],
		]);
	});

	test('the session\'s pipeline: -I goes through the stages (msgpack), shown as sent rows after the open', async () => {
		const {url, connections} = await server(() => undefined);
		const connection = new Connection({url, displayUrl: url, protocols: [], options: {}}, {initialMessages: ['{"hello":1}']});
		const messagePath = new SessionMessagePath(connection, [await loadCodecStage({encode: 'msgpack'})], Date.now, ['{"hello":1}']);
		const events: SessionEvent[] = [];
		const stop = listenToConnection(connection, Date.now, event => events.push(event), ['{"hello":1}'], messagePath);
		try {
			connection.connect();
			await until(() => connections[0]?.length === 1);
			assert.deepEqual(msgpack.decode(connections[0]![0]!.data), {hello: 1});
			const open = events.findIndex(event => event.type === 'open');
			const sent = events.findIndex(event => event.type === 'sent');
			assert.ok(open !== -1 && sent > open, 'the -I row comes after the open');
			assert.equal((events[open] as {initial?: unknown}).initial, undefined, 'not shown twice');
		} finally {
			stop();
			connection.close();
		}
	});
});
