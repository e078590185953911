/*
The house's shape, as rules over source/'s imports (docs/architecture.md draws it):
- only ui/ (and the CLI's interactive branch, by a dynamic import) loads ink or react;
- no import cycle, type-only and dynamic imports included: each is a cycle for a reader;
- connection/ imports nothing of the modes (pipe, session, serve, replay, cli, ui) or the stages;
- session/ (the session's pure models) never imports ui/;
- pipeline/ (the stage interface and runner) imports no concrete stage;
- shared/ imports nothing outside itself;
- load/ (wsterm bench) imports no mode, stage or the pipeline.
*/
import assert from 'node:assert/strict';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {dirname, relative, resolve, sep} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {sourceFiles} from '../scripts/code-size.js';

const sourceDirectory = fileURLToPath(new URL('../source', import.meta.url));

type Import = {readonly specifier: string; readonly typeOnly: boolean; readonly dynamic: boolean};

const staticImport = /^\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm;
const dynamicImport = /import\(\s*'([^']+)'\s*\)/g;

function importsOf(path: string): Import[] {
	const text = readFileSync(path, 'utf8');
	return [
		...[...text.matchAll(staticImport)].map(match => ({specifier: match[2]!, typeOnly: match[1] !== undefined, dynamic: false})),
		...[...text.matchAll(dynamicImport)].map(match => ({specifier: match[1]!, typeOnly: false, dynamic: true})),
	];
}

/** The source/-relative path (with /) a relative specifier names, or undefined for a package. */
function target(path: string, specifier: string): string | undefined {
	if (!specifier.startsWith('.')) {
		return undefined;
	}

	const base = resolve(dirname(path), specifier.replace(/\.js$/, ''));
	const file = ['.ts', '.tsx'].map(extension => base + extension).find(candidate => existsSync(candidate));
	assert.ok(file, `${relative(sourceDirectory, path)} imports ${specifier}, which is not there`);
	return relative(sourceDirectory, file).split(sep).join('/');
}

const files = sourceFiles(sourceDirectory).map(path => ({path, name: relative(sourceDirectory, path).split(sep).join('/')}));
const graph = new Map(files.map(({path, name}) => [name, importsOf(path).map(entry => ({...entry, target: target(path, entry.specifier)}))]));

/** The folder a source/-relative path is in ('' for the root). */
function folder(name: string): string {
	return name.includes('/') ? name.slice(0, name.indexOf('/')) : '';
}

test('pipe mode and serve never load ink or react: only source/ui and the interactive branch do', () => {
	for (const [name, imports] of graph) {
		if (folder(name) === 'ui') {
			continue;
		}

		for (const entry of imports.filter(entry => !entry.typeOnly && !entry.dynamic)) {
			assert.ok(!/^(ink|react)(\/|$|-)/.test(entry.specifier), `${name} imports ${entry.specifier}`);
			assert.ok(entry.target === undefined || folder(entry.target) !== 'ui', `${name} imports ${entry.specifier} statically`);
		}

		for (const entry of imports.filter(entry => entry.dynamic && entry.target !== undefined && folder(entry.target) === 'ui')) {
			assert.equal(name, 'cli/main.ts', `${name} loads ${entry.specifier}`);
		}
	}
});

test('no import cycle, type-only and dynamic imports included', () => {
	const state = new Map<string, 'visiting' | 'done'>();
	const cycles: string[] = [];
	const visit = (name: string, trail: string[]): void => {
		if (state.get(name) === 'done') {
			return;
		}

		if (state.get(name) === 'visiting') {
			cycles.push([...trail.slice(trail.indexOf(name)), name].join(' -> '));
			return;
		}

		state.set(name, 'visiting');
		for (const entry of graph.get(name) ?? []) {
			if (entry.target !== undefined) {
				visit(entry.target, [...trail, name]);
			}
		}

		state.set(name, 'done');
	};

	for (const name of graph.keys()) {
		visit(name, []);
	}

	assert.deepEqual(cycles, []);
});

/** Each folder's imports that break a rule: [folder, folders it may not import]. */
const forbidden: ReadonlyArray<readonly [string, readonly string[]]> = [
	['connection', ['pipe', 'session', 'serve', 'replay', 'cli', 'ui', 'automation', 'protocols', 'codecs', 'pipeline']],
	['session', ['ui', 'cli']],
	['pipeline', ['codecs', 'protocols', 'automation', 'replay', 'cli', 'ui', 'session', 'pipe', 'serve']],
	['shared', ['cli', 'connection', 'pipe', 'session', 'ui', 'serve', 'automation', 'pipeline', 'codecs', 'protocols', 'replay', 'load', 'profiles']],
	// wsterm bench: its own plain sockets, no pipeline, no mode's code (protocols/ only for the lines of --protocol, loaded when asked).
	['load', ['pipe', 'session', 'ui', 'serve', 'replay', 'cli', 'automation', 'pipeline', 'codecs']],
	// Profiles are data and text: the modes read a ProfileContext, profiles/ reads none of them (the
	// template stage plugs into pipeline/'s stage interface, as every stage does).
	['profiles', ['cli', 'connection', 'pipe', 'session', 'ui', 'serve', 'automation', 'codecs', 'protocols', 'replay', 'load']],
];

for (const [from, notTo] of forbidden) {
	test(`${from}/ imports nothing of ${notTo.join(', ')}`, () => {
		const broken = [...graph].filter(([name]) => folder(name) === from).flatMap(([name, imports]) =>
			imports.filter(entry => entry.target !== undefined && notTo.includes(folder(entry.target))).map(entry => `${name} imports ${entry.specifier}`));
		assert.deepEqual(broken, []);
	});
}

test('source/ holds only the entry at its root; every other file is in a capability folder', () => {
	const root = readdirSync(sourceDirectory, {withFileTypes: true}).filter(entry => entry.isFile()).map(entry => entry.name);
	assert.ok(root.length <= 3, `source/ root: ${root.join(', ')}`);
	assert.ok(root.includes('bin.ts'));
});
