import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {deflateRawSync, deflateSync, gzipSync} from 'node:zlib';
import * as msgpack from '@msgpack/msgpack';
import * as cbor from 'cbor2';
import protobuf from 'protobufjs';
import {type Codec, CodecSetupError, loadCodec} from '../source/codecs/index.js';
import {parseJsonValue, toJsonText} from '../source/codecs/json-view.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-codecs-'));

export const chatProto = `syntax = "proto3";
package chat;
message Post {
  string user_name = 1;
  int64 id = 2;
  bytes attachment = 3;
  enum Kind { TEXT = 0; IMAGE = 1; }
  Kind kind = 4;
  repeated string tags = 5;
  double score = 6;
}
`;

function shown(codec: Codec, bytes: Uint8Array): string {
	return toJsonText(codec.decode(bytes), codec.jsonView);
}

describe('json view', () => {
	test('big integers keep every digit; bytes, Maps, NaN, Infinity, -0, dates, undefined and Sets follow the documented rule', () => {
		assert.equal(toJsonText({a: 18_446_744_073_709_551_615n, b: -9_007_199_254_740_993n, c: 1.5}), '{"a":18446744073709551615,"b":-9007199254740993,"c":1.5}');
		assert.equal(toJsonText(new Uint8Array([0, 1, 255])), '{"$bytes":"AAH/"}');
		assert.equal(toJsonText(new Map([['a', 1]])), '{"a":1}');
		assert.equal(toJsonText(new Map<unknown, unknown>([[1, 'one'], [new Uint8Array([1]), true]])), '{"$map":[[1,"one"],[{"$bytes":"AQ=="},true]]}');
		assert.equal(toJsonText([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]), '[{"$float":"NaN"},{"$float":"Infinity"},{"$float":"-Infinity"},-0]');
		assert.equal(toJsonText(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))), '{"$date":"2024-01-02T03:04:05.006Z"}');
		assert.equal(toJsonText([undefined, new Set([1, 2])]), '[{"$undefined":true},{"$set":[1,2]}]');
		assert.equal(toJsonText('a\nb"'), String.raw`"a\nb\""`);
	});

	test('parseJsonValue: unsafe integers become bigint, {"$bytes"} becomes bytes, and what is not JSON throws', () => {
		assert.deepEqual(parseJsonValue('{"n":12345678901234567890,"s":5,"f":0.5,"b":{"$bytes":"AAH/"},"o":{"$bytes":"AA==","x":1}}'), {
			n: 12_345_678_901_234_567_890n,
			s: 5,
			f: 0.5,
			b: new Uint8Array([0, 1, 255]),
			o: {$bytes: 'AA==', x: 1},
		});
		assert.throws(() => parseJsonValue('hello'), SyntaxError);
		assert.throws(() => parseJsonValue('{"a":1'), SyntaxError);
	});
});

describe('msgpack', () => {
	test('decodes what @msgpack/msgpack encodes, int64 exactly, bytes and ext as documented', async () => {
		const codec = await loadCodec('msgpack');
		const bytes = msgpack.encode({id: 2n ** 63n - 1n, neg: -(2n ** 63n), name: 'ä', bin: new Uint8Array([1, 2]), list: [1, null, true, 0.25]}, {useBigInt64: true});
		assert.equal(shown(codec, bytes), '{"id":9223372036854775807,"neg":-9223372036854775808,"name":"ä","bin":{"$bytes":"AQI="},"list":[1,null,true,0.25]}');
		// Issue 18: an ext value printed as {"type":5,...} could not be told from a map of that shape; it is the $ext form now.
		assert.equal(shown(codec, msgpack.encode(new msgpack.ExtData(5, new Uint8Array([9])))), '{"$ext":5,"data":{"$bytes":"CQ=="}}');
	});

	test('encodes JSON values that the library decodes back, big integers included', async () => {
		const codec = await loadCodec('msgpack');
		const bytes = codec.encode!(parseJsonValue('{"a":[1,"x"],"big":18446744073709551615,"b":{"$bytes":"AAE="}}'));
		assert.deepEqual(msgpack.decode(bytes, {useBigInt64: true}), {a: [1, 'x'], big: 18_446_744_073_709_551_615n, b: new Uint8Array([0, 1])});
	});

	test('bytes that are not msgpack throw', async () => {
		const codec = await loadCodec('msgpack');
		assert.throws(() => codec.decode(new Uint8Array([0xC1])));
	});
});

describe('cbor', () => {
	test('decodes what cbor2 encodes: bigints, dates, Maps with other keys, NaN, undefined, unknown tags and simple values', async () => {
		const codec = await loadCodec('cbor');
		const value = {
			big: 2n ** 64n + 1n,
			when: new Date(Date.UTC(2020, 1, 3)),
			map: new Map<unknown, unknown>([[1, 'a'], ['k', 2]]),
			floats: [Number.NaN, Number.NEGATIVE_INFINITY],
			missing: undefined,
			tagged: new cbor.Tag(999, 'x'),
			bytes: new Uint8Array([255]),
		};
		assert.equal(shown(codec, cbor.encode(value)), '{"big":18446744073709551617,"when":{"$date":"2020-02-03T00:00:00.000Z"},"map":{"$map":[[1,"a"],["k",2]]},"floats":[{"$float":"NaN"},{"$float":"-Infinity"}],"missing":{"$undefined":true},"tagged":{"$tag":999,"value":"x"},"bytes":{"$bytes":"/w=="}}');
		assert.equal(shown(codec, new Uint8Array([0xF0])), '{"$simple":16}');
	});

	test('encodes JSON values that cbor2 decodes back', async () => {
		const codec = await loadCodec('cbor');
		const bytes = codec.encode!(parseJsonValue('{"n":-18446744073709551616,"s":"t","b":{"$bytes":"AQ=="}}'));
		assert.deepEqual(cbor.decode(bytes), {n: -18_446_744_073_709_551_616n, s: 't', b: new Uint8Array([1])});
	});

	test('bytes that are not CBOR throw', async () => {
		const codec = await loadCodec('cbor');
		assert.throws(() => codec.decode(new Uint8Array([0x1F])));
	});
});

