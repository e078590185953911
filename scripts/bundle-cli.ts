/*
Bundles the command line and what a one-shot or pipe run loads (argument parsing, connect
options, the connection, pipe mode; serve too, evaluated only when used) into dist/cli.js; `npm
run build` runs it after tsc and scripts/bundle-ui.ts. One file instead of a dozen saves the
resolving, reading and compiling of each module at start (npm run bench:startup). Packages (ws,
proxy-from-env, https-proxy-agent) stay in node_modules, with their licences; the full-screen
session stays its own bundle (dist/ui/run.js), which keeps using the separate modules next to it.
*/
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const entry = join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'cli.js');

await build({
	entryPoints: [entry],
	outfile: entry,
	allowOverwrite: true,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	logLevel: 'warning',
	minifySyntax: true,
	legalComments: 'none',
	packages: 'external',
	external: ['./ui/run.js'],
});
