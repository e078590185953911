/*
Bundles the command line and what a one-shot or pipe run loads (argument parsing, connect
options, the connection, pipe mode; serve too, evaluated only when used) into dist/main.js; `npm
run build` runs it after tsc and before scripts/bundle-ui.ts (which removes the ui/ modules it
bundles, ui/start.js among them, that this bundle needs). One file instead of a dozen saves the
resolving, reading and compiling of each module at start (npm run bench:startup). The full-screen
session stays its own bundle (dist/ui/run.js), which keeps using the separate modules next to it.
dist/cli.js, the command, is source/bin.ts: it listens for signals before it loads dist/main.js.

Packages stay in node_modules (ws, https-proxy-agent, the codec and protocol libraries, loaded
only when used), except the two small ones whose imports would otherwise be loaded at every
start: lossless-json (some ten modules, imported by the codec and replay glue, which is in the
bundle) and proxy-from-env; their licences go to dist/third-party-licenses.txt.
*/
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build, type Plugin} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const inlined = ['lossless-json', 'proxy-from-env'];
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
		builder.onResolve({filter: /^[^./]/}, ({path}) => path.startsWith('node:') || inlined.includes(path) ? undefined : {path, external: true});
	},
};

// The session's UI is its own bundle (scripts/bundle-ui.ts), loaded by the CLI only for the
// full-screen session: it stays a separate file, named from dist/main.js.
const uiExternal: Plugin = {
	name: 'wsterm-ui-external',
	setup(builder) {
		builder.onResolve({filter: /\/ui\/run\.js$/}, () => ({path: './ui/run.js', external: true}));
	},
};

await build({
	...common,
	entryPoints: [join(dist, 'cli', 'main.js')],
	outfile: join(dist, 'main.js'),
	plugins: [uiExternal, packagesExternal],
});

await build({
	...common,
	packages: 'external',
	entryPoints: [join(dist, 'bin.js')],
	outfile: join(dist, 'cli.js'),
	allowOverwrite: true,
	plugins: [{
		name: 'wsterm-bin',
		setup(builder) {
			builder.onResolve({filter: /^\.\/cli\/main\.js$/}, () => ({path: './main.js', external: true}));
		},
	}],
});
rmSync(join(dist, 'bin.js'));

const notices = inlined.map(name => {
	const directory = join(root, 'node_modules', name);
	const {version} = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {version: string};
	const file = readdirSync(directory).find(entry => /^licen[cs]e/i.test(entry));
	if (file === undefined) {
		throw new Error(`${name} has no licence file to ship with dist/main.js`);
	}

	return `${name}@${version}\n\n${readFileSync(join(directory, file), 'utf8').trim()}\n`;
});
writeFileSync(join(dist, 'third-party-licenses.txt'), `dist/main.js bundles these packages:\n\n${notices.join('\n---\n\n')}`);
