/*
ink 6 keeps every distinct text it has measured or wrapped in module-level caches that are never
emptied (vadimdemedes/ink#986; ink fixed it only in versions that need Node 22). A session that
streams messages for hours renders millions of distinct lines, so when scripts/bundle-ui.ts bundles
ink, its two cache modules are changed to start over once they hold `limit` entries.
*/

/** Entries a cache keeps before it starts over: a few frames' worth, cheap to measure again. */
export const limit = 2000;

type Edit = readonly [find: string, replace: string];

const patches: ReadonlyArray<{readonly file: string; readonly edits: readonly Edit[]}> = [
	{
		file: '/ink/build/measure-text.js',
		edits: [['cache.set(text, dimensions);', `if (cache.size >= ${limit}) cache.clear();\n    cache.set(text, dimensions);`]],
	},
	{
		file: '/ink/build/wrap-text.js',
		edits: [
			['const cache = {};', 'let cache = {};\nlet cacheSize = 0;'],
			['cache[cacheKey] = wrappedText;', `if (++cacheSize > ${limit}) {\n        cache = {};\n        cacheSize = 1;\n    }\n    cache[cacheKey] = wrappedText;`],
		],
	},
];

/**
The source of the module at `path` with its cache bounded; undefined when it is not one of ink's
cache modules. Throws when ink's code no longer reads as expected, so that the build fails rather
than ship the leak.
*/
export function boundInkCache(path: string, source: string): string | undefined {
	const patch = patches.find(({file}) => path.replaceAll('\\', '/').endsWith(file));
	if (patch === undefined) {
		return undefined;
	}

	let patched = source;
	for (const [find, replace] of patch.edits) {
		if (!patched.includes(find)) {
			throw new Error(`${path} has changed: "${find}" is not in it; see scripts/ink-caches.ts`);
		}

		patched = patched.replace(find, replace);
	}

	return patched;
}
