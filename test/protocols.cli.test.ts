import assert from 'node:assert/strict';
import {after, describe, test} from 'node:test';
import {runCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';
import {packagesLoaded} from './helpers/packages-loaded.js';

const servers: TestServer[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

const protocolLibraries = ['graphql-ws/client', 'graphql-ws', 'graphql', 'engine.io-parser', 'socket.io-parser', '@stomp/stompjs'];

describe('--protocol on the command line', () => {
	test('start-up: no protocol library is loaded without --protocol; jsonrpc loads none; graphql-ws only its client', async () => {
		const started = await startServer();
		servers.push(started);
		const plain = await packagesLoaded([started.url, '-n', '1'], 'hi\n');
		// A plain run imports no package (ws is required; lossless-json is in the bundle); the hook's working shows below.
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
