/*
wsterm bench's pure parts, in-process: the options builder, the pending-request ring, reply
matching, the message set, the figures and their formatting, and the open loop's schedule (on a
fake clock). test/bench.cli.test.ts runs the whole command against real servers.
*/
import assert from 'node:assert/strict';
import {Readable} from 'node:stream';
import {describe, test} from 'node:test';
import {benchOptionsFromFlags, type BenchFlags} from '../source/cli/load-options.js';
import {createMatcher, notAReply, parsePath, protocolTraffic, sequenceAt, socketIoAckId, writeAtPath} from '../source/load/match.js';
import {buildMessageSet, readMessages, type RawMessage} from '../source/load/messages.js';
import {OpenLoop} from '../source/load/open-loop.js';
import {PendingRequests} from '../source/load/pending.js';
import {brokenThresholds, grouped, liveLine, reportJson, reportTable} from '../source/load/report.js';
import {LoadStats, type BenchSummary} from '../source/load/stats.js';
import {UsageError} from '../source/shared/exit-codes.js';
import {fakeClock} from './helpers/fake-clock.js';

const url = 'ws://127.0.0.1:9/';

function text(value: string): RawMessage {
	return {bytes: Buffer.from(value), isBinary: false};
}

describe('bench options', () => {
	test('defaults: one connection, closed loop with one in flight, echo matching, 10 s timeout', () => {
		const options = benchOptionsFromFlags(url, {messages: '5'});
		assert.equal(options.connections, 1);
		assert.equal(options.rampMs, 0);
		assert.deepEqual(options.amount, {kind: 'messages', count: 5});
		assert.deepEqual(options.pace, {kind: 'closed', window: 1});
		assert.deepEqual(options.match, {kind: 'echo'});
		assert.equal(options.timeoutMs, 10_000);
		assert.equal(options.json, false);
		assert.deepEqual(options.thresholds, {});
		assert.equal(options.connect.connectTimeout, 10);
		assert.deepEqual(options.execute, []);
	});

	test('values are converted: seconds to ms, --match paths to keys', () => {
		const options = benchOptionsFromFlags(url, {
			connections: '100', ramp: '2.5', duration: '10', rate: '.5', match: 'meta.requestId', timeout: '0.25',
			maxP99: '12.5', maxErrors: '0', minRate: '1000', hist: 'h.hlog', json: true, header: ['X-A: 1'], origin: ['http://a'],
		});
		assert.equal(options.connections, 100);
		assert.equal(options.rampMs, 2500);
		assert.deepEqual(options.amount, {kind: 'duration', ms: 10_000});
		assert.deepEqual(options.pace, {kind: 'open', rate: 0.5});
		assert.deepEqual(options.match, {kind: 'path', path: ['meta', 'requestId']});
		assert.equal(options.timeoutMs, 250);
		assert.deepEqual(options.thresholds, {maxP99Ms: 12.5, maxErrors: 0, minRate: 1000});
		assert.equal(options.histFile, 'h.hlog');
		assert.deepEqual(options.connect.header, ['X-A: 1']);
		assert.equal(options.connect.origin, 'http://a');
		assert.deepEqual(benchOptionsFromFlags(url, {messages: '1', match: 'any'}).match, {kind: 'any'});
		assert.deepEqual(benchOptionsFromFlags(url, {messages: '1', protocol: 'jsonrpc'}).match, {kind: 'jsonrpc'});
		assert.deepEqual(benchOptionsFromFlags(url, {messages: '1', window: '8'}).pace, {kind: 'closed', window: 8});
	});

	test('--protocol graphql-ws and socketio: --init and --auth\'s JSON for their handshakes; socketio connects to Engine.IO, the path is the namespace', () => {
		const graphql = benchOptionsFromFlags(url, {messages: '1', protocol: 'graphql-ws', init: '{"token": 9007199254740993}'});
		assert.deepEqual(graphql.match, {kind: 'graphql-ws', initJson: '{"token":9007199254740993}'});
		assert.deepEqual(graphql.connect.subprotocol, ['graphql-transport-ws']);
		const socketIo = benchOptionsFromFlags('http://127.0.0.1:9/chat', {messages: '1', protocol: 'socketio', auth: '{"token":"t1"}'});
		assert.deepEqual(socketIo.match, {kind: 'socketio', namespace: '/chat', authJson: '{"token":"t1"}'});
		// The URL read as pipe mode reads it (host:port, http:// as ws://).
		assert.equal(socketIo.url, 'ws://127.0.0.1:9/socket.io/?EIO=4&transport=websocket');
		assert.equal(socketIo.connect.auth, undefined, 'a JSON --auth is not basic authentication');
		assert.deepEqual(benchOptionsFromFlags(url, {messages: '1', protocol: 'socketio'}).match, {kind: 'socketio', namespace: '/'});
		const onPath = benchOptionsFromFlags('127.0.0.1:9/chat', {messages: '1', protocol: 'socketio', socketioPath: '/api/live'});
		assert.equal(onPath.url, 'ws://127.0.0.1:9/api/live/?EIO=4&transport=websocket');
		assert.deepEqual(onPath.match, {kind: 'socketio', namespace: '/chat', givenPath: true});
	});

	const bad: Array<[string | undefined, BenchFlags, RegExp]> = [
		[undefined, {messages: '1'}, /^wsterm bench needs a URL/],
		[url, {}, /^wsterm bench needs -d\/--duration SEC or -m\/--messages N/],
		[url, {duration: '1', messages: '5'}, /^give -d\/--duration or -m\/--messages, not both/],
		[url, {messages: '0'}, /^--messages takes a whole number of at least 1, not "0"/],
		[url, {messages: '1e3'}, /--messages .* not "1e3"/],
		[url, {messages: '0x10'}, /--messages .* not "0x10"/],
		[url, {messages: ' 5'}, /--messages .* not " 5"/],
		[url, {messages: '5.5'}, /--messages/],
		[url, {duration: '0'}, /^--duration takes a number of seconds above 0, not "0"/],
		[url, {duration: '1e1'}, /--duration .* not "1e1"/],
		[url, {duration: 'Infinity'}, /--duration/],
		[url, {duration: ''}, /--duration/],
		[url, {messages: '1', connections: '0'}, /^--connections takes a whole number of at least 1, not "0"/],
		[url, {messages: '1', connections: '-1'}, /--connections/],
		[url, {duration: '2', ramp: '2'}, /^--ramp 2 is not shorter than -d\/--duration 2/],
		[url, {messages: '1', ramp: '-1'}, /^--ramp takes a number of seconds \(0 or more\)/],
		[url, {messages: '1', window: '0'}, /^--window takes a whole number of at least 1/],
		[url, {messages: '1', rate: '0'}, /^--rate takes messages a second above 0/],
		[url, {messages: '1', rate: '10', window: '2'}, /^--window sets the closed loop .*: give one of them/],
		[url, {messages: '1', timeout: '0'}, /^--timeout takes a number of seconds above 0/],
		[url, {messages: '1', maxP99: 'fast'}, /^--max-p99 takes milliseconds \(0 or more\), not "fast"/],
		[url, {messages: '1', maxErrors: '-1'}, /^--max-errors takes a whole number of at least 0/],
		[url, {messages: '1', minRate: '1e3'}, /^--min-rate takes messages a second \(0 or more\), not "1e3"/],
		[url, {messages: '1', match: 'a..b'}, /^--match takes a JSON key path such as id or meta\.requestId, or any, not "a\.\.b"/],
		[url, {messages: '1', match: '.id'}, /^--match takes a JSON key path/],
		[url, {messages: '1', protocol: 'stomp'}, /^--protocol stomp is not supported by wsterm bench yet \(jsonrpc, graphql-ws and socketio are/],
		[url, {messages: '1', protocol: 'mqtt'}, /^--protocol takes jsonrpc, graphql-ws, socketio with wsterm bench, not "mqtt"/],
		[url, {messages: '1', protocol: 'jsonrpc', match: 'id'}, /^--protocol jsonrpc pairs replies by their id itself/],
		[url, {messages: '1', protocol: 'graphql-ws', match: 'id'}, /^--protocol graphql-ws pairs replies by their id itself/],
		[url, {messages: '1', protocol: 'socketio', binary: true}, /^--protocol socketio sends JSON text; --binary/],
		[url, {messages: '1', init: '{}'}, /^--init goes with --protocol graphql-ws/],
		[url, {messages: '1', protocol: 'socketio', init: '{}'}, /^--init goes with --protocol graphql-ws/],
		[url, {messages: '1', protocol: 'graphql-ws', init: '{'}, /^--init is not JSON/],
		[url, {messages: '1', protocol: 'graphql-ws', init: '[1]'}, /^--init takes a JSON object/],
		[url, {messages: '1', protocol: 'socketio', auth: '{"token"'}, /^--auth is not JSON/],
		[url, {messages: '1', protocol: 'jsonrpc', binary: true}, /^--protocol jsonrpc sends JSON text; --binary/],
		[url, {messages: '1', encode: 'msgpack'}, /^--encode is not supported by wsterm bench yet/],
		[url, {messages: '1', hist: ' '}, /^--hist takes a file name/],
		[url, {messages: '1', origin: ['http://a', 'http://b']}, /^give -o\/--origin once/],
		[url, {messages: '1', connectTimeout: '0'}, /^--connect-timeout takes a number of seconds above 0/],
		[url, {messages: '1', maxPayload: '0'}, /^--max-payload takes a whole number of at least 1/],
	];
	for (const [given, flags, pattern] of bad) {
		test(`usage error: ${JSON.stringify(flags)}`, () => {
			assert.throws(() => benchOptionsFromFlags(given, flags), (error: Error) => error instanceof UsageError && pattern.test(error.message));
		});
	}
});

describe('pending requests', () => {
	test('in order, out of order, and growing past the first capacity', () => {
		const pending = new PendingRequests();
		for (let sequence = 0; sequence < 40; sequence++) {
			pending.add(sequence * 3, sequence, sequence % 2);
		}

		assert.equal(pending.waiting, 40);
		assert.equal(pending.findSequence(4), -1, 'never sent');
		const position = pending.findSequence(30);
		assert.equal(position, 10);
		assert.equal(pending.messageAt(position), 0);
		assert.equal(pending.settle(position), 10);
		assert.equal(pending.findSequence(30), -1, 'settled');
		assert.equal(pending.settle(pending.oldest()), 0);
		assert.equal(pending.findSequence(3), 0, 'the next one is now the oldest');
		assert.equal(pending.waiting, 38);
	});

	test('expire settles the oldest, up to a deadline, skipping those answered out of order', () => {
		const pending = new PendingRequests();
		for (let sequence = 0; sequence < 5; sequence++) {
			pending.add(sequence, sequence * 100, 0);
		}

		pending.settle(pending.findSequence(1));
		assert.equal(pending.expire(250), 2, 'requests 0 and 2 (1 was answered)');
		assert.equal(pending.waiting, 2);
		assert.equal(pending.findSequence(3), 0);
		assert.equal(pending.clear(), 2);
		assert.equal(pending.oldest(), -1);
	});

	test('findMessage finds the oldest waiting request carrying a message', () => {
		const pending = new PendingRequests();
		pending.add(0, 0, 7);
		pending.add(1, 0, 8);
		pending.add(2, 0, 8);
		assert.equal(pending.findMessage(message => message === 8), 1);
		pending.settle(1);
		assert.equal(pending.findMessage(message => message === 8), 2);
		assert.equal(pending.findMessage(message => message === 9), -1);
	});
});

describe('matching', () => {
	test('key paths: parse, write (making objects on the way), read', () => {
		assert.deepEqual(parsePath('meta.requestId'), ['meta', 'requestId']);
		assert.equal(parsePath('a.'), undefined);
		const value: Record<string, unknown> = {op: 'x'};
		writeAtPath(value, ['meta', 'id'], 5);
		assert.deepEqual(value, {op: 'x', meta: {id: 5}});
		assert.throws(() => writeAtPath({meta: 'text'}, ['meta', 'id'], 1), /"meta" holds "text", not an object/);
		assert.throws(() => writeAtPath([1], ['id'], 1), /not a JSON object/);
		assert.equal(sequenceAt({meta: {id: 5}}, ['meta', 'id']), 5);
		assert.equal(sequenceAt({id: '12'}, ['id']), 12, 'ids echoed as text');
		assert.equal(sequenceAt({id: 'x'}, ['id']), undefined);
		assert.equal(sequenceAt('text', ['id']), undefined);
	});

	test('echo: equal bytes answer the oldest request with them; anything else is a push', () => {
		const bytes = [Buffer.from('a'), Buffer.from('b')];
		const matcher = createMatcher({kind: 'echo'}, bytes);
		const pending = new PendingRequests();
		pending.add(0, 0, 0);
		pending.add(1, 0, 1);
		pending.add(2, 0, 0);
		assert.equal(matcher.find(Buffer.from('b'), pending), 1, 'out of order');
		pending.settle(1);
		assert.equal(matcher.find(Buffer.from('a'), pending), 0);
		pending.settle(0);
		assert.equal(matcher.find(Buffer.from('tick'), pending), -1);
		assert.equal(matcher.lastLooksLikeReply(), false);
		assert.equal(matcher.find(Buffer.from('b'), pending), -1);
		assert.equal(matcher.lastLooksLikeReply(), true, 'a message of the set: a late echo');
	});

	test('a path: the sequence number in the reply, in any order', () => {
		const matcher = createMatcher({kind: 'path', path: ['id']}, []);
		const pending = new PendingRequests();
		pending.add(10, 0, 0);
		pending.add(11, 0, 0);
		assert.equal(matcher.find(Buffer.from('{"id":11}'), pending), 1);
		assert.equal(matcher.find(Buffer.from('{"id":12}'), pending), -1);
		assert.equal(matcher.lastLooksLikeReply(), true);
		assert.equal(matcher.find(Buffer.from('not json'), pending), -1);
		assert.equal(matcher.lastLooksLikeReply(), false);
	});

	test('JSON-RPC: responses by id, errors flagged, notifications and requests from the server are not replies', () => {
		const matcher = createMatcher({kind: 'jsonrpc'}, []);
		const pending = new PendingRequests();
		pending.add(3, 0, 0);
		assert.equal(matcher.find(Buffer.from('{"jsonrpc":"2.0","method":"tick","id":3}'), pending), -1);
		assert.equal(matcher.find(Buffer.from('{"jsonrpc":"2.0","method":"tick"}'), pending), -1);
		assert.equal(matcher.find(Buffer.from('{"jsonrpc":"2.0","id":3,"error":{"code":1}}'), pending), 0);
		assert.equal(matcher.lastWasError(), true);
		assert.equal(matcher.find(Buffer.from('{"jsonrpc":"2.0","id":3,"result":null}'), pending), 0);
		assert.equal(matcher.lastWasError(), false);
	});

	test('graphql-ws: the first next or error with the id; errors in a result are errors; complete and later nexts are protocol traffic', () => {
		const matcher = createMatcher({kind: 'graphql-ws'}, []);
		const pending = new PendingRequests();
		pending.add(3, 0, 0);
		pending.add(4, 0, 0);
		assert.equal(matcher.find(Buffer.from('{"type":"complete","id":"2"}'), pending), protocolTraffic);
		assert.equal(matcher.lastLooksLikeReply(), false);
		assert.equal(matcher.find(Buffer.from('{"id":"2","type":"next","payload":{"data":{}}}'), pending), protocolTraffic);
		assert.equal(matcher.lastLooksLikeReply(), true, 'a late reply, if a request timed out');
		assert.equal(matcher.find(Buffer.from('{"not":"graphql"}'), pending), notAReply);
		assert.equal(matcher.find(Buffer.from('{"id":"4","type":"next","payload":{"data":{"a":null},"errors":[{"message":"no"}]}}'), pending), 1);
		assert.equal(matcher.lastWasError(), true);
		assert.equal(matcher.find(Buffer.from('{"id":"3","type":"next","payload":{"data":{"a":1}}}'), pending), 0);
		assert.equal(matcher.lastWasError(), false);
		assert.equal(matcher.find(Buffer.from('{"id":"3","type":"error","payload":[{"message":"no"}]}'), pending), 0);
		assert.equal(matcher.lastWasError(), true);
	});

	test('socketio: the ack with the id (in a namespace, binary); events are pushes; an ack nothing waits for is protocol traffic', () => {
		const matcher = createMatcher({kind: 'socketio', namespace: '/'}, []);
		const pending = new PendingRequests();
		pending.add(7, 0, 0);
		pending.add(12, 0, 0);
		assert.equal(matcher.find(Buffer.from('42["tick",1]'), pending), notAReply);
		assert.equal(matcher.find(Buffer.from('451-["photo",{"_placeholder":true,"num":0}]'), pending), notAReply);
		assert.equal(matcher.find(Buffer.from('4399["late"]'), pending), protocolTraffic);
		assert.equal(matcher.lastLooksLikeReply(), true);
		assert.equal(matcher.find(Buffer.from('43/chat,12["ok"]'), pending), 1);
		assert.equal(matcher.find(Buffer.from('461-7[{"_placeholder":true,"num":0}]'), pending), 0);
		assert.equal(socketIoAckId(Buffer.from('461-/chat,123[]')), 123);
		assert.equal(socketIoAckId(Buffer.from('43[]')), undefined);
	});

	test('any: the oldest request, whatever comes', () => {
		const matcher = createMatcher({kind: 'any'}, []);
		const pending = new PendingRequests();
		assert.equal(matcher.find(Buffer.from('x'), pending), -1);
		pending.add(0, 0, 0);
		assert.equal(matcher.find(Buffer.from('x'), pending), 0);
	});
});

describe('the message set', () => {
	test('-x values: @@ escapes @; stdin lines when there are none', async () => {
		const noFile = (): Buffer => {
			throw new Error('no file');
		};

		assert.deepEqual((await readMessages(['@@x', 'y'], true, Readable.from([]), noFile)).map(message => [message.bytes.toString(), message.isBinary]), [['@x', true], ['y', true]]);
		const lines = await readMessages([], false, Readable.from([Buffer.from('a\r\n\nb')]), noFile);
		assert.deepEqual(lines.map(message => message.bytes.toString()), ['a', 'b']);
		await assert.rejects(readMessages([], false, Readable.from([Buffer.from('\n')]), noFile), /stdin had no messages/);
		await assert.rejects(readMessages([], false, Object.assign(Readable.from([]), {isTTY: true}), noFile), /wsterm bench needs messages: give -x MSG/);
	});

	test('echo sends the bytes as they are', async () => {
		const set = await buildMessageSet([text('a'), {bytes: Buffer.from([0xff]), isBinary: true}], {kind: 'echo'});
		assert.equal(set.size, 2);
		assert.equal(set.payload(1, 7), set.bytes[1]);
		assert.deepEqual(set.isBinary, [false, true]);
	});

	test('a path gets each copy\'s sequence number, numbers kept as typed', async () => {
		const set = await buildMessageSet([text('{"op":"get","big":9007199254740993,"meta":{}}')], {kind: 'path', path: ['meta', 'requestId']});
		assert.equal(set.payload(0, 42), '{"op":"get","big":9007199254740993,"meta":{"requestId":42}}');
		await assert.rejects(buildMessageSet([text('[1]')], {kind: 'path', path: ['id']}), /message 1 \("\[1\]"\): not a JSON object: --match id needs JSON objects/);
		await assert.rejects(buildMessageSet([{bytes: Buffer.from([0xff]), isBinary: true}], {kind: 'path', path: ['id']}), /message 1 is not UTF-8 text/);
	});

	test('JSON-RPC lines become requests with the sequence number as id', async () => {
		const set = await buildMessageSet([text('sum [1,2]'), text('{"method":"ping","id":"mine"}')], {kind: 'jsonrpc'});
		assert.equal(set.payload(0, 5), '{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":5}');
		assert.equal(set.payload(1, 6), '{"jsonrpc":"2.0","method":"ping","id":6}');
		await assert.rejects(buildMessageSet([text('sum {oops')], {kind: 'jsonrpc'}), /message 1 \("sum \{oops"\): params are not JSON .*--protocol jsonrpc needs requests/);
	});

	test('graphql-ws operations go as subscribe with the sequence number as id; Socket.IO events with it as ack id', async () => {
		const graphql = await buildMessageSet([text('{ hello }'), text('{"query":"query Q($n: Int) { a(n: $n) }","variables":{"n":1.10},"operationName":"Q"}')], {kind: 'graphql-ws'});
		assert.equal(graphql.payload(0, 5), '{"id":"5","type":"subscribe","payload":{"query":"{ hello }"}}');
		assert.equal(graphql.payload(1, 6), '{"id":"6","type":"subscribe","payload":{"query":"query Q($n: Int) { a(n: $n) }","variables":{"n":1.10},"operationName":"Q"}}');
		await assert.rejects(buildMessageSet([text('{"variables":{}}')], {kind: 'graphql-ws'}), /message 1 \("\{\\"variables\\":\{\}\}"\): a JSON line needs a "query" string: --protocol graphql-ws needs GraphQL operations/);
		const events = await buildMessageSet([text('["echo",9007199254740993,{"a":[]}]')], {kind: 'socketio', namespace: '/'});
		assert.equal(events.payload(0, 3), '423["echo",9007199254740993,{"a":[]}]');
		const chat = await buildMessageSet([text('["echo"]')], {kind: 'socketio', namespace: '/chat'});
		assert.equal(chat.payload(0, 10), '42/chat,10["echo"]');
		await assert.rejects(buildMessageSet([text('{"event":1}')], {kind: 'socketio', namespace: '/'}), /^UsageError: message 1 \("\{\\"event\\":1\}"\): give an event as a JSON array, \["name", args\.\.\.\]$/);
		await assert.rejects(buildMessageSet([text('["photo",{"$bytes":"AQID"}]')], {kind: 'socketio', namespace: '/'}), /binary attachments \(\{"\$bytes"\}\) are not supported by wsterm bench/);
	});
});

function summary(overrides: Partial<BenchSummary> = {}): BenchSummary {
	const stats = new LoadStats({intervals: false});
	for (const ms of [1, 2, 3, 4, 100]) {
		stats.recordLatency(ms);
	}

	stats.recordConnect(5);
	stats.connectionsOpened = 1;
	stats.sent = 5;
	stats.answered = 5;
	stats.firstSentAt = 0;
	stats.lastSettledAt = 2000;
	return {...stats.summary(2000), ...overrides};
}

describe('figures and report', () => {
	test('percentiles at microsecond resolution, the rate over the run', () => {
		const figures = summary();
		// HDR's value at a percentile is the top of its bucket: 3 ms lies in one 2 us wide.
		assert.deepEqual(figures.latencyMs, {min: 1, p50: 3.001, p90: 100, p99: 100, p999: 100, max: 100, mean: 22});
		assert.deepEqual(figures.connectMs, {p50: 5, p99: 5, max: 5});
		assert.equal(figures.seconds, 2);
		assert.equal(figures.perSecond, 2.5);
		const empty = new LoadStats({intervals: false}).summary(0);
		assert.equal(empty.latencyMs.p99, null);
		assert.equal(empty.perSecond, 0);
	});

	test('HDR keeps three significant digits', () => {
		const stats = new LoadStats({intervals: false});
		stats.recordLatency(12.3456);
		stats.recordLatency(1234.5678);
		const {min, max} = stats.summary(0).latencyMs;
		assert.ok(Math.abs(min! - 12.346) <= 0.012, `min ${min}`);
		assert.ok(Math.abs(max! - 1234.568) <= 1.2, `max ${max}`);
	});

	test('the table and --json', () => {
		const table = reportTable(summary({connectFailures: 2, pushes: 1234}), {url, pace: '1 connection, closed loop, 1 in flight each, 5 messages', late: 3});
		assert.equal(table, [
			`wsterm bench ${url}: 1 connection, closed loop, 1 in flight each, 5 messages`,
			'',
			'  connections   1 opened, 2 failed',
			'  connect time  p50 5.000 ms, p99 5.000 ms, max 5.000 ms',
			'  sent          5',
			'  answered      5',
			'  unanswered    0 (3 answered after the timeout)',
			'  pushes        1,234',
			'  errors        0',
			'  msgs/s        2.5 (answered, over 2.00 s)',
			'',
			'  latency           min     p50     p90     p99   p99.9     max    mean',
			'  ms              1.000   3.001 100.000 100.000 100.000 100.000  22.000',
			'',
		].join('\n'));
		assert.deepEqual(JSON.parse(reportJson(summary())), summary());
		assert.equal(grouped(1_234_567.25, 1), '1,234,567.3');
		assert.equal(grouped(999), '999');
	});

	test('the live line fits the terminal', () => {
		const line = liveLine({elapsedMs: 3200, sent: 12_345, answered: 12_300, perSecond: 4100, p50: 0.81, p99: 2.3}, 200);
		assert.equal(line, '3.2 s  sent 12,345  answered 12,300  4,100 msgs/s  p50 0.810 ms  p99 2.300 ms');
		assert.equal(liveLine({elapsedMs: 0, sent: 0, answered: 0, perSecond: 0, p50: null, p99: null}, 20), '0.0 s  sent 0  answ');
	});

	test('thresholds: each broken one named', () => {
		assert.deepEqual(brokenThresholds(summary(), {maxP99Ms: 100, maxErrors: 0, minRate: 2}), []);
		assert.deepEqual(brokenThresholds(summary({unanswered: 1, connectFailures: 1}), {maxP99Ms: 50, maxErrors: 1, minRate: 3}), [
			'--max-p99 50: p99 latency was 100.000 ms',
			'--max-errors 1: 2 went wrong (0 errors, 1 unanswered, 1 connections failed)',
			'--min-rate 3: 2.5 msgs/s',
		]);
		assert.deepEqual(brokenThresholds(new LoadStats({intervals: false}).summary(0), {maxP99Ms: 50}), ['--max-p99 50: no request was answered']);
	});
});

describe('the open loop', () => {
	test('request k goes at start + k / rate, late ones in a burst with their scheduled times', () => {
		const clock = fakeClock();
		const due: number[] = [];
		let open = true;
		const loop = new OpenLoop(100, clock, dueAt => {
			if (!open) {
				return false;
			}

			due.push(dueAt);
			return true;
		});
		loop.start();
		clock.advance(35);
		assert.deepEqual(due, [0, 10, 20, 30]);
		open = false;
		clock.advance(30);
		open = true;
		clock.advance(1);
		assert.deepEqual(due, [0, 10, 20, 30, 40, 50, 60]);
		loop.stop();
		clock.advance(100);
		assert.equal(due.length, 7);
	});
});
