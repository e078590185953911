import assert from 'node:assert/strict';
import {test} from 'node:test';
import {exitCodes} from '../source/shared/exit-codes.js';
import {createEntryLayout, entryLines, jsonSegments, type Line} from '../source/session/message-format.js';
import {describeState} from '../source/session/status-line.js';
import {
	createSession, type Session, type SessionAction, type SessionEvent, sessionReducer, sessionRecords, shownEntries, startingSession,
} from '../source/session/session.js';

const stats = {sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0};
const time = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

function events(...list: Array<SessionEvent extends infer E ? E extends {time: number} ? Omit<E, 'time'> : never : never>): SessionAction {
	return {type: 'events', events: list.map(event => ({...event, time}) as SessionEvent), stats};
}

function message(text: string): SessionAction {
	return events({type: 'message', data: Buffer.from(text), isBinary: false});
}

function run(state: Session, ...actions: SessionAction[]): Session {
	return actions.reduce(sessionReducer, state);
}

const text = (line: Line): string => line.map(segment => segment.text).join('');
const oneLine = () => 1;

test('a batch of events becomes entries and link state in one step', () => {
	const state = run(createSession({limit: 100}), events(
		{type: 'connecting', attempt: 1},
		{type: 'open', protocol: 'chat', extensions: 'permessage-deflate', attempt: 1},
		{type: 'message', data: Buffer.from('hi'), isBinary: false},
		{type: 'message', data: Buffer.from([1, 2]), isBinary: true},
		{type: 'pong', payload: Buffer.from('p'), rtt: 12.5},
	));
	assert.equal(state.link.state, 'open');
	assert.equal(state.link.protocol, 'chat');
	assert.equal(state.link.rtt, 12.5);
	assert.deepEqual(state.entries.map(entry => entry.kind), ['text', 'binary', 'pong']);
	assert.deepEqual(state.entries.map(entry => entry.seq), [1, 2, 3]);
});

test('a keepalive pong updates the round trip without adding a row', () => {
	const state = run(createSession({limit: 100}), events(
		{type: 'open', protocol: '', extensions: '', attempt: 1},
		{type: 'pong', payload: Buffer.from('wsterm-1'), rtt: 3.5, keepalive: true},
	));
	assert.equal(state.link.rtt, 3.5);
	assert.deepEqual(state.entries.map(entry => entry.kind), []);
});

test('the scrollback is bounded and counts what it dropped', () => {
	let state = createSession({limit: 3});
	for (let index = 0; index < 5; index++) {
		state = sessionReducer(state, message(`m${index}`));
	}

	assert.deepEqual(state.entries.map(entry => entry.text), ['m2', 'm3', 'm4']);
	assert.equal(state.dropped, 2);
});

test('scrolled back, new messages do not move the view and are counted', () => {
	let state = createSession({limit: 100});
	for (let index = 0; index < 10; index++) {
		state = sessionReducer(state, message(`m${index}`));
	}

	state = sessionReducer(state, {type: 'scroll', lines: -3, height: 4, measure: oneLine});
	assert.deepEqual(state.view, {follow: false, seq: 7, cut: 0});
	state = run(state, message('new 1'), message('new 2'));
	assert.deepEqual(state.view, {follow: false, seq: 7, cut: 0});
	assert.equal(state.unseen, 2);
	state = sessionReducer(state, {type: 'scroll', lines: 100, height: 4, measure: oneLine});
	assert.deepEqual(state.view, {follow: true});
	assert.equal(state.unseen, 0);
});

test('sending jumps back to the live end', () => {
	let state = createSession({limit: 100});
	for (let index = 0; index < 10; index++) {
		state = sessionReducer(state, message(`m${index}`));
	}

	state = sessionReducer(state, {type: 'scroll', lines: -3, height: 4, measure: oneLine});
	state = sessionReducer(state, {type: 'sent', data: 'out', isBinary: false, pending: false, time});
	assert.deepEqual(state.view, {follow: true});
	assert.equal(state.entries.at(-1)?.dir, 'out');
});

