import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {after, describe, test} from 'node:test';
import {cliPath, runCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';

const servers: TestServer[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

const protocolLibraries = ['graphql-ws/client', 'graphql-ws', 'graphql', 'engine.io-parser', 'socket.io-parser', '@stomp/stompjs'];

/** The packages the CLI imports during a run (a module resolve hook logs them). */
async function packagesLoaded(args: readonly string[], input: string): Promise<string[]> {
	const temporary = mkdtempSync(join(tmpdir(), 'wsterm-protocols-cli-'));
	const log = join(temporary, 'resolved.txt');
	const hooks = join(temporary, 'hooks.mjs');
	writeFileSync(hooks, `import {appendFileSync} from 'node:fs';
export async function resolve(specifier, context, next) {
	if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, specifier + '\\n');
	return next(specifier, context);
}
`);
	const register = join(temporary, 'register.mjs');
	writeFileSync(register, `import {register} from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
	writeFileSync(log, '');
	const child = spawn(process.execPath, ['--import', pathToFileURL(register).href, cliPath, ...args], {stdio: ['pipe', 'ignore', 'inherit'], env: {...process.env, NO_PROXY: '*'}});
	child.stdin.end(input);
	await new Promise(resolve => child.on('close', resolve));
	return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

describe('--protocol on the command line', () => {
	test('start-up: no protocol library is loaded without --protocol; jsonrpc loads none; graphql-ws only its client', async () => {
		const started = await startServer();
		servers.push(started);
		const plain = await packagesLoaded([started.url, '-n', '1'], 'hi\n');
		// A plain run imports no package (ws is required; lossless-json and proxy-from-env are in the bundle); the hook's working shows below.
		assert.equal(plain.length, 0, `the resolve hook saw: ${plain.join(', ')}`);
		for (const library of protocolLibraries) {
			assert.ok(!plain.includes(library), `${library} loaded without --protocol`);
		}

		const jsonrpc = await packagesLoaded([started.url, '--protocol', 'jsonrpc', '-w', '0'], 'ping\n');
		for (const library of protocolLibraries) {
			assert.ok(!jsonrpc.includes(library), `${library} loaded with --protocol jsonrpc`);
		}

		const graphql = await packagesLoaded([started.url, '--protocol', 'graphql-ws', '-w', '0'], '');
		assert.ok(graphql.includes('graphql-ws/client'));
		assert.ok(!graphql.includes('graphql'), 'graphql itself is not needed by the client');
		assert.ok(!graphql.includes('socket.io-parser') && !graphql.includes('engine.io-parser'));

		const socketio = await packagesLoaded([started.url, '--protocol', 'socketio', '-w', '0'], '');
		assert.ok(socketio.includes('engine.io-parser') && socketio.includes('socket.io-parser'), `socketio loaded: ${socketio.join(', ')}`);
		assert.ok(!socketio.includes('graphql-ws/client') && !socketio.includes('@stomp/stompjs'));

		const stomp = await packagesLoaded([started.url, '--protocol', 'stomp', '-w', '0'], '');
		assert.deepEqual(protocolLibraries.filter(library => stomp.includes(library)), ['@stomp/stompjs']);
	});

	test('an unknown protocol is a usage error that names the known ones; --protocol with --binary too', async () => {
		const unknown = await runCli(['ws://127.0.0.1:9/', '--protocol', 'mqtt']);
		assert.equal(unknown.code, 2);
		assert.equal(unknown.stderr, 'wsterm: --protocol takes jsonrpc, graphql-ws, socketio or stomp, not "mqtt"\n');
		const binary = await runCli(['ws://127.0.0.1:9/', '--protocol', 'jsonrpc', '--binary']);
		assert.equal(binary.code, 2);
		assert.match(binary.stderr, /--binary sends lines byte for byte: give one of them/);
	});
});
