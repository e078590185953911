import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {after, before, test} from 'node:test';
import {buildTarget, type ConnectFlags} from '../source/connection/connect-options.js';
import {Connection, systemClock} from '../source/connection/connection.js';
import type {Conversation} from '../source/replay/conversation.js';
import {runReplay} from '../source/replay/run.js';
import {startServer, type TestServer} from './helpers/servers.js';

const flags: ConnectFlags = {header: [], cookie: [], subprotocol: [], followRedirects: false, insecure: false, compress: false, connectTimeout: 5};
const hostile = '\u001B]0;pwned\u0007\u001B[2Jred\u009B31m\rover\nnext\tcol';

let server: TestServer;
before(async () => {
	server = await startServer({
		onConnection(socket) {
			socket.on('message', () => {
				socket.send(hostile);
				socket.send(Buffer.from([0x1B, 0x5B, 0x00, 0xFF]), {binary: true});
			});
		},
	});
});
after(async () => server.close());

test('on a terminal, replay makes control characters visible, in what it prints and in the check\'s diff', async () => {
	const {target} = await buildTarget(server.url, flags, () => Buffer.alloc(0));
	const stdout = Object.assign(new PassThrough(), {isTTY: true});
	const stderr = new PassThrough();
	let written = '';
	let errors = '';
	stdout.on('data', (chunk: Buffer) => {
		written += chunk.toString();
	});
	stderr.on('data', (chunk: Buffer) => {
		errors += chunk.toString();
	});
	const conversation: Conversation = {
		messages: [
			{dir: 'out', time: 0, isBinary: false, data: Buffer.from('go')},
			{dir: 'in', time: 1, isBinary: false, data: Buffer.from('plain')},
			{dir: 'in', time: 2, isBinary: true, data: Buffer.from([0x1B, 0x5B, 0x00, 0xFF])},
		],
	};
	const code = await runReplay(new Connection(target), conversation, {
		pace: 'reply',
		replyTimeoutMs: 2000,
		check: true,
		ignore: [],
		jsonl: false,
		verbose: false,
	}, {stdout, stderr, signals: new EventEmitter(), clock: systemClock});
	assert.equal(code, 4);
	assert.equal(written, '\\e]0;pwned\\x07\\e[2Jred\\x9b31m\\rover\nnext\tcol\n[binary 4 B] 1b 5b 00 ff\n');
	assert.equal(errors, [
		'wsterm: check: message 1 of 2 differs',
		'  expected: plain',
		'  actual:   \\e]0;pwned\\x07\\e[2Jred\\x9b31m\\rover\\nnext\\tcol',
		'  text differs from character 1',
		'wsterm: check failed: 1 mismatch in 2 recorded messages',
		'',
	].join('\n'));
});

test('SIGINT while waiting for replies closes with 1000 and resolves 130 at once', async () => {
	const silent = await startServer({onConnection: () => undefined});
	try {
		const {target} = await buildTarget(silent.url, flags, () => Buffer.alloc(0));
		const connection = new Connection(target);
		const signals = new EventEmitter();
		connection.once('open', () => {
			setTimeout(() => signals.emit('SIGINT'), 50);
		});
		const started = performance.now();
		const code = await runReplay(connection, {
			messages: [
				{dir: 'in', time: 0, isBinary: false, data: Buffer.from('never said')},
				{dir: 'out', time: 1, isBinary: false, data: Buffer.from('x')},
			],
		}, {pace: 'reply', replyTimeoutMs: 10_000, check: true, ignore: [], jsonl: false, verbose: false}, {
			stdout: new PassThrough(),
			stderr: new PassThrough(),
			signals,
			clock: systemClock,
		});
		assert.equal(code, 130);
		assert.ok(performance.now() - started < 5000);
		assert.equal(signals.listenerCount('SIGINT'), 0);
	} finally {
		await silent.close();
	}
});
