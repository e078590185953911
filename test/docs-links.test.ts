import assert from 'node:assert/strict';
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

/*
The readme is a front page and docs/ the manual: pages link to each other and to headings on
other pages, and a page moved or a heading renamed breaks such links silently. These tests read
every page as GitHub renders it (code blocks and code spans are not links) and check each
relative link.
*/

const root = fileURLToPath(new URL('..', import.meta.url));
const manualPages = readdirSync(join(root, 'docs')).filter(name => name.endsWith('.md')).sort().map(name => `docs/${name}`);
const pages = ['readme.md', 'CHANGELOG.md', ...manualPages];

/** The page's lines outside fenced code blocks. */
function proseLines(text: string): string[] {
	let fence: string | undefined;
	return text.split('\n').filter(line => {
		const marker = /^\s*(```|~~~)/.exec(line)?.[1];
		if (marker !== undefined && (fence === undefined || fence === marker)) {
			fence = fence === undefined ? marker : undefined;
			return false;
		}

		return fence === undefined;
	});
}

/** A heading's anchor as GitHub makes it: the rendered text, lower-cased, punctuation dropped, spaces as hyphens. */
function githubSlug(heading: string): string {
	const rendered = heading
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/`([^`]*)`/g, '$1');
	return rendered.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors of a page's headings; a repeated heading gets -1, -2 ..., as on GitHub. */
function anchorsOf(path: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	for (const line of proseLines(readFileSync(join(root, path), 'utf8'))) {
		const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
		if (heading === undefined) {
			continue;
		}

		const slug = githubSlug(heading);
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		anchors.add(count === 0 ? slug : `${slug}-${count}`);
	}

	return anchors;
}

/** The targets of a page's inline links and images, code spans left out. */
function linksOf(path: string): string[] {
	const prose = proseLines(readFileSync(join(root, path), 'utf8')).join('\n').replace(/`[^`\n]*`/g, 'code');
	return [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(match => match[1]!);
}

const external = /^[a-z][a-z\d+.-]*:/i;

test('github slugs: code spans, punctuation and options as GitHub makes them', () => {
	assert.equal(githubSlug('`--script FILE`'), '--script-file');
	assert.equal(githubSlug('DevTools "Copy as cURL"'), 'devtools-copy-as-curl');
	assert.equal(githubSlug('`--protocol jsonrpc`: JSON-RPC 2.0'), '--protocol-jsonrpc-json-rpc-20');
	assert.equal(githubSlug('Serve a recording: `wsterm serve --replay FILE`'), 'serve-a-recording-wsterm-serve---replay-file');
	assert.equal(githubSlug('wsterm, wscat and websocat'), 'wsterm-wscat-and-websocat');
});

test('every relative link in the readme and docs/ leads to a file that exists, and an #anchor to a heading', () => {
	const broken: string[] = [];
	for (const page of pages) {
		for (const target of linksOf(page)) {
			if (external.test(target)) {
				continue;
			}

			const [pathPart = '', anchor] = target.split('#', 2) as [string, string | undefined];
			const resolved = pathPart === '' ? page : relative(root, join(root, dirname(page), decodeURIComponent(pathPart)));
			if (resolved.startsWith('..') || !existsSync(join(root, resolved))) {
				broken.push(`${page}: ${target} (no file ${resolved})`);
				continue;
			}

			if (anchor !== undefined && statSync(join(root, resolved)).isFile() && resolved.endsWith('.md') && !anchorsOf(resolved).has(decodeURIComponent(anchor))) {
				broken.push(`${page}: ${target} (no heading #${anchor} in ${resolved})`);
			}
		}
	}

	assert.deepEqual(broken, []);
});

test('the readme\'s contents list links every page of the manual', () => {
	const linked = new Set(linksOf('readme.md').map(target => target.split('#')[0]));
	const unlinked = manualPages.filter(page => !linked.has(page));
	assert.deepEqual(unlinked, []);
});