describe('protobuf', () => {
	const protoFile = join(temporary, 'chat.proto');
	writeFileSync(protoFile, chatProto);

	test('decodes what protobufjs encodes, in the proto3 JSON mapping', async () => {
		const codec = await loadCodec('protobuf', {proto: [protoFile], type: 'chat.Post'});
		const Post = protobuf.loadSync(protoFile).lookupType('chat.Post');
		const bytes = Post.encode(Post.fromObject({userName: 'ann', id: '9223372036854775807', attachment: Buffer.from([1, 2]), kind: 1, tags: ['a'], score: Number.NaN})).finish();
		assert.equal(shown(codec, bytes), '{"userName":"ann","id":"9223372036854775807","attachment":"AQI=","kind":"IMAGE","tags":["a"],"score":"NaN"}');
	});

	test('encodes a JSON object (64-bit numbers exact, enum names) that protobufjs decodes back', async () => {
		const codec = await loadCodec('protobuf', {proto: [protoFile], type: 'chat.Post'});
		const Post = protobuf.loadSync(protoFile).lookupType('chat.Post');
		const bytes = codec.encode!(parseJsonValue('{"userName":"bo","id":9223372036854775806,"kind":"IMAGE","attachment":"AAE="}'));
		assert.deepEqual(Post.toObject(Post.decode(bytes), {longs: String, enums: String, bytes: String}), {userName: 'bo', id: '9223372036854775806', kind: 'IMAGE', attachment: 'AAE='});
		assert.throws(() => codec.encode!(parseJsonValue('[1]')), /JSON object/);
	});

	test('encode takes the .proto names too, and refuses a key the type does not have (it would send an empty message)', async () => {
		const codec = await loadCodec('protobuf', {proto: [protoFile], type: 'chat.Post'});
		const Post = protobuf.loadSync(protoFile).lookupType('chat.Post');
		const bytes = codec.encode!(parseJsonValue('{"user_name":"bob","id":9007199254740993}'));
		assert.deepEqual(Post.toObject(Post.decode(bytes), {longs: String}), {userName: 'bob', id: '9007199254740993'});
		assert.throws(() => codec.encode!(parseJsonValue('{"nosuchfield":"bob"}')), /chat\.Post has no field "nosuchfield"/);
	});

	test('a missing --proto or --type, a bad file and an unknown type are setup errors', async () => {
		await assert.rejects(loadCodec('protobuf', {type: 'chat.Post'}), CodecSetupError);
		await assert.rejects(loadCodec('protobuf', {proto: [protoFile]}), CodecSetupError);
		await assert.rejects(loadCodec('protobuf', {proto: [join(temporary, 'none.proto')], type: 'a.B'}), CodecSetupError);
		writeFileSync(join(temporary, 'bad.proto'), 'message {');
		await assert.rejects(loadCodec('protobuf', {proto: [join(temporary, 'bad.proto')], type: 'a.B'}), CodecSetupError);
		await assert.rejects(loadCodec('protobuf', {proto: [protoFile], type: 'chat.Nope'}), /no such message type/);
	});
});

describe('protobuf setup errors name the file', () => {
	test('a syntax error, a missing import and a type defined nowhere: the .proto file and what is wrong, in one line', async () => {
		const write = (name: string, text: string): string => {
			const path = join(temporary, name);
			writeFileSync(path, text);
			return path;
		};

		const cases = [
			[write('syntax.proto', 'syntax = "proto3";\nmessage {\n'), /^--proto: illegal type name '\{' \(.*syntax\.proto, line 2\)$/],
			[write('imports.proto', 'syntax = "proto3";\nimport "nothere.proto";\nmessage A { int32 n = 1; }\n'), /^--proto .*imports\.proto: cannot read .*nothere\.proto, which it imports \(no such file\)$/],
			[write('unresolved.proto', 'syntax = "proto3";\npackage u;\nmessage A { Missing m = 1; }\n'), /^--proto .*unresolved\.proto: u\.A uses the type Missing, which none of the --proto files \(or their imports\) defines$/],
		] as const;
		for (const [path, expected] of cases) {
			await assert.rejects(loadCodec('protobuf', {proto: [path], type: 'u.A'}), (error: Error) => {
				assert.ok(error instanceof CodecSetupError);
				assert.match(error.message, expected);
				return true;
			});
		}
	});
});

describe('gzip and deflate', () => {
	test('gzip gives the text back, or the bytes when they are not UTF-8; no encoder', async () => {
		const codec = await loadCodec('gzip');
		assert.equal(codec.encode, undefined);
		assert.equal(codec.decode(gzipSync('{"a":1}')), '{"a":1}');
		assert.deepEqual(codec.decode(gzipSync(Buffer.from([0xFF, 0]))), Buffer.from([0xFF, 0]));
		assert.throws(() => codec.decode(Buffer.from('plain')));
	});

	test('deflate takes the zlib wrapper and raw deflate alike', async () => {
		const codec = await loadCodec('deflate');
		assert.equal(codec.decode(deflateSync('wrapped')), 'wrapped');
		assert.equal(codec.decode(deflateRawSync('raw')), 'raw');
		assert.throws(() => codec.decode(Buffer.from([0xFF, 0xFF, 0xFF])));
	});
});
