/*
Run by scripts/code-cache.ts as `node scripts/code-cache-run.mjs URL -x hello -n 1`: the built
program's one-shot run (source/load-program.ts compiles and runs it, as dist/cli.js does), whose
compiled code is saved at exit as the program's code cache (dist/main.cjs.v8-VERSION-ARCH.cache).
*/
import {writeFileSync} from 'node:fs';
import process from 'node:process';
import {fileURLToPath, URL} from 'node:url';
import {setFlagsFromString} from 'node:v8';
import {codeCacheOf, compileProgram} from '../dist/load-program.js';

const directory = new URL('../dist/', import.meta.url);
const program = await compileProgram(directory);
process.on('exit', () => {
	// V8 stamps a cache with its flags as they are when it is made, and takes it only under the
	// same flags: pipe mode changes one (cli/main.ts), so each is put back to its start value.
	setFlagsFromString(process.env.WSTERM_V8_FLAGS_AT_START ?? '');
	writeFileSync(codeCacheOf(fileURLToPath(new URL('main.cjs', directory))), program.script.createCachedData());
});
program.run();
