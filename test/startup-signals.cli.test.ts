/*
Signals at the very start: before wsterm's modes listen for SIGINT and SIGTERM (pipe mode while
connecting, serve, replay, the session), the command's entry (source/bin.ts) does, so that an
early signal still ends with one line and 130 or 143 rather than a silent death.
*/
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {type AddressInfo, createServer, type Server, type Socket} from 'node:net';
import {after, before, describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {startCli} from './helpers/cli.js';

const slowLoads = fileURLToPath(new URL('helpers/slow-loads.mjs', import.meta.url));
const signals = [['SIGINT', 130], ['SIGTERM', 143]] as const;
// The slow disk is stood in for by a module hook (helpers/slow-loads.mjs). On Node 20 its wait
// leaves the main thread free, so bin.ts's listener runs; from Node 22 on, the main thread waits
// for the hooks thread while a module loads, so no JavaScript can answer a signal during the
// stand-in's delay (a blocked loader in the test, not a path of wsterm's own).
const slowLoadsBlock = Number(process.versions.node.split('.')[0]) >= 22
	? 'Node 22 and later block the main thread while a module hook waits: the slow-load stand-in cannot be used'
	: false;

describe('a signal while wsterm is still loading', () => {
	// Reads the upgrade request and never answers it: a signal can only find wsterm starting or connecting.
	let server: Server;
	let url: string;
	const sockets: Socket[] = [];
	before(async () => {
		server = createServer(socket => {
			sockets.push(socket);
			socket.on('error', () => undefined);
			socket.resume();
		}).listen(0, '127.0.0.1');
		await once(server, 'listening');
		url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	});
	after(async () => {
		for (const socket of sockets) {
			socket.destroy();
		}

		server.close();
	});

	for (const [signal, code] of signals) {
		test(`${signal} after the entry ran, before any module it imports loaded: one line, exit ${code}`, {skip: slowLoadsBlock}, async () => {
			// Every module after the entry takes 2 s to load, as from a slow disk; the signal goes
			// when the first one is asked for, whatever the machine's load.
			const connections = sockets.length;
			const run = startCli([url], {env: {NODE_OPTIONS: `--import ${slowLoads}`, WSTERM_TEST_LOAD_DELAY: '2000'}, timeout: 20_000});
			let stderr = '';
			run.child.stderr!.on('data', (chunk: Buffer) => {
				stderr += chunk.toString();
				if (stderr.startsWith('loading\n') && run.child.signalCode === null && !run.child.killed) {
					run.child.kill(signal);
				}
			});
			const result = await run.result;
			assert.deepEqual([result.code, result.signal, result.stderr], [code, null, 'loading\nwsterm: interrupted while starting\n']);
			assert.equal(sockets.length, connections, 'it never connected');
		});

		test(`${signal} at 0 to 150 ms after launch: one line and exit ${code}, or Node's own default before any JavaScript ran`, async () => {
			// Node needs 40-120 ms to start before any of wsterm runs; a signal then kills it the
			// default way (no line, no code), which no program can change. Whatever lands later
			// must say so in one line and exit with the signal's code.
			for (const delay of [0, 30, 60, 100, 150]) {
				const run = startCli([url], {timeout: 20_000});
				await new Promise(resolve => setTimeout(resolve, delay));
				run.child.kill(signal);
				const result = await run.result;
				if (result.signal === null) {
					assert.equal(result.code, code, `${delay} ms`);
					assert.match(result.stderr, /^wsterm: interrupted while (starting|connecting to ws:\/\/127\.0\.0\.1:\d+\/)\n$/, `${delay} ms`);
				} else {
					assert.deepEqual([result.signal, result.stderr], [signal, ''], `${delay} ms`);
				}
			}
		});
	}
});
