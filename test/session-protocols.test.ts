/*
--protocol in the session, without rendering: how a protocol stage's annotations become rows
(shownMessage, the reducer, the row's look), control packets counted apart, and /emit's parsing.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {completeCommand, parseInput, parseJsonValues} from '../source/session/slash-commands.js';
import {entryLines, searchableText} from '../source/session/message-format.js';
import {PipelineMessage} from '../source/pipeline/message.js';
import {createSession, type Session, type SessionAction, type SessionEvent, sessionReducer, sessionRecords} from '../source/session/session.js';
import {shownMessage} from '../source/session/message-path.js';

const stats = {sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0};
const time = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

function events(...list: Array<SessionEvent extends infer E ? E extends {time: number} ? Omit<E, 'time'> : never : never>): SessionAction {
	return {type: 'events', events: list.map(event => ({...event, time}) as SessionEvent), stats};
}

function run(state: Session, ...actions: SessionAction[]): Session {
	return actions.reduce(sessionReducer, state);
}

function row(state: Session, index: number): string {
	return entryLines(state.entries[index]!, {width: 200, prettyJson: false})[0]!.map(segment => segment.text).join('');
}

test('shownMessage: a protocol line is shown instead of the payload, with its round trip, its error and the wire frame', () => {
	const response = '{"jsonrpc":"2.0","id":1,"result":3}';
	const paired = new PipelineMessage(response, false).annotate({
		decoded: JSON.parse(response) as unknown,
		badge: 'jsonrpc',
		line: `add [1,2] => ${response}`,
		fields: {request: {method: 'add', params: [1, 2]}, rttMs: 1.5},
	});
	assert.deepEqual(shownMessage(paired), {data: Buffer.from(`add [1,2] => ${response}`), isBinary: false, badge: 'jsonrpc', rtt: 1.5, wire: Buffer.from(response), wireText: true});
	const failed = new PipelineMessage('{"jsonrpc":"2.0","id":2,"error":{"code":1,"message":"no"}}', false).annotate({badge: 'jsonrpc', line: 'error: fail => ...', fields: {error: true}});
	assert.equal(shownMessage(failed).emphasis, 'error');
	const event = new PipelineMessage('42["welcome",{"v":1}]', false).annotate({decoded: ['welcome', {v: 1}], badge: 'welcome', view: {json: '["welcome",{"v":1}]'}});
	assert.deepEqual(shownMessage(event), {data: Buffer.from('["welcome",{"v":1}]'), isBinary: false, badge: 'welcome', wire: Buffer.from('42["welcome",{"v":1}]'), wireText: true});
	const sent = new PipelineMessage('{"type":"subscribe","id":"1","payload":{"query":"{ a }"}}', false).annotate({decoded: {type: 'subscribe', id: '1', payload: {query: '{ a }'}}, badge: 'graphql-ws'});
	assert.equal(shownMessage(sent).data.toString(), '{"type":"subscribe","id":"1","payload":{"query":"{ a }"}}');
});

test('protocol rows: the paired response with its round trip, an error in the error tone, a quiet note; /filter and /save see them', () => {
	const response = '{"jsonrpc":"2.0","id":1,"result":3}';
	const state = run(createSession({limit: 10}), events(
		{type: 'open', protocol: '', extensions: '', attempt: 1},
		{type: 'message', data: Buffer.from(`add [1,2] => ${response}`), isBinary: false, badge: 'jsonrpc', rtt: 1.25, wire: Buffer.from(response), wireText: true},
		{type: 'message', data: Buffer.from('error: fail => {}'), isBinary: false, badge: 'jsonrpc', emphasis: 'error', wire: Buffer.from('{}'), wireText: true},
		{type: 'message', data: Buffer.from('complete { a }'), isBinary: false, badge: 'graphql-ws', emphasis: 'quiet', wire: Buffer.from('{"type":"complete","id":"1"}'), wireText: true},
	));
	assert.match(row(state, 0), /< jsonrpc add \[1,2\] => \{"jsonrpc":"2\.0","id":1,"result":3\} \(1\.3 ms\)$/);
	assert.equal(state.entries[0]!.size, response.length, 'the size is the wire frame\'s');
	const error = entryLines(state.entries[1]!, {width: 200, prettyJson: false})[0]!;
	assert.equal(error.find(segment => segment.text.startsWith('error: fail'))!.tone, 'error', 'the content in the error tone');
	assert.equal(error.find(segment => segment.text === '< ')!.tone, 'error', 'and its direction mark');
	const quiet = entryLines(state.entries[2]!, {width: 200, prettyJson: false})[0]!;
	assert.equal(quiet.at(-1)!.text, 'complete { a }');
	assert.equal(quiet.at(-1)!.tone, 'time', 'a quiet row is dim');
	assert.equal(searchableText(state.entries[0]!, false), `jsonrpc add [1,2] => ${response} (1.3 ms)`);
	assert.deepEqual(sessionRecords(state.entries).map(record => [record.type, 'data' in record ? record.data : undefined]), [
		['text', response],
		['text', '{}'],
		['text', '{"type":"complete","id":"1"}'],
	], '/save writes the frames as they were on the wire, as text');
});

test('control packets: no row, counted apart each way; messages counted as delivered; the counts last across reconnects and /clear', () => {
	let state = run(createSession({limit: 10}), events(
		{type: 'open', protocol: '', extensions: '', attempt: 1},
		{type: 'control', dir: 'in'},
		{type: 'control', dir: 'out'},
		{type: 'control', dir: 'in'},
		{type: 'message', data: Buffer.from('["welcome"]'), isBinary: false, badge: 'welcome'},
	));
	assert.deepEqual(state.control, {in: 2, out: 1});
	assert.equal(state.entries.length, 1, 'only the event is a row');
	assert.equal(state.received, 1, 'and the one message received');
	state = run(state, events({type: 'hidden'}, {type: 'message', data: Buffer.from('{"id":1}'), isBinary: false, badge: 'jsonrpc'}, {type: 'message', data: Buffer.from('{"id":2}'), isBinary: false, badge: 'jsonrpc'}));
	assert.equal(state.received, 4, 'a message a hook hid counts; so does each message of one frame (a batch\'s answers)');
	assert.equal(state.entries.length, 3);
	state = run(state, {type: 'clear'}, events(
		{type: 'close', code: 1006, reason: '', byUs: false, willReconnect: true},
		{type: 'open', protocol: '', extensions: '', attempt: 2},
		{type: 'control', dir: 'in'},
	));
	assert.deepEqual(state.control, {in: 3, out: 1});
	assert.deepEqual(createSession({limit: 1}).control, {in: 0, out: 0});
	assert.equal(createSession({limit: 1}).received, 0);
});

test('/emit EVENT [json args]: the event and its arguments, JSON values apart by spaces or commas; bad JSON is an error', () => {
	assert.deepEqual(parseInput('/emit chat "hi" {"to":2} 3 [1, 2] null'), {type: 'command', command: {name: 'emit', event: 'chat', args: ['hi', {to: 2}, 3, [1, 2], null]}});
	assert.deepEqual(parseInput('/emit ping'), {type: 'command', command: {name: 'emit', event: 'ping', args: []}});
	assert.deepEqual(parseInput('/emit "my event" "a b", {"s":"} ]"}'), {type: 'command', command: {name: 'emit', event: 'my event', args: ['a b', {s: '} ]'}]}});
	assert.deepEqual(parseInput('/emit x "say \\"hi\\""'), {type: 'command', command: {name: 'emit', event: 'x', args: ['say "hi"']}});
	assert.deepEqual(parseInput('/emit'), {type: 'error', message: '/emit needs an event name: /emit chat "hi" {"to":2}'});
	assert.deepEqual(parseInput('/emit note {bad'), {type: 'error', message: 'argument 1 is not JSON: {bad (quote strings: "hi")'});
	assert.deepEqual(parseInput('/emit note 1 hi'), {type: 'error', message: 'argument 2 is not JSON: hi (quote strings: "hi")'});
	assert.deepEqual(parseInput('/emit note {"a":1}x'), {type: 'error', message: 'argument 2 is not JSON: x (quote strings: "hi")'});
	assert.equal(parseInput('/emit "unclosed 1').type, 'error');
	assert.deepEqual(parseJsonValues('  '), []);
	assert.equal(parseJsonValues(']'), 'argument 1 is not JSON: ] (quote strings: "hi")');
});

test('Tab offers /emit only with --protocol socketio', () => {
	assert.deepEqual(completeCommand('/em'), {text: '/empty ', choices: ['/empty']});
	assert.deepEqual(completeCommand('/em', 'socketio'), {text: '/em', choices: ['/empty', '/emit']});
	assert.deepEqual(completeCommand('/emi', 'socketio'), {text: '/emit ', choices: ['/emit']});
	assert.deepEqual(completeCommand('/emi', 'jsonrpc'), {text: '/emi', choices: []});
});

test('a paired row: the answer after " => " is coloured JSON that /json lays out; a request holding " => " is not cut there; a plain message is left alone', () => {
	const response = '{"jsonrpc":"2.0","id":1,"result":{"sum":3}}';
	const state = run(createSession({limit: 10}), events(
		{type: 'message', data: Buffer.from(`add ["a => b"] => ${response}`), isBinary: false, badge: 'jsonrpc', wire: Buffer.from(response), wireText: true},
		{type: 'message', data: Buffer.from('x => {"a":1}'), isBinary: false},
	));
	const [first] = entryLines(state.entries[0]!, {width: 200, prettyJson: false});
	const request = first!.find(segment => segment.text.startsWith('add'))!;
	assert.deepEqual(request, {text: 'add ["a => b"] => ', tone: 'plain'});
	assert.ok(first!.some(segment => segment.text === '"sum"' && segment.tone === 'key'), 'the answer\'s keys coloured');
	assert.equal(entryLines(state.entries[0]!, {width: 200, prettyJson: true}).length, 7, '/json pretty-prints the answer');
	const plain = entryLines(state.entries[1]!, {width: 200, prettyJson: false})[0]!;
	assert.equal(plain.at(-1)!.text, 'x => {"a":1}', 'a message without a protocol stays one plain text');
	assert.equal(searchableText(state.entries[0]!, false), `jsonrpc add ["a => b"] => ${response}`);
});

test('with a protocol, a line that starts with a path (a STOMP destination) is a message; without one, still an unknown command', () => {
	assert.deepEqual(parseInput('/queue/a hello', {protocol: 'stomp'}), {type: 'send', text: '/queue/a hello'});
	assert.deepEqual(parseInput('/topic/x', {protocol: 'stomp'}), {type: 'send', text: '/topic/x'});
	assert.equal(parseInput('/queue/a hello').type, 'error');
	assert.equal(parseInput('/nope x', {protocol: 'stomp'}).type, 'error', 'a mistyped command is still an error');
	assert.deepEqual(parseInput('/emit x 1', {protocol: 'stomp'}), {type: 'command', command: {name: 'emit', event: 'x', args: [1]}});
});
