/*
Bundles the command line and what a one-shot or pipe run loads (argument parsing, connect
options, the connection, pipe mode) into dist/main.cjs, the program; `npm run build` runs it
after tsc and before scripts/bundle-ui.ts (which removes the ui/ modules it bundles, ui/start.js
among them, that this bundle needs) and scripts/code-cache.ts (which makes the program's code
cache). One file instead of a dozen saves the resolving, reading and compiling of each module at
start (npm run bench:startup). The full-screen session stays its own bundle (dist/ui/run.js),
which keeps using the separate modules next to it. dist/cli.js, the command, is source/bin.ts
with source/load-program.ts: it listens for signals, then runs dist/main.cjs.

Packages stay in node_modules (ws, https-proxy-agent, the codec and protocol libraries, loaded
only when used), except the small ones whose imports would otherwise be loaded at every start:
meow (the command line's parser) and lossless-json (some ten modules, imported by the codec and
replay glue, which is in the bundle); their licences go to
dist/third-party-licenses.txt (meow's with those of the packages its own build bundles).
*/
import {builtinModules} from 'node:module';
import {existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join, relative, sep} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build, type Plugin} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const inlined = ['meow', 'lossless-json'];
const common = {
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	logLevel: 'warning',
	minifySyntax: true,
	legalComments: 'none',
} as const;

const packagesExternal: Plugin = {
	name: 'wsterm-packages',
	setup(builder) {
		builder.onResolve({filter: /^[^./]/}, ({path}) => {
			if (path.startsWith('node:') || inlined.includes(path)) {
				return undefined;
			}

			// A built-in module a bundled package names bare ('util'): it is no package to load
			// (test/helpers/packages-loaded.ts counts the bare names a run imports).
			return {path: builtinModules.includes(path) ? `node:${path}` : path, external: true};
		});
	},
};

