import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {boundInkCache, limit} from '../scripts/ink-caches.js';

const inkBuild = dirname(createRequire(import.meta.url).resolve('ink'));

test('the installed ink\'s measure and wrap caches get bounded (the build fails if ink changes them)', () => {
	for (const file of ['measure-text.js', 'wrap-text.js']) {
		const source = readFileSync(join(inkBuild, file), 'utf8');
		const patched = boundInkCache(join(inkBuild, file), source);
		assert.ok(patched !== undefined && patched !== source, `${file} was not patched`);
		assert.match(patched, new RegExp(`${limit}`));
	}
});

test('a bounded measure cache starts over at the limit and still measures', async () => {
	const source = boundInkCache('/x/node_modules/ink/build/measure-text.js', readFileSync(join(inkBuild, 'measure-text.js'), 'utf8'))!;
	// Run the patched module with its one import supplied, and look at its cache through a spy Map.
	const sizes: number[] = [];
	const Spy = class extends Map<string, unknown> {
		override set(key: string, value: unknown): this {
			super.set(key, value);
			sizes.push(this.size);
			return this;
		}
	};
	const body = source
		.replace(/^import widestLine from 'widest-line';$/m, '')
		.replace('new Map()', 'new Spy()')
		.replace('export default measureText;', 'return measureText;');
	// eslint-disable-next-line no-new-func
	const measureText = new Function('widestLine', 'Spy', body)((text: string) => Math.max(...text.split('\n').map(line => line.length)), Spy) as (text: string) => {width: number; height: number};
	for (let index = 0; index < limit * 3; index++) {
		measureText(`line ${index}`);
	}

	assert.ok(Math.max(...sizes) <= limit);
	assert.deepEqual(measureText('ab\nabc'), {width: 3, height: 2});
});

test('other modules are left alone; a cache module that changed stops the build', () => {
	assert.equal(boundInkCache('/x/node_modules/ink/build/ink.js', 'const cache = {};'), undefined);
	assert.throws(() => boundInkCache('/x/node_modules/ink/build/measure-text.js', 'something else'), /has changed/);
});
