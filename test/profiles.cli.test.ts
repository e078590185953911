/*
Profiles as users run them: `wsterm.toml` in a project's directory (found from a child directory),
the user's `$XDG_CONFIG_HOME/wsterm/config.toml`, `wsterm @NAME` in pipe mode, replay and bench,
`wsterm profiles`, and the file's mistakes as usage errors. Real ws servers on 127.0.0.1 record
each handshake's headers; the built CLI runs with its cwd in a temporary project.
*/
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {promisify} from 'node:util';
import {cliPath, runCli, startCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-profiles-'));
let serial = 0;

/** A new project directory holding `toml` as its wsterm.toml (when given), a child directory to run in, and an empty user config home. */
function project(toml?: string, userToml?: string): {readonly root: string; readonly child: string; readonly env: NodeJS.ProcessEnv; readonly file: string; readonly userFile: string} {
	const root = join(temporary, `project-${++serial}`);
	const child = join(root, 'src', 'deeper');
	const configHome = join(root, '..', `config-${serial}`);
	mkdirSync(child, {recursive: true});
	mkdirSync(join(configHome, 'wsterm'), {recursive: true});
	const file = join(root, 'wsterm.toml');
	const userFile = join(configHome, 'wsterm', 'config.toml');
	if (toml !== undefined) {
		writeFileSync(file, toml);
	}

	if (userToml !== undefined) {
		writeFileSync(userFile, userToml);
	}

	return {root, child, file, userFile, env: {XDG_CONFIG_HOME: configHome, HOME: root}};
}

function assertOneClearLine(stderr: string): void {
	assert.doesNotMatch(stderr, /^\s+at /m, `stack trace in stderr:\n${stderr}`);
	assert.equal(stderr.split('\n').filter(Boolean).length, 1, `not one line:\n${stderr}`);
}

describe('profiles', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => server.close());

	const lastHandshake = () => server.requests.at(-1)!;

	test('a profile from a parent directory\'s wsterm.toml connects with its headers and variables', async () => {
		const {child, env} = project(`[vars]
room = "lobby"
path = "chat"

[profiles.api]
url = "${server.url}{{path}}"
headers = { Authorization = "Bearer {{env.API_TOKEN}}", X-Room = "{{room}}" }
subprotocol = ["v1.{{room}}"]

[profiles.api.vars]
path = "ws-{{x}}"
`);
		// A profile's vars win over the file's; a var's value is taken as written.
		const result = await runCli(['@api', '-x', 'hello', '-n', '1'], {cwd: child, env: {...env, API_TOKEN: 's3cret'}});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.equal(result.stdout, 'hello\n');
		const request = lastHandshake();
		assert.equal(request.url, '/ws-%7B%7Bx%7D%7D');
		assert.equal(request.headers.authorization, 'Bearer s3cret');
		assert.equal(request.headers['x-room'], 'lobby');
		assert.equal(request.headers['sec-websocket-protocol'], 'v1.lobby');
	});

	test('the project\'s file wins over the user\'s for a profile in both; the user\'s own profiles are there too', async () => {
		const {child, env} = project(`[profiles.api]
url = "${server.url}project"
`, `[profiles.api]
url = "ws://127.0.0.1:1/user"

[profiles.mine]
url = "${server.url}mine"
headers = { X-Who = "me" }
`);
		const fromProject = await runCli(['@api', '-x', 'a', '-n', '1'], {cwd: child, env});
		assert.equal(fromProject.code, 0, fromProject.stderr);
		assert.equal(lastHandshake().url, '/project');
		const fromUser = await runCli(['--profile', 'mine', '-x', 'b', '-n', '1'], {cwd: child, env});
		assert.equal(fromUser.code, 0, fromUser.stderr);
		assert.equal(lastHandshake().url, '/mine');
		assert.equal(lastHandshake().headers['x-who'], 'me');
	});

	test('flags win over the profile: -H replaces its header of the same name, a single-valued flag its value, --var its variable', async () => {
		const {child, env} = project(`[profiles.api]
url = "${server.url}"
headers = { X-Team = "profile", X-Keep = "kept", X-Room = "{{room}}" }
user-agent = "profile-agent"
connect-timeout = 5

[profiles.api.vars]
room = "lobby"
`);
		const result = await runCli(['@api', '-H', 'x-team: command-line', '-A', 'cli-agent', '--var', 'room=ops', '-x', 'a', '-n', '1'], {cwd: child, env});
		assert.equal(result.code, 0, result.stderr);
		const {headers} = lastHandshake();
		assert.equal(headers['x-team'], 'command-line');
		assert.equal(headers['x-keep'], 'kept');
		assert.equal(headers['x-room'], 'ops');
		assert.equal(headers['user-agent'], 'cli-agent');
	});

	test('a URL on the command line wins over --profile\'s', async () => {
		const {child, env} = project(`[profiles.api]
url = "ws://127.0.0.1:1/"
headers = { X-From = "profile" }
`);
		const result = await runCli(['--profile', 'api', `${server.url}given`, '-x', 'a', '-n', '1'], {cwd: child, env});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(lastHandshake().url, '/given');
		assert.equal(lastHandshake().headers['x-from'], 'profile');
	});

	test('a TOML mistake is exit 2 naming the file, line and column, before connecting', async () => {
		const {child, env, file} = project(`[profiles.api]
url = "${server.url}"
reconnect = yes
`);
		const before = server.requests.length;
		const result = await runCli(['@api', '-x', 'a', '-n', '1'], {cwd: child, env});
		assert.equal(result.code, 2);
		assertOneClearLine(result.stderr);
		assert.ok(result.stderr.startsWith(`wsterm: ${file}:3:`), result.stderr);
		assert.equal(server.requests.length, before);
	});

	test('an unknown key, or a value of the wrong type, is exit 2 naming the profile, the key and the file', async () => {
		const {child, env, file} = project(`[profiles.api]
url = "${server.url}"
colour = true

[profiles.other]
url = "${server.url}"
reconnect = "yes"
`);
		const unknown = await runCli(['@api', '-x', 'a', '-n', '1'], {cwd: child, env});
		assert.equal(unknown.code, 2);
		assertOneClearLine(unknown.stderr);
		assert.match(unknown.stderr, /profile api/);
		assert.match(unknown.stderr, /colour/);
		assert.ok(unknown.stderr.includes(file), unknown.stderr);
		const wrongType = await runCli(['@other', '-x', 'a', '-n', '1'], {cwd: child, env});
		assert.equal(wrongType.code, 2);
		assertOneClearLine(wrongType.stderr);
		assert.match(wrongType.stderr, /profile other/);
		assert.match(wrongType.stderr, /reconnect/);
		assert.match(wrongType.stderr, /true or false/);
	});

	test('an undefined variable, or a profile that is not there, is exit 2 naming it', async () => {
		const {child, env} = project(`[profiles.api]
url = "${server.url}{{nowhere}}"
headers = { X-Token = "{{env.WSTERM_TEST_UNSET}}" }
`);
		const undefinedVariable = await runCli(['@api', '-x', 'a', '-n', '1'], {cwd: child, env});
		assert.equal(undefinedVariable.code, 2);
		assertOneClearLine(undefinedVariable.stderr);
		assert.match(undefinedVariable.stderr, /\{\{nowhere\}\}/);
		const fromEnvironment = await runCli(['@api', '--var', 'nowhere=x', '-x', 'a', '-n', '1'], {cwd: child, env});
		assert.equal(fromEnvironment.code, 2);
		assert.match(fromEnvironment.stderr, /env\.WSTERM_TEST_UNSET/);
		const missing = await runCli(['@nope', '-x', 'a', '-n', '1'], {cwd: child, env});
		assert.equal(missing.code, 2);
		assertOneClearLine(missing.stderr);
		assert.match(missing.stderr, /no profile "nope"/);
	});
});

