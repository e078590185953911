/*
The session's decisions, without a terminal: what a key does (key-commands.ts), what a submitted
line does (command-processor.ts), whether a typed message may go (outgoing.ts), the /file and
/save files (file-commands.ts), the status bar's words (status-line.ts), and the lines on stderr at
the end (end-report.ts).
*/
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import type {CloseEvent} from '../source/connection/connection.js';
import {type CommandEffects, processLine} from '../source/session/command-processor.js';
import {endCode, endLines} from '../source/session/end-report.js';
import {maxFileBytes, readMessageFile, saveRecords} from '../source/session/file-commands.js';
import {frameLayout} from '../source/session/frame-layout.js';
import {keyCommand, keyNote, quittingKeyCommand} from '../source/session/key-commands.js';
import {readKeys, keyReader} from '../source/session/key-splitter.js';
import {checkSend, maxPending} from '../source/session/outgoing.js';
import {createPrompt, type Prompt, promptReducer} from '../source/session/prompt.js';
import {createSession} from '../source/session/state.js';
import {statusLine} from '../source/session/status-line.js';
import {payloadRecord} from '../source/shared/event-record.js';
import {exitCodes} from '../source/shared/exit-codes.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-commands-'));

/** The one event the terminal's bytes make. */
function keyOf(input: string) {
	const {events} = readKeys(keyReader, input);
	assert.equal(events.length, 1, `one event for ${JSON.stringify(input)}`);
	return events[0]!;
}

const typed = (text: string): Prompt => promptReducer(createPrompt(), {type: 'edit', edit: {type: 'insert', text}});

test('keys: Enter submits, Ctrl-C quits, Ctrl-D quits on an empty line and deletes otherwise, a paste is one edit', () => {
	const context = {prompt: createPrompt(), protocol: undefined, pageLines: 9};
	assert.deepEqual(keyCommand(keyOf('\r'), context), {type: 'submit'});
	assert.deepEqual(keyCommand(keyOf('\u0003'), context), {type: 'quit'});
	assert.deepEqual(keyCommand(keyOf('\u0004'), context), {type: 'quit'});
	assert.deepEqual(keyCommand(keyOf('\u0004'), {...context, prompt: typed('hi')}), {type: 'prompt', action: {type: 'edit', edit: {type: 'delete'}}});
	assert.deepEqual(keyCommand({type: 'paste', text: 'a\nb'}, context), {type: 'prompt', action: {type: 'edit', edit: {type: 'insert', text: 'a\nb'}}});
	assert.deepEqual(keyCommand(keyOf('\u0001'), context), {type: 'prompt', action: {type: 'edit', edit: {type: 'home'}}});
});

test('keys: PageUp and PageDown scroll a page, Shift-Up a line, Esc goes back to the end', () => {
	const context = {prompt: createPrompt(), protocol: undefined, pageLines: 9};
	assert.deepEqual(keyCommand(keyOf('\u001B[5~'), context), {type: 'scroll', lines: -9});
	assert.deepEqual(keyCommand(keyOf('\u001B[6~'), context), {type: 'scroll', lines: 9});
	assert.deepEqual(keyCommand(keyOf('\u001B[1;2A'), context), {type: 'scroll', lines: -1});
	assert.deepEqual(keyCommand(keyOf('\u001B'), context), {type: 'scroll-to-end'});
});

test('keys: Tab completes a command, or lists the choices when the line stays as it is', () => {
	const context = {protocol: undefined, pageLines: 1};
	assert.deepEqual(keyCommand(keyOf('\t'), {...context, prompt: typed('/he')}), {type: 'prompt', action: {type: 'edit', edit: {type: 'set', text: '/help '}}});
	const choices = keyCommand(keyOf('\t'), {...context, prompt: typed('/')});
	assert.equal(choices?.type, 'notice');
});

test('keys: inside the Ctrl-R search, Enter accepts, Esc and Ctrl-C leave it, Backspace edits the query, and other keys do nothing', () => {
	const searching = promptReducer(createPrompt(['one']), {type: 'search'});
	const context = {prompt: searching, protocol: undefined, pageLines: 1};
	assert.deepEqual(keyCommand(keyOf('\r'), context), {type: 'prompt', action: {type: 'search-accept'}});
	assert.deepEqual(keyCommand(keyOf('\u001B'), context), {type: 'prompt', action: {type: 'search-cancel'}});
	assert.deepEqual(keyCommand(keyOf('\u0003'), context), {type: 'prompt', action: {type: 'search-cancel'}});
	assert.deepEqual(keyCommand(keyOf('\u007F'), context), {type: 'prompt', action: {type: 'search-edit', edit: {type: 'backspace'}}});
	assert.equal(keyCommand(keyOf('\u001B[5~'), context), undefined);
});