test('exit codes follow pipe mode: clean or by us 0, dropped 3, never connected 1', () => {
	const open = run(createSession({limit: 10}), events({type: 'open', protocol: '', extensions: '', attempt: 1}));
	assert.equal(open.exitCode, undefined);
	assert.equal(run(open, events({type: 'close', code: 4000, reason: 'x', byUs: true, willReconnect: false})).exitCode, 0);
	assert.equal(run(open, events({type: 'close', code: 1001, reason: '', byUs: false, willReconnect: false})).exitCode, 0);
	assert.equal(run(open, events({type: 'close', code: 4000, reason: '', byUs: false, willReconnect: false})).exitCode, 3);
	assert.equal(run(open, events({type: 'close', code: 1006, reason: '', byUs: false, willReconnect: true})).exitCode, undefined);
	const failed = run(createSession({limit: 10}), events({type: 'connect-error', message: 'refused'}));
	assert.equal(failed.exitCode, 1);
	assert.equal(failed.link.failure, 'refused');
});

test('messages typed while reconnecting are pending until the open, and unsent if it never comes', () => {
	let state = run(createSession({limit: 10}), events({type: 'reconnecting', attempt: 1, delay: 1500}));
	assert.equal(state.link.reconnectAt, time + 1500);
	state = sessionReducer(state, {type: 'sent', data: 'queued', isBinary: false, pending: true, time});
	assert.equal(state.pending, 1);
	assert.equal(state.entries.at(-1)?.delivery, 'pending');
	const opened = run(state, events({type: 'open', protocol: '', extensions: '', attempt: 2}));
	assert.equal(opened.pending, 0);
	assert.equal(opened.entries.find(entry => entry.text === 'queued')?.delivery, undefined);
	const gaveUp = run(state, events({type: 'close', code: 1000, reason: '', byUs: true, willReconnect: false}));
	assert.equal(gaveUp.entries.find(entry => entry.text === 'queued')?.delivery, 'unsent');
	assert.match(gaveUp.entries.at(-1)?.text ?? '', /1 queued message was not sent/);
});

test('a failed retry with another to follow does not call queued messages unsent; they are sent on the open', () => {
	let state = run(createSession({limit: 10}), events({type: 'open', protocol: '', extensions: '', attempt: 1}), events({type: 'close', code: 1006, reason: '', byUs: false, willReconnect: true}, {type: 'reconnecting', attempt: 1, delay: 1000}));
	state = sessionReducer(state, {type: 'sent', data: 'queued', isBinary: false, pending: true, time});
	// The retry fails; the connection reports the failure and the next retry at once.
	state = run(state, events({type: 'connecting', attempt: 2}), events({type: 'connect-error', message: 'refused'}, {type: 'reconnecting', attempt: 2, delay: 2000}));
	assert.equal(state.pending, 1);
	assert.equal(state.unsent, 0);
	assert.equal(state.entries.find(entry => entry.text === 'queued')?.delivery, 'pending');
	assert.equal(state.entries.some(entry => /not sent/.test(entry.text ?? '')), false);
	state = run(state, events({type: 'open', protocol: '', extensions: '', attempt: 3}));
	assert.equal(state.entries.find(entry => entry.text === 'queued')?.delivery, undefined);
	assert.deepEqual(state.entries.slice(-2).map(entry => entry.text), ['reconnected (attempt 2)', 'sent 1 queued message']);
});

test('the first reconnect is attempt 1, and the row and the status bar count the same seconds', () => {
	const open = run(createSession({limit: 10}), events({type: 'open', protocol: '', extensions: '', attempt: 1}));
	const state = run(open, events({type: 'close', code: 1006, reason: '', byUs: false, willReconnect: true}, {type: 'reconnecting', attempt: 1, delay: 3700}));
	assert.equal(state.entries.at(-1)?.text, 'reconnecting in 4 s (attempt 1)');
	assert.equal(describeState(state, time), 'reconnecting in 4 s (attempt 1)');
	assert.equal(describeState(state, time + 800), 'reconnecting in 3 s (attempt 1)');
	assert.equal(describeState(state, time + 3700), 'reconnecting in 0 s (attempt 1)');
	// A frame drawn with a clock from before the event says no more than the row.
	assert.equal(describeState(state, time - 5000), 'reconnecting in 4 s (attempt 1)');
});