/*
meow looks for package.json (read-package-up, and normalize-package-data with semver, the SPDX
lists, hosted-git-info) unless it is given `pkg`, which cli/command-line.ts always gives. Its
build is one module of bundled dependencies that sets each of them up at load time, calls that
esbuild keeps (a call may have effects): left in, they cost some 30-50 ms at every start,
child_process and its sockets loaded included. So the lookup is stubbed out and those top-level
set-up calls are marked pure; esbuild then drops what nothing uses. A meow whose files no longer
match stops the build rather than bundle the cost unnoticed (npm run bench:startup).
*/
const meowTrimmed: Plugin = {
	name: 'wsterm-meow-trimmed',
	setup(builder) {
		builder.onLoad({filter: /[\\/]meow[\\/]build[\\/](options|dependencies)\.js$/}, ({path}) => {
			const text = readFileSync(path, 'utf8');
			const contents = path.endsWith('options.js')
				? text.replace(
					'import { a as readPackageUpSync, n as normalizePackageData } from \'./dependencies.js\';',
					'const readPackageUpSync = () => undefined, normalizePackageData = () => {};',
				)
				: text.replaceAll(/^((?:var|const) [\w$]+ = )([\w$]+\()/gm, '$1/* @__PURE__ */ $2').replace(/^promisify\(execFile\);$/m, '');
			if (contents === text || (path.endsWith('dependencies.js') && /^promisify\(/m.test(contents))) {
				throw new Error(`${path} is not the meow build scripts/bundle-cli.ts trims: check it (and npm run bench:startup)`);
			}

			return {contents, loader: 'js'};
		});
	},
};

/*
`import process from 'node:process'` (meow's modules) makes Node build an ES module of the
process object, reading every property it has: the list of allowed NODE_OPTIONS flags is built
and the diagnostic report is loaded, some 5 ms at each start. It is the global process; the
bundle takes that.
*/
const globalProcess: Plugin = {
	name: 'wsterm-global-process',
	setup(builder) {
		builder.onResolve({filter: /^(node:)?process$/}, () => ({path: 'process', namespace: 'wsterm-global-process'}));
		builder.onLoad({filter: /^process$/, namespace: 'wsterm-global-process'}, () => ({contents: 'export default globalThis.process;', loader: 'js'}));
	},
};

/*
What a plain run never loads stays a separate module, named from dist/main.cjs: a dynamic import
that esbuild inlined would still be compiled at every start. So every module imported with
import() is left out of the bundle (tsc's file next to it is loaded when asked for: the other
modes, the pipeline's stages, the session's UI bundle (scripts/bundle-ui.ts), the built-in echo
server, --help's text), but for those a one-shot run or the session's first frame needs at once
(pipe mode, the connection, and ui/start.js) and `wsterm profiles`, which parses profiles with the
command line's parser: meow is bundled here only, as it is no dependency of the package
(test/package-imports.cli.test.ts). wsterm bench's load/ stays tsc's modules too (its
histogram package is imported statically there; bundled, esbuild would hoist that import to the
start of every run). A module left out loads its own imports as tsc's files, so code in both
holds no identity a check relies on (errors are told apart by name: shared/exit-codes.ts).
*/
const bundledDynamic = new Set(['pipe/run.js', 'connection/connection.js', 'ui/start.js', 'cli/profiles-mode.js']);
const separateModules: Plugin = {
	name: 'wsterm-separate-modules',
	setup(builder) {
		builder.onResolve({filter: /^\.\.?\//}, ({path, resolveDir, kind}) => {
			const fromDist = relative(dist, join(resolveDir, path)).split(sep).join('/');
			return kind !== 'dynamic-import' || bundledDynamic.has(fromDist) ? undefined : {path: `./${fromDist}`, external: true};
		});
	},
};

/*
The program is a script (main.cjs), which dist/cli.js compiles with the code cache the build
makes for it (source/load-program.ts, scripts/code-cache.ts). A script cannot import(): each
import() left in it (the separate modules above, the packages) becomes a call to `importModule`,
which load-program.ts hands it, as `import.meta` becomes `importMeta`. A stale cache is removed
first: V8 would take it for any main.cjs of the same length.
*/
const program = join(dist, 'main.cjs');
for (const name of readdirSync(dist).filter(name => name.startsWith('main.cjs.') && name.endsWith('.cache'))) {
	rmSync(join(dist, name));
}

await build({
	...common,
	format: 'cjs',
	define: {'import.meta': 'importMeta'},
	metafile: true,
	write: false,
	entryPoints: [join(dist, 'cli', 'main.js')],
	outfile: program,
	plugins: [separateModules, globalProcess, packagesExternal, meowTrimmed],
}).then(({metafile, outputFiles, warnings}) => {
	const [output] = outputFiles;
	const imports = Object.values(metafile.outputs)[0]!.imports.filter(entry => entry.kind === 'dynamic-import' && entry.external).length;
	let rewritten = 0;
	const text = output!.text.replaceAll(/(?<![\w$.])import\(/g, () => {
		rewritten++;
		return 'importModule(';
	});
	if (rewritten !== imports || warnings.length > 0) {
		throw new Error(`main.cjs: ${rewritten} import( rewritten for ${imports} dynamic imports, or warnings above: check scripts/bundle-cli.ts`);
	}

	writeFileSync(program, text);
});

await build({
	...common,
	packages: 'external',
	entryPoints: [join(dist, 'bin.js')],
	outfile: join(dist, 'cli.js'),
	allowOverwrite: true,
});
rmSync(join(dist, 'bin.js'));

const notices = inlined.map(name => {
	const directory = join(root, 'node_modules', name);
	const {version} = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {version: string};
	const file = readdirSync(directory).find(entry => /^licen[cs]e/i.test(entry));
	if (file === undefined) {
		throw new Error(`${name} has no licence file to ship with dist/main.cjs`);
	}

	// meow's build bundles its own dependencies (yargs-parser and others) and lists their licences here.
	const bundled = join(directory, 'build', 'licenses.md');
	const theirs = existsSync(bundled) ? `\nIt bundles these packages in turn:\n\n${readFileSync(bundled, 'utf8').trim()}\n` : '';
	return `${name}@${version}\n\n${readFileSync(join(directory, file), 'utf8').trim()}\n${theirs}`;
});
writeFileSync(join(dist, 'third-party-licenses.txt'), `dist/main.cjs bundles these packages:\n\n${notices.join('\n---\n\n')}`);
