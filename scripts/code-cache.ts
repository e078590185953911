/*
Makes dist/main.cjs.v8-VERSION-ARCH.cache, the program's code cache (source/load-program.ts): `npm run build`
runs it after scripts/bundle-cli.ts. A one-shot run, `wsterm URL -x hello -n 1` against an echo
server here, compiles what a start needs (meow's parser, the options, the connection, pipe
mode); scripts/code-cache-run.mjs saves that at its exit. A fresh Node then checks that V8 takes
the cache. The cache fits this Node only, and V8 flags given in NODE_OPTIONS would go into it,
so the run is made without them. If anything fails, the build goes on without a cache (the
program is compiled at each start, as it would be by another Node): one warning says so, and
test/startup-code-cache.cli.test.ts fails.
*/
import {execFileSync, spawn} from 'node:child_process';
import {once} from 'node:events';
import {rmSync} from 'node:fs';
import type {AddressInfo} from 'node:net';
import {fileURLToPath} from 'node:url';
import {WebSocketServer} from 'ws';
import {codeCacheOf} from '../source/load-program.js';
import {cacheRejectedIn, withoutNodeOptions} from './code-cache-check.js';

const dist = new URL('../dist/', import.meta.url);
const cacheFile = codeCacheOf(fileURLToPath(new URL('main.cjs', dist)));
// Flags cli/main.ts sets while it runs, at their start values (V8's defaults), for code-cache-run.mjs to put back.
const changedFlags = ['semi-space-growth-factor'];

async function madeCache(): Promise<void> {
	const options = execFileSync(process.execPath, ['--v8-options'], {encoding: 'utf8'});
	const startValues = changedFlags.map(flag => {
		const start = new RegExp(`default: (--${flag}=\\S+)`).exec(options.slice(options.indexOf(`--${flag} `)))?.[1];
		if (start === undefined) {
			throw new Error(`V8 has no --${flag}`);
		}

		return start;
	});
	const server = new WebSocketServer({host: '127.0.0.1', port: 0});
	server.on('connection', socket => {
		socket.on('message', (data, isBinary) => {
			socket.send(data, {binary: isBinary});
		});
	});
	await once(server, 'listening');
	try {
		const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
		const run = spawn(process.execPath, [fileURLToPath(new URL('code-cache-run.mjs', import.meta.url)), url, '-x', 'hello', '-n', '1'], {
			env: {...withoutNodeOptions(), WSTERM_V8_FLAGS_AT_START: startValues.join(' ')},
			stdio: ['ignore', 'pipe', 'pipe'],
			timeout: 30_000,
		});
		let output = '';
		run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const [code] = await once(run, 'exit') as [number | null];
		if (code !== 0 || output !== 'hello\n') {
			throw new Error(`the one-shot run exited ${code}: ${output.trim()}`);
		}
	} finally {
		server.close();
	}

	const rejected = await cacheRejectedIn(dist);
	if (rejected !== 'false') {
		throw new Error(`a fresh Node did not take it (rejected: ${rejected})`);
	}
}

try {
	await madeCache();
} catch (error) {
	rmSync(cacheFile, {force: true});
	process.stderr.write(`scripts/code-cache.ts: no code cache for dist/main.cjs, wsterm will start slower: ${(error as Error).message}\n`);
}
