import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {EventEmitter, once} from 'node:events';
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs';
import {createServer as createNetServer, connect as netConnect, type AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {describe, test} from 'node:test';
import {setTimeout as delay} from 'node:timers/promises';
import {type Clock, systemClock} from '../source/shared/clock.js';
import {UsageError} from '../source/shared/exit-codes.js';
import {closeLine, messageLine, openLine} from '../source/serve/log.js';
import {defaultServeOptions, serveOptionsFromFlags, type ServeFlags} from '../source/cli/serve-options.js';
import {exposureWarning, runServe} from '../source/serve/run.js';
import {WebSocket} from '../source/connection/ws-library.js';
import {cliPath, runCli, startCli} from './helpers/cli.js';
import {closed, connect, messages, refusal, rssBytes, serve, startServeCli, within} from './helpers/serve-clients.js';
import {makeCertificate} from './helpers/tls.js';

const noFlags: ServeFlags = {broadcast: false, subprotocol: [], origin: [], compress: false, verbose: false};

describe('serve options', () => {
	test('defaults', () => {
		assert.deepEqual(serveOptionsFromFlags(noFlags), defaultServeOptions);
		assert.equal(defaultServeOptions.host, '127.0.0.1');
		assert.equal(defaultServeOptions.maxPayload, 16 * 1024 * 1024);
		assert.equal(defaultServeOptions.maxConnections, undefined);
	});

	test('values are converted: seconds to ms, origins to their serialized form', () => {
		const options = serveOptionsFromFlags({
			...noFlags,
			port: '0',
			pingInterval: '0.5',
			maxConnections: '3',
			origin: ['HTTP://LocalHost:3000/some/page', 'null', 'http://localhost:3000'],
			subprotocol: ['chat', 'chat.v2'],
			tlsCert: 'c.pem',
			tlsKey: 'k.pem',
		});
		assert.equal(options.port, 0);
		assert.equal(options.pingIntervalMs, 500);
		assert.equal(options.maxConnections, 3);
		assert.deepEqual(options.origins, ['http://localhost:3000', 'null']);
		assert.deepEqual(options.subprotocols, ['chat', 'chat.v2']);
		assert.deepEqual(options.tls, {certPath: 'c.pem', keyPath: 'k.pem'});
	});

	test('--ping-interval takes the same numbers as the client\'s: .5, 2., 0.25', () => {
		assert.equal(serveOptionsFromFlags({...noFlags, pingInterval: '.5'}).pingIntervalMs, 500);
		assert.equal(serveOptionsFromFlags({...noFlags, pingInterval: '2.'}).pingIntervalMs, 2000);
		assert.equal(serveOptionsFromFlags({...noFlags, pingInterval: '0.25'}).pingIntervalMs, 250);
		assert.throws(() => serveOptionsFromFlags({...noFlags, pingInterval: '.'}), /--ping-interval takes a number/);
	});

	const bad: Array<[Partial<ServeFlags>, RegExp]> = [
		[{port: '65536'}, /--port takes a whole number from 0 to 65535, not "65536"/],
		[{port: '-1'}, /--port/],
		[{port: '80.5'}, /--port/],
		[{port: ''}, /--port/],
		[{port: '1e3'}, /--port/],
		[{host: ''}, /--host/],
		[{path: 'chat'}, /--path takes a path starting with "\/"/],
		[{path: '/a?b=1'}, /--path/],
		[{tlsCert: 'c.pem'}, /--tls-cert needs --tls-key/],
		[{tlsKey: 'k.pem'}, /--tls-key needs --tls-cert/],
		[{origin: ['localhost:3000']}, /--origin takes an origin such as/],
		[{origin: ['not a url']}, /--origin/],
		[{subprotocol: ['two words']}, /--subprotocol "two words" is not a valid subprotocol name/],
		[{maxPayload: '0'}, /--max-payload takes a whole number of at least 1, not "0"/],
		[{maxPayload: '16MiB'}, /--max-payload/],
		[{maxConnections: '0'}, /--max-connections/],
		[{pingInterval: '-1'}, /--ping-interval takes a number of seconds/],
		[{pingInterval: 'often'}, /--ping-interval/],
	];
	for (const [flags, message] of bad) {
		test(`rejects ${JSON.stringify(flags)}`, () => {
			assert.throws(() => serveOptionsFromFlags({...noFlags, ...flags}), (error: Error) => {
				assert.ok(error instanceof UsageError);
				assert.match(error.message, message);
				assert.doesNotMatch(error.message, /\n/);
				return true;
			});
		});
	}

	test('a warning for a reachable address without --origin, none on loopback or with an allowlist', () => {
		assert.match(exposureWarning({host: '0.0.0.0', origins: []}) ?? '', /0\.0\.0\.0 can be reached from other machines and no --origin/);
		assert.equal(exposureWarning({host: '0.0.0.0', origins: ['http://localhost:3000']}), undefined);
		for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '::ffff:127.0.0.1']) {
			assert.equal(exposureWarning({host, origins: []}), undefined, host);
		}
	});
});

