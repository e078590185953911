/*
Bundles the command line and what a one-shot or pipe run loads (argument parsing, connect
options, the connection, pipe mode; serve too, evaluated only when used) into dist/main.js; `npm
run build` runs it after tsc and scripts/bundle-ui.ts. One file instead of a dozen saves the
resolving, reading and compiling of each module at start (npm run bench:startup). Packages (ws,
proxy-from-env, https-proxy-agent) stay in node_modules, with their licences; the full-screen
session stays its own bundle (dist/ui/run.js), which keeps using the separate modules next to it.
dist/cli.js, the command, is source/bin.ts: it listens for signals before it loads dist/main.js.
*/
import {rmSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const dist = join(fileURLToPath(new URL('..', import.meta.url)), 'dist');
const common = {
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	logLevel: 'warning',
	minifySyntax: true,
	legalComments: 'none',
	packages: 'external',
} as const;

await build({
	...common,
	entryPoints: [join(dist, 'cli.js')],
	outfile: join(dist, 'main.js'),
	external: ['./ui/run.js'],
});

await build({
	...common,
	entryPoints: [join(dist, 'bin.js')],
	outfile: join(dist, 'cli.js'),
	allowOverwrite: true,
	plugins: [{
		name: 'wsterm-bin',
		setup(builder) {
			builder.onResolve({filter: /^\.\/cli\.js$/}, () => ({path: './main.js', external: true}));
		},
	}],
});
rmSync(join(dist, 'bin.js'));
