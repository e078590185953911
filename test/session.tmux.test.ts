import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {cliPath} from './helpers/cli.js';
import {startLateUpgrade} from './helpers/peers.js';
import {echo, startServer, type TestServer} from './helpers/servers.js';
import {cliCommand, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const slowLoads = fileURLToPath(new URL('helpers/slow-loads.mjs', import.meta.url));
// Node 22 and later block the main thread while a module hook waits (test/startup-signals.cli.test.ts).
const slowLoadsBlock = Number(process.versions.node.split('.')[0]) >= 22 ? 'Node 22 and later block the main thread while a module hook waits' : false;

const state = mkdtempSync(join(tmpdir(), 'wsterm-e2e-'));
let server: TestServer;
const closes: Array<{code: number; reason: string}> = [];

before(async () => {
	server = await startServer({onConnection(socket) {
		socket.send('evil \u001B[2J\u001B]0;pwned\u0007 \u009B31m end');
		socket.on('close', (code, reason) => closes.push({code, reason: reason.toString()}));
		echo(socket);
	}});
});

after(async () => server.close());

test('the built CLI in a real terminal: echo, escaping, resize, /close, Ctrl-C restores the terminal', {skip: hasTmux() ? false : 'tmux is not installed'}, async () => {
	// CI set, as many CI systems and some dev containers do: in a terminal wsterm still draws live.
	// DEV=true, as some shells export: ink must not try to reach React DevTools.
	const command = cliCommand(cliPath, [server.url], {XDG_STATE_HOME: state, CI: 'true', DEV: 'true', NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: ''});
	// After wsterm: its exit code, and whether the terminal is back in canonical (cooked) mode.
	const tmux = new TmuxSession(`${command}; echo "EXIT=$?"; stty -a | grep -o -- '-\\?icanon'; sleep 30`, {columns: 100, rows: 20});
	try {
		await tmux.waitFor(/^ open /m, {what: 'the status bar to say open'});
		assert.equal(tmux.display('#{alternate_on}'), '1', 'the session runs on the alternate screen');
		// The server's ESC, OSC and C1 bytes are shown as text; the screen was not cleared by them.
		// The status bar counts it in the same frame that shows it.
		let screen = await tmux.waitFor(/↓1 /, {what: 'the server\'s first message to be counted'});
		assert.match(screen, /< evil \\e\[2J\\e\]0;pwned\\x07 \\x9b31m end/);
		assert.notEqual(tmux.display('#{pane_title}'), 'pwned');

		tmux.keys('hello from tmux', {literal: true});
		tmux.keys('Enter');
		screen = await tmux.waitFor(/< hello from tmux/);
		assert.match(screen, /\d{3} > hello from tmux/);
		const lines = screen.split('\n');
		// The frame is one row shorter than the window (a full-height frame makes ink clear the
		// screen on every render): status bar, then the input line, then the spare row.
		assert.match(lines[17] ?? '', /^ open .*↑1 15 B/, 'the status bar is above the input line');
		assert.match(lines[18] ?? '', /^>/, 'the input line is at the bottom of the frame');

		tmux.keys('x'.repeat(120), {literal: true});
		tmux.keys('Enter');
		await tmux.waitFor(/< x{50}/);
		tmux.resize(60, 12);
		screen = await tmux.waitFor(screen => {
			const rows = screen.split('\n');
			return /^ open /.test(rows[9] ?? '') && /^>/.test(rows[10] ?? '');
		}, {what: 'the layout for 60x12'});
		for (const line of screen.split('\n')) {
			assert.ok(line.length <= 60, `wider than the window: ${line}`);
		}

		// The 120 x's now take three rows of at most 45 after the time column.
		assert.equal(screen.split('\n').filter(line => /x{20}/.test(line)).length >= 3, true, screen);

		tmux.keys('/close 4000 bye', {literal: true});
		tmux.keys('Enter');
		screen = await tmux.waitFor(/closed 4000 bye/);
		assert.match(screen, /\d{3} > close 4000 bye/);
		// The server hears of the close when the TCP connection ends, a moment after the frame.
		await tmux.waitFor(() => closes.length > 0, {what: 'the server to see the close'});
		assert.deepEqual(closes.at(-1), {code: 4000, reason: 'bye'});

		tmux.keys('C-c');
		// Wait for stty's line too: it comes a moment after the exit code.
		screen = await tmux.waitFor(/EXIT=\d+\n-?icanon/);
		assert.match(screen, /EXIT=0/);
		assert.match(screen, /^icanon$/m, 'the terminal is back in canonical mode');
		assert.doesNotMatch(screen, /open|> hello/, 'the alternate screen was left');
		assert.equal(tmux.display('#{alternate_on}'), '0');
		assert.equal(tmux.display('#{cursor_flag}'), '1', 'the cursor is shown');
		assert.match(readFileSync(join(state, 'wsterm', 'history'), 'utf8'), /"hello from tmux"\n/);
	} finally {
		tmux.kill();
	}
});

test('wsterm with no URL talks to its built-in echo server', {skip: hasTmux() ? false : 'tmux is not installed'}, async () => {
	const command = cliCommand(cliPath, ['--no-history'], {XDG_STATE_HOME: state});
	const tmux = new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 16});
	try {
		await tmux.waitFor(/^ open {2}ws:\/\/127\.0\.0\.1:\d+\/ \(built-in echo server\)/m);
		tmux.keys('ping me', {literal: true});
		tmux.keys('Enter');
		await tmux.waitFor(/< ping me/);
		tmux.keys('C-d');
		assert.match(await tmux.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		tmux.kill();
	}
});