describe('a directory deleted under the shell', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => server.close());

	/** Runs wsterm in `directory`, deleted by the shell just before (as `rmdir "$PWD"` in another window would). */
	async function runInDeleted(directory: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{code: number; stdout: string; stderr: string}> {
		const run = promisify(execFile)('sh', ['-c', 'cd "$0" && rmdir "$0" && exec "$@"', directory, process.execPath, cliPath, ...args], {env: {...process.env, ...env}});
		try {
			const {stdout, stderr} = await run;
			return {code: 0, stdout, stderr};
		} catch (error) {
			const {code, stdout, stderr} = error as {code: number; stdout: string; stderr: string};
			return {code, stdout, stderr};
		}
	}

	test('a run without a profile works; a profile is looked for from where the shell says it was', async () => {
		const {child, env} = project(`[profiles.echo]\nurl = "${server.url}"\n`);
		assert.deepEqual(await runInDeleted(child, [server.url, '-x', 'hi', '-n', '1'], env), {code: 0, stdout: 'hi\n', stderr: ''});
		const second = project(`[profiles.echo]\nurl = "${server.url}"\n`);
		assert.deepEqual(await runInDeleted(second.child, ['@echo', '-x', 'hey', '-n', '1'], second.env), {code: 0, stdout: 'hey\n', stderr: ''});
	});
});