describe('serve logs the close it sent', () => {
	/** Waits for the line that says client #1 closed. */
	async function closeLineOf(lines: readonly string[]): Promise<string> {
		await within(5000, 'the close line', (async () => {
			while (!lines.some(line => line.startsWith('#1 closed'))) {
				await delay(10);
			}
		})());
		return lines.find(line => line.startsWith('#1 closed'))!;
	}

	test('a message over --max-payload: 1009 sent by the server, not 1006', async () => {
		const {server, url, lines} = await serve({maxPayload: 10});
		try {
			const client = await connect(url);
			client.on('error', () => undefined);
			const clientClosed = closed(client);
			client.send('x'.repeat(100));
			assert.equal((await clientClosed).code, 1009);
			assert.match(await closeLineOf(lines), /^#1 closed by the server: 1009 \(message too big\);/);
		} finally {
			await server.close(100);
		}
	});

	test('a frame that breaks the protocol: 1002 sent by the server', async () => {
		const {server, url, lines} = await serve();
		try {
			const {port} = new URL(url);
			const socket = netConnect(Number(port), '127.0.0.1');
			socket.on('error', () => undefined);
			socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
			await once(socket, 'data');
			// Opcode 3 is reserved: a protocol error.
			socket.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
			assert.match(await closeLineOf(lines), /^#1 closed by the server: 1002 \(protocol error\);/);
			socket.destroy();
		} finally {
			await server.close(100);
		}
	});
});

describe('serve log lines', () => {
	test('network text is escaped and shortened', () => {
		const open = openLine({id: 1, from: '127.0.0.1:5000', origin: 'http://x\u001B[2J', path: '/a\u009Bb', subprotocol: 'chat', connected: 2});
		assert.equal(open, '#1 open: from 127.0.0.1:5000, origin http://x\\e[2J, path /a\\x9bb, subprotocol chat (2 connected)');
		const close = closeLine({id: 1, code: 1000, reason: 'bye\r\n', messagesIn: 2, bytesIn: 2048, messagesOut: 2, bytesOut: 2048, connected: 0});
		assert.equal(close, '#1 closed: 1000 (normal closure) "bye\\r\\n"; messages 2 in (2 KiB), 2 out (2 KiB) (0 connected)');
		assert.equal(messageLine(3, Buffer.from('hi\u001B]0;x\u0007'), false), '#3 text 8 B: hi\\e]0;x\\x07');
		assert.equal(messageLine(3, Buffer.from([0, 255]), true), '#3 binary 2 B: 00 ff');
		const long = messageLine(4, Buffer.alloc(16 * 1024 * 1024, 'a'), false);
		assert.ok(long.length < 200, long);
		assert.match(long, /^#4 text 16 MiB: a+…$/);
	});
});

describe('echo', {timeout: 60_000}, () => {
	test('text, binary, empty and 10 MiB messages come back with the same type and bytes', async () => {
		const {server, url} = await serve();
		try {
			const client = await connect(url);
			const big = Buffer.alloc(10 * 1024 * 1024);
			for (let index = 0; index < big.length; index += 4096) {
				big[index] = index % 251;
			}

			const sent = [
				{data: Buffer.from('héllo'), isBinary: false},
				{data: Buffer.from([0, 1, 2, 255]), isBinary: true},
				{data: Buffer.alloc(0), isBinary: false},
				{data: Buffer.alloc(0), isBinary: true},
				{data: big, isBinary: true},
				{data: Buffer.from('after the big one'), isBinary: false},
			];
			const replies = messages(client, sent.length, 20_000);
			for (const {data, isBinary} of sent) {
				client.send(data, {binary: isBinary});
			}

			const received = await replies;
			for (const [index, message] of received.entries()) {
				assert.equal(message.isBinary, sent[index]!.isBinary, `type of message ${index}`);
				assert.ok(message.data.equals(sent[index]!.data), `bytes of message ${index}`);
			}

			client.close();
		} finally {
			await server.close();
		}
	});

	test('1,000 pipelined messages come back in order; pings are answered', async () => {
		const {server, url} = await serve();
		try {
			const client = await connect(url);
			const replies = messages(client, 1000);
			for (let index = 0; index < 1000; index++) {
				client.send(`message ${index}`);
			}

			assert.deepEqual((await replies).map(({data}) => data.toString()), Array.from({length: 1000}, (_, index) => `message ${index}`));
			const pong = once(client, 'pong');
			client.ping('are you there');
			const [payload] = await within(2000, 'pong', pong) as [Buffer];
			assert.equal(payload.toString(), 'are you there');
			client.close();
		} finally {
			await server.close();
		}
	});

	test('500 concurrent connections each echoing 20 messages lose nothing', async () => {
		const {server, url} = await serve();
		try {
			const clients = await Promise.all(Array.from({length: 500}, async () => connect(url)));
			await Promise.all(clients.map(async (client, clientIndex) => {
				const replies = messages(client, 20, 30_000);
				for (let index = 0; index < 20; index++) {
					client.send(`${clientIndex}:${index}`);
				}

				assert.deepEqual((await replies).map(({data}) => data.toString()), Array.from({length: 20}, (_, index) => `${clientIndex}:${index}`));
			}));
			for (const client of clients) {
				client.terminate();
			}
		} finally {
			await server.close();
		}
	});

	test('logs open and close with origin, path, subprotocol and counts; -v logs each message escaped', async () => {
		const quiet = await serve();
		const loud = await serve({verbose: true});
		try {
			for (const {url} of [quiet, loud]) {
				const client = await connect(`${url}?room=1`, ['chat'], {origin: 'http://localhost:3000'});
				const reply = messages(client, 1);
				client.send('red \u001B[31malert');
				await reply;
				client.close(1000, 'done');
				await closed(client);
			}

			await delay(50);
			assert.deepEqual(quiet.lines.map(line => line.replace(/:\d+,/, ':PORT,')), [
				'#1 open: from 127.0.0.1:PORT, origin http://localhost:3000, path /?room=1, subprotocol chat (1 connected)',
				'#1 closed: 1000 (normal closure) "done"; messages 1 in (14 B), 1 out (14 B) (0 connected)',
			]);
			assert.equal(loud.lines.length, 3);
			assert.equal(loud.lines[1], '#1 text 14 B: red \\e[31malert');
		} finally {
			await quiet.server.close();
			await loud.server.close();
		}
	});

	test('serves wss with --tls-cert and --tls-key; --compress offers permessage-deflate', async () => {
		const certificate = makeCertificate();
		const {server, url} = await serve({tls: {certPath: certificate.certPath, keyPath: certificate.keyPath}, compress: true});
		try {
			assert.match(url, /^wss:\/\/127\.0\.0\.1:\d+\/$/);
			const client = await connect(url, [], {ca: certificate.cert, perMessageDeflate: true});
			assert.match(client.extensions, /permessage-deflate/);
			const reply = messages(client, 1);
			client.send('secret '.repeat(500));
			assert.equal((await reply)[0]!.data.toString(), 'secret '.repeat(500));
			client.close();
		} finally {
			await server.close();
		}

		const plain = await serve();
		try {
			const client = await connect(plain.url, [], {perMessageDeflate: true});
			assert.equal(client.extensions, '');
			client.close();
		} finally {
			await plain.server.close();
		}
	});
});

describe('safety', {timeout: 60_000}, () => {
	test('origin allowlist: other origins get 403 and a log line; listed ones and clients without Origin connect', async () => {
		const {server, url, lines} = await serve({origins: ['http://localhost:3000']});
		try {
			assert.equal(await refusal(url, [], {origin: 'http://evil.example'}), 403);
			assert.equal(await refusal(url, [], {origin: 'http://localhost:3000'}), 101);
			assert.equal(await refusal(url), 101);
			assert.match(lines[0] ?? '', /^rejected 127\.0\.0\.1:\d+: 403 origin http:\/\/evil\.example not allowed$/);
		} finally {
			await server.close();
		}
	});

	test('other paths get 404; plain HTTP requests get 426', async () => {
		const {server, url} = await serve({path: '/chat'});
		try {
			assert.equal(await refusal(url.replace('/chat', '/other')), 404);
			assert.equal(await refusal(`${url}?token=1`), 101);
			const response = await fetch(url.replace('ws:', 'http:'));
			assert.equal(response.status, 426);
		} finally {
			await server.close();
		}
	});

	test('a message over --max-payload closes the connection with 1009', async () => {
		const {server, url} = await serve({maxPayload: 1024});
		try {
			const client = await connect(url);
			const reply = messages(client, 1);
			client.send(Buffer.alloc(1024));
			assert.equal((await reply)[0]!.data.length, 1024);
			const close = closed(client);
			client.send(Buffer.alloc(1025));
			assert.equal((await close).code, 1009);
		} finally {
			await server.close();
		}
	});

	test('beyond --max-connections handshakes get 503, and a freed place can be taken again', async () => {
		const {server, url, lines} = await serve({maxConnections: 2});
		try {
			const first = await connect(url);
			const second = await connect(url);
			assert.equal(await refusal(url), 503);
			assert.ok(lines.some(line => /503 already 2 connections/.test(line)));
			first.close();
			await closed(first);
			await delay(50);
			const third = await connect(url);
			second.terminate();
			third.terminate();
		} finally {
			await server.close();
		}
	});

	test('subprotocols: the first offered by default; with a list only those, others get 400', async () => {
		const open = await serve();
		const strict = await serve({subprotocols: ['chat.v2', 'chat.v1']});
		try {
			const any = await connect(open.url, ['mqtt', 'chat']);
			assert.equal(any.protocol, 'mqtt');
			const none = await connect(open.url);
			assert.equal(none.protocol, '');
			const chosen = await connect(strict.url, ['chat.v0', 'chat.v1', 'chat.v2']);
			assert.equal(chosen.protocol, 'chat.v1');
			assert.equal(await refusal(strict.url, ['mqtt']), 400);
			assert.equal(await refusal(strict.url), 400);
			assert.match(strict.lines.at(-1) ?? '', /400 no subprotocol offered \(accepting chat\.v2, chat\.v1\)/);
			for (const client of [any, none, chosen]) {
				client.terminate();
			}
		} finally {
			await open.server.close();
			await strict.server.close();
		}
	});

	test('a connection that never completes the handshake is dropped', async () => {
		const {server, url} = await serve({handshakeTimeoutMs: 200});
		try {
			const socket = netConnect(Number(new URL(url).port), '127.0.0.1');
			await once(socket, 'connect');
			socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
			const started = Date.now();
			await within(3000, 'the server to drop the socket', once(socket, 'close'));
			assert.ok(Date.now() - started >= 150);
		} finally {
			await server.close();
		}
	});

	test('a connection dropped for not finishing its handshake gets a log line saying so', async () => {
		const {server, url, lines} = await serve({handshakeTimeoutMs: 200});
		try {
			const socket = netConnect(Number(new URL(url).port), '127.0.0.1');
			await once(socket, 'connect');
			const from = `127.0.0.1:${socket.localPort!}`;
			socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
			await within(3000, 'the server to drop the socket', once(socket, 'close'));
			assert.deepEqual(lines, [`dropped ${from}: the WebSocket handshake did not finish within 0.2 s`]);
		} finally {
			await server.close();
		}
	});

	test('at shutdown, a client still open when the grace runs out gets a line saying it was dropped', async () => {
		const {server, url, lines} = await serve();
		const polite = await connect(url);
		polite.on('close', () => undefined);
		const deaf = await connect(url);
		try {
			deaf.pause();
			await server.close(300);
			assert.deepEqual(lines.filter(line => line.includes('dropping')), ['#2 still open 0.3 s after the shutdown began: dropping it']);
			assert.ok(lines.some(line => line.startsWith('#1 closed by the server: 1001')), lines.join('\n'));
		} finally {
			deaf.terminate();
		}
	});

	test('the heartbeat drops a client that stops answering pings, and keeps one that answers', async () => {
		const {server, url, lines} = await serve({pingIntervalMs: 100});
		try {
			const silent = await connect(url, [], {autoPong: false});
			const lively = await connect(url);
			assert.equal((await closed(silent, 2000)).code, 1006);
			assert.equal(lively.readyState, WebSocket.OPEN);
			assert.ok(lines.some(line => /^#1 did not answer a ping within 0\.1 s/.test(line)));
			lively.close();
		} finally {
			await server.close();
		}
	});

	test('a client that sends without reading is paused: the flood stays in its own buffer, and nothing is lost when it reads again', async () => {
		const {server, url} = await serve({highWaterMark: 256 * 1024});
		try {
			const client = await connect(url);
			client.pause();
			const message = Buffer.alloc(64 * 1024, 7);
			const count = 1024; // 64 MiB, more than loopback's socket buffers can soak up
			for (let index = 0; index < count; index++) {
				client.send(message);
			}

			await delay(1000);
			// Without backpressure the server would read it all and hold the echoes itself.
			assert.ok(client.bufferedAmount > 32 * 1024 * 1024, `client still holds ${client.bufferedAmount} bytes`);
			const replies = messages(client, count, 30_000);
			client.resume();
			const received = await replies;
			assert.equal(received.reduce((sum, {data}) => sum + data.length, 0), count * message.length);
			client.close();
		} finally {
			await server.close();
		}
	});
});

describe('broadcast', {timeout: 60_000}, () => {
	test('each message goes to every other client, not back to the sender', async () => {
		const {server, url} = await serve({broadcast: true});
		try {
			const clients = await Promise.all([connect(url), connect(url), connect(url)]);
			const [a, b, c] = clients as [WebSocket, WebSocket, WebSocket];
			const got = new Map<WebSocket, string[]>(clients.map(client => [client, []]));
			for (const client of clients) {
				client.on('message', (data: Buffer, isBinary: boolean) => {
					got.get(client)!.push(`${isBinary ? 'binary' : 'text'} ${data.toString('hex')}`);
				});
			}

			const atC = messages(c, 2);
			a.send('a');
			await messages(b, 1);
			b.send(Buffer.from([1, 2, 3]), {binary: true});
			await atC;
			await delay(100);
			assert.deepEqual(got.get(a), ['binary 010203']);
			assert.deepEqual(got.get(b), ['text 61']);
			assert.deepEqual(got.get(c), ['text 61', 'binary 010203']);
			for (const client of clients) {
				client.close();
			}
		} finally {
			await server.close();
		}
	});

	test('a receiver that stays over the high-water mark is closed with 1013; the others get everything', async () => {
		const {server, url, lines} = await serve({broadcast: true, highWaterMark: 64 * 1024, slowReceiverMs: 300});
		try {
			const [sender, reader, stuck] = await Promise.all([connect(url), connect(url), connect(url)]) as [WebSocket, WebSocket, WebSocket];
			stuck.pause();
			const count = 400; // 25 MiB in 64 KiB messages
			const atReader = messages(reader, count, 30_000);
			const message = Buffer.alloc(64 * 1024, 1);
			for (let index = 0; index < count; index++) {
				sender.send(message);
			}

			assert.equal((await atReader).length, count);
			assert.ok(lines.some(line => /^#3 kept over 64 KiB unsent for 0\.3 s: closing with 1013$/.test(line)), lines.join('\n'));
			const stuckClosed = closed(stuck, 10_000);
			stuck.resume();
			assert.equal((await stuckClosed).code, 1013);
			sender.close();
			reader.close();
		} finally {
			await server.close();
		}
	});
});

describe('runServe', {timeout: 30_000}, () => {
	function io(): {stdout: PassThrough; stderr: PassThrough; signals: EventEmitter; clock: Clock; out: () => string; err: () => string} {
		const stdout = new PassThrough();
		const stderr = new PassThrough();
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		stdout.on('data', (chunk: Buffer) => out.push(chunk));
		stderr.on('data', (chunk: Buffer) => err.push(chunk));
		return {stdout, stderr, signals: new EventEmitter(), clock: systemClock, out: () => Buffer.concat(out).toString(), err: () => Buffer.concat(err).toString()};
	}

	async function listeningUrl(streams: ReturnType<typeof io>): Promise<string> {
		while (!streams.out().includes('\n')) {
			await delay(10);
		}

		return /^(\S+)\n$/.exec(streams.out())![1]!;
	}

	test('prints the URL first; on SIGTERM clients get 1001 and it resolves 0', async () => {
		const streams = io();
		const result = runServe({...defaultServeOptions, port: 0, path: '/ws'}, streams);
		const url = await listeningUrl(streams);
		assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
		assert.equal(streams.out(), `${url}\n`);
		assert.equal(streams.err(), `listening on ${url}\n`);
		const clients = await Promise.all([connect(url), connect(url)]);
		const closes = clients.map(async client => closed(client));
		streams.signals.emit('SIGTERM');
		assert.deepEqual((await Promise.all(closes)).map(({code}) => code), [1001, 1001]);
		assert.equal(await within(3000, 'runServe', result), 0);
		assert.equal(streams.signals.listenerCount('SIGTERM'), 0);
	});

	test('a client that ignores the close is dropped after the grace; a second signal ends at once', async () => {
		const streams = io();
		const result = runServe({...defaultServeOptions, port: 0}, streams);
		const url = await listeningUrl(streams);
		const deaf = await connect(url);
		deaf.pause();
		const started = Date.now();
		streams.signals.emit('SIGINT');
		await delay(100);
		streams.signals.emit('SIGINT');
		assert.equal(await within(1000, 'runServe', result), 130);
		assert.ok(Date.now() - started < 1000);
		deaf.terminate();
	});

	test('a port in use: one line, exit 1', async () => {
		const blocker = createNetServer();
		blocker.listen(0, '127.0.0.1');
		await once(blocker, 'listening');
		try {
			const streams = io();
			const {port} = blocker.address() as AddressInfo;
			assert.equal(await runServe({...defaultServeOptions, port}, streams), 1);
			assert.equal(streams.err(), `wsterm: cannot listen on 127.0.0.1:${port}: the port is in use (--port 0 picks a free one)\n`);
			assert.equal(streams.out(), '');
		} finally {
			blocker.close();
		}
	});

	test('an unreadable or unusable certificate: one line, exit 1', async () => {
		const streams = io();
		assert.equal(await runServe({...defaultServeOptions, port: 0, tls: {certPath: '/nonexistent/cert.pem', keyPath: '/nonexistent/key.pem'}}, streams), 1);
		assert.equal(streams.err(), 'wsterm: --tls-cert: cannot read /nonexistent/cert.pem: no such file\n');
		const certificate = makeCertificate();
		const swapped = io();
		assert.equal(await runServe({...defaultServeOptions, port: 0, tls: {certPath: certificate.keyPath, keyPath: certificate.certPath}}, swapped), 1);
		assert.match(swapped.err(), /^wsterm: --tls-cert\/--tls-key: not a usable certificate and key \(.*\)\n$/);
	});
});

describe('wsterm serve, the built CLI', {timeout: 60_000}, () => {
	test('wsterm pipe mode against wsterm serve', async () => {
		const server = await startServeCli();
		try {
			const result = await runCli([server.url], {input: 'a\nb\n'});
			assert.equal(result.stdout, 'a\nb\n');
			assert.equal(result.code, 0);
		} finally {
			server.child.kill('SIGTERM');
			assert.equal(await server.exit, 0);
		}
	});

	test('the first line on stdout is the bare URL, as a shell reads it; the listening line goes to stderr', async () => {
		const script = `exec 3< <(exec node ${JSON.stringify(cliPath)} serve --port 0 2>serve.log)
			read -r URL <&3
			printf 'hi\\n' | node ${JSON.stringify(cliPath)} "$URL"
			kill $!; wait $!; printf 'URL=%s\\n' "$URL"; cat serve.log`;
		const directory = mkdtempSync(join(tmpdir(), 'wsterm-serve-url-'));
		const result = spawnSync('bash', ['-c', script], {cwd: directory, encoding: 'utf8', timeout: 20_000});
		const url = /URL=(.*)\n/.exec(result.stdout)?.[1] ?? '';
		assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/$/, result.stdout + result.stderr);
		assert.equal(result.stdout.split('\n')[0], 'hi', result.stdout);
		assert.ok(result.stdout.includes(`\nlistening on ${url}\n#1 open: `), result.stdout);
	});

	test('two wsterm sessions talk through --broadcast', async () => {
		const server = await startServeCli(['--broadcast']);
		try {
			const listener = await connect(server.url);
			const heard = messages(listener, 2);
			const result = await runCli([server.url, '-x', 'hello', '-x', 'there', '-w', '0.2']);
			assert.equal(result.code, 0);
			assert.deepEqual((await heard).map(({data}) => data.toString()), ['hello', 'there']);
			listener.close();
		} finally {
			server.child.kill('SIGTERM');
			await server.exit;
		}
	});

	test('SIGTERM: connected clients receive 1001, the process exits 0', async () => {
		const server = await startServeCli();
		const clients = await Promise.all([connect(server.url), connect(server.url), connect(server.url)]);
		const closes = clients.map(async client => closed(client));
		server.child.kill('SIGTERM');
		assert.deepEqual((await Promise.all(closes)).map(({code}) => code), [1001, 1001, 1001]);
		assert.equal(await within(5000, 'exit', server.exit), 0);
		assert.match(server.stderr(), /shutting down/);
	});

	test('a flooding client that never reads does not grow the server', async () => {
		const server = await startServeCli();
		try {
			const client = await connect(server.url);
			const before = rssBytes(server.child.pid!);
			client.pause();
			const message = Buffer.alloc(256 * 1024);
			for (let index = 0; index < 256; index++) { // 64 MiB
				client.send(message);
			}

			await delay(1500);
			const growth = rssBytes(server.child.pid!) - before;
			assert.ok(growth < 24 * 1024 * 1024, `server grew by ${(growth / 1024 / 1024).toFixed(1)} MiB`);
			client.terminate();
		} finally {
			server.child.kill('SIGTERM');
			await server.exit;
		}
	});

	describe('a stdout that cannot be written', {skip: !existsSync('/dev/full')}, () => {
		const directory = mkdtempSync(join(tmpdir(), 'wsterm-serve-stdout-'));
		const recording = join(directory, 'recorded.jsonl');
		writeFileSync(recording, [
			{time: '2026-01-01T00:00:00.000Z', dir: 'out', type: 'open', url: 'ws://127.0.0.1:1/', protocol: ''},
			{time: '2026-01-01T00:00:00.001Z', dir: 'out', type: 'text', data: 'hi'},
			{time: '2026-01-01T00:00:00.002Z', dir: 'in', type: 'text', data: 'hello'},
		].map(record => `${JSON.stringify(record)}\n`).join(''));
		const socketPath = join(directory, 'serve.sock');
		for (const args of [[], ['--replay', recording], ['--unix-socket', socketPath]]) {
			test(`a full disk (wsterm serve ${args.join(' ')} > /dev/full): one line, exit 1, no stack trace; the server closed`, async () => {
				const result = await startCli(['serve', ...(args[0] === '--unix-socket' ? [] : ['--port', '0']), ...args], {stdoutTo: 'dev-full', timeout: 10_000}).result;
				assert.equal(result.code, 1, result.stderr);
				assert.match(result.stderr, /^wsterm: cannot write to stdout: ENOSPC[^\n]*\n$/);
				assert.equal(existsSync(socketPath), false, 'the unix socket is removed');
			});
		}

		test('a reader that went away (wsterm serve | head -c 0): the server serves on, quietly; SIGTERM ends it with 0', async () => {
			const {child, result} = startCli(['serve', '--port', '0'], {stdoutTo: 'reader-gone', timeout: 10_000});
			let log = '';
			child.stderr!.on('data', (chunk: Buffer) => {
				log += chunk.toString();
			});
			await within(5000, 'the listening line', new Promise<void>(resolve => {
				child.stderr!.on('data', () => {
					if (/listening on \S+\n/.test(log)) {
						resolve();
					}
				});
			}));
			const url = /listening on (\S+)\n/.exec(log)![1]!;
			const client = await connect(url);
			const echoed = messages(client, 1);
			client.send('still here');
			assert.equal((await echoed)[0]!.data.toString(), 'still here');
			client.close();
			child.kill('SIGTERM');
			const {code, stderr} = await result;
			assert.equal(code, 0, stderr);
			assert.doesNotMatch(stderr, /cannot write|Error|^\s+at /m);
		});
	});

	test('a bad flag: exit 2, one line; a port in use: exit 1, one line, no stack trace', async () => {
		const badFlag = await runCli(['serve', '--port', 'eighty']);
		assert.equal(badFlag.code, 2);
		assert.equal(badFlag.stderr, 'wsterm: --port takes a whole number from 0 to 65535, not "eighty"\n');
		const server = await startServeCli();
		try {
			const inUse = await runCli(['serve', '--port', new URL(server.url).port]);
			assert.equal(inUse.code, 1);
			assert.match(inUse.stderr, /^wsterm: cannot listen on 127\.0\.0\.1:\d+: the port is in use/);
			assert.equal(inUse.stderr.split('\n').length, 2);
			const noCert = await runCli(['serve', '--port', '0', '--tls-cert', '/nonexistent.pem', '--tls-key', '/nonexistent.pem']);
			assert.equal(noCert.code, 1);
			assert.equal(noCert.stderr, 'wsterm: --tls-cert: cannot read /nonexistent.pem: no such file\n');
		} finally {
			server.child.kill('SIGTERM');
			await server.exit;
		}
	});
});
