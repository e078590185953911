import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {Connection} from '../source/connection/connection.js';
import {UsageError} from '../source/shared/exit-codes.js';
import {formatRecord} from '../source/shared/event-record.js';
import {canonicalNumber, compareMessage, compareMessages, formatMismatch} from '../source/replay/check.js';
import {detectWire} from '../source/replay/wire.js';
import type {Conversation, RecordedMessage} from '../source/replay/conversation.js';
import {createPacer, type Pace} from '../source/replay/pacing.js';
import {parseConversation} from '../source/replay/read-conversation.js';
import {createRecorder, recordConnection} from '../source/replay/recorder.js';
import {createResponderFactory} from '../source/replay/responder.js';
import {sessionRecords} from '../source/session/session.js';
import {replayChoicesFromFlags} from '../source/cli/replay-options.js';
import {startServer} from './helpers/servers.js';
import {fakeClock} from './helpers/fake-clock.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-replay-units-'));

function text(dir: 'in' | 'out', time: number, data: string): RecordedMessage {
	return {dir, time, isBinary: false, data: Buffer.from(data)};
}

function usageMessage(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		assert.ok(error instanceof UsageError, `not a UsageError: ${String(error)}`);
		return error.message;
	}

	assert.fail('no error');
}

/** A client message that repeats no recorded one: the responder answers with the recording's next. */
const anything = Buffer.from('anything');

