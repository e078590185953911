import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {commandHelp} from '../source/session/slash-commands.js';
import {keyBindings} from '../source/session/key-bindings.js';
import {runCli} from './helpers/cli.js';

const readme = readFileSync(new URL('../readme.md', import.meta.url), 'utf8');

test('--help fits 80 columns and is the reference block in the readme, word for word', async () => {
	const {code, stdout} = await runCli(['--help']);
	assert.equal(code, 0);
	const help = stdout.replace(/^\n+|\n+$/g, '');
	for (const line of help.split('\n')) {
		assert.ok(line.length <= 80, `longer than 80 columns: ${line}`);
	}

	const block = /## Reference\n[\s\S]*?```text\n([\s\S]*?)\n```/.exec(readme)?.[1];
	assert.ok(block, 'readme.md has no "## Reference" section with a ```text block');
	assert.equal(block, help, 'readme.md\'s reference block differs from --help: paste the output of `node dist/cli.js --help` into it');
});

test('every long option in --help is explained in the readme outside the reference block too', async () => {
	const {stdout} = await runCli(['--help']);
	const prose = readme.replace(/## Reference\n[\s\S]*$/, '');
	const options = new Set([...stdout.matchAll(/--[a-z][a-z-]+/g)].map(match => match[0]));
	const missing = [...options].filter(option => !prose.includes(`\`${option}`) && !prose.includes(`${option} `) && !prose.includes(`/${option}`));
	assert.deepEqual(missing, []);
});

test('the exit codes in --help are the ones in the readme table', async () => {
	const {stdout} = await runCli(['--help']);
	for (const code of ['0', '1', '2', '3', '4', '5', '130', '143']) {
		assert.match(stdout, new RegExp(`^\\s+${code}\\s`, 'm'), `--help lacks exit code ${code}`);
		assert.match(readme, new RegExp(`^\\| ${code} \\|`, 'm'), `readme lacks exit code ${code}`);
	}
});

test('every key and slash command that /help lists is in the readme', () => {
	for (const {keys} of keyBindings) {
		for (const key of keys.split(', ')) {
			assert.ok(readme.includes(`\`${key}\``), `readme lacks the key ${key}`);
		}
	}

	for (const [usage] of commandHelp) {
		assert.ok(readme.includes(`\`${usage}\``), `readme lacks ${usage}`);
	}
});

test('the readme\'s key and command tables are the ones /help prints, row for row', () => {
	const keys = ['| key | action |', '| --- | --- |', ...keyBindings.map(binding => `| ${binding.keys.split(', ').map(key => `\`${key}\``).join(', ')} | ${binding.description} |`)].join('\n');
	const commands = ['| command | what it does |', '| --- | --- |', ...commandHelp.map(([usage, description]) => `| \`${usage}\` | ${description} |`)].join('\n');
	assert.ok(readme.includes(keys), `readme.md's key table differs; it should be:\n${keys}`);
	assert.ok(readme.includes(commands), `readme.md's command table differs; it should be:\n${commands}`);
});
