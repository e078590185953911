/*
The program's code cache (source/load-program.ts, scripts/code-cache.ts): the build leaves V8's
compiled code for dist/main.cjs next to it, the Node that built it takes it in a fresh process,
and a cache V8 cannot use (damaged, or for another program) is turned down, the program then
compiled as without one.
*/
import assert from 'node:assert/strict';
import {copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {cacheRejectedIn} from '../scripts/code-cache-check.js';
import {codeCacheOf} from '../source/load-program.js';
import {assertFreshBuild} from './helpers/cli.js';

const distUrl = new URL('../dist/', import.meta.url);
const dist = fileURLToPath(distUrl);
const program = join(dist, 'main.cjs');

const scratch = mkdtempSync(join(tmpdir(), 'wsterm-code-cache-'));
// A copy of the program, loaded by dist/'s loader: no cache, a damaged one, one for another program.
const scratchDirectory = pathToFileURL(`${scratch}/`);
after(() => {
	rmSync(scratch, {recursive: true, force: true});
});

test('the build leaves a code cache for dist/main.cjs, and the Node that built it takes it', async t => {
	assertFreshBuild();
	const caches = readdirSync(dist).filter(name => /^main\.cjs\..+\.cache$/.test(name));
	assert.equal(caches.length, 1, `caches in dist/: ${caches.join(', ')}`);
	if (!existsSync(codeCacheOf(program))) {
		t.skip(`dist/ was built by another Node (${caches[0]!}), whose cache this one does not read`);
		return;
	}

	assert.equal(await cacheRejectedIn(distUrl), 'false');
});

test('without a cache, or with one V8 cannot use, the program is compiled as usual', async () => {
	assertFreshBuild();
	copyFileSync(program, join(scratch, 'main.cjs'));
	assert.equal(await cacheRejectedIn(scratchDirectory, distUrl), 'undefined');
	const cache = codeCacheOf(join(scratch, 'main.cjs'));
	const made = existsSync(codeCacheOf(program)) ? readFileSync(codeCacheOf(program)) : Buffer.alloc(4096, 7);
	for (const damaged of [made.subarray(0, made.length >> 1), Buffer.alloc(made.length, 0)]) {
		writeFileSync(cache, damaged);
		assert.equal(await cacheRejectedIn(scratchDirectory, distUrl), 'true');
	}

	// The cache of another program of another length (main.cjs with one more line).
	writeFileSync(join(scratch, 'main.cjs'), `${readFileSync(program, 'utf8')}\n;\n`);
	writeFileSync(cache, made);
	assert.equal(await cacheRejectedIn(scratchDirectory, distUrl), 'true');
});