describe('reading recordings', () => {
	test('a wsterm recording: open gives URL and subprotocol, text and binary exact, control records skipped, a second open ends it', () => {
		const lines = [
			{time: '2026-01-01T00:00:00.000Z', dir: 'out', type: 'open', url: 'ws://example.test/x', protocol: 'chat'},
			{time: '2026-01-01T00:00:00.100Z', dir: 'out', type: 'text', size: 2, data: 'hi'},
			{time: '2026-01-01T00:00:00.150Z', dir: 'in', type: 'ping', size: 0, data: ''},
			{time: '2026-01-01T00:00:00.200Z', dir: 'in', type: 'binary', size: 3, base64: 'AP8K'},
			{time: '2026-01-01T00:00:00.300Z', dir: 'out', type: 'close', code: 1000, reason: ''},
			{time: '2026-01-01T00:00:01.000Z', dir: 'out', type: 'open', url: 'ws://example.test/x', protocol: 'chat'},
			{time: '2026-01-01T00:00:01.100Z', dir: 'out', type: 'text', data: 'after reconnect'},
		];
		const conversation = parseConversation(lines.map(line => JSON.stringify(line)).join('\n'), 'r.jsonl');
		assert.equal(conversation.url, 'ws://example.test/x');
		assert.equal(conversation.protocol, 'chat');
		assert.equal(conversation.openedAt, Date.parse('2026-01-01T00:00:00.000Z'));
		assert.deepEqual(conversation.messages.map(message => [message.dir, message.isBinary, message.data.toString('hex')]), [
			['out', false, Buffer.from('hi').toString('hex')],
			['in', true, '00ff0a'],
		]);
	});

	test('--jsonl output without open records reads too; an unfinished last line is the event in progress and is skipped', () => {
		const conversation = parseConversation('{"time":"2026-01-01T00:00:00.000Z","dir":"in","type":"text","data":"a"}\n{"time":"2026-01-01T00:00:0', 'x');
		assert.equal(conversation.url, undefined);
		assert.equal(conversation.messages.length, 1);
	});

	test('bad recordings are one-line usage errors naming the file and line', () => {
		assert.match(usageMessage(() => parseConversation('not json\n{}\n', 'f.jsonl')), /^f\.jsonl line 1: not JSON \(.+\); expected one wsterm event record per line, such as \{"dir":"out","data":"hello"\}, or a HAR file$/);
		assert.equal(usageMessage(() => parseConversation('{"dir":"sideways"}\n', 'f.jsonl')), 'f.jsonl line 1: "dir" must be "out" (sent by the client) or "in" (sent by the server), not "sideways"');
		assert.match(usageMessage(() => parseConversation('{"dir":"in","type":"text","data":"a","time":"yesterday"}\n', 'f')), /^f line 1: "time" is not an ISO 8601 date such as "2024-05-01T12:00:00\.000Z": "yesterday" \(or leave it out: no wait\)$/);
		assert.match(usageMessage(() => parseConversation('{"dir":"in","type":"binary","time":"2026-01-01T00:00:00Z"}\n', 'f')), /needs "base64"/);
		assert.equal(usageMessage(() => parseConversation('', 'empty.jsonl')), 'empty.jsonl holds no messages to replay');
		assert.match(usageMessage(() => parseConversation('{"dir":"in","type":"text","data":"a","time":"2026-01-01T00:00:00Z"}\n', 'f', 2)), /--entry picks a WebSocket entry of a HAR file/);
	});

	const har = (entries: unknown[]): string => JSON.stringify({log: {version: '1.2', entries}}, null, 2);
	const socketEntry = (url: string, messages: unknown[]): unknown => ({
		startedDateTime: '2026-01-01T00:00:00.000Z',
		request: {method: 'GET', url, headers: []},
		response: {status: 101, headers: [{name: 'Sec-WebSocket-Protocol', value: 'v1'}]},
		_resourceType: 'websocket',
		_webSocketMessages: messages,
	});

	test('a Chrome HAR: send/receive, opcode 1 text, opcode 2 base64 binary, seconds as times, URL and subprotocol of the entry', () => {
		const conversation = parseConversation(har([
			{request: {url: 'https://example.test/page'}, response: {headers: []}},
			socketEntry('wss://example.test/socket', [
				{type: 'send', time: 1_767_225_600.5, opcode: 1, data: '{"op":"hi"}'},
				{type: 'receive', time: 1_767_225_600.75, opcode: 2, data: 'AQID'},
			]),
		]), 'x.har');
		assert.equal(conversation.url, 'wss://example.test/socket');
		assert.equal(conversation.protocol, 'v1');
		assert.deepEqual(conversation.messages.map(message => [message.dir, message.time, message.isBinary, message.data.toString('hex')]), [
			['out', 1_767_225_600_500, false, Buffer.from('{"op":"hi"}').toString('hex')],
			['in', 1_767_225_600_750, true, '010203'],
		]);
	});

	test('several WebSocket entries: a usage error listing them, --entry N picks one, out of range says how many', () => {
		const file = har([
			socketEntry('wss://a.test/one', [{type: 'send', time: 1, opcode: 1, data: 'x'}]),
			socketEntry('wss://b.test/two', [{type: 'send', time: 1, opcode: 1, data: 'y'}, {type: 'receive', time: 2, opcode: 1, data: 'z'}]),
		]);
		assert.equal(usageMessage(() => parseConversation(file, 'two.har')), [
			'two.har has 2 WebSocket entries: pick one with --entry N',
			'  1  wss://a.test/one (1 sent, 0 received)',
			'  2  wss://b.test/two (1 sent, 1 received)',
		].join('\n'));
		assert.equal(parseConversation(file, 'two.har', 2).url, 'wss://b.test/two');
		assert.equal(usageMessage(() => parseConversation(file, 'two.har', 3)), '--entry 3: two.har has 2 WebSocket entries');
		assert.match(usageMessage(() => parseConversation(har([]), 'none.har')), /no WebSocket messages/);
	});

	test('what the session\'s /save writes replays: sent and received messages, notices and unsent ones left out', () => {
		const entry = {size: 0};
		const saved = sessionRecords([
			{...entry, seq: 1, time: 1000, dir: 'local', kind: 'info', text: 'connected'},
			{...entry, seq: 2, time: 1100, dir: 'out', kind: 'text', text: 'hi'},
			{...entry, seq: 3, time: 1200, dir: 'in', kind: 'binary', bytes: Buffer.from([7])},
			{...entry, seq: 4, time: 1300, dir: 'out', kind: 'text', text: 'never', delivery: 'unsent'},
			{...entry, seq: 5, time: 1400, dir: 'out', kind: 'close', code: 1000, reason: ''},
		]).map(record => formatRecord(record)).join('');
		const conversation = parseConversation(saved, 'saved.jsonl');
		assert.deepEqual(conversation.messages.map(message => [message.dir, message.time, message.isBinary, message.data.toString('hex')]), [
			['out', 1100, false, '6869'],
			['in', 1200, true, '07'],
		]);
	});

	test('replay flags are checked', () => {
		assert.deepEqual(replayChoicesFromFlags({check: false, ignore: []}), {pace: 'reply', replyTimeoutMs: 5000, check: false, ignore: []});
		assert.match(usageMessage(() => replayChoicesFromFlags({pace: 'slow', check: false, ignore: []})), /--pace takes reply, recorded, fast, not "slow"/);
		assert.match(usageMessage(() => replayChoicesFromFlags({replyTimeout: '0', check: false, ignore: []})), /--reply-timeout/);
		assert.match(usageMessage(() => replayChoicesFromFlags({entry: '0', check: false, ignore: []})), /--entry takes a whole number/);
	});
});

