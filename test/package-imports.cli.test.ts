/*
What the installed package can load: dist/ keeps the modes a plain run does not need as separate
modules (scripts/bundle-cli.ts), and a package bundled into dist/main.cjs only (meow) is not
installed with wsterm. Every module reachable from dist/cli.js and the program it runs,
dist/main.cjs (whose import() calls are importModule(), source/load-program.ts), imports only
node's modules, the package's dependencies, and files that exist.
*/
import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {assertFreshBuild} from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const importSpecifier = /(?:\bfrom\s*|\b(?:import|importModule|require)\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;

function packageName(specifier: string): string {
	return specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
}

test('every module dist/cli.js and its program can reach imports only node, the dependencies and files that exist', () => {
	assertFreshBuild();
	const {dependencies} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {dependencies: Record<string, string>};
	const seen = new Set<string>();
	const problems: string[] = [];
	const walk = (file: string): void => {
		if (seen.has(file)) {
			return;
		}

		seen.add(file);
		for (const [, specifier] of readFileSync(file, 'utf8').matchAll(importSpecifier)) {
			if (specifier!.startsWith('.')) {
				const target = resolve(dirname(file), specifier!);
				if (existsSync(target)) {
					walk(target);
				} else {
					problems.push(`${file}: ${specifier!} is missing`);
				}
			} else if (!specifier!.startsWith('node:') && !(packageName(specifier!) in dependencies)) {
				problems.push(`${file}: ${specifier!} is no dependency`);
			}
		}
	};

	walk(join(root, 'dist', 'cli.js'));
	walk(join(root, 'dist', 'main.cjs'));
	assert.deepEqual(problems, []);
	// The bundle, the session's UI bundle and the modes kept apart are all reached.
	assert.ok(seen.size > 20, `${seen.size} modules reached`);
});