describe('profiles in every mode', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => server.close());

	test('wsterm replay FILE @NAME replays against the profile\'s server with its headers', async () => {
		const {child, env} = project(`[profiles.api]
url = "${server.url}replayed"
headers = { X-Replay = "yes" }
`);
		const recording = join(child, 'talk.jsonl');
		writeFileSync(recording, [
			{time: '2026-01-01T00:00:00.000Z', dir: 'out', type: 'open', url: 'ws://127.0.0.1:1/recorded', protocol: ''},
			{time: '2026-01-01T00:00:00.010Z', dir: 'out', type: 'text', data: 'ping'},
			{time: '2026-01-01T00:00:00.020Z', dir: 'in', type: 'text', data: 'ping'},
		].map(line => `${JSON.stringify(line)}\n`).join(''));
		const result = await runCli(['replay', recording, '@api', '--check'], {cwd: child, env});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(server.requests.at(-1)!.url, '/replayed');
		assert.equal(server.requests.at(-1)!.headers['x-replay'], 'yes');
	});

	test('wsterm bench @NAME loads the profile\'s server; a profile key bench does not take is left out', async () => {
		const {child, env} = project(`[profiles.api]
url = "${server.url}bench"
headers = { X-Bench = "yes" }
reconnect = true
`);
		const result = await runCli(['bench', '@api', '-m', '4', '-x', 'hi', '--json'], {cwd: child, env});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(server.requests.at(-1)!.url, '/bench');
		assert.equal(server.requests.at(-1)!.headers['x-bench'], 'yes');
	});
});