describe('checking', () => {
	const message = (data: string): {isBinary: boolean; data: Buffer} => ({isBinary: false, data: Buffer.from(data)});
	const none = new Set<string>();

	test('numbers compare by exact value, beyond 2^53 too', () => {
		assert.equal(canonicalNumber('1.50'), canonicalNumber('15e-1'));
		assert.equal(canonicalNumber('100'), canonicalNumber('1E2'));
		assert.equal(canonicalNumber('-0.0'), canonicalNumber('0'));
		assert.notEqual(canonicalNumber('9007199254740993'), canonicalNumber('9007199254740992'));
		// JSON.parse makes these two the same number; the check does not.
		assert.deepEqual(compareMessage(message('{"id":9007199254740993}'), message('{"id":9007199254740992}'), none), ['$.id: expected 9007199254740993, actual 9007199254740992']);
		assert.deepEqual(compareMessage(message('[1.0, 2e0]'), message('[1,2]'), none), []);
	});

	test('JSON: key order is free, --ignore keys are left out at any depth, differences name their path', () => {
		assert.deepEqual(compareMessage(message('{"a":1,"b":{"c":[true,null]}}'), message('{"b":{"c":[true,null]},"a":1}'), none), []);
		const ignore = new Set(['ts']);
		assert.deepEqual(compareMessage(message('{"ts":1,"data":{"ts":"x","v":[{"ts":0}]}}'), message('{"data":{"v":[{"ts":5}],"ts":"y"},"ts":2}'), ignore), []);
		assert.deepEqual(compareMessage(message('{"a":{"b-c":[1,2]},"gone":1}'), message('{"a":{"b-c":[1,3,4]},"new":"\\u001b"}'), none), [
			'$.a["b-c"][1]: expected 2, actual 3',
			'$.a["b-c"]: expected 2 items, actual 3',
			'$.gone: missing (expected 1)',
			'$.new: unexpected (actual "\\u001b")',
		]);
		assert.deepEqual(compareMessage(message('{"a":1}'), message('nope'), none), ['expected JSON, actual is not JSON']);
		assert.deepEqual(compareMessage(message('"1"'), message('1'), none), ['$: expected "1", actual 1']);
	});

	test('text, binary and type differences; missing and extra messages', () => {
		assert.deepEqual(compareMessage(message('hello'), message('help'), none), ['text differs from character 4']);
		assert.deepEqual(compareMessage({isBinary: true, data: Buffer.from([1, 2, 3])}, {isBinary: true, data: Buffer.from([1, 9])}, none), ['bytes differ from byte 1 (expected 3 B, actual 2 B)']);
		assert.deepEqual(compareMessage({isBinary: true, data: Buffer.from('a')}, message('a'), none), ['expected a binary message, actual text']);
		const long = 'x'.repeat(300);
		assert.match(compareMessage(message(`${long}a`), message(`${long}b`), none)[0]!, /^text differs from character 301: expected …x+a, actual …x+b$/);
		const mismatches = compareMessages([message('a'), message('b')], [message('a'), message('c'), message('d')], none);
		assert.deepEqual(mismatches.map(mismatch => mismatch.position), [2, 3]);
		assert.deepEqual(compareMessages([message('a'), message('b')], [message('a')], none).map(mismatch => [mismatch.position, mismatch.actual]), [[2, undefined]]);
	});

	test('a mismatch reads as expected/actual with its position, control characters visible', () => {
		const [mismatch] = compareMessages([message('ok\u001B[2J\r\n')], [message('\u009B31mno')], none);
		assert.deepEqual(formatMismatch(mismatch!, 1), [
			'message 1 of 1 differs',
			'  expected: ok\\e[2J\\r\\n',
			'  actual:   \\x9b31mno',
			'  text differs from character 1',
		]);
		const [missing] = compareMessages([message('a')], [], none);
		assert.deepEqual(formatMismatch(missing!, 1), ['message 1 of 1 did not arrive', '  expected: a', '  actual:   (nothing)']);
		const [extra] = compareMessages([], [{isBinary: true, data: Buffer.from([0, 255])}], none);
		assert.deepEqual(formatMismatch(extra!, 0), ['message 1 of 0 unexpected (more messages than recorded)', '  expected: (nothing)', '  actual:   [binary 2 B] 00 ff']);
	});
});