test('Ctrl-C while the handshake hangs: one line says so, a typed message is reported unsent, exit 1', {skip: hasTmux() ? false : 'tmux is not installed'}, async () => {
	const late = await startLateUpgrade(30_000);
	const command = cliCommand(cliPath, ['--no-history', late.url], {XDG_STATE_HOME: state});
	const tmux = new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 16});
	try {
		await tmux.waitFor(/^ connecting /m, {what: 'the status bar to say connecting'});
		tmux.keys('queued', {literal: true});
		tmux.keys('Enter');
		await tmux.waitFor(/> pending queued/);
		tmux.keys('C-c');
		const screen = await tmux.waitFor(/EXIT=\d+/);
		assert.match(screen, /wsterm: quit before the connection to ws:\/\/127\.0\.0\.1:\d+\/ opened/);
		assert.match(screen, /wsterm: 1 message typed while not connected was not sent/);
		assert.doesNotMatch(screen, /dropped|1006/);
		assert.match(screen, /EXIT=1/);
	} finally {
		tmux.kill();
		await late.close();
	}
});

test('SIGTERM or SIGINT while the handshake hangs: the session ends with the signal\'s exit code and a line saying so, not killed by it', {skip: hasTmux() ? false : 'tmux is not installed'}, async () => {
	const late = await startLateUpgrade(30_000);
	try {
		for (const [signal, code] of [['TERM', 143], ['INT', 130]] as const) {
			const command = cliCommand(cliPath, ['--no-history', late.url], {XDG_STATE_HOME: state});
			const tmux = new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 16});
			try {
				await tmux.waitFor(/^ connecting /m, {what: 'the status bar to say connecting'});
				// A key shows once the UI is up (the first frame before it does not echo).
				tmux.keys('x', {literal: true});
				await tmux.waitFor(/^> x/m, {what: 'the UI up, still connecting'});
				// The shell's one child is wsterm (matched by parent, not by name: the name differs between Node versions).
				execFileSync('pkill', [`-${signal}`, '-P', tmux.display('#{pane_pid}')]);
				const screen = await tmux.waitFor(/EXIT=\d+/, {what: 'the session to exit'});
				assert.match(screen, new RegExp(`EXIT=${code}`), `SIG${signal}`);
				assert.match(screen, /wsterm: interrupted while connecting to ws:\/\/127\.0\.0\.1:\d+\//, `SIG${signal}: a line says so`);
				// The shell says "Terminated" for a process that a SIGTERM killed, not for an exit with 143.
				assert.doesNotMatch(screen, /Terminated/, `SIG${signal}`);
			} finally {
				tmux.kill();
			}
		}
	} finally {
		await late.close();
	}
});

