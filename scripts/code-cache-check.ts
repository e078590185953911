/*
Whether V8 takes the program's code cache (source/load-program.ts), asked of a fresh Node run as a
user runs wsterm: without NODE_OPTIONS, whose V8 flags would not be a user's. scripts/code-cache.ts
checks the cache it made with it, and test/startup-code-cache.cli.test.ts what the build left.
*/
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';

/** The environment without NODE_OPTIONS. */
export function withoutNodeOptions(): NodeJS.ProcessEnv {
	const {NODE_OPTIONS: _, ...environment} = process.env;
	return environment;
}

/**
compileProgram's `cacheRejected` for the program (main.cjs) in `directory`: 'false', 'true' or
'undefined' (no cache). The loader is a built dist/'s, `directory` itself by default.
*/
export async function cacheRejectedIn(directory: URL, dist = directory): Promise<string> {
	const loader = new URL('load-program.js', dist).href;
	const check = `import {compileProgram} from ${JSON.stringify(loader)}; process.stdout.write(String((await compileProgram(new URL(${JSON.stringify(directory.href)}))).cacheRejected));`;
	const {stdout} = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', check], {env: withoutNodeOptions()});
	return stdout;
}