/** Effects that record what the processor asked for. */
function recordingEffects(protocol?: string) {
	const done: unknown[] = [];
	const effects: CommandEffects & {submitted: (text: string, remember: boolean) => void} = {
		connection: {state: 'open', ping: () => Buffer.from('p'), reconnect() {
			done.push('reconnect');
		}},
		protocol,
		columns: 80,
		now: () => 5,
		dispatch(action) {
			done.push(action);
		},
		notice(kind, text) {
			done.push({notice: kind, text});
		},
		send(data, isBinary) {
			done.push({send: data, isBinary});
			return true;
		},
		close(code, reason) {
			done.push({close: code, reason});
			return undefined;
		},
		sendFile: async path => {
			done.push({file: path});
		},
		save: async (path, overwrite) => {
			done.push({save: path, overwrite});
		},
		switchDecoder: async name => {
			done.push({decode: name});
		},
		quit() {
			done.push('quit');
		},
		open() {
			done.push('open');
		},
		submitted(text, remember) {
			done.push({submitted: text, remember});
		},
	};
	return {effects, done};
}

test('a line: text is sent and remembered; a command runs; /quit is not remembered; a mistake is remembered and said', () => {
	const {effects, done} = recordingEffects();
	processLine('hello', effects);
	processLine('/close 4000 bye', effects);
	processLine('/ping', effects);
	processLine('/quit', effects);
	processLine('/nope', effects);
	assert.deepEqual(done.slice(0, 7), [
		{send: 'hello', isBinary: false},
		{submitted: 'hello', remember: true},
		{submitted: '/close 4000 bye', remember: true},
		{close: 4000, reason: 'bye'},
		{submitted: '/ping', remember: true},
		{type: 'ping-sent', payload: Buffer.from('p'), time: 5},
		{submitted: '/quit', remember: false},
	]);
	assert.equal(done[7], 'quit');
	assert.deepEqual(done[8], {submitted: '/nope', remember: true});
	assert.equal((done[9] as {notice: string}).notice, 'error');
});

test('a command that needs a protocol is refused without it, and /emit sends the event as its JSON line with it', () => {
	const without = recordingEffects();
	processLine('/emit chat "hi"', without.effects);
	assert.ok(without.done.some(item => (item as {notice?: string}).notice === 'error'), JSON.stringify(without.done));
	assert.ok(!without.done.some(item => (item as {send?: unknown}).send !== undefined));
	const withSocketIo = recordingEffects('socketio');
	processLine('/emit chat "hi"', withSocketIo.effects);
	assert.deepEqual(withSocketIo.done.at(-1), {send: '["chat","hi"]', isBinary: false});
});

test('sending: open goes at once, connecting waits, closed is refused, and no more than maxPending wait', () => {
	const facts = {reconnect: false, queuedMessages: 0, held: 0};
	assert.deepEqual(checkSend({...facts, state: 'open'}), {waiting: false});
	assert.deepEqual(checkSend({...facts, state: 'connecting'}), {waiting: true});
	assert.match(checkSend({...facts, state: 'closed'}).refused ?? '', /^not sent: the connection is closed \(\/reconnect connects again; Up brings the line back\)$/);
	assert.match(checkSend({...facts, state: 'reconnecting'}).refused ?? '', /the connection is reconnecting/);
	assert.deepEqual(checkSend({...facts, state: 'reconnecting', reconnect: true}), {waiting: true});
	assert.equal(checkSend({...facts, state: 'connecting', queuedMessages: maxPending}).refused, `not sent: ${maxPending} messages already wait for the connection`);
	assert.equal(checkSend({...facts, state: 'open', held: maxPending}).refused, `not sent: ${maxPending} messages already wait for the protocol's handshake`);
});

test('/file: UTF-8 is text, other bytes binary, a missing file says why; /save refuses an existing file unless /save!', async () => {
	writeFileSync(join(temporary, 'text'), 'héllo');
	writeFileSync(join(temporary, 'bytes'), Buffer.from([0xFF, 0x00]));
	assert.deepEqual(await readMessageFile(join(temporary, 'text'), temporary), {data: 'héllo', isBinary: false});
	assert.deepEqual(await readMessageFile('~/bytes', temporary), {data: Buffer.from([0xFF, 0x00]), isBinary: true});
	assert.match((await readMessageFile('~/missing', temporary)).problem ?? '', /^cannot read .*missing: ENOENT/);
	assert.ok(maxFileBytes > 0);

	const records = [payloadRecord(1000, 'in', 'text', Buffer.from('hi'))];
	assert.deepEqual(await saveRecords('~/saved', false, records, temporary), {kind: 'info', text: `saved 1 event to ${join(temporary, 'saved')}`});
	assert.match(readFileSync(join(temporary, 'saved'), 'utf8'), /"hi"/);
	assert.deepEqual(await saveRecords('~/saved', false, records, temporary), {kind: 'error', text: `${join(temporary, 'saved')} exists; /save! ~/saved replaces it`});
	assert.equal((await saveRecords('~/saved', true, records, temporary)).kind, 'info');
});