describe('wsterm profiles', () => {
	test('lists every profile with its URL and its file, secrets as ***', async () => {
		const {child, env, file, userFile} = project(`[profiles.api]
url = "wss://alice:hunter2@api.example.com/ws"
headers = { Authorization = "Bearer abc", Cookie = "sid=def", X-Token = "{{env.API_TOKEN}}", X-Plain = "shown" }
auth = "bob:pw-bob"

[profiles.local]
url = "ws://localhost:8080/"
`, `[profiles.api]
url = "ws://shadowed/"

[profiles.mine]
url = "ws://mine.example.com/"
`);
		const result = await runCli(['profiles'], {cwd: child, env: {...env, API_TOKEN: 'tok-from-env'}});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		for (const secret of ['hunter2', 'abc', 'def', 'tok-from-env', 'pw-bob']) {
			assert.ok(!result.stdout.includes(secret), `${secret} shown:\n${result.stdout}`);
		}

		assert.match(result.stdout, /api\s+wss:\/\/alice:\*\*\*@api\.example\.com\/ws/);
		assert.match(result.stdout, /local\s+ws:\/\/localhost:8080\//);
		assert.match(result.stdout, /mine\s+ws:\/\/mine\.example\.com\//);
		assert.ok(result.stdout.includes(file) && result.stdout.includes(userFile), result.stdout);
		assert.ok(!result.stdout.includes('shadowed'), result.stdout);
	});

	test('a URL with one variable not set here: the others filled in, the one not set as written', async () => {
		const {child, env} = project(`[vars]
host = "api.example.com"

[profiles.api]
url = "wss://{{host}}/ws?user={{env.WSTERM_TEST_USER}}&token={{env.WSTERM_TEST_UNSET}}"
`);
		const result = await runCli(['profiles'], {cwd: child, env: {...env, WSTERM_TEST_USER: 'user-from-env'}});
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /^api {2}wss:\/\/api\.example\.com\/ws\?user=\*\*\*&token=\{\{env\.WSTERM_TEST_UNSET\}\} /m);
	});

	test('a full disk (wsterm profiles > /dev/full): one line, exit 1; a reader that went away (| head -c 0): quiet, exit 0', {skip: !existsSync('/dev/full')}, async () => {
		const {child, env} = project(`[profiles.local]
url = "ws://localhost:8080/"
`);
		const full = await startCli(['profiles'], {cwd: child, env, stdoutTo: 'dev-full'}).result;
		assert.equal(full.code, 1, full.stderr);
		assert.match(full.stderr, /^wsterm: cannot write to stdout: ENOSPC[^\n]*\n$/);
		const gone = await startCli(['profiles'], {cwd: child, env, stdoutTo: 'reader-gone'}).result;
		assert.equal(gone.code, 0, gone.stderr);
		assert.equal(gone.stderr, '');
	});

	test('with no file, says where it looked', async () => {
		const {child, env} = project();
		const result = await runCli(['profiles'], {cwd: child, env});
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout + result.stderr, /no profiles/);
		const wrongOption = await runCli(['profiles', '-v'], {cwd: child, env});
		assert.equal(wrongOption.code, 2);
		assert.equal(wrongOption.stderr, 'wsterm: -v does not apply to wsterm profiles (it takes --var only)\n');
	});

	test('-v with a profile never prints its secret header values; --record does not write them', async () => {
		const server = await startServer();
		try {
			const {child, env} = project(`[profiles.api]
url = "${server.url}"
headers = { Authorization = "Bearer topsecret", X-Env = "{{env.API_TOKEN}}" }
`);
			const record = join(child, 'run.jsonl');
			const result = await runCli(['@api', '-v', '--record', record, '-x', 'a', '-n', '1'], {cwd: child, env: {...env, API_TOKEN: 'envsecret'}});
			assert.equal(result.code, 0, result.stderr);
			assert.equal(server.requests.at(-1)!.headers.authorization, 'Bearer topsecret');
			const written = readFileSync(record, 'utf8');
			for (const secret of ['topsecret', 'envsecret']) {
				assert.ok(!result.stderr.includes(secret), `${secret} in stderr:\n${result.stderr}`);
				assert.ok(!written.includes(secret), `${secret} recorded:\n${written}`);
			}
		} finally {
			await server.close();
		}
	});
});

