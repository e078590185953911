/*
A profile in the full-screen session, in a real terminal (tmux): its URL in the status bar, its
password and the token it takes from the environment shown as ***.
*/
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {cliPath} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';
import {cliCommand, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const skip = hasTmux() ? false : 'tmux is not installed';
const root = mkdtempSync(join(tmpdir(), 'wsterm-profiles-session-'));
let server: TestServer;

before(async () => {
	server = await startServer();
});
after(async () => server.close());

test('the session shows a profile\'s URL in its status bar, without its password or its token', {skip}, async () => {
	const child = join(root, 'app', 'src');
	mkdirSync(child, {recursive: true});
	writeFileSync(join(root, 'app', 'wsterm.toml'), `[profiles.local]
url = "ws://alice:hunter2@127.0.0.1:${server.port}/live?token={{env.LIVE_TOKEN}}"
`);
	const command = cliCommand(cliPath, ['@local', '--no-history'], {XDG_CONFIG_HOME: join(root, 'config'), XDG_STATE_HOME: join(root, 'state'), LIVE_TOKEN: 'tok-123456'});
	const tmux = new TmuxSession(`cd '${child}' && ${command}; sleep 30`, {columns: 120, rows: 12});
	try {
		const screen = await tmux.waitFor(/^ open /m, {what: 'the session to open'});
		assert.match(screen, /ws:\/\/alice:\*\*\*@127\.0\.0\.1:\d+\/live\?token=\*\*\*/);
		assert.doesNotMatch(screen, /hunter2|tok-123456/);
		assert.equal(server.requests.at(-1)!.url, '/live?token=tok-123456');
	} finally {
		tmux.kill();
	}
});

test('the status bar hides a host taken from the environment, though the URL lower-cases it', {skip}, async () => {
	const child = join(root, 'hosts', 'src');
	mkdirSync(child, {recursive: true});
	writeFileSync(join(root, 'hosts', 'wsterm.toml'), `[profiles.hidden]
url = "ws://{{env.LIVE_HOST}}.invalid:${server.port}/live"
`);
	const command = cliCommand(cliPath, ['@hidden', '--no-history', '--resolve', `secrethost123.invalid:${server.port}:127.0.0.1`], {XDG_CONFIG_HOME: join(root, 'config'), XDG_STATE_HOME: join(root, 'state'), LIVE_HOST: 'SecretHost123'});
	const tmux = new TmuxSession(`cd '${child}' && ${command}; sleep 30`, {columns: 120, rows: 12});
	try {
		const screen = await tmux.waitFor(/^ open /m, {what: 'the session to open'});
		assert.match(screen, /ws:\/\/\*\*\*\.invalid:\d+\/live/);
		assert.doesNotMatch(screen, /secrethost123/i);
	} finally {
		tmux.kill();
	}
});
