/*
The full-screen session through a SOCKS5 proxy with a user and password, in a real terminal
(tmux): a name only the proxy resolves is reached, and the password is never on the screen.
*/
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {cliPath} from './helpers/cli.js';
import {proxyOnlyHost, startSocks5Proxy, type TestProxy} from './helpers/proxies.js';
import {echo, startServer, type TestServer} from './helpers/servers.js';
import {cliCommand, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const skip = hasTmux() ? false : 'tmux is not installed';
const secret = 'tmux-pa55-never-shown';
let server: TestServer;
let socks: TestProxy;

before(async () => {
	server = await startServer({onConnection: echo});
	socks = await startSocks5Proxy({username: 'me', password: secret});
});

after(async () => {
	await Promise.all([server.close(), socks.close()]);
});

test('the session through socks5h:// with a password: the proxy resolves the name, the password is never shown', {skip}, async () => {
	const state = mkdtempSync(join(tmpdir(), 'wsterm-proxy-session-'));
	const proxy = socks.url.replace('socks5:', 'socks5h:');
	const command = cliCommand(cliPath, [`ws://${proxyOnlyHost}:${server.port}/`, '--proxy', proxy, '--no-history'], {XDG_STATE_HOME: state, NO_PROXY: '*'});
	const tmux = new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 16});
	try {
		await tmux.waitFor(/^ open /m, {what: 'the status bar to say open'});
		tmux.keys('through socks', {literal: true});
		tmux.keys('Enter');
		const screen = await tmux.waitFor(/< through socks/);
		assert.ok(!screen.includes(secret), screen);
		assert.ok(socks.destinations.includes(`${proxyOnlyHost}:${server.port}`), socks.destinations.join());
		tmux.keys('C-d');
		assert.match(await tmux.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		tmux.kill();
	}
});
