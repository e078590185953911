import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {after, before, test} from 'node:test';
import {buildTarget, type ConnectFlags} from '../source/connection/connect-options.js';
import {Connection} from '../source/connection/connection.js';
import {runPipe} from '../source/pipe/run.js';
import {systemClock} from '../source/shared/clock.js';
import {startServer, type TestServer} from './helpers/servers.js';

const flags: ConnectFlags = {header: [], cookie: [], subprotocol: [], followRedirects: false, insecure: false, compress: false, connectTimeout: 5};

let server: TestServer;
before(async () => {
	server = await startServer({
		onConnection(socket) {
			socket.on('message', () => {
				socket.send('\u001B]0;pwned\u0007\u001B[2Jred\u009B31m\rover\nnext\tcol');
				socket.send(Buffer.from([0x1B, 0x5B, 0x00, 0xFF]), {binary: true});
			});
		},
	});
});
after(async () => server.close());

test('on a terminal, pipe mode makes control characters visible and shows binary as hex', async () => {
	const {target} = await buildTarget(server.url, flags, () => Buffer.alloc(0));
	const stdout = Object.assign(new PassThrough(), {isTTY: true});
	const stderr = new PassThrough();
	let written = '';
	stdout.on('data', (chunk: Buffer) => {
		written += chunk.toString();
	});
	const code = await runPipe(new Connection(target), {
		binary: false,
		nullSeparated: false,
		readStdin: false,
		execute: [{data: 'go', isBinary: false}],
		jsonl: false,
		verbose: false,
		showControl: false,
		count: 2,
	}, {
		stdin: new PassThrough(),
		stdout,
		stderr,
		signals: new EventEmitter(),
		clock: {...systemClock, wallNow: () => 0},
	});
	assert.equal(code, 0);
	assert.equal(written, '\\e]0;pwned\\x07\\e[2Jred\\x9b31m\\rover\nnext\tcol\n[binary 4 B] 1b 5b 00 ff\n');
	assert.doesNotMatch(written, /\u001B/);
});

test('--jsonl to a terminal escapes C1, DEL and bidi controls; -P shows a binary ping payload as hex', async () => {
	const tricky = await startServer({
		onConnection(socket) {
			socket.on('message', () => {
				socket.ping(Buffer.from([0x00, 0xFF, 0x9B]));
				socket.ping('text ping');
				setTimeout(() => socket.send('\u009B2J\u007F\u202Egnp.exe\u001B'), 50);
			});
		},
	});
	try {
		const {target} = await buildTarget(tricky.url, flags, () => Buffer.alloc(0));
		for (const jsonl of [true, false]) {
			const stdout = Object.assign(new PassThrough(), {isTTY: true});
			const stderr = new PassThrough();
			let written = '';
			let notes = '';
			stdout.on('data', (chunk: Buffer) => {
				written += chunk.toString();
			});
			stderr.on('data', (chunk: Buffer) => {
				notes += chunk.toString();
			});
			const code = await runPipe(new Connection(target), {
				binary: false,
				nullSeparated: false,
				readStdin: false,
				execute: [{data: 'go', isBinary: false}],
				jsonl,
				verbose: false,
				showControl: true,
				count: 1,
			}, {
				stdin: new PassThrough(),
				stdout,
				stderr,
				signals: new EventEmitter(),
				clock: {...systemClock, wallNow: () => 0},
			});
			assert.equal(code, 0);
			assert.doesNotMatch(written, /[\u007F-\u009F\u202E\u001B]/);
			if (jsonl) {
				const records = written.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
				assert.deepEqual(records.map(record => record.type), ['ping', 'ping', 'text', 'close']);
				assert.equal(records[0]!.base64, Buffer.from([0x00, 0xFF, 0x9B]).toString('base64'));
				assert.equal(records[2]!.data, '\u009B2J\u007F\u202Egnp.exe\u001B');
				assert.match(written, /"data":"\\u009b2J\\u007f\\u202egnp\.exe\\u001b"/);
			} else {
				assert.equal(notes, 'wsterm: < ping [binary 3 B] 00 ff 9b\nwsterm: < ping text ping\nwsterm: > close 1000 (normal closure)\n');
			}
		}
	} finally {
		await tricky.close();
	}
});
