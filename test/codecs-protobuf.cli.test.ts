/*
--encode protobuf and --decode protobuf against protobufjs on the server's side: JSON follows the
proto3 JSON mapping (what protobuf's own JSON parsers accept and reject), so a value the field
cannot hold is refused rather than sent as something else.
*/
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import protobuf from 'protobufjs';
import {runCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-protobuf-cli-'));
const scalarsFile = join(temporary, 'scalars.proto');
writeFileSync(scalarsFile, `syntax = "proto3";
package t;
enum Kind { TEXT = 0; IMAGE = 1; }
message Inner { int32 n = 1; }
message M {
  int32 id = 1;
  uint32 count = 2;
  uint64 big = 3;
  Kind kind = 4;
  bool flag = 5;
  fixed64 fixed = 6;
  float ratio = 7;
  string name = 8;
  repeated int32 list = 9;
  map<string, int32> counts = 10;
  bytes data = 11;
  Inner inner = 12;
  sint64 small = 13;
  double real = 14;
  oneof choice { string a = 15; int32 b = 16; }
}
`);
const requiredFile = join(temporary, 'required.proto');
writeFileSync(requiredFile, `syntax = "proto2";
package t2;
message R { required int32 id = 1; optional string name = 2; }
`);
const M = protobuf.loadSync(scalarsFile).lookupType('t.M');
const R = protobuf.loadSync(requiredFile).lookupType('t2.R');

const servers: TestServer[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

/** A server that keeps every message it receives. */
async function recordingServer(): Promise<{url: string; received: Buffer[]}> {
	const received: Buffer[] = [];
	const server = await startServer({onConnection(socket) {
		socket.on('message', (data: Buffer) => received.push(data));
	}});
	servers.push(server);
	return {url: server.url, received};
}

describe('--encode protobuf refuses what the field cannot hold', () => {
	test('each value the proto3 JSON mapping rejects is one error line naming the field, and is not sent; exit 2', async () => {
		const refused: Array<readonly [string, RegExp]> = [
			['{"id":"abc"}', /field "id" \(int32\): "abc" is not an integer/],
			['{"id":1.5}', /field "id" \(int32\): 1\.5 is not an integer/],
			['{"id":2147483648}', /field "id" \(int32\): 2147483648 is out of range/],
			['{"count":-1}', /field "count" \(uint32\): -1 is out of range \(0 to 4294967295\)/],
			['{"count":8589934592}', /field "count" \(uint32\): 8589934592 is out of range/],
			['{"big":18446744073709551616}', /field "big" \(uint64\): 18446744073709551616 is out of range/],
			['{"kind":"VIDEO"}', /field "kind" \(t\.Kind\): "VIDEO" is not a value of the enum/],
			['{"flag":"yes"}', /field "flag" \(bool\): "yes" is not true or false/],
			['{"flag":1}', /field "flag" \(bool\): 1 is not true or false/],
			['{"fixed":"-1"}', /field "fixed" \(fixed64\): -1 is out of range/],
			['{"ratio":1e39}', /field "ratio" \(float\): 1e\+39 is out of range/],
			['{"name":5}', /field "name" \(string\): 5 is not a string/],
			['{"list":[1,"x"]}', /field "list\[1\]" \(int32\): "x" is not an integer/],
			['{"list":3}', /field "list" \(repeated int32\): 3 is not an array/],
			['{"counts":{"a":1.5}}', /field "counts\["a"\]" \(int32\): 1\.5 is not an integer/],
			['{"inner":{"n":"z"}}', /field "inner\.n" \(int32\): "z" is not an integer/],
			['{"inner":7}', /field "inner" \(t\.Inner\): 7 is not an object/],
			['{"data":"!!notbase64"}', /field "data" \(bytes\): "!!notbase64" is not base64/],
			['{"a":"x","b":1}', /fields "a" and "b" are both of oneof "choice"/],
			['{"small":"9223372036854775808"}', /field "small" \(sint64\): 9223372036854775808 is out of range/],
		];
		const {url, received} = await recordingServer();
		const good = '{"id":"12","count":4294967295,"big":"18446744073709551615","kind":1,"flag":false,"fixed":"18446744073709551615","ratio":"NaN","list":[1e2,-3.0],"counts":{"a":"7"},"data":"-_8","small":"-9223372036854775808","real":"1.5"}';
		const result = await runCli([url, '--encode', 'protobuf', '--proto', scalarsFile, '--type', 't.M', '--linger', '0'], {input: `${refused.map(([line]) => line).join('\n')}\n${good}\n`});
		assert.equal(result.code, 2);
		const errors = result.stderr.trim().split('\n');
		assert.equal(errors.length, refused.length, result.stderr);
		for (const [index, [line, reason]] of refused.entries()) {
			assert.match(errors[index]!, reason, line);
			assert.ok(errors[index]!.startsWith('wsterm: not sent: '), errors[index]);
		}

		assert.equal(received.length, 1);
		assert.deepEqual(M.toObject(M.decode(received[0]!), {longs: String, enums: String, bytes: String, json: true}), {
			id: 12, count: 4_294_967_295, big: '18446744073709551615', kind: 'IMAGE', fixed: '18446744073709551615', ratio: 'NaN',
			list: [100, -3], counts: {a: 7}, data: '+/8=', small: '-9223372036854775808', real: 1.5,
		});
	});

	test('a proto2 required field left out is refused, not sent as 0', async () => {
		const {url, received} = await recordingServer();
		const result = await runCli([url, '--encode', 'protobuf', '--proto', requiredFile, '--type', 't2.R', '--linger', '0'], {input: '{"name":"x"}\n{"id":0,"name":"y"}\n'});
		assert.equal(result.code, 2);
		assert.match(result.stderr, /^wsterm: not sent: cannot be encoded as protobuf \(field "id" \(int32\) is required\): \{"name":"x"\}\n$/);
		assert.equal(received.length, 1);
		assert.deepEqual(R.toObject(R.decode(received[0]!)), {id: 0, name: 'y'});
	});
});

const wellKnownFile = join(temporary, 'events.proto');
writeFileSync(wellKnownFile, `syntax = "proto3";
package ev;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/any.proto";
import "google/protobuf/empty.proto";
message Inner { string user_name = 1; int64 id = 2; }
message Event {
  google.protobuf.Timestamp at = 1;
  google.protobuf.Duration took = 2;
  google.protobuf.Struct meta = 3;
  google.protobuf.Value v = 4;
  google.protobuf.ListValue l = 5;
  google.protobuf.BoolValue ok = 6;
  google.protobuf.Int64Value n = 7;
  google.protobuf.StringValue s = 8;
  google.protobuf.FieldMask mask = 9;
  google.protobuf.Any any = 10;
  google.protobuf.Any any_duration = 11;
  google.protobuf.Empty e = 12;
  repeated google.protobuf.Timestamp times = 13;
  map<string, google.protobuf.Duration> waits = 14;
  google.protobuf.Any unknown = 15;
  google.protobuf.DoubleValue d = 16;
}
`);
const events = protobuf.loadSync(wellKnownFile);
const Event = events.lookupType('ev.Event');
const Inner = events.lookupType('ev.Inner');
const Duration = events.lookupType('google.protobuf.Duration');
const value = (kind: Record<string, unknown>): Record<string, unknown> => kind;

/** An Event as protobufjs builds it from its structures (seconds and nanos, Struct's fields...). */
const eventBytes = Buffer.from(Event.encode(Event.fromObject({
	at: {seconds: 1_609_459_200, nanos: 123_456_000},
	took: {seconds: -1, nanos: -500_000_000},
	meta: {fields: {a: value({numberValue: 1.5}), b: value({listValue: {values: [value({boolValue: true}), value({nullValue: 0})]}}), c: value({structValue: {fields: {d: value({stringValue: 'x'})}}})}},
	v: value({stringValue: 'hi'}),
	l: {values: [value({numberValue: 2})]},
	ok: {value: false},
	n: {value: '9007199254740993'},
	s: {value: ''},
	mask: {paths: ['user_name', 'a.b_c']},
	any: {type_url: 'type.googleapis.com/ev.Inner', value: Inner.encode(Inner.fromObject({userName: 'ann', id: '7'})).finish()},
	anyDuration: {type_url: 'type.googleapis.com/google.protobuf.Duration', value: Duration.encode(Duration.fromObject({seconds: 3})).finish()},
	e: {},
	times: [{seconds: 0}, {seconds: 253_402_300_799, nanos: 999_999_999}],
	waits: {x: {nanos: 1000}},
	unknown: {type_url: 'type.googleapis.com/other.Thing', value: Buffer.from([8, 1])},
	d: {value: 0},
})).finish());

/** The Event as the proto3 JSON mapping writes it (field order: as protobufjs's toObject gives them). */
const eventJson = '{"at":"2021-01-01T00:00:00.123456Z","took":"-1.500s","meta":{"a":1.5,"b":[true,null],"c":{"d":"x"}},"v":"hi","l":[2],"ok":false,"n":"9007199254740993","s":"","mask":"userName,a.bC",'
	+ '"any":{"@type":"type.googleapis.com/ev.Inner","userName":"ann","id":"7"},"anyDuration":{"@type":"type.googleapis.com/google.protobuf.Duration","value":"3s"},"e":{},'
	+ '"times":["1970-01-01T00:00:00Z","9999-12-31T23:59:59.999999999Z"],"waits":{"x":"0.000001s"},"unknown":{"@type":"type.googleapis.com/other.Thing","value":{"$bytes":"CAE="}},"d":0}';

describe('protobuf well-known types in the proto3 JSON mapping', () => {
	test('--decode prints each in its canonical JSON; --encode reads that back to the same bytes', async () => {
		const sender = await startServer({onConnection(socket) {
			socket.send(eventBytes);
		}});
		servers.push(sender);
		const decoded = await runCli([sender.url, '--decode', 'protobuf', '--proto', wellKnownFile, '--type', 'ev.Event', '-n', '1', '-w', '5']);
		assert.equal(decoded.stderr, '');
		assert.equal(decoded.stdout, `${eventJson}\n`);
		const {url, received} = await recordingServer();
		const encoded = await runCli([url, '--encode', 'protobuf', '--proto', wellKnownFile, '--type', 'ev.Event', '--linger', '0'], {input: `${eventJson}\n`});
		assert.equal(encoded.stderr, '');
		assert.equal(encoded.code, 0);
		assert.deepEqual(received, [eventBytes]);
	});

	test('--encode refuses what the canonical forms do not allow, naming the field', async () => {
		const {url, received} = await recordingServer();
		const lines = [
			['{"at":"2021-13-01T00:00:00Z"}', /field "at" \(google\.protobuf\.Timestamp\): "2021-13-01T00:00:00Z" is not a valid date and time/],
			['{"at":{"seconds":1}}', /field "at" \(google\.protobuf\.Timestamp\): .* is not an RFC 3339 time/],
			['{"took":"1.5"}', /field "took" \(google\.protobuf\.Duration\): "1\.5" is not a duration/],
			['{"ok":"false"}', /field "ok" \(google\.protobuf\.BoolValue\): "false" is not true or false/],
			['{"any":{"@type":"type.googleapis.com/nope.Nope"}}', /field "any" \(google\.protobuf\.Any\): "@type" names "type\.googleapis\.com\/nope\.Nope", a type not in the --proto files/],
			['{"any":{"@type":"type.googleapis.com/ev.Inner","id":"x"}}', /field "any\.id" \(int64\): "x" is not an integer/],
		] as const;
		const result = await runCli([url, '--encode', 'protobuf', '--proto', wellKnownFile, '--type', 'ev.Event', '--linger', '0'], {input: `${lines.map(([line]) => line).join('\n')}\n{"at":"2021-01-01T01:00:00+01:00"}\n`});
		assert.equal(result.code, 2);
		const errors = result.stderr.trim().split('\n');
		assert.equal(errors.length, lines.length, result.stderr);
		for (const [index, [, reason]] of lines.entries()) {
			assert.match(errors[index]!, reason);
		}

		assert.equal(received.length, 1);
		assert.deepEqual(Event.toObject(Event.decode(received[0]!), {longs: String}), {at: {seconds: '1609459200'}});
	});
});
