import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import * as msgpack from '@msgpack/msgpack';
import {runCli, cliPath} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';
import {cliCommand, hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const directory = mkdtempSync(join(tmpdir(), 'wsterm-session-pipeline-'));
const skip = hasTmux() ? false : 'tmux is not installed';
let server: TestServer;
/** Text messages the server received, in order. */
const received: string[] = [];

before(async () => {
	server = await startServer({onConnection(socket) {
		socket.send('ask 7');
		socket.on('message', (data, isBinary) => {
			const text = data.toString();
			received.push(isBinary ? `binary:${data.toString('hex')}` : text);
			if (!isBinary && text === 'pack') {
				socket.send(msgpack.encode({packed: true, n: 42}));
			} else {
				socket.send(data, {binary: isBinary});
			}
		});
	}});
});

after(async () => server.close());

function session(arguments_: readonly string[]): TmuxSession {
	const command = cliCommand(cliPath, arguments_, {XDG_STATE_HOME: directory, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: ''});
	return new TmuxSession(`${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 24});
}

function type(tmux: TmuxSession, line: string): void {
	tmux.keys(line, {literal: true});
	tmux.keys('Enter');
}

test('--script and --reply in the session: ctx.log is an info row, replies go out as sent rows, hooks hide and replace rows, ctx.exit(3) quits with 3', {skip}, async () => {
	const script = join(directory, 'hooks.mjs');
	writeFileSync(script, `
export function onOpen(ctx) { ctx.log('script says hi to', ctx.url); }
export function onMessage(message, ctx) {
	if (message.text === 'secret') return null;
	if (message.text === 'shout') return 'SHOUTED BY HOOK';
	if (message.text === 'boom') throw new Error('hook went boom');
	if (message.text === 'bye') ctx.exit(3);
}
`);
	const tmux = session(['--script', script, '--reply', 'ask (\\d+) => answer $1', server.url]);
	try {
		let screen = await tmux.waitFor(/\* info script says hi to ws:\/\/127\.0\.0\.1/, {what: 'the ctx.log row'});
		screen = await tmux.waitFor(/> answer 7/, {what: 'the --reply row'});
		assert.match(screen, /< ask 7/);
		type(tmux, 'secret');
		type(tmux, 'shout');
		type(tmux, 'boom');
		screen = await tmux.waitFor(/hooks\.mjs:6: onMessage failed/, {what: 'the hook error row'});
		assert.match(screen, /\* error .*hooks\.mjs:6:/, 'the error row names the file and line');
		assert.match(screen, /< SHOUTED BY HOOK/);
		assert.doesNotMatch(screen, /< secret/, 'a hook returning null hides the row');
		assert.match(screen, /> secret/);
		assert.ok(received.includes('answer 7'), 'the server received the reply');
		type(tmux, 'bye');
		screen = await tmux.waitFor(/EXIT=\d+/, {what: 'the session to exit'});
		assert.match(screen, /EXIT=3/);
		assert.equal(tmux.display('#{alternate_on}'), '0', 'the alternate screen is left');
		assert.equal(tmux.display('#{cursor_flag}'), '1', 'the cursor is shown');
	} finally {
		tmux.kill();
	}
});

test('--record in the session writes a recording that wsterm replay --check passes', {skip}, async () => {
	const file = join(directory, 'recorded.jsonl');
	const tmux = session(['--record', file, server.url]);
	try {
		await tmux.waitFor(/< ask 7/);
		type(tmux, 'recorded one');
		await tmux.waitFor(/< recorded one/);
		type(tmux, '/quit');
		assert.match(await tmux.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		tmux.kill();
	}

	const lines = readFileSync(file, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {type: string; dir: string; data?: string});
	assert.equal(lines[0]!.type, 'open');
	assert.ok(lines.some(line => line.dir === 'out' && line.data === 'recorded one'));
	const replay = await runCli(['replay', '--check', file]);
	assert.equal(replay.code, 0, replay.stderr);
});

test('/save writes a file wsterm replay reads and checks', {skip}, async () => {
	const file = join(directory, 'saved.jsonl');
	const tmux = session([server.url]);
	try {
		await tmux.waitFor(/< ask 7/);
		type(tmux, 'saved one');
		await tmux.waitFor(/< saved one/);
		type(tmux, `/save ${file}`);
		await tmux.waitFor(/saved \d+ events/);
		type(tmux, '/quit');
		assert.match(await tmux.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		tmux.kill();
	}

	const first = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as {type: string; url: string};
	assert.equal(first.type, 'open');
	assert.equal(first.url, new URL(server.url).href);
	const replay = await runCli(['replay', '--check', file]);
	assert.equal(replay.code, 0, replay.stderr);
	assert.match(replay.stdout, /saved one/);
});

test('--decode msgpack shows the decoded JSON with its badge; /decode off shows hex again', {skip}, async () => {
	const tmux = session(['--decode', 'msgpack', server.url]);
	try {
		await tmux.waitFor(/< ask 7/);
		type(tmux, 'pack');
		let screen = await tmux.waitFor(/< msgpack \{"packed":true,"n":42\}/, {what: 'the decoded row'});
		type(tmux, '/filter packed');
		screen = await tmux.waitFor(/filter/);
		assert.match(screen, /< msgpack \{"packed":true,"n":42\}/, '/filter sees the decoded view');
		type(tmux, '/filter');
		type(tmux, '/decode off');
		await tmux.waitFor(/decoding off/);
		type(tmux, 'pack');
		screen = await tmux.waitFor(/< binary \d+ B/, {what: 'the hex row'});
		assert.match(screen, /82 a6 70 61/);
		type(tmux, '/decode msgpack');
		await tmux.waitFor(/decoding binary messages as msgpack/);
		type(tmux, 'pack');
		screen = await tmux.waitFor(screen => screen.split('< msgpack {"packed":true,"n":42}').length === 3, {what: 'a second decoded row'});
		type(tmux, '/quit');
		assert.match(await tmux.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		tmux.kill();
	}
});

test('/decode NAME in a session started without pipeline flags decodes from then on', {skip}, async () => {
	const tmux = session([server.url]);
	try {
		await tmux.waitFor(/< ask 7/);
		type(tmux, 'pack');
		await tmux.waitFor(/< binary \d+ B/, {what: 'the hex row'});
		type(tmux, '/decode msgpack');
		await tmux.waitFor(/decoding binary messages as msgpack/);
		type(tmux, 'pack');
		const screen = await tmux.waitFor(/< msgpack \{"packed":true,"n":42\}/, {what: 'the decoded row'});
		assert.match(screen, /> pack\n.*< binary/s, 'the row before /decode stays hex');
		type(tmux, '/decode nope');
		await tmux.waitFor(/\/decode nope: takes msgpack, cbor/);
		type(tmux, '/quit');
		assert.match(await tmux.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		tmux.kill();
	}
});

test('--until stays refused in the session with a clear line', {skip}, async () => {
	const tmux = session(['--until', 'x', server.url]);
	try {
		const screen = await tmux.waitFor(/EXIT=\d+/);
		assert.match(screen, /EXIT=2/);
		assert.match(screen, /--until ends a pipe-mode run/);
	} finally {
		tmux.kill();
	}
});
