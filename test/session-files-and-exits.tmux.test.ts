/*
Session fixes in a real terminal (tmux): a failed command leaves the input line, so the keys
after it act as themselves; files readable by you alone are made so even when they existed.
*/
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {cliPath} from './helpers/cli.js';
import {startOutagePeer} from './helpers/peers.js';
import {startRecordingEcho, startServer, type TestServer} from './helpers/servers.js';
import {cliCommand, delay, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const skip = hasTmux() ? false : 'tmux is not installed';
let server: TestServer;
let received: string[] = [];

before(async () => {
	const echoing = await startRecordingEcho();
	server = echoing;
	received = echoing.received;
});

after(async () => server.close());

function open(state: string, arguments_: readonly string[] = []): TmuxSession {
	const command = cliCommand(cliPath, [...arguments_, server.url], {XDG_STATE_HOME: state, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: ''});
	return new TmuxSession(`trap true INT; ${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 24});
}

const together = (tmux: TmuxSession, ...keys: string[]): void => {
	tmux.tmux('send-keys', '-t', 'main', ...keys);
};

const inputLine = (screen: string): string => screen.split('\n').find(line => /^>( |$)/.test(line)) ?? '';

test('a command that fails leaves the input line: the next keys act as themselves, Up brings it back', {skip}, async () => {
	const tmux = open(mkdtempSync(join(tmpdir(), 'wsterm-fix-')), ['--no-history']);
	try {
		await tmux.waitFor(/^ open /m);
		together(tmux, '/bogus', 'Enter', 'hello', 'Enter');
		let screen = await tmux.waitFor(/< hello$/m, {what: 'hello to be echoed'});
		assert.match(screen, /unknown command \/bogus:/);
		assert.doesNotMatch(screen, /bogushello/);
		assert.equal(received.at(-1), 'hello');
		together(tmux, '/binary zz', 'Enter', '/file /nonexistent', 'Enter', '//slash', 'Enter');
		screen = await tmux.waitFor(/< \/slash$/m, {what: '/slash to be echoed'});
		assert.match(screen, /not hex: give pairs/);
		assert.match(screen, /cannot read \/nonexistent/);
		assert.equal(received.at(-1), '/slash');
		assert.equal(inputLine(screen).trimEnd(), '>');
		// The failed lines are in the history, newest first.
		tmux.keys('Up');
		tmux.keys('Up');
		await tmux.waitFor(screen => inputLine(screen).trimEnd() === '> /file /nonexistent', {what: '/file in the input line'});
		tmux.keys('Up');
		await tmux.waitFor(screen => inputLine(screen).trimEnd() === '> /binary zz', {what: '/binary zz in the input line'});
	} finally {
		tmux.kill();
	}
});

test('an existing history file and directory, and a file /save! replaces, end up readable by you alone', {skip}, async () => {
	const state = mkdtempSync(join(tmpdir(), 'wsterm-fix-'));
	const directory = join(state, 'wsterm');
	mkdirSync(directory, {mode: 0o755});
	chmodSync(directory, 0o755);
	const history = join(directory, 'history');
	writeFileSync(history, '"old"\n', {mode: 0o644});
	chmodSync(history, 0o644);
	const saved = join(state, 'saved.jsonl');
	writeFileSync(saved, 'old\n', {mode: 0o644});
	chmodSync(saved, 0o644);
	const tmux = open(state);
	try {
		await tmux.waitFor(/^ open /m);
		together(tmux, 'secret', 'Enter');
		await tmux.waitFor(/< secret$/m);
		together(tmux, `/save! ${saved}`, 'Enter');
		await tmux.waitFor(/saved \d+ events? to/);
		assert.match(readFileSync(history, 'utf8'), /"secret"/);
		assert.equal(statSync(history).mode & 0o777, 0o600, 'history file');
		assert.equal(statSync(directory).mode & 0o777, 0o700, 'history directory');
		assert.match(readFileSync(saved, 'utf8'), /secret/);
		assert.equal(statSync(saved).mode & 0o777, 0o600, '/save! file');
	} finally {
		tmux.kill();
	}
});

test('stderr sent to a file gets no escape sequence when the session ends (only its lines)', {skip}, async () => {
	const state = mkdtempSync(join(tmpdir(), 'wsterm-fix-'));
	const log = join(state, 'stderr.txt');
	const command = cliCommand(cliPath, ['--no-history', server.url], {XDG_STATE_HOME: state, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: ''});
	const tmux = new TmuxSession(`${command} 2>${log}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 24});
	try {
		await tmux.waitFor(/^ open /m);
		together(tmux, '/quit', 'Enter');
		assert.match(await tmux.waitFor(/EXIT=\d+/, {what: 'the session to exit'}), /EXIT=0/);
		assert.equal(readFileSync(log, 'utf8'), '');
		assert.equal(tmux.display('#{cursor_flag}'), '1', 'the cursor is shown');
	} finally {
		tmux.kill();
	}
});

