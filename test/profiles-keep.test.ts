/* /keep's edit of the user's config.toml: a line added or replaced, comments and the rest kept, the result checked. */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {parse} from 'smol-toml';
import {parseCommandLine} from '../source/cli/command-line.js';
import {flagTable} from '../source/cli/flags.js';
import {readTextFile, withProfile} from '../source/cli/profile-line.js';
import {keepMessage, withKeptMessage} from '../source/profiles/keep-message.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-keep-'));

describe('/keep into config.toml', () => {
	test('an empty file gets the table; an existing table gets a line at its end, before the next table, comments kept', () => {
		assert.equal(withKeptMessage('', 'c.toml', 'staging', 'ping', '{"op":"ping"}'), '[profiles.staging.messages]\nping = \'{"op":"ping"}\'\n');
		const source = [
			'# my profiles',
			'[profiles.staging]',
			'url = "wss://s/ws" # the staging one',
			'',
			'[profiles.staging.messages]',
			'# keep these short',
			'hello = "hi"',
			'',
			'[profiles.other]',
			'url = "ws://o"',
			'',
		].join('\n');
		const edited = withKeptMessage(source, 'c.toml', 'staging', 'sub scribe', 'it\'s "{{room}}"\n2');
		assert.equal(edited, source.replace('hello = "hi"\n', 'hello = "hi"\n"sub scribe" = "it\'s \\"{{room}}\\"\\n2"\n'));
		assert.equal((parse(edited) as {profiles: {staging: {messages: Record<string, string>}}}).profiles.staging.messages['sub scribe'], 'it\'s "{{room}}"\n2');
	});

	test('a message of that name is replaced in place; a profile with no messages table gets one at the end; CRLF kept', () => {
		const source = '[profiles.staging.messages]\r\nping = \'old\'   \r\nother = 1\r\n';
		assert.equal(withKeptMessage(source, 'c.toml', 'staging', 'ping', 'new'), '[profiles.staging.messages]\r\nping = \'new\'\r\nother = 1\r\n');
		// A replaced line keeps its comment (a # inside the old value is no comment).
		assert.equal(withKeptMessage('[profiles.s.messages]\na = "x # y" # the usual one\n', 'c.toml', 's', 'a', 'new'), '[profiles.s.messages]\na = \'new\' # the usual one\n');
		assert.equal(withKeptMessage('[profiles.prod]\nurl = "ws://p"\n\n\n', 'c.toml', 'prod', 'a', 'b'), '[profiles.prod]\nurl = "ws://p"\n\n[profiles.prod.messages]\na = \'b\'\n');
	});

	test('a file that is not TOML, or messages written another way, are left as they are, with a reason', () => {
		assert.throws(() => withKeptMessage('[profiles\n', 'c.toml', 'p', 'a', 'b'), /^Error: c\.toml is not valid TOML \(.+\): fix it first$/);
		assert.throws(() => withKeptMessage('[profiles.p]\nmessages = {a = "x"}\n', 'c.toml', 'p', 'b', 'y'), /cannot add the message to c\.toml without changing the rest .*add b = 'y' inside the braces of profile p's messages/);
		// What it suggests is valid TOML where it says to write it.
		assert.throws(() => withKeptMessage('[profiles.il]\nmessages = {a = "x"}\n', 'c.toml', 'il', 'b', 'hello'), /add b = 'hello' inside the braces of profile il's messages = \{ \.\.\. \} by hand \(after a comma\)$/);
		assert.equal((parse('[profiles.il]\nmessages = {a = "x", b = \'hello\'}\n') as {profiles: {il: {messages: Record<string, string>}}}).profiles.il.messages.b, 'hello');
		assert.throws(() => withKeptMessage('[profiles.d]\nmessages.a = "x"\n', 'c.toml', 'd', 'b', 'hello'), /add messages\.b = 'hello' under \[profiles\.d\] by hand$/);
	});

	test('keepMessage creates the file (0600) and its directory, then adds and replaces', async () => {
		const file = join(temporary, 'config', 'wsterm', 'config.toml');
		assert.equal(await keepMessage(file, 'staging', 'ping', '{"op":"ping","seq":{{$seq}}}'), 'added');
		assert.equal(statSync(file).mode & 0o777, 0o600);
		assert.equal(await keepMessage(file, 'staging', 'ping', 'again'), 'replaced');
		assert.equal(readFileSync(file, 'utf8'), '[profiles.staging.messages]\nping = \'again\'\n');
		writeFileSync(join(temporary, 'x'), '');
		await assert.rejects(keepMessage(join(temporary, 'x', 'config.toml'), 'p', 'a', 'b'), /^Error: cannot (read|write) .*x\/config\.toml \((ENOTDIR|EEXIST)\)$/);
	});
});

describe('/keep, then the next run', () => {
	test('a message kept for a project\'s profile is in that profile\'s saved messages, over the project\'s of the same name', async () => {
		const home = join(temporary, 'round-trip');
		const projectDirectory = join(home, 'app');
		const configFile = join(home, 'config', 'wsterm', 'config.toml');
		mkdirSync(projectDirectory, {recursive: true});
		writeFileSync(join(projectDirectory, 'wsterm.toml'), '[profiles.api]\nurl = "ws://h/"\n\n[profiles.api.messages]\nping = "project ping"\n');
		assert.equal(await keepMessage(configFile, 'api', 'ping', 'my ping'), 'added');
		assert.equal(await keepMessage(configFile, 'api', 'sub', '{"room":"{{room}}"}'), 'added');
		const {profile} = await withProfile(parseCommandLine(['@api'], flagTable), {cwd: projectDirectory, env: {XDG_CONFIG_HOME: join(home, 'config')}, readText: readTextFile, wallNow: () => 0});
		assert.deepEqual([...profile.savedMessages], [['ping', 'my ping'], ['sub', '{"room":"{{room}}"}']]);
	});
});
