import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import {gzipSync} from 'node:zlib';
import * as msgpack from '@msgpack/msgpack';
import * as cbor from 'cbor2';
import protobuf from 'protobufjs';
import type {WebSocket} from 'ws';
import {runCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';
import {packagesLoaded} from './helpers/packages-loaded.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-codecs-cli-'));
const protoFile = join(temporary, 'chat.proto');
writeFileSync(protoFile, `syntax = "proto3";
package chat;
message Post {
  string user_name = 1;
  int64 id = 2;
  bytes attachment = 3;
}
`);
const Post = protobuf.loadSync(protoFile).lookupType('chat.Post');

const servers: TestServer[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

type Received = {readonly data: Buffer; readonly isBinary: boolean};

/** A server that sends `frames` (binary) on each connection and keeps what it receives. */
async function server(frames: readonly Uint8Array[], answer?: (data: Buffer, socket: WebSocket) => void): Promise<{url: string; received: Received[]}> {
	const received: Received[] = [];
	const started = await startServer({
		onConnection(socket) {
			for (const frame of frames) {
				socket.send(frame, {binary: true});
			}

			socket.on('message', (data: Buffer, isBinary) => {
				received.push({data, isBinary});
				answer?.(data, socket);
			});
		},
	});
	servers.push(started);
	return {url: started.url, received};
}

describe('--decode against a server that speaks the format through its library', () => {
	test('msgpack: one compact JSON line per message, int64 exact, bytes as {"$bytes"}', async () => {
		const {url} = await server([msgpack.encode({id: 2n ** 63n - 1n, name: 'ann', bin: new Uint8Array([1, 2])}, {useBigInt64: true}), msgpack.encode([1, 0.5, null])]);
		const result = await runCli([url, '--decode', 'msgpack', '-n', '2']);
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.equal(result.stdout, '{"id":9223372036854775807,"name":"ann","bin":{"$bytes":"AQI="}}\n[1,0.5,null]\n');
	});

	test('cbor with --jsonl: base64 kept, codec and decoded added', async () => {
		const frame = cbor.encode({when: new Date(Date.UTC(2021, 0, 1)), big: 2n ** 64n, map: new Map([[1, 'one']])});
		const {url} = await server([frame]);
		const result = await runCli([url, '--decode', 'cbor', '--jsonl', '-n', '1']);
		assert.equal(result.code, 0);
		const record = JSON.parse(result.stdout.split('\n')[0]!) as Record<string, unknown>;
		assert.equal(record.base64, Buffer.from(frame).toString('base64'));
		assert.equal(record.type, 'binary');
		assert.equal(record.codec, 'cbor');
		assert.match(result.stdout.split('\n')[0]!, /,"codec":"cbor","decoded":\{"when":\{"\$date":"2021-01-01T00:00:00.000Z"\},"big":18446744073709551616,"map":\{"\$map":\[\[1,"one"\]\]\}\}\}$/);
	});

	test('gzip: the text inside, as a text message would print', async () => {
		const {url} = await server([gzipSync('{"price":1.5}')]);
		const result = await runCli([url, '--decode', 'gzip', '-n', '1']);
		assert.equal(result.code, 0);
		assert.equal(result.stdout, '{"price":1.5}\n');
	});

	test('a message that does not decode is printed as it came, with one note on stderr; text messages pass unchanged', async () => {
		const {url} = await server([Buffer.from([0xC1, 0x00]), msgpack.encode({ok: true})], (data, socket) => {
			socket.send(data.toString());
		});
		const result = await runCli([url, '--decode', 'msgpack', '-n', '3', '-x', 'plain text']);
		assert.equal(result.code, 0);
		assert.deepEqual(result.stdoutBytes, Buffer.concat([Buffer.from([0xC1, 0x00, 0x0A]), Buffer.from('{"ok":true}\nplain text\n')]));
		const notes = result.stderr.split('\n').filter(Boolean);
		assert.equal(notes.length, 1, result.stderr);
		assert.match(notes[0]!, /^wsterm: message 1 is not msgpack \(.+\): shown as received$/);
	});
});