test('SIGTERM after the first frame, before the UI has loaded: the terminal back, one line, exit 143', {skip: hasTmux() ? slowLoadsBlock : 'tmux is not installed'}, async () => {
	const late = await startLateUpgrade(30_000);
	// The UI's module takes 4 s to load, as from a slow disk: the first frame is up, the UI is not.
	const command = cliCommand(cliPath, ['--no-history', late.url], {XDG_STATE_HOME: state, NODE_OPTIONS: `--import ${slowLoads}`, WSTERM_TEST_LOAD_DELAY: '4000', WSTERM_TEST_SLOW_ONLY: '/ui/run.js'});
	const tmux = new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 16});
	try {
		await tmux.waitFor(/^ connecting /m, {what: 'the first frame'});
		execFileSync('pkill', ['-TERM', '-P', tmux.display('#{pane_pid}')]);
		const screen = await tmux.waitFor(/EXIT=\d+/, {what: 'wsterm to exit'});
		assert.match(screen, /wsterm: interrupted while starting\n(?:.*\n)*EXIT=143/);
		assert.doesNotMatch(screen, /Terminated| connecting /);
	} finally {
		tmux.kill();
		await late.close();
	}
});

test('the terminal going away (its tmux server killed) ends the session\'s process, after a signal and without one', {skip: hasTmux() ? false : 'tmux is not installed'}, async () => {
	const late = await startLateUpgrade(30_000);
	try {
		for (const [url, signalFirst] of [[server.url, false], [late.url, true]] as const) {
			const command = cliCommand(cliPath, ['--no-history', url], {XDG_STATE_HOME: state});
			const tmux = new TmuxSession(`${command}; sleep 30`, {columns: 100, rows: 16});
			let pid = 0;
			try {
				await tmux.waitFor(/^ (open|connecting) /m, {what: 'the status bar'});
				tmux.keys('x', {literal: true});
				await tmux.waitFor(/^> x/m, {what: 'the UI up'});
				// The shell's one child is wsterm (matched by parent, not by name: the name differs between Node versions).
				pid = Number(execFileSync('pgrep', ['-P', tmux.display('#{pane_pid}')], {encoding: 'utf8'}).trim());
				if (signalFirst) {
					// A SIGINT that is still being answered (the handshake given up) when the terminal goes.
					process.kill(pid, 'SIGINT');
				}
			} finally {
				tmux.kill();
			}

			const alive = (): boolean => {
				try {
					process.kill(pid, 0);
					return true;
				} catch {
					return false;
				}
			};

			for (let waited = 0; waited < 5000 && alive(); waited += 50) {
				await new Promise(resolve => setTimeout(resolve, 50));
			}

			const stillAlive = alive();
			if (stillAlive) {
				process.kill(pid, 'SIGKILL');
			}

			assert.equal(stillAlive, false, `wsterm (${url}) still running 5 s after its terminal went away`);
		}
	} finally {
		await late.close();
	}
});

test('a window that grows during the session leaves none of its rows in the shell\'s screen or scrollback', {skip: hasTmux() ? false : 'tmux is not installed'}, async () => {
	const command = cliCommand(cliPath, ['--no-history', server.url], {XDG_STATE_HOME: state});
	// The shell's screen full of lines before the session, as after a build's output.
	const tmux = new TmuxSession(`seq 1 40; ${command}; echo "EXIT=$?"; sleep 30`, {columns: 80, rows: 20});
	try {
		await tmux.waitFor(/^ open /m, {what: 'the status bar to say open'});
		for (let index = 1; index <= 12; index++) {
			tmux.keys(`hello${index}`, {literal: true});
			tmux.keys('Enter');
		}

		await tmux.waitFor(/< hello12/);
		tmux.resize(120, 28);
		await tmux.waitFor(screen => /^ open /.test(screen.split('\n')[25] ?? ''), {what: 'the frame drawn 28 rows tall'});
		tmux.keys('C-d');
		await tmux.waitFor(/EXIT=\d+/);
		const history = tmux.tmux('capture-pane', '-p', '-t', 'main', '-S', '-100');
		assert.doesNotMatch(history, /\d\d:\d\d:\d\d\.\d{3} [<>*] |hello|following/, 'a session row in the shell\'s scrollback');
		const numbers = history.split('\n').filter(line => /^\d+$/.test(line));
		assert.deepEqual(numbers, Array.from({length: 40}, (_, index) => String(index + 1)), 'the shell\'s lines in order, nothing between them');
	} finally {
		tmux.kill();
	}
});