describe('checking a protocol\'s recording', () => {
	const message = (data: string): {isBinary: boolean; data: Buffer} => ({isBinary: false, data: Buffer.from(data)});
	const none = new Set<string>();
	const recording = (protocol: string, url: string, data: readonly string[]): Conversation => ({protocol, url, messages: data.map((text, index) => ({dir: index === 0 ? 'out' : 'in', time: index, isBinary: false, data: Buffer.from(text)}))});

	test('the protocol is read from the subprotocol, the URL or the first messages', () => {
		assert.equal(detectWire(recording('graphql-transport-ws', '', [])), 'graphql-ws');
		assert.equal(detectWire(recording('v12.stomp', '', [])), 'stomp');
		assert.equal(detectWire(recording('', 'ws://h/socket.io/?EIO=4&transport=websocket', [])), 'socketio');
		assert.equal(detectWire(recording('', '', ['CONNECT\naccept-version:1.2\n\n\u0000'])), 'stomp');
		assert.equal(detectWire(recording('', '', ['40', '0{"sid":"x"}'])), 'socketio');
		assert.equal(detectWire(recording('', '', ['{"type":"connection_init"}'])), 'graphql-ws');
		assert.equal(detectWire(recording('', '', ['{"jsonrpc":"2.0","id":1,"method":"m"}'])), 'jsonrpc');
		assert.equal(detectWire(recording('chat', 'ws://h/', ['{"id":1}'])), undefined);
	});

	test('per operation: each id\'s messages in order, operations in any order; a mismatch names its operation', () => {
		const expected = [message('{"type":"connection_ack"}'), message('{"id":"1","type":"next"}'), message('{"id":"2","type":"next"}'), message('{"id":"1","type":"complete"}')];
		const actual = [message('{"type":"connection_ack"}'), message('{"id":"2","type":"next"}'), message('{"id":"1","type":"next"}'), message('{"id":"1","type":"complete"}')];
		assert.deepEqual(compareMessages(expected, actual, none, {wire: 'graphql-ws'}), []);
		assert.equal(compareMessages(expected, actual, none).length, 2, 'in order, they differ');
		const [changed] = compareMessages(expected, [...actual.slice(0, 3), message('{"id":"1","type":"error"}')], none, {wire: 'graphql-ws'});
		assert.deepEqual(formatMismatch(changed!, 4).slice(0, 1).concat(changed!.details), ['message 4 of 4 (id "1") differs', '$.type: expected "complete", actual "error"']);
		// A JSON-RPC response by its id, Socket.IO acks by namespace and ack id.
		assert.deepEqual(compareMessages([message('{"jsonrpc":"2.0","id":1,"result":1}'), message('{"jsonrpc":"2.0","id":2,"result":2}')], [message('{"jsonrpc":"2.0","id":2,"result":2}'), message('{"jsonrpc":"2.0","id":1,"result":1}')], none, {wire: 'jsonrpc'}), []);
		assert.deepEqual(compareMessages([message('431["a"]'), message('43/chat,1["b"]')], [message('43/chat,1["b"]'), message('431["a"]')], none, {wire: 'socketio'}), []);
	});

	test('--unordered: each message received takes the first equal one recorded; what is left compares in order', () => {
		const expected = [message('a'), message('{"n":1,"m":2}'), message('a'), message('b')];
		assert.deepEqual(compareMessages(expected, [message('b'), message('a'), message('{"m":2,"n":1.0}'), message('a')], none, {unordered: true}), []);
		const left = compareMessages(expected, [message('a'), message('c'), message('b'), message('a'), message('d')], none, {unordered: true});
		assert.deepEqual(left.map(({position, expected: wanted, actual}) => [position, wanted?.data.toString(), actual?.data.toString()]), [[2, '{"n":1,"m":2}', 'c'], [5, undefined, 'd']]);
	});

	test('STOMP: command, headers by name (CONNECTED\'s session left out; --ignore names a header), body as JSON', () => {
		const connected = (session: string, server = 's/1'): {isBinary: boolean; data: Buffer} => message(`CONNECTED\nsession:${session}\nserver:${server}\nversion:1.2\n\n\u0000`);
		assert.deepEqual(compareMessage(connected('a'), connected('b'), none, 'stomp'), []);
		assert.deepEqual(compareMessage(connected('a'), connected('b', 's/2'), none, 'stomp'), ['header server: expected "s/1", actual "s/2"']);
		assert.deepEqual(compareMessage(connected('a'), connected('b', 's/2'), new Set(['server']), 'stomp'), []);
		assert.deepEqual(compareMessage(message('MESSAGE\nsubscription:0\n\n{"a":1,"b":2}\u0000'), message('MESSAGE\nsubscription:0\n\n{"b":2,"a":3}\u0000'), none, 'stomp'), ['$.a: expected 1, actual 3']);
		assert.deepEqual(compareMessage(message('RECEIPT\nreceipt-id:1\n\n\u0000'), message('ERROR\nmessage:no\n\n\u0000'), none, 'stomp'), ['command: expected "RECEIPT", actual "ERROR"']);
	});

	test('Socket.IO: the handshake\'s sid is left out, nowhere else', () => {
		assert.deepEqual(compareMessage(message('0{"sid":"a","pingInterval":25000}'), message('0{"sid":"b","pingInterval":25000}'), none, 'socketio'), []);
		assert.deepEqual(compareMessage(message('40{"sid":"a"}'), message('40{"sid":"b"}'), none, 'socketio'), []);
		assert.deepEqual(compareMessage(message('42["e",{"sid":"a"}]'), message('42["e",{"sid":"b"}]'), none, 'socketio'), ['$[1].sid: expected "a", actual "b"']);
		assert.deepEqual(compareMessage(message('42["e"]'), message('43["e"]'), none, 'socketio'), ['packet: expected "42", actual "43"']);
	});
});