describe('a message that does not decode is said in wsterm\'s words', () => {
	test('bytes cut short (msgpack, CBOR, protobuf) and a gzip bomb: what is wrong, not the library\'s internals', async () => {
		const cut = (bytes: Uint8Array): Uint8Array => bytes.subarray(0, bytes.length - 3);
		const cases = [
			['msgpack', [cut(msgpack.encode({a: 'hello world'})), Uint8Array.from([0x92, 0x01])]],
			['cbor', [cut(cbor.encode({a: 'hello world'}))]],
			['protobuf', [cut(Post.encode(Post.fromObject({userName: 'hello world'})).finish())]],
			['gzip', [gzipSync(Buffer.alloc(101 * 1024 * 1024))]],
		] as const;
		for (const [codec, frames] of cases) {
			const {url} = await server(frames);
			const result = await runCli([url, '--decode', codec, ...(codec === 'protobuf' ? ['--proto', protoFile, '--type', 'chat.Post'] : []), '-n', String(frames.length), '-w', '5']);
			const notes = result.stderr.trim().split('\n');
			const why = codec === 'gzip' ? 'it decompresses to more than 100 MiB, the --max-payload limit' : 'the bytes end before the value does';
			assert.deepEqual(notes, frames.map((_, index) => `wsterm: message ${index + 1} is not ${codec} (${why}): shown as received`), codec);
		}
	});

	test('--max-payload bounds what gzip and deflate decompress one message to, as it bounds a message received', async () => {
		const {url} = await server([gzipSync(Buffer.alloc(2000, 'a')), gzipSync(Buffer.alloc(1000, 'b'))]);
		const result = await runCli([url, '--decode', 'gzip', '--max-payload', '1500', '-n', '2', '-w', '5']);
		assert.equal(result.stderr, 'wsterm: message 1 is not gzip (it decompresses to more than 1.5 KiB, the --max-payload limit): shown as received\n');
		// The first is printed as received (gzip bytes), the second decompressed.
		assert.ok(result.stdout.endsWith(`\n${'b'.repeat(1000)}\n`));
	});
});

