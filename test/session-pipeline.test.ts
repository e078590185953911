import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseInput} from '../source/session/slash-commands.js';
import {entryLines, searchableText} from '../source/session/message-format.js';
import {PipelineMessage} from '../source/pipeline/message.js';
import {createSession, type Session, type SessionAction, type SessionEvent, sessionReducer, sessionRecords, shownEntries} from '../source/session/session.js';
import {shownMessage} from '../source/session/message-path.js';

const stats = {sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0};
const time = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

function events(...list: Array<SessionEvent extends infer E ? E extends {time: number} ? Omit<E, 'time'> : never : never>): SessionAction {
	return {type: 'events', events: list.map(event => ({...event, time}) as SessionEvent), stats};
}

function run(state: Session, ...actions: SessionAction[]): Session {
	return actions.reduce(sessionReducer, state);
}

const wire = Buffer.from([0x81, 0xA1, 0x61, 0x01]);

test('a decoded message is a JSON row with the codec as badge; /filter sees that view and /json lays it out', () => {
	const state = run(createSession({limit: 10}), events(
		{type: 'open', protocol: '', extensions: '', attempt: 1},
		{type: 'message', data: Buffer.from('{"a":1}'), isBinary: false, badge: 'msgpack', wire},
		{type: 'message', data: Buffer.from([1, 2]), isBinary: true},
	));
	const [decoded] = state.entries;
	assert.equal(decoded!.kind, 'text');
	assert.equal(decoded!.size, 4, 'the size is the wire size');
	const row = entryLines(decoded!, {width: 80, prettyJson: false})[0]!.map(segment => segment.text).join('');
	assert.match(row, /< msgpack \{"a":1\}$/);
	assert.equal(searchableText(decoded!, false), 'msgpack {"a":1}');
	assert.equal(shownEntries({...state, filter: '"a":1'}).length, 1);
	assert.equal(shownEntries({...state, filter: 'msgpack'}).length, 1);
	assert.equal(entryLines(decoded!, {width: 80, prettyJson: true}).length, 3, '/json pretty-prints the view');
});

test('pipeline events: sent rows (pending while not open), stage notes, and the first ctx.exit code', () => {
	let state = run(createSession({limit: 10}), events(
		{type: 'sent', data: Buffer.from('early'), isBinary: false, pending: true},
	));
	assert.equal(state.pending, 1);
	assert.equal(state.entries[0]!.delivery, 'pending');
	state = run(state, events(
		{type: 'open', protocol: '', extensions: '', attempt: 1},
		{type: 'sent', data: Buffer.from('answer 7'), isBinary: false, pending: false},
		{type: 'note', kind: 'info', text: 'from ctx.log'},
		{type: 'note', kind: 'error', text: 'hooks.mjs:3: onMessage failed'},
		{type: 'exit', code: 3},
		{type: 'exit', code: 5},
	));
	assert.equal(state.pending, 0);
	assert.deepEqual(state.entries.map(entry => [entry.dir, entry.kind, entry.text]), [
		['out', 'text', 'early'],
		['local', 'info', 'sent 1 queued message'],
		['out', 'text', 'answer 7'],
		['local', 'info', 'from ctx.log'],
		['local', 'error', 'hooks.mjs:3: onMessage failed'],
	]);
	assert.equal(state.exitRequest, 3);
});

test('/save: an open record first, then decoded messages as their wire bytes', () => {
	const state = run(createSession({limit: 10}), events(
		{type: 'message', data: Buffer.from('{"a":1}'), isBinary: false, badge: 'msgpack', wire},
		{type: 'sent', data: Buffer.from('hi'), isBinary: false, pending: false},
	));
	assert.deepEqual(sessionRecords(state.entries, {url: 'ws://127.0.0.1:1/x', protocol: 'chat'}), [
		{time: '2024-01-02T03:04:05.006Z', dir: 'out', type: 'open', url: 'ws://127.0.0.1:1/x', protocol: 'chat'},
		{time: '2024-01-02T03:04:05.006Z', dir: 'in', type: 'binary', size: 4, base64: wire.toString('base64')},
		{time: '2024-01-02T03:04:05.006Z', dir: 'out', type: 'text', size: 2, data: 'hi'},
	]);
});

test('shownMessage: a codec view as JSON text with its badge, a payload view as that payload, a plain message as it is', () => {
	const plain = new PipelineMessage(Buffer.from([1]), true);
	assert.deepEqual(shownMessage(plain), {data: Buffer.from([1]), isBinary: true});
	const decoded = new PipelineMessage(wire, true).annotate({decoded: {a: 1}, view: {json: '{"a":1}'}, badge: 'msgpack'});
	assert.deepEqual(shownMessage(decoded), {data: Buffer.from('{"a":1}'), isBinary: false, badge: 'msgpack', wire});
	const gunzipped = new PipelineMessage(wire, true).annotate({decoded: 'x', view: {json: '"x"', payload: {data: Buffer.from('x'), isBinary: false}}, badge: 'gzip'});
	assert.deepEqual(shownMessage(gunzipped), {data: Buffer.from('x'), isBinary: false, badge: 'gzip', wire});
});

test('/decode NAME and /decode off', () => {
	assert.deepEqual(parseInput('/decode msgpack'), {type: 'command', command: {name: 'decode', codec: 'msgpack'}});
	assert.deepEqual(parseInput('/decode off'), {type: 'command', command: {name: 'decode', codec: undefined}});
	assert.equal(parseInput('/decode').type, 'error');
});