describe('secrets from the environment, in the forms wsterm prints them', () => {
	/** `output` holds none of `secret`'s forms: as given, lower-cased, percent-encoded. */
	function assertHidden(output: string, secret: string): void {
		for (const form of [secret, secret.toLowerCase(), encodeURIComponent(secret), encodeURI(secret)]) {
			assert.ok(!output.includes(form), `${form} shown:\n${output}`);
		}
	}

	const toml = `[profiles.h]
url = "ws://{{env.TOK}}.invalid/x"

[profiles.q]
url = "ws://127.0.0.1:1/x?token={{env.TOK}}"

[profiles.p]
url = "ws://127.0.0.1:1/"
proxy = "http://{{env.TOK}}.invalid:3128"

[profiles.a]
url = "ws://127.0.0.1:1/"
headers = { Authorization = "Bearer {{env.TOK}}" }

[profiles.c]
url = "ws://127.0.0.1:1/"
cookie = "s={{env.TOK}}"
`;

	test('a host lower-cased, a query percent-encoded, a proxy\'s host: *** in -v, the error lines, bench and replay', async () => {
		const {child, env} = project(toml);
		const host = await runCli(['@h', '-x', 'hi', '-v'], {cwd: child, env: {...env, TOK: 'SECRETTOKEN123'}});
		assert.equal(host.code, 1, host.stderr);
		assertHidden(host.stderr, 'SECRETTOKEN123');
		assert.match(host.stderr, /connecting to ws:\/\/\*\*\*\.invalid\/x/);
		const query = await runCli(['@q', '-x', 'hi', '-v'], {cwd: child, env: {...env, TOK: 'SEC RET"'}});
		assertHidden(query.stderr, 'SEC RET"');
		assert.ok(!query.stderr.includes('SEC%20RET%22'), query.stderr);
		assert.match(query.stderr, /connecting to ws:\/\/127\.0\.0\.1:1\/x\?token=\*\*\*$/m);
		const proxy = await runCli(['@p', '-x', 'hi', '-v'], {cwd: child, env: {...env, TOK: 'SECRETTOKEN123'}});
		assertHidden(proxy.stderr, 'SECRETTOKEN123');
		assert.match(proxy.stderr, /through http:\/\/\*\*\*\.invalid:3128\//);
		const bench = await runCli(['bench', '@h', '-x', 'hi', '-m', '1'], {cwd: child, env: {...env, TOK: 'SECRETTOKEN123'}});
		assertHidden(bench.stdout + bench.stderr, 'SECRETTOKEN123');
		assert.match(bench.stdout, /^wsterm bench ws:\/\/\*\*\*\.invalid\/x:/);
		const recording = join(child, 'talk.jsonl');
		writeFileSync(recording, [
			{time: '2026-01-01T00:00:00.000Z', dir: 'out', type: 'open', url: 'ws://x/', protocol: ''},
			{time: '2026-01-01T00:00:00.010Z', dir: 'out', type: 'text', data: 'ping'},
		].map(line => `${JSON.stringify(line)}\n`).join(''));
		const replay = await runCli(['replay', recording, '@h'], {cwd: child, env: {...env, TOK: 'SECRETTOKEN123'}});
		assert.equal(replay.code, 1, replay.stderr);
		assertHidden(replay.stdout + replay.stderr, 'SECRETTOKEN123');
	});

	test('a header or cookie value with a control character: exit 2 naming the header, the secret as ***', async () => {
		const {child, env} = project(toml);
		for (const [name, what] of [['a', /header Authorization/], ['c', /-b\/--cookie/]] as const) {
			const result = await runCli([`@${name}`, '-x', 'hi'], {cwd: child, env: {...env, TOK: 'SECRET\rTOK'}});
			assert.equal(result.code, 2);
			assertOneClearLine(result.stderr);
			assert.match(result.stderr, what);
			assert.match(result.stderr, /"\*\*\*" has a control character/);
			assert.doesNotMatch(result.stderr, /SECRET|TOK/);
		}
	});

	test('a value of 1-3 characters is not looked for in wsterm\'s own lines', async () => {
		const server = await startServer();
		try {
			const {child, env} = project(`[profiles.k]
url = "${server.url}"
headers = { X-Key = "{{env.TOK}}" }
`);
			const result = await runCli(['@k', '-x', 'hi', '-n', '1', '-v'], {cwd: child, env: {...env, TOK: '1'}});
			assert.equal(result.code, 0, result.stderr);
			assert.ok(result.stderr.includes(`connecting to ${server.url}`), result.stderr);
			assert.equal(server.requests.at(-1)!.headers['x-key'], '1');
		} finally {
			await server.close();
		}
	});
});

describe('saved messages from both files', () => {
	test('a project\'s profile has the user\'s [profiles.P.messages] too, the user\'s winning for the same name', async () => {
		const server = await startServer();
		try {
			const {child, env} = project(`[profiles.api]
url = "${server.url}"

[profiles.api.messages]
hello = "from the project"
only-project = "project's own"
`, `[profiles.api.messages]
hello = "kept by me"
mine = "mine alone"
`);
			const result = await runCli(['@api', '--message', 'hello', '--message', 'mine', '--message', 'only-project', '-n', '3'], {cwd: child, env});
			assert.equal(result.code, 0, result.stderr);
			assert.equal(result.stdout, 'kept by me\nmine alone\nproject\'s own\n');
			const unknown = await runCli(['@api', '--message', 'nope'], {cwd: child, env});
			assert.equal(unknown.code, 2);
			assert.match(unknown.stderr, /its messages: hello, only-project, mine\)/);
		} finally {
			await server.close();
		}
	});
});
