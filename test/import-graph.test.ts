import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, sep} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const sourceDirectory = fileURLToPath(new URL('../source', import.meta.url));

function sourceFiles(directory: string): string[] {
	return readdirSync(directory, {withFileTypes: true}).flatMap(entry => {
		const path = join(directory, entry.name);
		if (entry.isDirectory()) {
			return sourceFiles(path);
		}

		return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
	});
}

/** Whether a relative specifier in the file at `path` names a module in source/ui/. */
function inUi(path: string, specifier: string): boolean {
	return specifier.startsWith('.') && relative(sourceDirectory, join(dirname(path), specifier)).startsWith(`ui${sep}`);
}

// Type-only imports are erased: they load nothing.
const staticImport = /^\s*(?:import|export)\s(?!type\s)[^;]*?from\s+'([^']+)'/gm;
const dynamicImport = /import\(\s*'([^']+)'\s*\)/g;

test('pipe mode and serve never load ink or react: only source/ui and the interactive branch do', () => {
	for (const path of sourceFiles(sourceDirectory)) {
		const name = relative(sourceDirectory, path);
		if (name.startsWith('ui/')) {
			continue;
		}

		const text = readFileSync(path, 'utf8');
		const statics = [...text.matchAll(staticImport)].map(match => match[1]!);
		for (const specifier of statics) {
			assert.ok(!/^(ink|react)(\/|$|-)/.test(specifier), `${name} imports ${specifier}`);
			assert.ok(!inUi(path, specifier), `${name} imports ${specifier} statically`);
		}

		const dynamics = [...text.matchAll(dynamicImport)].map(match => match[1]!);
		for (const specifier of dynamics.filter(specifier => inUi(path, specifier))) {
			assert.equal(name, join('cli', 'main.ts'), `${name} loads ${specifier}`);
		}
	}
});
