/*
A protocol's handshake that never finishes, in the full-screen session (tmux): lines typed while it
holds them are counted as not sent, and quitting then exits 1, as quitting before the first open.
*/
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {cliPath} from './helpers/cli.js';
import {startHandshakePeer} from './helpers/handshake-peers.js';
import {cliCommand, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const directory = mkdtempSync(join(tmpdir(), 'wsterm-handshake-'));
const peer = await startHandshakePeer();
after(async () => peer.close());

test('session: lines held by a graphql-ws handshake that never finishes are not sent; /quit exits 1', {skip: hasTmux() ? false : 'tmux is not installed'}, async () => {
	const command = cliCommand(cliPath, [`${peer.base}/?mode=silent`, '--protocol', 'graphql-ws', '--connect-timeout', '60'], {XDG_STATE_HOME: directory, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: '', NO_COLOR: ''});
	const tmux = new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns: 120, rows: 20});
	try {
		await tmux.waitFor(/ open /, {what: 'the WebSocket to open'});
		tmux.keys('{ a }', {literal: true});
		tmux.keys('Enter');
		tmux.keys('/quit', {literal: true});
		tmux.keys('Enter');
		const screen = await tmux.waitFor(/EXIT=\d+/, {what: 'the session to exit'});
		assert.match(screen, /1 message typed while not connected was not sent/);
		assert.match(screen, /EXIT=1/);
	} finally {
		tmux.kill();
	}
});
