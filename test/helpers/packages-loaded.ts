import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {cliPath} from './cli.js';

/** The packages the built CLI imports during a run with `args` and `input` on stdin (a module resolve hook logs them). */
export async function packagesLoaded(args: readonly string[], input = ''): Promise<string[]> {
	const temporary = mkdtempSync(join(tmpdir(), 'wsterm-packages-'));
	const log = join(temporary, 'resolved.txt');
	const hooks = join(temporary, 'hooks.mjs');
	writeFileSync(hooks, `import {appendFileSync} from 'node:fs';
export async function resolve(specifier, context, next) {
	if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, specifier + '\\n');
	return next(specifier, context);
}
`);
	const register = join(temporary, 'register.mjs');
	writeFileSync(register, `import {register} from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
	writeFileSync(log, '');
	const child = spawn(process.execPath, ['--import', pathToFileURL(register).href, cliPath, ...args], {stdio: ['pipe', 'ignore', 'inherit'], env: {...process.env, NO_PROXY: '*'}});
	child.stdin.end(input);
	await new Promise(resolve => child.on('close', resolve));
	return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}
