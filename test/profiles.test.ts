/*
Profiles in-process: the command line merged with a profile (cli/profile-line.ts) over files given
as text, what a run without a profile reads (nothing), the variables, the secrets, and redaction.
*/
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {parseCommandLine} from '../source/cli/command-line.js';
import {flagTable} from '../source/cli/flags.js';
import {type ProfileWorld, withProfile} from '../source/cli/profile-line.js';
import {redact, redactUrlPassword} from '../source/profiles/redact.js';

const project = join('/', 'work', 'app');
const projectFile = join(project, 'wsterm.toml');
const userFile = join('/', 'home', 'me', '.config', 'wsterm', 'config.toml');

/** A world whose files are `files` (path -> text), recording each path read. */
function world(files: Record<string, string>, env: Record<string, string> = {}): ProfileWorld & {readonly read: string[]} {
	const read: string[] = [];
	return {
		cwd: join(project, 'src'),
		env: {HOME: join('/', 'home', 'me'), ...env},
		wallNow: () => 0,
		read,
		readText(path) {
			read.push(path);
			return files[path];
		},
	};
}

async function profiled(args: readonly string[], files: Record<string, string>, env?: Record<string, string>) {
	const here = world(files, env);
	const result = await withProfile(parseCommandLine(args, flagTable), here);
	return {...result, read: here.read};
}

