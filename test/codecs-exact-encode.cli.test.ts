/*
--encode and the JSON numbers a person types: -0 is a float (msgpack wrote it as the integer 0),
and a number beyond a double's range (1e400) is refused, not sent as Infinity.
*/
import assert from 'node:assert/strict';
import {after, describe, test} from 'node:test';
import * as msgpack from '@msgpack/msgpack';
import * as cbor from 'cbor2';
import {runCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';

const servers: TestServer[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

/** A server that keeps every binary message it receives. */
async function recordingServer(): Promise<{url: string; received: Buffer[]}> {
	const received: Buffer[] = [];
	const server = await startServer({
		onConnection(socket) {
			socket.on('message', (data: Buffer, isBinary) => {
				assert.ok(isBinary);
				received.push(data);
			});
		},
	});
	servers.push(server);
	return {url: server.url, received};
}

const codecs = [
	['msgpack', (bytes: Buffer) => msgpack.decode(bytes, {useBigInt64: true})],
	['cbor', (bytes: Buffer) => cbor.decode(bytes)],
] as const;

describe('--encode: numbers as typed', () => {
	for (const [name, decode] of codecs) {
		test(`${name}: -0 goes as the float -0, 0 and 1 as integers`, async () => {
			const {url, received} = await recordingServer();
			const result = await runCli([url, '--encode', name, '--linger', '0'], {input: '-0\n[-0,0,1,-0.0]\n{"x":-0}\n'});
			assert.deepEqual([result.code, result.stderr], [0, '']);
			assert.equal(received.length, 3);
			assert.ok(Object.is(decode(received[0]!), -0), received[0]!.toString('hex'));
			const [negativeZero, zero, one, alsoNegativeZero] = decode(received[1]!) as number[];
			assert.ok(Object.is(negativeZero, -0) && Object.is(zero, 0) && one === 1 && Object.is(alsoNegativeZero, -0));
			assert.ok(Object.is((decode(received[2]!) as {x: number}).x, -0));
			if (name === 'msgpack') {
				// float 64 -0, then the integers as positive fixints.
				assert.equal(received[1]!.toString('hex'), '94cb80000000000000000001cb8000000000000000');
			}
		});

		test(`${name}: a number beyond a double's range is one error line and is not sent; the other lines are; exit 2`, async () => {
			const {url, received} = await recordingServer();
			const result = await runCli([url, '--encode', name, '--linger', '0'], {input: '[1e400]\n{"a":-1E+309}\n1.5\n1e308\n'});
			assert.equal(result.code, 2);
			assert.equal(result.stderr, [
				'wsterm: not sent: 1e400 is beyond the range of a 64-bit float: [1e400]',
				'wsterm: not sent: -1E+309 is beyond the range of a 64-bit float: {"a":-1E+309}',
				'',
			].join('\n'));
			assert.deepEqual(received.map(bytes => decode(bytes)), [1.5, 1e308]);
		});
	}

	for (const [name, decode] of codecs) {
		test(`${name}: a number too small for a double (1e-400) is refused, not sent as 0; {"$float": ...} goes as that float`, async () => {
			const {url, received} = await recordingServer();
			const result = await runCli([url, '--encode', name, '--linger', '0'], {input: '1e-400\n[{"$float":"NaN"},{"$float":"-Infinity"},{"$float":"nan"}]\n1e-320\n'});
			assert.equal(result.code, 2);
			assert.equal(result.stderr, 'wsterm: not sent: 1e-400 is too small for a 64-bit float (it would be 0): 1e-400\n');
			assert.equal(received.length, 2);
			const [nan, minusInfinity, notAFloat] = decode(received[0]!) as [number, number, unknown];
			assert.ok(Number.isNaN(nan) && minusInfinity === Number.NEGATIVE_INFINITY);
			assert.deepEqual(notAFloat, {$float: 'nan'});
			assert.equal(decode(received[1]!), 1e-320);
		});
	}

	test('msgpack: an integer beyond its 64 bits is refused (the library wrapped 2^64 to 0); the limits themselves go', async () => {
		const [, decode] = codecs[0];
		const {url, received} = await recordingServer();
		const input = '18446744073709551616\n[-9223372036854775809]\n18446744073709551615\n-9223372036854775808\n';
		const result = await runCli([url, '--encode', 'msgpack', '--linger', '0'], {input});
		assert.equal(result.code, 2);
		assert.equal(result.stderr, [
			'wsterm: not sent: cannot be encoded as msgpack (18446744073709551616 is beyond MessagePack\'s 64-bit integers): 18446744073709551616',
			'wsterm: not sent: cannot be encoded as msgpack (-9223372036854775809 is beyond MessagePack\'s 64-bit integers): [-9223372036854775809]',
			'',
		].join('\n'));
		assert.deepEqual(received.map(bytes => decode(bytes)), [18_446_744_073_709_551_615n, -9_223_372_036_854_775_808n]);
	});
});

describe('--encode refuses what it would have to make up', () => {
	for (const [name, decode] of codecs) {
		test(`${name}: {"$bytes"} that is not base64 and a string with a lone surrogate are refused; valid base64 and pairs go`, async () => {
			const {url, received} = await recordingServer();
			const input = '{"$bytes":"!!notbase64"}\n["\\ud800"]\n{"\\udc00":1}\n[{"$bytes":"AAH/"},{"$bytes":"-_8"},"\\ud83d\\ude00"]\n';
			const result = await runCli([url, '--encode', name, '--linger', '0'], {input});
			assert.equal(result.code, 2);
			assert.equal(result.stderr, [
				'wsterm: not sent: "!!notbase64" in {"$bytes"} is not base64: {"$bytes":"!!notbase64"}',
				'wsterm: not sent: the string "\\ud800" holds a lone surrogate (\\ud800), which UTF-8 cannot encode: ["\\ud800"]',
				'wsterm: not sent: the string "\\udc00" holds a lone surrogate (\\udc00), which UTF-8 cannot encode: {"\\udc00":1}',
				'',
			].join('\n'));
			assert.equal(received.length, 1);
			const [bytes, urlSafe, emoji] = decode(received[0]!) as [Uint8Array, Uint8Array, string];
			assert.deepEqual([...bytes], [0, 1, 255]);
			assert.deepEqual([...urlSafe], [251, 255]);
			assert.equal(emoji, '\u{1F600}');
		});
	}
});
