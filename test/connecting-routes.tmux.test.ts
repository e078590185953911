/*
The route in the session's status bar: a session through --unix-socket or --resolve says so
after its URL (`via unix PATH`, `via 127.0.0.1 (--resolve)`), from the first frame on.
*/
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtempSync} from 'node:fs';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {WebSocketServer} from 'ws';
import {cliPath} from './helpers/cli.js';
import {cliCommand, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const state = mkdtempSync(join(tmpdir(), 'wsterm-route-ui-'));
const skip = hasTmux() ? false : 'tmux is not installed';
const socketPath = join(state, 'app.sock');

/** An echo server of ws's own, on the unix socket and on a port of 127.0.0.1. */
const servers = [createServer(), createServer()];
for (const server of servers) {
	new WebSocketServer({server}).on('connection', socket => {
		socket.on('message', data => {
			socket.send(data);
		});
	});
}

servers[0]!.listen(socketPath);
servers[1]!.listen(0, '127.0.0.1');
await Promise.all(servers.map(async server => once(server, 'listening')));
const {port} = servers[1]!.address() as AddressInfo;

after(() => {
	for (const server of servers) {
		server.closeAllConnections();
		server.close();
	}
});

async function statusBar(arguments_: readonly string[]): Promise<string> {
	const command = cliCommand(cliPath, ['--no-history', ...arguments_], {XDG_STATE_HOME: state});
	const tmux = new TmuxSession(`${command}; sleep 30`, {columns: 140, rows: 12});
	try {
		const screen = await tmux.waitFor(/^ open .*\(via /m, {what: 'the session to open'});
		return screen.split('\n').find(line => line.startsWith(' open ')) ?? '';
	} finally {
		tmux.kill();
	}
}

test('--unix-socket: the status bar says "via unix PATH" after the URL', {skip}, async () => {
	const bar = await statusBar(['--unix-socket', socketPath, 'ws://app.local/chat']);
	assert.match(bar, new RegExp(`ws://app\\.local/chat \\(via unix ${socketPath.replaceAll('.', '\\.')}\\)`));
});

test('--resolve: the status bar says which address, and that --resolve chose it', {skip}, async () => {
	const bar = await statusBar([`ws://api.invalid.test:${port}/`, '--resolve', `api.invalid.test:${port}:127.0.0.1`]);
	assert.match(bar, new RegExp(`ws://api\\.invalid\\.test:${port}/ \\(via 127\\.0\\.0\\.1 \\(--resolve\\)\\)`));
});
