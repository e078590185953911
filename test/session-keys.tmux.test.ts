/*
Keys as a terminal sends them, in a real terminal (tmux): several keys in one read, bracketed
pastes, Delete, grapheme clusters, long and tall drafts in small windows, Ctrl-C during start-up.
*/
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {cliPath} from './helpers/cli.js';
import {startSilentPeer} from './helpers/peers.js';
import {startRecordingEcho, type TestServer} from './helpers/servers.js';
import {cliCommand, delay, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const skip = hasTmux() ? false : 'tmux is not installed';
const state = mkdtempSync(join(tmpdir(), 'wsterm-keys-'));
let server: TestServer;
let received: string[] = [];

before(async () => {
	const echoing = await startRecordingEcho();
	server = echoing;
	received = echoing.received;
});

after(async () => server.close());

/** wsterm in tmux; after it, its exit code and then `cat -v` (shows a paste's markers if 2004 stayed on). */
function open(columns = 80, rows = 20, arguments_: readonly string[] = [server.url]): TmuxSession {
	const command = cliCommand(cliPath, ['--no-history', ...arguments_], {XDG_STATE_HOME: state, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: ''});
	// The shell outlives a Ctrl-C that reaches it too (pressed before wsterm takes the terminal).
	return new TmuxSession(`trap true INT; ${command}; echo "EXIT=$?"; cat -v`, {columns, rows});
}

/** Keys in one send-keys: tmux writes them to the terminal together, as one read. */
const together = (tmux: TmuxSession, ...keys: string[]): void => {
	tmux.tmux('send-keys', '-t', 'main', ...keys);
};

const paste = (tmux: TmuxSession, text: string): void => {
	tmux.tmux('set-buffer', '-b', 'p', text);
	tmux.tmux('paste-buffer', '-p', '-b', 'p', '-t', 'main');
};

const inputLine = (screen: string): string => screen.split('\n').find(line => line.startsWith('> ')) ?? '';

test('each key of a chunk acts as itself: text then Ctrl-C exits, Backspaces delete, Enter sends', {skip}, async () => {
	const tmux = open();
	try {
		await tmux.waitFor(/^ open /m);
		together(tmux, 'abcd', 'BSpace', 'BSpace', 'Enter');
		await tmux.waitFor(/< ab$/m);
		assert.equal(received.at(-1), 'ab');
		together(tmux, 'hello', 'Enter', 'wor');
		await tmux.waitFor(/< hello$/m);
		assert.equal(received.at(-1), 'hello');
		assert.match(inputLine(tmux.capture()), /^> wor/);
		together(tmux, 'C-u', 'abc', 'C-c');
		const screen = await tmux.waitFor(/EXIT=\d+/);
		assert.match(screen, /EXIT=0/);
		assert.equal(tmux.display('#{cursor_flag} #{alternate_on}'), '1 0');
	} finally {
		tmux.kill();
	}
});

test('a bracketed paste is one draft, sent on Enter, and mode 2004 is off after the session', {skip}, async () => {
	const tmux = open();
	try {
		await tmux.waitFor(/^ open /m);
		const before = received.length;
		paste(tmux, 'first line\nsecond line\n');
		await tmux.waitFor(/^ {2}second line/m);
		await delay(200);
		assert.equal(received.length, before, 'nothing is sent by the paste itself');
		tmux.keys('BSpace');
		tmux.keys('Enter');
		await tmux.waitFor(() => received.length > before);
		assert.equal(received.at(-1), 'first line\nsecond line');
		tmux.keys('C-d');
		await tmux.waitFor(/EXIT=0/);
		paste(tmux, 'after');
		tmux.keys('Enter');
		const screen = await tmux.waitFor(/^after$/m);
		assert.doesNotMatch(screen, /\[20[01]~/);
	} finally {
		tmux.kill();
	}
});

test('Delete deletes forward; Left, Right and Backspace move over grapheme clusters whole', {skip}, async () => {
	const tmux = open();
	try {
		await tmux.waitFor(/^ open /m);
		together(tmux, 'abc', 'Left', 'Left', 'DC', 'Enter');
		await tmux.waitFor(() => received.at(-1) === 'ac');
		tmux.keys('xe\u0301👍🏽y', {literal: true});
		together(tmux, 'Left', 'BSpace', 'BSpace', 'Enter');
		await tmux.waitFor(() => received.at(-1) === 'xy');
	} finally {
		tmux.kill();
	}
});

test('in a line longer than the window the cursor stays in view', {skip}, async () => {
	const tmux = open(40, 10);
	try {
		await tmux.waitFor(/^ open /m);
		const text = `${'a'.repeat(30)}MIDDLE${'z'.repeat(30)}`;
		tmux.keys(text, {literal: true});
		await tmux.waitFor(screen => /z…?$/m.test(inputLine(screen)));
		tmux.keys('Home');
		await tmux.waitFor(screen => inputLine(screen).startsWith('> aaaa'));
		assert.equal(tmux.display('#{cursor_flag}'), '0', 'ink draws the cursor as an inverse cell');
		together(tmux, 'End', ...Array.from({length: 20}, () => 'Left'));
		const screen = await tmux.waitFor(screen => /^> …a+MIDDLEz+…$/.test(inputLine(screen)), {what: 'the middle of the line, cut on both sides'});
		assert.ok([...inputLine(screen)].length <= 40, screen);
	} finally {
		tmux.kill();
	}
});

test('a draft taller than the window never covers the status bar', {skip}, async () => {
	for (const [columns, rows, lines] of [[40, 6, 10], [20, 5, 4]] as const) {
		const tmux = open(columns, rows);
		try {
			await tmux.waitFor(/^ open /m);
			paste(tmux, Array.from({length: lines}, (_, index) => `line ${index + 1}`).join('\n'));
			const screen = await tmux.waitFor(new RegExp(`line ${lines}`));
			assert.match(screen, /^ open /m, `${columns}x${rows}: the status bar stays\n${screen}`);
			assert.match(screen, /^↑ line/m, 'a mark says lines are hidden above');
			tmux.keys('C-c');
			await tmux.waitFor(/EXIT=0/);
		} finally {
			tmux.kill();
		}
	}
});

test('Ctrl-C at any moment of start-up exits and leaves the terminal as it was', {skip}, async () => {
	for (const wait of [50, 150, 250, 350, 450, 600]) {
		const tmux = open();
		try {
			await delay(wait);
			tmux.keys('C-c');
			const screen = await tmux.waitFor(/EXIT=\d+/);
			// Before the first connection opened, a quit is exit 1 and says so (readme, exit codes);
			// on a slow machine the connection may still be opening at any of these moments.
			const quitWhileConnecting = /quit before the connection to \S+ opened\nEXIT=1\b/.test(screen);
			assert.ok(quitWhileConnecting || /EXIT=(0|130)\b/.test(screen), `Ctrl-C after ${wait} ms\n${screen}`);
			assert.equal(tmux.display('#{cursor_flag} #{alternate_on}'), '1 0', `Ctrl-C after ${wait} ms`);
		} finally {
			tmux.kill();
		}
	}
});

test('Ctrl-L redraws the screen over whatever else wrote to the terminal', {skip}, async () => {
	const tmux = open();
	try {
		await tmux.waitFor(/^ open /m);
		// Another program writes to the terminal (a wall message, a background job): on the last
		// row, which the session's frame leaves alone, so that only a redraw removes it.
		// A frame drawn meanwhile (a late batch of events) clears that row: write until it stays.
		let shown = false;
		for (let attempt = 0; attempt < 10 && !shown; attempt++) {
			writeFileSync(tmux.display('#{pane_tty}'), '\u001B[20;1HGARBAGE-ON-SCREEN');
			await delay(300);
			shown = tmux.capture().includes('GARBAGE-ON-SCREEN');
		}

		assert.ok(shown, 'the garbage stays on screen while nothing redraws');
		tmux.keys('C-l');
		const screen = await tmux.waitFor(screen => !screen.includes('GARBAGE') && /^ open /m.test(screen), {what: 'the garbage to go'});
		assert.match(screen, /^ open /m);
		assert.match(screen, /^>/m);
	} finally {
		tmux.kill();
	}
});

test('in a Ctrl-R search, Esc typed together with the keys after it leaves the search; the next line is sent', {skip}, async () => {
	const tmux = open();
	try {
		await tmux.waitFor(/^ open /m);
		tmux.keys('C-r');
		await tmux.waitFor(/^\(search\)/m, {what: 'the search to open'});
		// Esc, Ctrl-E, Ctrl-U in one write, as a fast typist's keys come in one read.
		tmux.keys('\u001B\u0005\u0015', {literal: true});
		tmux.keys('after esc', {literal: true});
		await tmux.waitFor(screen => inputLine(screen).startsWith('> after esc'), {what: 'the line in the input, not in the search'});
		tmux.keys('Enter');
		await tmux.waitFor(() => received.at(-1) === 'after esc', {what: 'the line to be sent'});
		tmux.keys('Up');
		await tmux.waitFor(screen => inputLine(screen).startsWith('> after esc'), {what: 'the line in the history'});
	} finally {
		tmux.kill();
	}
});

test('Ctrl-C in a Ctrl-R search leaves the search and says that Ctrl-C again exits; it does', {skip}, async () => {
	const tmux = open();
	try {
		await tmux.waitFor(/^ open /m);
		tmux.keys('C-r');
		tmux.keys('ls', {literal: true});
		await tmux.waitFor(/^\(search\) ls/m, {what: 'the search to open'});
		tmux.keys('C-c');
		const screen = await tmux.waitFor(/\* info left the search; Ctrl-C again exits/, {what: 'the row that says what Ctrl-C did'});
		assert.match(screen, /^>\s*$/m, 'back to the empty input line');
		assert.doesNotMatch(screen, /\(search\)/);
		tmux.keys('C-c');
		assert.match(await tmux.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		tmux.kill();
	}
});

test('against a peer that never answers the close, a second Ctrl-C or Ctrl-D leaves at once, the terminal restored', {skip}, async () => {
	const silent = await startSilentPeer();
	try {
		for (const [first, second] of [['C-c', 'C-c'], ['C-d', 'C-d'], ['C-c', 'C-d']] as const) {
			const tmux = open(80, 20, [silent.url]);
			try {
				await tmux.waitFor(/^ open /m);
				tmux.keys(first);
				await tmux.waitFor(/^ closing /m, {what: 'the close to wait for the peer'});
				const pressed = Date.now();
				tmux.keys(second);
				const screen = await tmux.waitFor(/EXIT=\d+/, {what: 'the session to exit'});
				const waited = Date.now() - pressed;
				assert.ok(waited < 1000, `${first} then ${second}: exited ${waited} ms after the second key (the close timeout is 2 s)`);
				assert.match(screen, /EXIT=0/);
				assert.equal(tmux.display('#{cursor_flag} #{alternate_on}'), '1 0');
			} finally {
				tmux.kill();
			}
		}
	} finally {
		await silent.close();
	}
});
