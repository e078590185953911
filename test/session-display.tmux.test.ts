/*
How the session looks in a real terminal (tmux), read back with its attributes (capture-pane -e):
colour, and what stands out without it.
*/
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {cliPath} from './helpers/cli.js';
import {cliCommand, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const state = mkdtempSync(join(tmpdir(), 'wsterm-display-'));
const skip = hasTmux() ? false : 'tmux is not installed';

/** The screen with its attributes as SGR sequences. */
const painted = (tmux: TmuxSession): string => tmux.tmux('capture-pane', '-e', '-p', '-t', 'main');
// A foreground colour (30-37, 90-97, 256 or RGB): what NO_COLOR and TERM=dumb turn off.
const colour = /\u001B\[(?:[\d;]*;)?(?:3[0-7]|9[0-7]|38;[25])[;m]/;
// Reverse video, alone or among other attributes.
const inverse = /\u001B\[(?:[\d;]*;)?7[;m]/;

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
	return screen.split('\n').find(line => pattern.test(line.replaceAll(/\u001B\[[\d;]*m/g, ''))) ?? '';
}

test('TERM=dumb, NO_COLOR and --no-color: no colour anywhere, and the status bar and the cursor still stand out', {skip}, async () => {
	for (const [env, arguments_] of [[{TERM: 'dumb'}, []], [{NO_COLOR: '1'}, []], [{}, ['--no-color']]] as const) {
		const what = `${JSON.stringify(env)} ${arguments_.join(' ')}`;
		// eslint-disable-next-line no-await-in-loop
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
