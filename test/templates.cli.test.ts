/*
Templates in messages and saved messages, in pipe mode (the built CLI): --template, --var,
--message. The runs with a wsterm.toml wait for profile loading (branch profiles-files).
*/
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {runCli} from './helpers/cli.js';
import {startRecordingEcho, type TestServer} from './helpers/servers.js';

const uuid = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

describe('--template', () => {
	let server: TestServer & {readonly received: string[]};
	before(async () => {
		server = await startRecordingEcho();
	});
	after(async () => server.close());

	test('stdin lines and -x messages: {{$uuid}} is a fresh UUID, {{$seq}} counts per run, --var fills {{name}}', async () => {
		server.received.length = 0;
		const result = await runCli([server.url, '--template', '--var', 'room=ops', '--linger', '0'], {input: '{"id":"{{$uuid}}","seq":{{$seq}}}\n{"id":"{{ $uuid }}","seq":{{$seq}},"room":"{{room}}"}\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		const [first, second] = server.received.map(text => JSON.parse(text) as {id: string; seq: number; room?: string});
		assert.match(first!.id, uuid);
		assert.match(second!.id, uuid);
		assert.notEqual(first!.id, second!.id);
		assert.deepEqual([first!.seq, second!.seq, second!.room], [1, 2, 'ops']);
		assert.equal(result.stdout, `${server.received.join('\n')}\n`);

		server.received.length = 0;
		const execute = await runCli([server.url, '--template', '--var', 'a=1', '--var', 'b=x=y', '-x', '{{a}} {{b}} {{$seq}}', '-x', '{{env.WSTERM_TEST_VALUE}} {{$seq}}', '--linger', '0'], {env: {WSTERM_TEST_VALUE: 'from env'}});
		assert.equal(execute.code, 0, execute.stderr);
		assert.deepEqual(server.received, ['1 x=y 1', 'from env 2']);
	});

	test('a line with an undefined variable is not sent, one line names it, the rest is sent, exit 2', async () => {
		server.received.length = 0;
		const result = await runCli([server.url, '--template', '--linger', '0'], {input: 'one {{$seq}}\n{"room":"{{room}}"}\n{{env.WSTERM_NOT_SET}}\nthree {{$seq}}\n'});
		assert.equal(result.code, 2);
		assert.deepEqual(server.received, ['one 1', 'three 2']);
		assert.deepEqual(result.stderr.split('\n').filter(Boolean), [
			'wsterm: not sent: {{room}} is not defined (--var room=VALUE sets it): {"room":"{{room}}"}',
			'wsterm: not sent: {{env.WSTERM_NOT_SET}} is not defined (the environment has no WSTERM_NOT_SET): {{env.WSTERM_NOT_SET}}',
		]);
	});

	test('without --template, {{x}} is sent as typed (and so is JSON with braces with it)', async () => {
		server.received.length = 0;
		const result = await runCli([server.url, '--linger', '0', '-x', '{{x}} {{$seq}}'], {});
		assert.equal(result.code, 0, result.stderr);
		assert.deepEqual(server.received, ['{{x}} {{$seq}}']);

		server.received.length = 0;
		const json = await runCli([server.url, '--template', '--linger', '0'], {input: '{{"a":1}}\n'});
		assert.equal(json.code, 0, json.stderr);
		assert.deepEqual(server.received, ['{{"a":1}}']);
	});

	test('--var needs NAME=VALUE: a usage error naming the flag', async () => {
		for (const value of ['room', '=x', '1a=x', 'a b=x']) {
			const result = await runCli([server.url, '--template', '--var', value, '-x', 'hi']);
			assert.equal(result.code, 2, value);
			assert.match(result.stderr, /^wsterm: --var takes NAME=VALUE/, value);
		}
	});

	test('--template with --binary is a usage error (lines go byte for byte)', async () => {
		const result = await runCli([server.url, '--template', '--binary', '-x', 'hi']);
		assert.equal(result.code, 2);
		assert.match(result.stderr, /^wsterm: --template fills variables into text messages; --binary sends lines byte for byte/);
	});
});

describe('saved messages and profiles (wsterm.toml)', () => {
	let server: TestServer & {readonly received: string[]};
	let directory: string;
	before(async () => {
		server = await startRecordingEcho();
		directory = mkdtempSync(join(tmpdir(), 'wsterm-templates-'));
		writeFileSync(join(directory, 'wsterm.toml'), [
			'[vars]',
			'room = "lobby"',
			'',
			'[profiles.local]',
			`url = "${server.url}"`,
			'template = true',
			'',
			'[profiles.local.messages]',
			'subscribe = \'{"op":"subscribe","room":"{{room}}","seq":{{$seq}}}\'',
			'ping = \'{"op":"ping","seq":{{$seq}}}\'',
			'',
		].join('\n'));
	});
	after(async () => server.close());

	test('--message sends saved messages in turn, expanded (stdin is not read); --var wins over [vars]', async () => {
		server.received.length = 0;
		const result = await runCli(['@local', '--message', 'subscribe', '--message', 'ping', '--var', 'room=ops', '--linger', '0'], {input: 'not sent\n', cwd: directory});
		assert.equal(result.code, 0, result.stderr);
		assert.deepEqual(server.received, ['{"op":"subscribe","room":"ops","seq":1}', '{"op":"ping","seq":2}']);
	});

	test('an unknown --message name is a usage error listing the names known', async () => {
		const result = await runCli(['@local', '--message', 'nope'], {cwd: directory});
		assert.equal(result.code, 2);
		assert.equal(result.stderr, 'wsterm: --message nope: profile local has no message nope (its messages: subscribe, ping)\n');
	});

	test('template = true in the profile expands stdin lines as --template does', async () => {
		server.received.length = 0;
		const result = await runCli(['@local', '--linger', '0'], {input: '{{room}} {{$seq}}\n', cwd: directory});
		assert.equal(result.code, 0, result.stderr);
		assert.deepEqual(server.received, ['lobby 1']);
	});
});