describe('pacing', () => {
	// greeting g; out a -> replies a1 a2; out b -> no reply; out c -> reply c1. Recorded offsets in ms.
	const conversation: Conversation = {
		openedAt: 0,
		messages: [
			text('in', 10, 'g'),
			text('out', 100, 'a'),
			text('in', 150, 'a1'),
			text('in', 160, 'a2'),
			text('out', 400, 'b'),
			text('out', 700, 'c'),
			text('in', 710, 'c1'),
		],
	};

	function run(pace: Pace): {clock: ReturnType<typeof fakeClock>; log: string[]; pacer: ReturnType<typeof createPacer>} {
		const clock = fakeClock();
		const log: string[] = [];
		const pacer = createPacer(conversation, {pace, replyTimeoutMs: 5000, clock}, {
			send: (message, index) => log.push(`${clock.now()} send ${index} ${message.data.toString()}`),
			timeout: (missing, before) => log.push(`${clock.now()} timeout ${missing} ${String(before)}`),
			done: () => log.push(`${clock.now()} done`),
		});
		pacer.start();
		return {clock, log, pacer};
	}

	test('reply: each message waits for the replies recorded before it, consecutive sends go together', () => {
		const {clock, log, pacer} = run('reply');
		assert.deepEqual(log, []);
		clock.advance(30);
		pacer.received();
		assert.deepEqual(log, ['30 send 0 a']);
		clock.advance(20);
		pacer.received();
		assert.equal(log.length, 1);
		pacer.received();
		assert.deepEqual(log.slice(1), ['50 send 1 b', '50 send 2 c']);
		pacer.received();
		assert.deepEqual(log.slice(3), ['50 done']);
	});

	test('reply: a reply that never comes costs the timeout, once per wait', () => {
		const {clock, log, pacer} = run('reply');
		clock.advance(4999);
		assert.deepEqual(log, []);
		clock.advance(1);
		assert.deepEqual(log, ['5000 timeout 1 0', '5000 send 0 a']);
		pacer.received();
		pacer.received();
		clock.advance(5000);
		assert.deepEqual(log.slice(2), ['5000 send 1 b', '5000 send 2 c', '10000 timeout 1 undefined', '10000 done']);
	});

	test('recorded: each message at its recorded offset from the open', () => {
		const {clock, log, pacer} = run('recorded');
		clock.advance(99);
		assert.deepEqual(log, []);
		clock.advance(700);
		assert.deepEqual(log, ['100 send 0 a', '400 send 1 b', '700 send 2 c']);
		for (let index = 0; index < 4; index++) {
			pacer.received();
		}

		assert.deepEqual(log.slice(3), ['799 done']);
	});

	test('fast: everything at once; done when as many messages came as were recorded', () => {
		const {log, pacer} = run('fast');
		assert.deepEqual(log, ['0 send 0 a', '0 send 1 b', '0 send 2 c']);
		for (let index = 0; index < 4; index++) {
			pacer.received();
		}

		assert.deepEqual(log.slice(3), ['0 done']);
	});
});