describe('--encode', () => {
	test('cbor: each JSON line is sent as CBOR (big integers and {"$bytes"} exact); a line that is not JSON is one error line, not sent, exit 2', async () => {
		const {url, received} = await server([]);
		const result = await runCli([url, '--encode', 'cbor', '--linger', '0'], {input: '{"a":[1,"x"],"big":18446744073709551615}\nnot json\n{"b":{"$bytes":"AAH/"}}\n'});
		assert.equal(result.code, 2);
		const errors = result.stderr.split('\n').filter(Boolean);
		assert.equal(errors.length, 1, result.stderr);
		assert.match(errors[0]!, /^wsterm: not sent: not JSON \(.+\): not json$/);
		assert.deepEqual(received.map(message => message.isBinary), [true, true]);
		assert.deepEqual(cbor.decode(received[0]!.data), {a: [1, 'x'], big: 18_446_744_073_709_551_615n});
		assert.deepEqual(cbor.decode(received[1]!.data), {b: Buffer.from([0, 1, 255])});
	});

	test('msgpack: -x messages are encoded too; a run with every line sent exits 0', async () => {
		const {url, received} = await server([]);
		const result = await runCli([url, '--encode', 'msgpack', '--linger', '0', '-x', '{"op":"subscribe","id":7}']);
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.equal(received.length, 1);
		assert.deepEqual(msgpack.decode(received[0]!.data), {op: 'subscribe', id: 7});
	});

	test('protobuf with --proto and --type both ways: the server decodes with protobufjs and answers', async () => {
		const {url, received} = await server([], (data, socket) => {
			const post = Post.toObject(Post.decode(data), {longs: String});
			socket.send(Post.encode(Post.fromObject({...post, id: (BigInt(post.id as string) + 1n).toString()})).finish());
		});
		const result = await runCli([url, '--encode', 'protobuf', '--decode', 'protobuf', '--proto', protoFile, '--type', 'chat.Post', '-n', '1'], {input: '{"userName":"ann","id":"9007199254740993","attachment":"AQ=="}\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(Post.toObject(Post.decode(received[0]!.data), {longs: String, bytes: String}), {userName: 'ann', id: '9007199254740993', attachment: 'AQ=='});
		assert.equal(result.stdout, '{"userName":"ann","id":"9007199254740994","attachment":"AQ=="}\n');
	});

	test('usage errors: gzip does not encode, protobuf without --type, --proto without protobuf, --encode with --binary', async () => {
		const cases: Array<[string[], RegExp]> = [
			[['--encode', 'gzip'], /^wsterm: --encode takes msgpack, cbor or protobuf \(gzip only decodes\), not "gzip"\n$/],
			[['--decode', 'yaml'], /^wsterm: --decode takes msgpack, cbor, protobuf, gzip or deflate, not "yaml"\n$/],
			[['--decode', 'protobuf', '--proto', protoFile], /^wsterm: protobuf needs .*--type/],
			[['--proto', protoFile], /^wsterm: --proto goes with --decode protobuf or --encode protobuf\n$/],
			[['--encode', 'cbor', '--binary'], /--binary/],
			[['--decode', 'protobuf', '--proto', protoFile, '--type', 'chat.Nope'], /^wsterm: --type chat.Nope: no such message type/],
		];
		for (const [args, message] of cases) {
			const result = await runCli(['ws://127.0.0.1:9', ...args]);
			assert.equal(result.code, 2, args.join(' '));
			assert.match(result.stderr, message);
		}
	});
});

describe('with hooks and in volume', () => {
	test('--script hooks see decoded values (json() and decoded), and what ctx.send sends is encoded', async () => {
		const hooks = join(temporary, 'hooks.mjs');
		writeFileSync(hooks, `export function onMessage(message, ctx) {
	const value = message.json();
	if (value.op === 'ping') ctx.send({op: 'pong', id: value.id});
	return (value.op ?? 'big') + ' ' + typeof (value.id ?? value.big) + ' ' + (message.decoded === value);
}
`);
		const {url, received} = await server([msgpack.encode({op: 'ping', id: 7}), msgpack.encode({big: 2n ** 63n - 1n}, {useBigInt64: true})]);
		const result = await runCli([url, '--decode', 'msgpack', '--encode', 'msgpack', '--script', hooks, '-n', '2']);
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.equal(result.stdout, 'ping number true\nbig bigint true\n');
		assert.equal(received.length, 1);
		assert.ok(received[0]!.isBinary);
		assert.deepEqual(msgpack.decode(received[0]!.data), {op: 'pong', id: 7});
	});

	test('30,000 lines that are not JSON are all refused without stalling the input (several stdin chunks, far more than the 1,024 messages allowed in flight); the valid line after them is sent', async () => {
		const {url, received} = await server([]);
		const input = `${Array.from({length: 30_000}, (_, index) => `bad ${index}`).join('\n')}\n[1,2]\n`;
		const result = await runCli([url, '--encode', 'msgpack', '--linger', '0'], {input, timeout: 20_000});
		assert.equal(result.code, 2);
		// One error line per refused line (not counted here: the end of a long stderr may be cut when the process exits while the pipe is full).
		assert.match(result.stderr, /^wsterm: not sent: not JSON \(.+\): bad 0\n/);
		assert.deepEqual(received.map(message => msgpack.decode(message.data)), [[1, 2]]);
	});
});

describe('start-up', () => {
	test('no codec library is loaded without a codec flag; --decode msgpack loads only its own', async () => {
		const {url} = await server([msgpack.encode(1)]);
		const plain = await packagesLoaded([url, '-n', '1']);
		// A plain run imports no package (ws is required; lossless-json is in the bundle); the hook's working shows below.
		assert.equal(plain.length, 0, `the resolve hook saw: ${plain.join(', ')}`);
		for (const library of ['@msgpack/msgpack', 'cbor2', 'protobufjs']) {
			assert.ok(!plain.includes(library), `${library} loaded without a codec flag`);
		}

		const decoding = await packagesLoaded([url, '-n', '1', '--decode', 'msgpack']);
		assert.ok(decoding.includes('@msgpack/msgpack'));
		assert.ok(!decoding.includes('cbor2') && !decoding.includes('protobufjs'));
	});
});