test('sending counts in the status bar at once, not with the next message received', () => {
	const open = run(createSession({limit: 10}), events({type: 'open', protocol: '', extensions: '', attempt: 1}));
	const state = sessionReducer(open, {type: 'sent', data: 'hi', isBinary: false, pending: false, time, stats: {...stats, sentMessages: 1, sentBytes: 2}});
	assert.equal(state.stats.sentMessages, 1);
	assert.equal(state.stats.sentBytes, 2);
});

test('-I messages are shown as sent on every open, and /save writes them', () => {
	const state = run(createSession({limit: 10}), events({type: 'open', protocol: '', extensions: '', attempt: 1, initial: ['auth me', 'sub x']}));
	assert.deepEqual(state.entries.map(entry => [entry.dir, entry.text]), [['out', 'auth me'], ['out', 'sub x']]);
	assert.deepEqual(sessionRecords(state.entries).map(record => [record.dir, record.data]), [['out', 'auth me'], ['out', 'sub x']]);
});

test('a ping timeout (1006) is not shown as an incoming close, and exits 3 whichever side it is put on', () => {
	const open = run(createSession({limit: 10}), events({type: 'open', protocol: '', extensions: '', attempt: 1}));
	for (const byUs of [false, true]) {
		const state = run(open, events({type: 'close', code: 1006, reason: 'no pong within 5 s', byUs, willReconnect: false, ...(byUs ? {fault: 'no pong within 5 s'} : {})}));
		assert.equal(state.entries.at(-1)?.dir, 'local');
		assert.match(entryLines(state.entries.at(-1)!, {width: 100, prettyJson: false}).map(line => text(line)).join(''), /\* close 1006 no pong within 5 s/);
		assert.equal(state.exitCode, 3);
	}

	assert.equal(run(open, events({type: 'close', code: 1009, reason: '', byUs: true, willReconnect: false, fault: 'a message was larger than --max-payload'})).exitCode, 3);
	// Quit before the first open: the handshake is abandoned (1006 by wsterm, no fault); it never connected.
	const connecting = run(createSession({limit: 10}), events({type: 'connecting', attempt: 1}));
	assert.equal(run(connecting, events({type: 'close', code: 1006, reason: '', byUs: true, willReconnect: false})).exitCode, exitCodes.connectFailed);
});

test('the filter shows matching rows only; clear empties the pane', () => {
	let state = run(createSession({limit: 10}), message('apple'), message('banana'), message('Apple pie'));
	state = sessionReducer(state, {type: 'filter', text: 'apple'});
	assert.deepEqual(shownEntries(state).map(entry => entry.text), ['apple', 'Apple pie']);
	state = sessionReducer(state, {type: 'filter', text: ''});
	assert.equal(shownEntries(state).length, 3);
	assert.equal(sessionReducer(state, {type: 'clear'}).entries.length, 0);
});

test('/save records have the --jsonl shape; notices are left out', () => {
	const state = run(
		createSession({limit: 10}),
		{type: 'notice', kind: 'info', text: 'hello', time},
		{type: 'sent', data: 'out', isBinary: false, pending: false, time},
		events(
			{type: 'message', data: Buffer.from([0xFF]), isBinary: true},
			{type: 'pong', payload: Buffer.from('p'), rtt: 1.23456},
			{type: 'close', code: 4000, reason: 'bye', byUs: false, willReconnect: false},
		),
	);
	assert.deepEqual(sessionRecords(state.entries), [
		{time: '2024-01-02T03:04:05.006Z', dir: 'out', type: 'text', size: 3, data: 'out'},
		{time: '2024-01-02T03:04:05.006Z', dir: 'in', type: 'binary', size: 1, base64: '/w=='},
		{time: '2024-01-02T03:04:05.006Z', dir: 'in', type: 'pong', size: 1, data: 'p', rtt: 1.235},
		{time: '2024-01-02T03:04:05.006Z', dir: 'in', type: 'close', code: 4000, reason: 'bye'},
	]);
});

