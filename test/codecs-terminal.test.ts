import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {after, test} from 'node:test';
import * as msgpack from '@msgpack/msgpack';
import {loadCodec} from '../source/codecs/index.js';
import {buildTarget, type ConnectFlags} from '../source/connection/connect-options.js';
import {Connection} from '../source/connection/connection.js';
import {runPipe} from '../source/pipe/run.js';
import {systemClock} from '../source/shared/clock.js';
import {codecStage} from '../source/codecs/stage.js';
import {startServer, type TestServer} from './helpers/servers.js';

const flags: ConnectFlags = {header: [], cookie: [], subprotocol: [], followRedirects: false, insecure: false, compress: false, connectTimeout: 5};
const servers: TestServer[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

test('on a terminal, a decoded value is one JSON line with C1 and bidi controls escaped; a message that does not decode is hex', async () => {
	const server = await startServer({
		onConnection(socket) {
			socket.send(msgpack.encode({title: '\u001B[2J\u009B31m\u202Eevil'}), {binary: true});
			socket.send(Buffer.from([0xC1, 0x1B]), {binary: true});
		},
	});
	servers.push(server);
	const codec = await loadCodec('msgpack');
	const {target} = await buildTarget(server.url, flags, () => Buffer.alloc(0));
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
		execute: [],
		jsonl: false,
		verbose: false,
		showControl: false,
		count: 2,
		stages: [codecStage({decode: codec})],
	}, {
		stdin: new PassThrough(),
		stdout,
		stderr,
		signals: new EventEmitter(),
		clock: {...systemClock, wallNow: () => 0},
	});
	assert.equal(code, 0);
	assert.equal(written, String.raw`{"title":"\u001b[2J\u009b31m\u202eevil"}` + '\n[binary 2 B] c1 1b\n');
	assert.match(notes, /^wsterm: message 2 is not msgpack \(.*\): shown as received\n$/);
});
