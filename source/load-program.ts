/*
Loads and runs the program, dist/main.cjs (cli/main.ts and what a one-shot run needs, bundled by
scripts/bundle-cli.ts), with the code cache the build made for it (scripts/code-cache.ts): V8's
compiled code for every function a one-shot run calls, meow's parser and the connection
included, so that a start compiles little of it (npm run bench:startup). V8 takes the cache only
from the V8 version and flags that made it (and for a program of the same length: the build
removes every cache before it writes main.cjs); any other Node, a missing file or a damaged one
compiles the program as if there were none.

The program is a script compiled with node:vm, as Node compiles a CommonJS module, because Node
20 hands no code cache to a module it loads itself. A dynamic import() in such a script would
need an experimental flag there, so the bundle calls `importModule` instead (the build rewrites
each import() to it), and the import happens here: specifiers resolve as from main.cjs, which
lies in the same folder as this file once built (dist/).
*/
import type {Script} from 'node:vm';

/**
The file the program's code cache is in, next to the program, named for the V8 that made it:
another Node does not read a cache V8 would only turn down.
*/
export const codeCacheOf = (program: string): string => `${program}.v8-${process.versions.v8}-${process.arch}.cache`;

type ProgramFunction = (
	exports: unknown,
	require: NodeJS.Require,
	module: {exports: unknown},
	filename: string,
	dirname: string,
	importModule: (specifier: string) => Promise<unknown>,
	importMeta: {readonly url: string},
) => void;

export type CompiledProgram = {
	/** Whether V8 turned down the code cache that was there (another Node, other flags, a damaged file); undefined without one. */
	readonly cacheRejected: boolean | undefined;
	readonly script: Script;
	/** Runs the program: it starts, and ends the process itself. */
	readonly run: () => void;
};

/** Compiles dist/main.cjs (in `directory`) with its code cache, when there is one. */
export async function compileProgram(directory: URL): Promise<CompiledProgram> {
	const [{readFileSync}, vm, {createRequire}, {fileURLToPath}] = await Promise.all([
		import('node:fs'), import('node:vm'), import('node:module'), import('node:url'),
	]);
	const file = new URL('main.cjs', directory);
	const filename = fileURLToPath(file);
	let cachedData: Buffer | undefined;
	try {
		cachedData = readFileSync(codeCacheOf(filename));
	} catch {
		// No cache (a build that made none, or a copy without it): compiled as usual.
	}

	// The wrapper stays on the program's first line, so that its line numbers are main.cjs's.
	const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, importModule, importMeta) {${readFileSync(filename, 'utf8')}\n})`, {
		filename,
		...(cachedData === undefined ? {} : {cachedData}),
	});
	const run = (): void => {
		const program = script.runInThisContext() as ProgramFunction;
		const module = {exports: {}};
		program(
			module.exports,
			createRequire(file),
			module,
			filename,
			fileURLToPath(new URL('.', file)),
			async specifier => import(specifier.startsWith('.') ? new URL(specifier, file).href : specifier),
			{url: file.href},
		);
	};

	return {cacheRejected: cachedData === undefined ? undefined : script.cachedDataRejected === true, script, run};
}

/** Compiles the program in `directory` and runs it. */
export async function runProgram(directory: URL): Promise<void> {
	(await compileProgram(directory)).run();
}