test('rows: control characters from the network are made visible everywhere', () => {
	const state = run(createSession({limit: 10}),
		message('a\u001B[2Jb\u009Bc\u202Ed'),
		events({type: 'close', code: 4000, reason: 'bye\u001B]0;x\u0007', byUs: false, willReconnect: false}),
		message('{"k\u001B":"\u009B"}'),
	);
	const lines = state.entries.flatMap(entry => entryLines(entry, {width: 200, prettyJson: false}).map(line => text(line)));
	for (const line of lines) {
		assert.doesNotMatch(line, /[\u0000-\u001F\u007F-\u009F\u202E]/u, line);
	}

	assert.match(lines[0]!, /a\\e\[2Jb\\x9bc\\u\{202e\}d$/);
	assert.match(lines[1]!, /close 4000 bye\\e\]0;x\\x07$/);
});

test('rows: time, direction, badge; long text wraps under its column', () => {
	const state = run(createSession({limit: 10}), message('x'.repeat(60)));
	const lines = entryLines(state.entries[0]!, {width: 40, prettyJson: false}).map(line => text(line));
	assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{3} < x+$/);
	assert.equal(lines[0]!.length, 40);
	assert.equal(lines.length, 3);
	assert.match(lines[1]!, /^ {15}x+$/);
});

test('rows: binary is a hex dump with its length', () => {
	const state = run(createSession({limit: 10}), events({type: 'message', data: Buffer.from('hello, binary world!'), isBinary: true}));
	const lines = entryLines(state.entries[0]!, {width: 100, prettyJson: false}).map(line => text(line));
	assert.match(lines[0]!, /< binary 20 B $/);
	assert.match(lines[1]!, /^ {15}00000000 {2}68 65 6c 6c 6f 2c 20 62 69 6e 61 72 79 20 77 6f {2}hello, binary wo$/);
	assert.match(lines[2]!, /00000010 {2}72 6c 64 21 .* rld!$/);
});

test('JSON is compact and coloured by default, pretty on demand; other text is left alone', () => {
	const compact = jsonSegments('{ "a" : [1, true, null, "s"] }', false)!;
	assert.equal(compact.map(segment => segment.text).join(''), '{"a":[1,true,null,"s"]}');
	assert.deepEqual(compact.filter(segment => segment.tone !== 'punctuation').map(segment => [segment.text, segment.tone]), [
		['"a"', 'key'], ['1', 'number'], ['true', 'literal'], ['null', 'literal'], ['"s"', 'string'],
	]);
	assert.equal(jsonSegments('{"a":1}', true)!.map(segment => segment.text).join(''), '{\n  "a": 1\n}');
	assert.equal(jsonSegments('{not json', false), undefined);
	assert.equal(jsonSegments('42', false), undefined);
});

test('the layout formats each entry once per width', () => {
	const state = run(createSession({limit: 10}), message('hello'));
	const layout = createEntryLayout({width: 80, prettyJson: false});
	const entry = state.entries[0]!;
	assert.equal(layout.lines(entry), layout.lines(entry));
	assert.equal(layout.measure(entry), 1);
});

test('rows: wide characters and clusters wrap by display columns, every character shown, none split', async () => {
	const {default: stringWidth} = await import('string-width');
	const graphemes = (text: string): string[] => [...new Intl.Segmenter(undefined, {granularity: 'grapheme'}).segment(text)].map(part => part.segment);
	const cjk = Array.from({length: 40}, () => '漢字').join(' ');
	const emoji = '👍🏽'.repeat(70);
	const accents = 'e\u0301'.repeat(90);
	for (const sample of [cjk, emoji, accents]) {
		const state = run(createSession({limit: 10}), message(sample));
		for (const width of [40, 41, 80]) {
			const lines = entryLines(state.entries[0]!, {width, prettyJson: false}).map(line => text(line));
			for (const line of lines) {
				assert.ok(stringWidth(line) <= width, `${width}: ${line}`);
			}

			const content = lines.map((line, index) => index === 0 ? line.slice(15) : line.trimStart()).join('');
			assert.deepEqual(graphemes(content.replaceAll(' ', '')), graphemes(sample.replaceAll(' ', '')));
		}
	}
});