test('the start\'s rows are dated when it began: no row is dated before the one above it', {skip}, async () => {
	const greeter = await startServer({
		onConnection(socket) {
			socket.send('welcome');
		},
	});
	const state = mkdtempSync(join(tmpdir(), 'wsterm-fix-'));
	const command = cliCommand(cliPath, ['--no-history', greeter.url], {XDG_STATE_HOME: state, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: ''});
	const tmux = new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 24});
	try {
		const screen = await tmux.waitFor(/< welcome$/m, {what: 'the welcome row'});
		const times = [...screen.matchAll(/^(\d\d):(\d\d):(\d\d)\.(\d{3}) /gm)].map(([, h, m, s, ms]) => ((((Number(h) * 60) + Number(m)) * 60) + Number(s)) * 1000 + Number(ms));
		assert.equal(times.length, 2, screen);
		assert.deepEqual(times, times.toSorted((a, b) => a - b), screen);
	} finally {
		tmux.kill();
		await greeter.close();
	}
});

test('quitting while a typed message waits for the connection says it was not sent and exits 1, not 0', {skip}, async () => {
	const outage = await startOutagePeer();
	const state = mkdtempSync(join(tmpdir(), 'wsterm-fix-'));
	const command = cliCommand(cliPath, ['--no-history', '--reconnect', outage.url], {XDG_STATE_HOME: state, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: ''});
	const tmux = new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 24});
	try {
		await tmux.waitFor(/^ open /m);
		await outage.stop();
		await tmux.waitFor(/^ reconnecting /m, {what: 'the session to wait for the server'});
		together(tmux, 'queued', 'Enter');
		await tmux.waitFor(/> pending queued/, {what: 'the message to wait'});
		tmux.keys('C-c');
		const screen = await tmux.waitFor(/EXIT=\d+/, {what: 'the session to exit'});
		assert.match(screen, /wsterm: 1 message typed while not connected was not sent/);
		assert.match(screen, /EXIT=1/);
	} finally {
		tmux.kill();
		await outage.close();
	}
});

test('/save writes an open record for each connection, as --record does, and one dated when it opened after /clear', {skip}, async () => {
	const state = mkdtempSync(join(tmpdir(), 'wsterm-fix-'));
	const recorded = join(state, 'recorded.jsonl');
	const saved = join(state, 'saved.jsonl');
	const cleared = join(state, 'cleared.jsonl');
	const tmux = open(state, ['--no-history', '--record', recorded]);
	type Record = {readonly time: string; readonly type: string; readonly dir: string; readonly data?: string};
	const read = (path: string): Record[] => readFileSync(path, 'utf8').trim().split('\n').map(line => JSON.parse(line) as Record);
	const shape = (records: readonly Record[]): string[] => records.map(record => `${record.dir} ${record.type}${record.data === undefined ? '' : ` ${record.data}`}`);
	try {
		await tmux.waitFor(/^ open /m);
		together(tmux, 'one', 'Enter');
		await tmux.waitFor(/< one$/m);
		const handshakes = server.requests.length;
		together(tmux, '/reconnect', 'Enter');
		// --record writes a message typed while the second connection opens before its open: /reconnect
		// drops the first without a close record. Typed once it is open, both files agree.
		await tmux.waitFor(() => server.requests.length > handshakes, {what: 'the second connection'});
		await delay(300);
		together(tmux, 'two', 'Enter');
		await tmux.waitFor(/< two$/m);
		together(tmux, `/save ${saved}`, 'Enter');
		await tmux.waitFor(/saved \d+ events? to/);
		together(tmux, '/clear', 'Enter');
		await tmux.waitFor(screen => !screen.includes('< two'), {what: 'the pane to be cleared'});
		together(tmux, `/save ${cleared}`, 'Enter');
		await tmux.waitFor(/saved 1 event to/);
	} finally {
		tmux.kill();
	}

	const expected = ['out open', 'out text one', 'in text one', 'out open', 'out text two', 'in text two'];
	assert.deepEqual(shape(read(recorded)), expected, '--record');
	assert.deepEqual(shape(read(saved)), expected, '/save');
	const [opened] = read(cleared);
	assert.equal(opened?.type, 'open');
	const secondOpen = read(recorded)[3]!;
	assert.ok(Math.abs(Date.parse(opened.time) - Date.parse(secondOpen.time)) < 1000, `/save after /clear: the open is dated ${opened.time}, the connection opened at ${secondOpen.time}`);
});
