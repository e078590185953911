/*
msgpack and CBOR as JSON lines, losing nothing: what --decode prints, --encode reads back to the
same bytes, and no two different values print the same (a user map shaped like one of wsterm's
`$` forms is written as {"$map": ...}). The frames are made by the formats' own libraries.
*/
import assert from 'node:assert/strict';
import {after, describe, test} from 'node:test';
import * as msgpack from '@msgpack/msgpack';
import * as cbor from 'cbor2';
import {runCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';

const servers: TestServer[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

/** A server that sends `frames` (binary) on each connection and keeps what it receives. */
async function server(frames: readonly Uint8Array[]): Promise<{url: string; received: Buffer[]}> {
	const received: Buffer[] = [];
	const started = await startServer({onConnection(socket) {
		for (const frame of frames) {
			socket.send(frame, {binary: true});
		}

		socket.on('message', (data: Buffer) => received.push(data));
	}});
	servers.push(started);
	return {url: started.url, received};
}

/** Decodes `frames` with --decode CODEC, checks the lines, then sends them with --encode CODEC and checks the bytes are the frames. */
async function roundTrip(codec: 'msgpack' | 'cbor', frames: ReadonlyArray<readonly [Uint8Array, string]>): Promise<void> {
	const sender = await server(frames.map(([frame]) => frame));
	const decoded = await runCli([sender.url, '--decode', codec, '-n', String(frames.length), '-w', '5']);
	assert.equal(decoded.stderr, '');
	assert.deepEqual(decoded.stdout.trim().split('\n'), frames.map(([, line]) => line));
	const receiver = await server([]);
	const encoded = await runCli([receiver.url, '--encode', codec, '--linger', '0'], {input: decoded.stdout});
	assert.equal(encoded.stderr, '');
	assert.equal(encoded.code, 0);
	assert.deepEqual(receiver.received.map(bytes => bytes.toString('hex')), frames.map(([frame]) => Buffer.from(frame).toString('hex')));
}

const timestamp = (sec: number, nsec: number): Uint8Array => msgpack.encode(new msgpack.ExtData(-1, msgpack.encodeTimeSpecToTimestamp({sec, nsec})));

describe('msgpack: --decode prints what --encode reads back to the same bytes', () => {
	test('timestamps keep their nanoseconds; one beyond year 9999 is its ext bytes, not {"$date":null}', async () => {
		const far = msgpack.encodeTimeSpecToTimestamp({sec: 2 ** 40, nsec: 5});
		await roundTrip('msgpack', [
			[timestamp(1_609_459_200, 123_456_789), '{"$date":"2021-01-01T00:00:00.123456789Z"}'],
			[timestamp(1_609_459_200, 0), '{"$date":"2021-01-01T00:00:00.000Z"}'],
			[timestamp(-1, 500_000_000), '{"$date":"1969-12-31T23:59:59.500Z"}'],
			[msgpack.encode(new msgpack.ExtData(-1, far)), `{"$ext":-1,"data":{"$bytes":"${Buffer.from(far).toString('base64')}"}}`],
		]);
	});

	test('maps keep their keys\' types and order: 1 and "1" are two keys; an ext and bin differ from maps shaped like them', async () => {
		// {1: "a", "1": "b"}, as a server in another language writes it.
		const intAndStringKeys = Uint8Array.from([0x82, 0x01, 0xA1, 0x61, 0xA1, 0x31, 0xA1, 0x62]);
		await roundTrip('msgpack', [
			[intAndStringKeys, '{"$map":[[1,"a"],["1","b"]]}'],
			[msgpack.encode({b: 1, 1: 2, a: 3}), '{"1":2,"b":1,"a":3}'],
			[Uint8Array.from([0x83, 0xA1, 0x62, 0x01, 0xA1, 0x31, 0x02, 0xA1, 0x61, 0x03]), '{"b":1,"1":2,"a":3}'],
			[msgpack.encode(new msgpack.ExtData(5, Uint8Array.from([9]))), '{"$ext":5,"data":{"$bytes":"CQ=="}}'],
			[msgpack.encode({$ext: 5, data: Uint8Array.from([9])}), '{"$map":[["$ext",5],["data",{"$bytes":"CQ=="}]]}'],
			[msgpack.encode(Uint8Array.from([1])), '{"$bytes":"AQ=="}'],
			[msgpack.encode({$bytes: 'AQ=='}), '{"$map":[["$bytes","AQ=="]]}'],
			[msgpack.encode({type: 5, data: Uint8Array.from([9])}), '{"type":5,"data":{"$bytes":"CQ=="}}'],
		]);
	});
});

describe('cbor: --decode prints what --encode reads back to the same bytes', () => {
	test('dates: tag 1 to the digit, tag 0 as written; a tag 0 or 1 that is no date is its tag, not {"$date":null}', async () => {
		await roundTrip('cbor', [
			[cbor.encode(new Date(Date.UTC(2021, 0, 1))), '{"$date":"2021-01-01T00:00:00.000Z"}'],
			[cbor.encode(new cbor.Tag(1, 1_609_459_200.123_456)), '{"$date":"2021-01-01T00:00:00.123456Z"}'],
			[cbor.encode(new cbor.Tag(0, '2021-01-01T00:00:00+00:00')), '{"$date":"2021-01-01T00:00:00+00:00"}'],
			[cbor.encode(new cbor.Tag(0, 'not a date')), '{"$tag":0,"value":"not a date"}'],
			[cbor.encode(new cbor.Tag(0, '2021-01-01T00:00:00.000Z')), '{"$tag":0,"value":"2021-01-01T00:00:00.000Z"}'],
			[cbor.encode(new cbor.Tag(1, 1e20)), '{"$tag":1,"value":1e+20}'],
		]);
	});

	test('maps with other keys, undefined, simple values, unknown tags, and maps shaped like them', async () => {
		await roundTrip('cbor', [
			[cbor.encode(new Map<unknown, unknown>([[1, 'a'], ['1', 'b']])), '{"$map":[[1,"a"],["1","b"]]}'],
			[cbor.encode([undefined, new cbor.Simple(16), new cbor.Tag(999, 'x')]), '[{"$undefined":true},{"$simple":16},{"$tag":999,"value":"x"}]'],
			[cbor.encode({$tag: 999, value: 'x'}), '{"$map":[["$tag",999],["value","x"]]}'],
			[cbor.encode({$undefined: true}), '{"$map":[["$undefined",true]]}'],
			[cbor.encode(new Map([['b', 1], ['1', 2]])), '{"b":1,"1":2}'],
		]);
	});
});

describe('--encode refuses a $ form it cannot send', () => {
	test('a $date that is no date, a $map that is not pairs, a $ext in CBOR, a $tag in msgpack: one line each, exit 2', async () => {
		const msgpackReceiver = await server([]);
		const msgpackRun = await runCli([msgpackReceiver.url, '--encode', 'msgpack', '--linger', '0'], {input: '{"$date":"yesterday"}\n{"$map":[1]}\n{"$tag":1,"value":2}\n{"$date":"2021-01-01T00:00:00.0000000001Z"}\n'});
		assert.equal(msgpackRun.code, 2);
		assert.deepEqual(msgpackRun.stderr.trim().split('\n'), [
			'wsterm: not sent: "yesterday" in {"$date"} is not an RFC 3339 time: {"$date":"yesterday"}',
			'wsterm: not sent: {"$map"} takes [[key, value], ...]: {"$map":[1]}',
			'wsterm: not sent: cannot be encoded as msgpack (it has no tags: {"$tag":1,...}): {"$tag":1,"value":2}',
			'wsterm: not sent: cannot be encoded as msgpack (a msgpack timestamp holds nanoseconds, not "2021-01-01T00:00:00.0000000001Z"): {"$date":"2021-01-01T00:00:00.0000000001Z"}',
		]);
		assert.equal(msgpackReceiver.received.length, 0);
		const cborReceiver = await server([]);
		const cborRun = await runCli([cborReceiver.url, '--encode', 'cbor', '--linger', '0'], {input: '{"$ext":5,"data":{"$bytes":"CQ=="}}\n'});
		assert.equal(cborRun.code, 2);
		assert.equal(cborRun.stderr, 'wsterm: not sent: cannot be encoded as cbor (it has no msgpack extension types: {"$ext":5,...}): {"$ext":5,"data":{"$bytes":"CQ=="}}\n');
	});
});