test('/save: an open record for each connection where it opened, queued messages after the open that sent them; after /clear, the last open, dated then', () => {
	const at = (ms: number, event: Parameters<typeof events>[0]): SessionAction => ({type: 'events', events: [{...event, time: time + ms} as SessionEvent], stats});
	const target = (state: Session) => ({url: 'ws://h/', protocol: state.link.protocol, opens: state.opens, time: time + 9000});
	const shape = (state: Session) => sessionRecords(state.entries, target(state)).map(record => `${record.time.slice(17, 23)} ${record.dir} ${record.type}${record.data === undefined ? '' : ` ${record.data}`}${record.protocol ? ` ${record.protocol}` : ''}`);
	let state = run(
		createSession({limit: 100}),
		{type: 'sent', data: 'early', isBinary: false, pending: true, time: time + 500},
		at(1000, {type: 'open', protocol: 'chat', extensions: '', attempt: 1}),
		at(1100, {type: 'message', data: Buffer.from('one'), isBinary: false}),
		at(1200, {type: 'close', code: 1001, reason: '', byUs: false, willReconnect: true}),
		at(1200, {type: 'reconnecting', attempt: 1, delay: 1000}),
	);
	state = sessionReducer(state, {type: 'sent', data: 'queued', isBinary: false, pending: true, time: time + 1500});
	state = run(state, at(2200, {type: 'open', protocol: 'chat2', extensions: '', attempt: 2}), at(2300, {type: 'message', data: Buffer.from('two'), isBinary: false}));
	assert.deepEqual(shape(state), [
		'06.006 out open chat',
		'06.006 out text early',
		'06.106 in text one',
		'06.206 in close',
		'07.206 out open chat2',
		'07.206 out text queued',
		'07.306 in text two',
	]);
	// /clear: the current connection's open, dated when it opened (not 1970).
	assert.deepEqual(shape(sessionReducer(state, {type: 'clear'})), ['07.206 out open chat2']);
	// Never connected: one open record, dated at the first row, or now when there is none.
	assert.deepEqual(shape(createSession({limit: 100})), ['14.006 out open']);
});

test('the opens kept for /save are bounded by the scrollback: the one the first row belongs to, and those after it', () => {
	let state = createSession({limit: 3});
	for (let attempt = 1; attempt <= 50; attempt++) {
		state = run(state, events({type: 'open', protocol: '', extensions: '', attempt}), message(`m${attempt}`), events({type: 'close', code: 1001, reason: '', byUs: false, willReconnect: true}));
	}

	assert.ok(state.opens.length <= 3, `${state.opens.length} opens kept`);
	assert.deepEqual(sessionRecords(state.entries, {url: 'ws://h/', protocol: '', opens: state.opens}).map(record => record.type === 'text' ? record.data : record.type), ['open', 'close', 'open', 'm50', 'close']);
});

test('the first state holds the start rows and what the connection did while the UI loaded: a message typed then waits', () => {
	const backlog = [
		{type: 'open', protocol: '', extensions: '', attempt: 1, time},
		{type: 'close', code: 1006, reason: '', byUs: false, willReconnect: true, time},
	] as SessionEvent[];
	const start = startingSession({limit: 10, notes: ['a note', 'connecting to ws://x/'], time, backlog, stats});
	assert.deepEqual(start.entries.map(entry => entry.kind), ['info', 'info', 'close']);
	assert.equal(start.link.state, 'reconnecting');
	// Typed once the UI is up: it waits for the next connection, and the open before it sent nothing.
	const typed = run(start, {type: 'sent', time, data: 'queued', isBinary: false, pending: true});
	assert.equal(typed.pending, 1);
	const quit = run(typed, events({type: 'close', code: 1000, reason: '', byUs: true, willReconnect: false}));
	assert.equal(quit.unsent, 1);
	assert.equal(startingSession({limit: 10, notes: [], time, backlog: [], stats}).link.state, 'connecting');
});
