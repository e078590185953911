/*
How the session looks in a real terminal (tmux), read back with its attributes (capture-pane -e):
colour, and what stands out without it.
*/
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {execFileSync} from 'node:child_process';
import {after, before, test} from 'node:test';
import {cliPath} from './helpers/cli.js';
import {echo, startServer, type TestServer} from './helpers/servers.js';
import {cliCommand, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const state = mkdtempSync(join(tmpdir(), 'wsterm-display-'));
const skip = hasTmux() ? false : 'tmux is not installed';

/** The screen with its attributes as SGR sequences. */
const painted = (tmux: TmuxSession): string => tmux.tmux('capture-pane', '-e', '-p', '-t', 'main');
const escape = '\u001B';
// A foreground colour (30-37, 90-97, 256 or RGB): what NO_COLOR and TERM=dumb turn off.
const colour = new RegExp(`${escape}\\[(?:[\\d;]*;)?(?:3[0-7]|9[0-7]|38;[25])[;m]`);
// Reverse video, alone or among other attributes.
const inverse = new RegExp(`${escape}\\[(?:[\\d;]*;)?7[;m]`);
const sgr = new RegExp(`${escape}\\[[\\d;]*m`, 'g');

/** The session against its built-in echo server, with `abc` typed; returns the painted screen. */
async function paintedSession(env: Record<string, string>, arguments_: readonly string[] = []): Promise<string> {
	const command = cliCommand(cliPath, ['--no-history', ...arguments_], {XDG_STATE_HOME: state, ...env});
	const tmux = new TmuxSession(`${command}; sleep 30`, {columns: 100, rows: 12});
	try {
		await tmux.waitFor(/^ open /m, {what: 'the session to open'});
		tmux.keys('abc', {literal: true});
		await tmux.waitFor(/^> abc/m);
		return painted(tmux);
	} finally {
		tmux.kill();
	}
}

/** The painted row whose text matches `pattern`. */
function row(screen: string, pattern: RegExp): string {
	return screen.split('\n').find(line => pattern.test(line.replaceAll(sgr, ''))) ?? '';
}

test('TERM=dumb, NO_COLOR and --no-color: no colour anywhere, and the status bar and the cursor still stand out', {skip}, async () => {
	for (const [env, arguments_] of [[{TERM: 'dumb'}, []], [{NO_COLOR: '1'}, []], [{}, ['--no-color']]] as const) {
		const what = `${JSON.stringify(env)} ${arguments_.join(' ')}`;
		const screen = await paintedSession(env, arguments_);
		assert.doesNotMatch(screen, colour, `${what}: a colour on the screen:\n${JSON.stringify(screen)}`);
		assert.match(row(screen, /^ open /), inverse, `${what}: the status bar is in reverse video`);
		assert.match(row(screen, /^> abc/), inverse, `${what}: the cursor is a reverse-video cell`);
	}
});

test('with colour: the rows and the status bar are coloured, the bar and the cursor in reverse video', {skip}, async () => {
	const screen = await paintedSession({TERM: 'xterm-256color'});
	assert.match(row(screen, /\* info connecting/), colour, 'the info row is coloured');
	assert.match(row(screen, /^ open /), colour, 'the state is coloured');
	assert.match(row(screen, /^ open /), inverse);
	assert.match(row(screen, /^> abc/), inverse);
});

/** 80 KB of words in one text message, some 950 rows at 100 columns: far more than the pane keeps of one message. */
const longMessage = `${Array.from({length: 8000}, (_, index) => `word${String(index).padStart(5, '0')}`).join(' ')} THE-END`;
let longServer: TestServer;

before(async () => {
	longServer = await startServer({onConnection(socket) {
		socket.send(longMessage);
		echo(socket);
	}});
});

after(async () => longServer.close());

const hasLess = ((): boolean => {
	try {
		execFileSync('less', ['--version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

test('a message longer than the pane keeps: the cut says so, /open shows all of it in less, and the session comes back', {skip: skip || (hasLess ? false : 'less is not installed')}, async () => {
	const command = cliCommand(cliPath, ['--no-history', longServer.url], {XDG_STATE_HOME: state, PAGER: 'less', LESS: ''});
	const tmux = new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 16});
	try {
		let screen = await tmux.waitFor(/\/open shows/, {what: 'the mark where the message is cut'});
		assert.doesNotMatch(screen, /THE-END/);
		tmux.keys('/open', {literal: true});
		tmux.keys('Enter');
		// less, on the screen the shell had: the end of the message is there.
		await tmux.waitFor(/word00000/, {what: 'less showing the message'});
		assert.equal(tmux.display('#{alternate_on}'), '1', 'less has the screen');
		tmux.keys('G');
		screen = await tmux.waitFor(/THE-END/, {what: 'the end of the message in less'});
		assert.match(screen, /word07999\s+THE-END/);
		tmux.keys('q');
		// The session again, all of it painted, and alive.
		screen = await tmux.waitFor(/^ open /m, {what: 'the session back'});
		assert.equal(tmux.display('#{alternate_on}'), '1');
		assert.match(screen, /\/open shows/);
		tmux.keys('after', {literal: true});
		tmux.keys('Enter');
		await tmux.waitFor(/< after/);
		tmux.keys('C-c');
		assert.match(await tmux.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		tmux.kill();
	}
});

test('/open with a pager that cannot run: an error row says so, and where the whole message is', {skip}, async () => {
	const command = cliCommand(cliPath, ['--no-history', longServer.url], {XDG_STATE_HOME: state, PAGER: 'no-such-pager-here'});
	const tmux = new TmuxSession(`${command}; sleep 30`, {columns: 160, rows: 16});
	try {
		await tmux.waitFor(/\/open shows/, {what: 'the mark where the message is cut'});
		tmux.keys('/open', {literal: true});
		tmux.keys('Enter');
		const screen = await tmux.waitFor(/error .*no-such-pager-here/, {what: 'the error row'});
		const path = /(\/\S+\.txt)/.exec(screen.replaceAll(/\n {15}/g, ''))?.[1];
		assert.ok(path !== undefined && existsSync(path), `the file is named and kept:\n${screen}`);
		const written = readFileSync(path, 'utf8');
		assert.match(written.slice(0, 40), /^\d\d:\d\d:\d\d\.\d{3} < text 78\.1 KiB\n/);
		assert.ok(written.includes(longMessage), 'the whole message is in the file');
		rmSync(dirname(path), {recursive: true});
		assert.match(tmux.capture(), /^ open /m);
	} finally {
		tmux.kill();
	}
});
