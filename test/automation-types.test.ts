/*
What the hooks cost and ship: the folder is loaded only when a hook flag is given, and the
package's types let a hook file be checked with `import('wsterm').Hooks` / `ServeHooks`.
*/
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'source');
const run = promisify(execFile);

function sourceFiles(directory: string): string[] {
	return readdirSync(directory, {withFileTypes: true}).flatMap(entry => {
		const path = join(directory, entry.name);
		return entry.isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(entry.name) ? [path] : [];
	});
}

test('source/automation is reached only through a dynamic import (or type-only imports) from outside the folder', () => {
	for (const path of sourceFiles(source)) {
		const name = relative(source, path);
		if (name.startsWith('automation/')) {
			continue;
		}

		const text = readFileSync(path, 'utf8');
		for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)) {
			if (/(^|\/)automation\//.test(match[3]!)) {
				assert.ok(match[2] !== undefined, `${name} imports ${match[3]} at start-up: use import type or import()`);
			}
		}

		for (const match of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) {
			if (/(^|\/)automation\//.test(match[1]!)) {
				// The CLI (serve) and its stage loader load it only when a hook flag is given.
				assert.ok(name === 'cli/main.ts' || name === 'cli/load-stages.ts', `${name} loads ${match[1]}`);
			}
		}
	}
});

test('the package\'s types check a hook file that uses import(\'wsterm\').Hooks and ServeHooks, and catch mistakes in one', {timeout: 120_000}, async () => {
	const directory = mkdtempSync(join(tmpdir(), 'wsterm-types-'));
	mkdirSync(join(directory, 'node_modules'));
	symlinkSync(root, join(directory, 'node_modules', 'wsterm'), 'dir');
	writeFileSync(join(directory, 'package.json'), '{"type": "module"}');
	writeFileSync(join(directory, 'client.js'), `
		/** @type {import('wsterm').Hooks} */
		export default {
			onOpen(ctx) {
				ctx.send({op: 'auth', token: 'abc'});
				ctx.state.timer = ctx.setInterval(() => ctx.send('ping'), 1000);
			},
			async onMessage(message, ctx) {
				if (message.isBinary) return null;
				const value = /** @type {{type?: string}} */ (message.json());
				if (value?.type === 'bye') ctx.exit(0);
				return message.text?.toUpperCase();
			},
			onSend(message) {
				return message.data.length > 10 ? Buffer.from('short') : undefined;
			},
			onClose({code, reason, byUs}, ctx) {
				ctx.log(code, reason, byUs, ctx.url);
			},
		};
	`);
	writeFileSync(join(directory, 'mock.js'), `
		/** @type {import('wsterm').ServeHooks} */
		export default {
			onConnect(ctx) {
				if (ctx.request.headers['x-token'] !== 'abc') ctx.close(4001, 'bad token');
				ctx.log(ctx.request.path, ctx.request.remoteAddress);
			},
			onMessage(message, ctx) {
				ctx.broadcast(message.data);
				return {echo: message.text};
			},
		};
	`);
	writeFileSync(join(directory, 'wrong.js'), `
		/** @type {import('wsterm').Hooks} */
		export default {
			onOpen(ctx) {
				ctx.sned('typo');
			},
			onSend() {
				return 42;
			},
		};
	`);
	const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
	// One run for the three files (tsc is slow to start); --skipLibCheck: the shipped file is
	// source/automation/types.ts, which the project's own typecheck checks.
	let output = '';
	try {
		await run(process.execPath, [tsc, '--noEmit', '--allowJs', '--checkJs', '--strict', '--skipLibCheck', '--module', 'nodenext', '--target', 'es2022', '--typeRoots', join(root, 'node_modules', '@types'), '--types', 'node', 'client.js', 'mock.js', 'wrong.js'], {cwd: directory});
	} catch (error) {
		output = String((error as {stdout?: unknown}).stdout);
	}

	const files = new Set([...output.matchAll(/^(\w+\.js)\(/gm)].map(match => match[1]));
	assert.deepEqual([...files], ['wrong.js'], output);
	assert.match(output, /wrong\.js\(5,9\): error TS2339: Property 'sned' does not exist on type 'HookContext'/);
	assert.match(output, /Type 'number' is not assignable to type 'Awaitable<string \| void \| Buffer/);
});