describe('delays too long for a timer', () => {
	/** 30 days: past the 2^31-1 ms (24.8 days) Node's setTimeout takes (it warns and fires after 1 ms instead). */
	const month = 30 * 24 * 3600 * 1000;

	/** A fake clock that notes each delay asked of it. */
	function notingClock(): {clock: ReturnType<typeof fakeClock>; delays: number[]} {
		const clock = fakeClock();
		const delays: number[] = [];
		const setTimeout = clock.setTimeout;
		return {clock: {...clock, setTimeout: (callback, ms) => {
			delays.push(ms);
			return setTimeout(callback, ms);
		}}, delays};
	}

	test('recorded pace: a message a month after the one before goes a month later; no timer is asked for more than 2^31-1 ms', () => {
		const {clock, delays} = notingClock();
		const log: string[] = [];
		const pacer = createPacer({openedAt: 0, messages: [text('out', 0, 'a'), text('out', month, 'b')]}, {pace: 'recorded', replyTimeoutMs: 1000, clock}, {
			send: message => log.push(`${clock.now()} ${message.data.toString()}`),
			done: () => log.push(`${clock.now()} done`),
		});
		pacer.start();
		clock.advance(month - 1);
		assert.deepEqual(log, ['0 a']);
		clock.advance(1);
		// No reply was recorded: done once the last message is sent.
		assert.deepEqual(log, ['0 a', `${month} b`, `${month} done`]);
		assert.ok(delays.every(delay => delay <= (2 ** 31) - 1), String(delays));
		pacer.stop();
	});

	test('serve --replay: a reply recorded a month later comes a month later, by timers no longer than 2^31-1 ms', () => {
		const {clock, delays} = notingClock();
		const sent: string[] = [];
		const responder = createResponderFactory({openedAt: 0, messages: [text('out', 0, 'a'), text('in', month, 'late')]}, {pace: 'recorded', clock})(data => sent.push(`${clock.now()} ${data.toString()}`));
		responder.receive(anything, false);
		clock.advance(month - 1);
		assert.deepEqual(sent, []);
		clock.advance(1);
		assert.deepEqual(sent, [`${month} late`]);
		assert.ok(delays.every(delay => delay <= (2 ** 31) - 1), String(delays));
		responder.stop();
	});
});