describe('profiles merged into the command line', () => {
	test('a run that asks for no profile reads no file; --var alone gives its variables', async () => {
		const plain = await profiled(['ws://host/', '-x', 'a'], {[projectFile]: '[profiles.x]\nurl = "ws://x/"\n'});
		assert.deepEqual(plain.read, []);
		assert.equal(plain.profile.profile, undefined);
		assert.equal(plain.profile.userConfigFile, userFile);
		const withVars = await profiled(['ws://host/', '--var', 'room=ops', '--var', 'id=a=b'], {});
		assert.deepEqual(withVars.read, []);
		assert.deepEqual([...withVars.profile.vars], [['room', 'ops'], ['id', 'a=b']]);
	});

	test('--var takes NAME=VALUE', async () => {
		await assert.rejects(profiled(['ws://host/', '--var', 'novalue'], {}), /--var takes NAME=VALUE/);
		await assert.rejects(profiled(['ws://host/', '--var', 'env.HOME=x'], {}), /--var env\.HOME: \{\{env\.NAME\}\} is the environment's NAME; give another name/);
	});

	test('the profile\'s flags, with the command line\'s winning; its vars merged, --var last', async () => {
		const {line, profile, read} = await profiled(['@api', '-H', 'X-Team: mine', '--var', 'room=ops', '-n', '2'], {
			[projectFile]: `[vars]
room = "lobby"
region = "eu"

[profiles.api]
url = "wss://{{region}}.example.com/{{room}}"
headers = { X-Team = "theirs", Authorization = "Bearer {{env.TOKEN}}" }
count = 5
ping-interval = 30
history = false
subprotocol = "v1"
template = true

[profiles.api.messages]
hello = '{"room":"{{room}}"}'
`,
		}, {TOKEN: 't0k3n'});
		assert.deepEqual(read, [join(project, 'src', 'wsterm.toml'), projectFile, userFile]);
		assert.deepEqual(line.input, ['wss://eu.example.com/ops']);
		assert.deepEqual(line.flags.header, ['Authorization: Bearer t0k3n', 'X-Team: mine']);
		assert.equal(line.flags.count, '2');
		assert.equal(line.flags.pingInterval, '30');
		assert.equal(line.flags.history, false);
		assert.deepEqual(line.flags.subprotocol, ['v1']);
		assert.equal(line.named('count'), '-n');
		assert.equal(line.named('pingInterval'), 'ping-interval (profile api)');
		assert.deepEqual(profile.profile, {name: 'api', file: projectFile});
		assert.deepEqual([...profile.vars], [['room', 'ops'], ['region', 'eu']]);
		assert.deepEqual([...profile.savedMessages], [['hello', '{"room":"{{room}}"}']]);
		assert.equal(profile.template, true);
		assert.deepEqual([...profile.secrets].sort(), ['Bearer t0k3n', 't0k3n']);
	});

	test('the project\'s file is read from the nearest parent, and wins over the user\'s', async () => {
		const {line} = await profiled(['bench', '@api', '-m', '1'], {
			[projectFile]: '[profiles.api]\nurl = "ws://project/"\nreconnect = true\n',
			[userFile]: '[profiles.api]\nurl = "ws://user/"\n',
		});
		assert.deepEqual(line.input, ['bench', 'ws://project/']);
		// Bench takes no --reconnect: the profile's is left out for it.
		assert.equal(line.typed.has('reconnect'), false);
	});

	test('replay FILE @NAME puts the URL after the file; a URL given with --profile wins', async () => {
		const files = {[userFile]: '[profiles.api]\nurl = "ws://user/"\nauth = "bob:pw"\nproto = ["api.proto", "/abs/b.proto"]\n'};
		assert.deepEqual((await profiled(['replay', 'talk.jsonl', '@api'], files)).line.input, ['replay', 'talk.jsonl', 'ws://user/']);
		const given = await profiled(['--profile', 'api', 'ws://other/'], files);
		assert.deepEqual(given.line.input, ['ws://other/']);
		assert.equal(given.line.flags.auth, 'bob:pw');
		// A file's path is from the profile file's directory.
		assert.deepEqual(given.line.flags.proto, [join('/', 'home', 'me', '.config', 'wsterm', 'api.proto'), '/abs/b.proto']);
		assert.deepEqual([...given.profile.secrets].sort(), ['bob:pw', 'pw']);
	});

	test('mistakes name the profile, the key and the file', async () => {
		const files = {[projectFile]: '[profiles.api]\nurl = "ws://x/"\nport = 80\n\n[profiles.b]\nsubprotocol = [1]\n\n[profiles.c]\nheaders = { X = "{{nope}}" }\n'};
		await assert.rejects(profiled(['@api'], files), {message: `profile api (${projectFile}): unknown key "port" (a profile takes the client's long flag names, see wsterm --help, and url, headers, vars, messages, template)`});
		await assert.rejects(profiled(['@b'], files), {message: `profile b (${projectFile}): subprotocol takes a string or an array of strings, not an array`});
		await assert.rejects(profiled(['@c'], files), /profile c .*headers\.X uses \{\{nope\}\}, which is not defined/);
		await assert.rejects(profiled(['@a', '--profile', 'b'], files), /@a and --profile b name two profiles/);
		await assert.rejects(profiled(['@zzz'], files), /no profile "zzz" in .*; there are api, b, c/);
		await assert.rejects(profiled(['@zzz'], {}), /no profile "zzz": no profile file found \(looked for wsterm\.toml in/);
		await assert.rejects(profiled(['@d'], {[projectFile]: '[profiles.d]\nurl = "ws://x/"\nheaders = { "Bad Name" = "v" }\n'}), {message: `profile d (${projectFile}): headers has "Bad Name", which is no header name (letters, digits and !#$%&'*+-.^_\`|~, no spaces)`});
	});
});

describe('redaction', () => {
	test('each secret is ***, the longest first; a URL\'s password too', () => {
		assert.equal(redact('Bearer abcd and abcd', ['abcd', 'Bearer abcd']), '*** and ***');
		assert.equal(redact('nothing', []), 'nothing');
		assert.equal(redactUrlPassword('wss://alice:hunter2@host/{{x}}'), 'wss://alice:***@host/{{x}}');
		assert.equal(redactUrlPassword('wss://host/a:b@c'), 'wss://host/a:b@c');
	});
});

describe('redaction in every form', () => {
	test('a secret lower-cased, percent-encoded, escaped; a value shorter than 4 characters only inside a longer secret', () => {
		const secrets = ['SEC RET"Tok\r', 'Bearer 1', '1'];
		assert.equal(redact('ws://h/x?SEC%20RET%22Tok%0D ws://h/SEC%20RET%22Tok SEC%20RET%22Tok%0D', secrets), 'ws://h/x?*** ws://h/*** ***');
		assert.equal(redact('"SEC RET\\"Tok\\r" SEC RET"Tok\\x0d sec ret"tok', secrets), '"***" *** ***');
		assert.equal(redact('ws://secrettoken123.invalid/', ['SecretToken123']), 'ws://***.invalid/');
		assert.equal(redact('Bearer 1 at ws://127.0.0.1:8001/', secrets), '*** at ws://127.0.0.1:8001/');
		// A '#' in a value put in a URL starts the fragment, which the URL drops: the part before it is shown.
		assert.equal(redact('ws://h/?token=LongSecretPrefix ws://h/a/Long%20Secret/b', ['LongSecretPrefix#x', 'Long Secret#/b']), 'ws://h/?token=*** ws://h/a/***/b');
	});
});
