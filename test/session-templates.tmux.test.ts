/*
Templates and saved messages in the full-screen session (the built CLI in tmux): --template fills
in typed messages; with a profile (wsterm.toml in the working directory), /send, Tab, /messages
and /keep. The profile runs wait for profile loading (branch profiles-files).
*/
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {cliPath} from './helpers/cli.js';
import {startRecordingEcho, type TestServer} from './helpers/servers.js';
import {cliCommand, hasTmux, TmuxSession} from './helpers/ui-tmux.js';
import {until} from './helpers/until.js';

const directory = mkdtempSync(join(tmpdir(), 'wsterm-session-templates-'));
const skip = hasTmux() ? false : 'tmux is not installed';
let server: TestServer & {readonly received: string[]};

before(async () => {
	server = await startRecordingEcho();
	writeFileSync(join(directory, 'wsterm.toml'), [
		'[profiles.local]',
		`url = "${server.url}"`,
		'',
		'[profiles.local.vars]',
		'room = "lobby"',
		'',
		'[profiles.local.messages]',
		'subscribe = \'{"op":"subscribe","room":"{{room}}","seq":{{$seq}}}\'',
		'subtract = \'{"op":"sub"}\'',
		'',
	].join('\n'));
});

after(async () => server.close());

/** The CLI in tmux, in `directory` (where its wsterm.toml is), its config and state there too. */
function session(arguments_: readonly string[]): TmuxSession {
	const command = cliCommand(cliPath, arguments_, {XDG_STATE_HOME: directory, XDG_CONFIG_HOME: join(directory, 'config'), NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: ''});
	return new TmuxSession(`cd '${directory}' && ${command}; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 24});
}

function type(tmux: TmuxSession, line: string): void {
	tmux.keys(line, {literal: true});
	tmux.keys('Enter');
}

test('--template in the session: a typed message is filled in (--var, {{$seq}}); one naming an undefined variable is an error row and is not sent', {skip}, async () => {
	server.received.length = 0;
	const tmux = session(['--template', '--var', 'room=ops', server.url]);
	try {
		await tmux.waitFor(/ open /, {what: 'the open'});
		type(tmux, '{"room":"{{room}}","seq":{{$seq}}}');
		type(tmux, '{{nope}}');
		type(tmux, 'again {{$seq}}');
		const screen = await tmux.waitFor(/> again 2/, {what: 'the second sent row'});
		assert.match(screen, /> \{"room":"ops","seq":1\}/);
		assert.match(screen, /not sent: \{\{nope\}\} is not defined \(--var nope=VALUE sets it\)/);
		assert.deepEqual(server.received, ['{"room":"ops","seq":1}', 'again 2']);
	} finally {
		tmux.kill();
	}
});

test('with a profile: Tab completes /send\'s names, /send sends a saved message filled in, /messages lists them, /keep saves into the user\'s config.toml', {skip}, async () => {
	server.received.length = 0;
	const tmux = session(['@local']);
	try {
		await tmux.waitFor(/ open /, {what: 'the open'});
		tmux.keys('/send subs', {literal: true});
		tmux.keys('Tab');
		await tmux.waitFor(/> \/send subscribe/, {what: 'the completed name'});
		tmux.keys('Enter');
		await tmux.waitFor(/> \{"op":"subscribe","room":"lobby","seq":1\}/, {what: 'the sent row'});
		type(tmux, '/messages');
		await tmux.waitFor(/subtract +\{"op":"sub"\}/, {what: 'the list'});
		type(tmux, 'hello {{$seq}}');
		type(tmux, '/keep hello');
		await tmux.waitFor(/kept hello in/, {what: 'the /keep row'});
		type(tmux, '/send hello');
		await tmux.waitFor(/> hello 2/, {what: 'the kept message, sent'});
		// The sent row is drawn as the message goes out; the server reads it a moment later.
		await until(() => server.received.length >= 3, 5000).catch(() => undefined);
		assert.deepEqual(server.received, ['{"op":"subscribe","room":"lobby","seq":1}', 'hello {{$seq}}', 'hello 2']);
		assert.equal(readFileSync(join(directory, 'config', 'wsterm', 'config.toml'), 'utf8'), '[profiles.local.messages]\nhello = \'hello {{$seq}}\'\n');
		assert.equal(readFileSync(join(directory, 'wsterm.toml'), 'utf8').includes('hello'), false, 'the project\'s file is left alone');
	} finally {
		tmux.kill();
	}
});