describe('serve --replay responder', () => {
	const conversation: Conversation = {
		openedAt: 0,
		messages: [
			text('in', 50, 'welcome'),
			text('out', 100, 'a'),
			text('in', 400, 'a1'),
			{dir: 'in', time: 500, isBinary: true, data: Buffer.from([1, 2])},
			text('out', 600, 'b'),
			text('out', 700, 'c'),
			text('in', 800, 'c1'),
		],
	};

	test('greeting on connect, then the replies recorded after each outgoing message, in order; nothing past the end', () => {
		const clock = fakeClock();
		const sent: string[] = [];
		const responder = createResponderFactory(conversation, {pace: 'reply', clock})((data, isBinary) => sent.push(isBinary ? `bin ${data.toString('hex')}` : data.toString()));
		assert.deepEqual(sent, ['welcome']);
		responder.receive(anything, false);
		assert.deepEqual(sent, ['welcome', 'a1', 'bin 0102']);
		responder.receive(anything, false);
		responder.receive(anything, false);
		responder.receive(anything, false);
		assert.deepEqual(sent, ['welcome', 'a1', 'bin 0102', 'c1']);
	});

	test('a message that repeats a recorded one gets its answers, whatever the order; one that repeats none gets the next', () => {
		const clock = fakeClock();
		const sent: string[] = [];
		const responder = createResponderFactory(conversation, {pace: 'reply', clock})((data, isBinary) => sent.push(isBinary ? `bin ${data.toString('hex')}` : data.toString()));
		responder.receive(Buffer.from('c'), false);
		assert.deepEqual(sent, ['welcome', 'c1']);
		responder.receive(anything, false);
		assert.deepEqual(sent, ['welcome', 'c1', 'a1', 'bin 0102']);
		responder.receive(Buffer.from('c'), false);
		assert.deepEqual(sent, ['welcome', 'c1', 'a1', 'bin 0102'], 'c was answered; b is left, and has no answer');
	});

	test('graphql-ws: operations answer under the live id, each with the replies carrying its recorded id', () => {
		const clock = fakeClock();
		const sent: string[] = [];
		const graphql: Conversation = {protocol: 'graphql-transport-ws', messages: [
			text('out', 0, '{"type":"connection_init"}'),
			text('in', 1, '{"type":"connection_ack"}'),
			text('out', 2, '{"id":"1","type":"subscribe","payload":{"query":"{ a }"}}'),
			text('out', 3, '{"id":"2","type":"subscribe","payload":{"query":"{ b }"}}'),
			text('in', 4, '{"id":"2","type":"next","payload":{"data":{"b":2}}}'),
			text('in', 5, '{"id":"1","type":"next","payload":{"data":{"a":1}}}'),
			text('in', 6, '{"id":"2","type":"complete"}'),
			text('in', 7, '{"id":"1","type":"complete"}'),
		]};
		const responder = createResponderFactory(graphql, {pace: 'reply', clock})(data => sent.push(data.toString()));
		responder.receive(Buffer.from('{"type":"connection_init","payload":{}}'), false);
		responder.receive(Buffer.from('{"payload":{"query":"{ a }"},"type":"subscribe","id":"u-1"}'), false);
		assert.deepEqual(sent, ['{"type":"connection_ack"}', '{"id":"u-1","type":"next","payload":{"data":{"a":1}}}', '{"id":"u-1","type":"complete"}']);
	});

	test('--pace recorded keeps the recorded delays, and a fast client still gets answers in order', () => {
		const clock = fakeClock();
		const sent: string[] = [];
		const responder = createResponderFactory(conversation, {pace: 'recorded', clock})(data => sent.push(`${clock.now()} ${data.toString()}`));
		clock.advance(49);
		assert.equal(sent.length, 0);
		clock.advance(1);
		responder.receive(anything, false);
		responder.receive(anything, false);
		responder.receive(anything, false);
		clock.advance(1000);
		assert.deepEqual(sent.map(line => line.replace(/[^\x20-\x7e]/g, '?')), ['50 welcome', '350 a1', '450 ??', '550 c1']);
		responder.stop();
	});
});

