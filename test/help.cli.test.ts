import assert from 'node:assert/strict';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {test} from 'node:test';
import {commandHelp} from '../source/session/slash-commands.js';
import {keyBindings} from '../source/session/key-bindings.js';
import {runCli, startCli} from './helpers/cli.js';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const readme = read('readme.md');
// The reference block lives on its own page; the prose is the front page and every other page of the manual.
const reference = read('docs/cli-reference.md');
const manualPages = readdirSync(new URL('../docs', import.meta.url)).filter(name => name.endsWith('.md') && name !== 'cli-reference.md').sort();
const prose = [readme, ...manualPages.map(name => read(`docs/${name}`))].join('\n');

test('--help fits 80 columns and is the reference block in docs/cli-reference.md, word for word', async () => {
	const {code, stdout} = await runCli(['--help']);
	assert.equal(code, 0);
	const help = stdout.replace(/^\n+|\n+$/g, '');
	for (const line of help.split('\n')) {
		assert.ok(line.length <= 80, `longer than 80 columns: ${line}`);
	}

	const block = /^# Command-line reference\n[\s\S]*?```text\n([\s\S]*?)\n```/.exec(reference)?.[1];
	assert.ok(block, 'docs/cli-reference.md has no "# Command-line reference" page with a ```text block');
	assert.equal(block, help, 'docs/cli-reference.md\'s reference block differs from --help: paste the output of `node dist/cli.js --help` into it');
});

test('every long option in --help is explained in the readme or the manual, outside the reference page', async () => {
	const {stdout} = await runCli(['--help']);
	const options = new Set([...stdout.matchAll(/--[a-z][a-z-]+/g)].map(match => match[0]));
	const missing = [...options].filter(option => !prose.includes(`\`${option}`) && !prose.includes(`${option} `) && !prose.includes(`/${option}`));
	assert.deepEqual(missing, []);
});

test('--help and --version on a full disk (> /dev/full): one line, exit 1', {skip: !existsSync('/dev/full')}, async () => {
	for (const flag of ['--help', '--version']) {
		const result = await startCli([flag], {stdoutTo: 'dev-full'}).result;
		assert.equal(result.code, 1, `${flag}: ${result.stderr}`);
		assert.match(result.stderr, /^wsterm: cannot write to stdout: ENOSPC[^\n]*\n$/, flag);
	}
});

test('the exit codes in --help are the ones in the readme table', async () => {
	const {stdout} = await runCli(['--help']);
	for (const code of ['0', '1', '2', '3', '4', '5', '130', '143']) {
		assert.match(stdout, new RegExp(`^\\s+${code}\\s`, 'm'), `--help lacks exit code ${code}`);
		assert.match(readme, new RegExp(`^\\| ${code} \\|`, 'm'), `readme lacks exit code ${code}`);
	}
});

test('every key and slash command that /help lists is in the readme or the manual', () => {
	for (const {keys} of keyBindings) {
		for (const key of keys.split(', ')) {
			assert.ok(prose.includes(`\`${key}\``), `the readme and docs/ lack the key ${key}`);
		}
	}

	for (const [usage] of commandHelp) {
		assert.ok(prose.includes(`\`${usage}\``), `the readme and docs/ lack ${usage}`);
	}
});

test('the manual\'s key and command tables are the ones /help prints, row for row', () => {
	const keys = ['| key | action |', '| --- | --- |', ...keyBindings.map(binding => `| ${binding.keys.split(', ').map(key => `\`${key}\``).join(', ')} | ${binding.description} |`)].join('\n');
	const commands = ['| command | what it does |', '| --- | --- |', ...commandHelp.map(([usage, description]) => `| \`${usage}\` | ${description} |`)].join('\n');
	assert.ok(prose.includes(keys), `the key table in docs/ differs; it should be:\n${keys}`);
	assert.ok(prose.includes(commands), `the command table in docs/ differs; it should be:\n${commands}`);
});
