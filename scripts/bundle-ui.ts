/*
Bundles the interactive session with ink, react and their dependencies into one file; `npm run
build` runs it after tsc. Loading ink and react as some 550 separate modules takes about 340 ms at
start, the bundle about 100 ms; React's production build is picked here, once; and ink's text
caches are bounded on the way (scripts/ink-caches.ts). wsterm's own modules outside ui/ (`../x.js`)
stay separate files next to it (pipe mode and serve have their own copies inside the bundle of
dist/cli.js, scripts/bundle-cli.ts). The licences of everything bundled are
written next to it, to dist/ui/third-party-licenses.txt.
*/
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join, sep} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build, type Plugin} from 'esbuild';
import {boundInkCache} from './ink-caches.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ui = join(root, 'dist', 'ui');
const entry = join(ui, 'run.js');
const patched = new Set<string>();

const plugin: Plugin = {
	name: 'wsterm-ui',
	setup(builder) {
		// DEV=true makes ink connect to React DevTools through a bridge that is not installed (the
		// session then failed at start) and read a package.json that is not next to the bundle. Here
		// DEV means nothing to ink, and the bridge, with the copy of ws its polyfill imports, stays out.
		builder.onLoad({filter: /[\\/]ink[\\/]build[\\/]utils\.js$/}, () => ({contents: 'export const isDev = () => false;', loader: 'js'}));
		builder.onLoad({filter: /[\\/]ink[\\/]build[\\/]devtools\.js$/}, () => ({contents: 'export {};', loader: 'js'}));
		// restore-cursor writes the show-cursor escape to stderr at exit even when stderr is a file (a
		// log then starts with ESC[?25h); wsterm's own restore shows the cursor on the terminal on every
		// way out (session-start.ts), so cli-cursor's exit hook is left out.
		builder.onLoad({filter: /[\\/]restore-cursor[\\/]index\.js$/}, () => ({contents: 'export default function restoreCursor() {}', loader: 'js'}));
		builder.onResolve({filter: /^\.\.\//}, ({path, importer}) => dirname(importer) === ui ? {path, external: true} : undefined);
		// One string-width for ink and wsterm's own modules (a dependency): each copy costs some
		// 100 ms to load and as much again to build its emoji tables on first use. wrap-ansi keeps
		// the older one it asks for, bundled: it measures every frame, and the newer is slower at that.
		builder.onResolve({filter: /^string-width$/}, ({path, importer}) => /[\\/]wrap-ansi[\\/]/.test(importer) ? undefined : {path, external: true});
		builder.onLoad({filter: /[\\/]ink[\\/]build[\\/](?:measure|wrap)-text\.js$/}, ({path}) => {
			const contents = boundInkCache(path, readFileSync(path, 'utf8'));
			if (contents === undefined) {
				return undefined;
			}

			patched.add(path);
			return {contents, loader: 'js'};
		});
	},
};

const {metafile} = await build({
	entryPoints: [entry],
	outfile: entry,
	allowOverwrite: true,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	metafile: true,
	logLevel: 'warning',
	define: {'process.env.NODE_ENV': '"production"'},
	minifySyntax: true,
	legalComments: 'none',
	// The CommonJS parts (react) require Node's built-in modules.
	banner: {js: 'import {createRequire as wstermCreateRequire} from \'node:module\';\nconst require = wstermCreateRequire(import.meta.url);'},
	plugins: [plugin],
});

if (patched.size !== 2) {
	throw new Error(`ink's text caches were not both bounded (${[...patched].join(', ') || 'neither'})`);
}

// The rest of ui/ is inside the bundle now.
for (const name of readdirSync(ui)) {
	if (name !== 'run.js') {
		rmSync(join(ui, name));
	}
}

const packages = new Map<string, string>();
for (const input of Object.keys(metafile.inputs)) {
	const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll(sep, '/'));
	if (match !== null) {
		packages.set(match[1]!, join(root, match[1]!));
	}
}

const notices = [...packages.values()].sort().map(directory => {
	const {name, version, license} = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {name: string; version: string; license?: string};
	const file = readdirSync(directory).find(name => /^licen[cs]e/i.test(name));
	const text = file === undefined ? `License: ${license ?? 'see the package'}` : readFileSync(join(directory, file), 'utf8').trim();
	return `${name}@${version}\n\n${text}\n`;
});
writeFileSync(join(ui, 'third-party-licenses.txt'), `dist/ui/run.js bundles these packages:\n\n${notices.join('\n---\n\n')}`);