describe('recorder', () => {
	test('one JSON line per event, written at once; sent messages given before the open are written after it', async () => {
		const path = join(temporary, 'r.jsonl');
		let time = Date.parse('2026-01-01T00:00:00.000Z');
		const recorder = createRecorder(path, {now: () => time++});
		recorder.message('out', 'queued', false);
		assert.equal(readFileSync(path, 'utf8'), '');
		recorder.open('ws://example.test/', 'chat');
		recorder.message('in', Buffer.from([0, 1]), true);
		recorder.ping('in', Buffer.from('p'));
		recorder.pong('in', Buffer.from('q'), 1.23456);
		recorder.close('out', 1000, 'bye');
		// Written synchronously: the file holds it all before end().
		const lines = readFileSync(path, 'utf8').split('\n');
		assert.equal(lines.pop(), '');
		assert.deepEqual(lines.map(line => JSON.parse(line) as Record<string, unknown>).map(({time: _time, ...rest}) => rest), [
			{dir: 'out', type: 'open', url: 'ws://example.test/', protocol: 'chat'},
			{dir: 'out', type: 'text', size: 6, data: 'queued'},
			{dir: 'in', type: 'binary', size: 2, base64: 'AAE='},
			{dir: 'in', type: 'ping', size: 1, data: 'p'},
			{dir: 'in', type: 'pong', size: 1, data: 'q', rtt: 1.235},
			{dir: 'out', type: 'close', code: 1000, reason: 'bye'},
		]);
		recorder.end();
		const conversation = parseConversation(readFileSync(path, 'utf8'), path);
		assert.equal(conversation.protocol, 'chat');
		assert.equal(conversation.messages.length, 2);
	});

	test('an unwritable path is a usage error', () => {
		assert.match(usageMessage(() => createRecorder(join(temporary, 'no', 'such', 'dir.jsonl'))), /^--record: cannot write .*: no such directory$/);
	});

	test('recordConnection records a real connection\'s open (URL without credentials), incoming messages and close', async () => {
		const server = await startServer({
			handleProtocols: () => 'chat',
			onConnection(socket) {
				socket.send('hello');
				socket.on('message', (data, isBinary) => socket.send(data, {binary: isBinary}));
			},
		});
		const path = join(temporary, 'live.jsonl');
		const recorder = createRecorder(path);
		const withCredentials = server.url.replace('ws://', 'ws://user:secret@');
		const connection = new Connection({url: withCredentials, displayUrl: withCredentials.replace('secret', '***'), protocols: ['chat'], options: {}}, {initialMessages: ['-I line']});
		const stop = recordConnection(connection, recorder, {initialMessages: ['-I line']});
		const send = (data: string): void => {
			recorder.message('out', data, false);
			connection.send(data, false);
		};

		send('early');
		let received = 0;
		await new Promise<void>(resolve => {
			connection.on('message', () => {
				if (++received === 3) {
					connection.close(1000);
				}
			});
			connection.on('close', () => resolve());
			connection.connect();
		});
		stop();
		recorder.end();
		await server.close();
		const records = readFileSync(path, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {dir: string; type: string; data?: string; url?: string});
		assert.deepEqual(records.map(record => `${record.dir} ${record.type} ${record.data ?? record.url ?? ''}`), [
			`out open ${server.url}`,
			'out text -I line',
			'out text early',
			'in text hello',
			'in text -I line',
			'in text early',
			'out close ',
		]);
	});
});