test('the status line of a fresh session is the first frame\'s: connecting, the URL, nothing sent or received, following', () => {
	const {state, details} = statusLine(createSession({limit: 1}), {url: 'ws://127.0.0.1:9', note: 'built-in echo server', now: 0, width: 100});
	assert.equal(state, 'connecting');
	assert.equal(` ${state} ${details}`.trimEnd(), ' connecting  ws://127.0.0.1:9 (built-in echo server) · ↑0 0 B · ↓0 0 B · following');
	assert.equal(` ${state} `.length + details.length, 100);
});

test('the frame: one row shorter than the terminal, the input grows to 5 lines', () => {
	assert.deepEqual(frameLayout(24, createPrompt()), {frameHeight: 23, maxInputLines: 5, paneHeight: 21});
	assert.deepEqual(frameLayout(24, typed('1\n2\n3\n4\n5\n6\n7')), {frameHeight: 23, maxInputLines: 5, paneHeight: 17});
});

test('the end: why on stderr only when the exit code is not 0, and the unsent count', () => {
	const close: CloseEvent = {code: 1006, reason: '', byUs: false, willReconnect: false};
	const last = {failure: undefined, close};
	assert.deepEqual(endLines({code: 0, unsent: 0, last, url: 'ws://x', state: 'closed', stageError: undefined}), []);
	assert.deepEqual(endLines({code: 3, unsent: 2, last, url: 'ws://x', state: 'closed', stageError: undefined}), [
		'wsterm: connection dropped (1006 (abnormal closure))\n',
		'wsterm: 2 messages typed while not connected were not sent\n',
	]);
	assert.deepEqual(endLines({code: 1, unsent: 0, last: {failure: undefined, close: undefined}, url: 'ws://x', state: 'closed', stageError: 'namespace refused'}), ['wsterm: namespace refused\n']);
});

test('the end: a signal while connecting or waiting to reconnect says so, as pipe mode does', () => {
	const last = {failure: undefined, close: undefined};
	assert.deepEqual(endLines({code: 143, unsent: 0, last, url: 'ws://x', state: 'connecting', stageError: undefined}), ['wsterm: interrupted while connecting to ws://x\n']);
	assert.deepEqual(endLines({code: 130, unsent: 1, last, url: 'ws://x', state: 'reconnecting', stageError: undefined}), [
		'wsterm: interrupted while waiting to reconnect to ws://x\n',
		'wsterm: 1 message typed while not connected was not sent\n',
	]);
	assert.deepEqual(endLines({code: 143, unsent: 0, last, url: 'ws://x', state: 'closed', stageError: undefined}), []);
});

test('keys: Ctrl-C in the Ctrl-R search leaves it with a row saying that Ctrl-C again exits; Esc leaves it without one', () => {
	const searching = promptReducer(createPrompt(['one']), {type: 'search'});
	assert.equal(keyNote(keyOf('\u0003'), searching), 'left the search; Ctrl-C again exits');
	assert.equal(keyNote(keyOf('\u001B'), searching), undefined);
	assert.equal(keyNote(keyOf('\u0003'), createPrompt()), undefined);
});

test('keys while the session closes after a quit: Ctrl-C and Ctrl-D quit (at once), every other key does nothing', () => {
	assert.deepEqual(quittingKeyCommand(keyOf('\u0003')), {type: 'quit'});
	assert.deepEqual(quittingKeyCommand(keyOf('\u0004')), {type: 'quit'});
	assert.equal(quittingKeyCommand(keyOf('\r')), undefined);
	assert.equal(quittingKeyCommand(keyOf('x')), undefined);
	assert.equal(quittingKeyCommand({type: 'paste', text: '\u0003'}), undefined);
});

test('/emit sends its arguments as typed: numbers JSON.parse would change go out unchanged', () => {
	const socketIo = recordingEffects('socketio');
	processLine('/emit chat {"n":9007199254740993,"d":1.10,"z":-0} 1e2 [1, 2.50] "1.10" 7', socketIo.effects);
	assert.deepEqual(socketIo.done.at(-1), {send: '["chat",{"n":9007199254740993,"d":1.10,"z":-0},1e2,[1, 2.50],"1.10",7]', isBinary: false});
});

test('the exit code: never 0 when typed messages were not sent (1, as a quit before the connection opened)', () => {
	assert.equal(endCode(0, 0), 0);
	assert.equal(endCode(0, 1), exitCodes.connectFailed);
	assert.equal(endCode(3, 1), 3);
	assert.equal(endCode(130, 2), 130);
});
