import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import {JSONRPCErrorException, JSONRPCServer} from 'json-rpc-2.0';
import {plainJson} from '../source/protocols/exact-json.js';
import {parseBatch, responseLine} from '../source/protocols/jsonrpc.js';
import {runCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';

const servers: TestServer[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

/**
A JSON-RPC 2.0 server (the json-rpc-2.0 package, which answers batches) over a real ws server;
it greets with a notification. `ask` first sends the client a request of the server's own, with
the same id as the client's request, then answers. `log` keeps its params in `logged`.
*/
async function rpcServer(): Promise<{url: string; received: unknown[]; logged: unknown[]}> {
	const rpc = new JSONRPCServer({errorListener() {}});
	const logged: unknown[] = [];
	rpc.addMethod('add', ([a, b]: [number, number]) => a + b);
	rpc.addMethod('log', (params: unknown) => {
		logged.push(params);
	});
	rpc.addMethod('fail', () => {
		throw new JSONRPCErrorException('it failed', 42);
	});
	rpc.addMethod('ask', () => 'asked');
	rpc.addMethod('stray', () => 'sent');
	const received: unknown[] = [];
	const started = await startServer({
		onConnection(socket) {
			socket.send(JSON.stringify({jsonrpc: '2.0', method: 'welcome', params: {v: 1}}));
			socket.on('message', async (data: Buffer) => {
				const request = JSON.parse(data.toString()) as {id?: unknown; method?: string};
				received.push(request);
				if (!Array.isArray(request) && request.method === undefined) {
					// The client's answer to `confirm`: kept, not answered.
					return;
				}

				if (request.method === 'ask') {
					socket.send(JSON.stringify({jsonrpc: '2.0', id: request.id, method: 'confirm', params: ['sure?']}));
				}

				if (request.method === 'stray') {
					// A batch of responses to ids never sent.
					socket.send(JSON.stringify([{jsonrpc: '2.0', id: 99, result: 1}, {jsonrpc: '2.0', id: 98, result: 2}]));
				}

				const response = await rpc.receive(request as Parameters<JSONRPCServer['receive']>[0]);
				if (response !== null && !(Array.isArray(response) && response.length === 0)) {
					socket.send(JSON.stringify(response));
				}
			});
		},
	});
	servers.push(started);
	return {url: started.url, received, logged};
}

const mixedBatch = '[{"method":"add","params":[1,2],"id":"a"},{"method":"log","params":["hi"]},{"method":"fail","id":7}]';

describe('--protocol jsonrpc: batches', () => {
	test('a batch goes as one message, ids as given; each response prints paired; notifications in it get none', async () => {
		const {url, received, logged} = await rpcServer();
		const result = await runCli([url, '--protocol', 'jsonrpc'], {input: `${mixedBatch}\nadd [5,5]\n`});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(received, [
			[
				{jsonrpc: '2.0', method: 'add', params: [1, 2], id: 'a'},
				{jsonrpc: '2.0', method: 'log', params: ['hi']},
				{jsonrpc: '2.0', method: 'fail', id: 7},
			],
			{jsonrpc: '2.0', id: 1, method: 'add', params: [5, 5]},
		]);
		assert.deepEqual(logged, [['hi']]);
		const lines = result.stdout.split('\n');
		assert.equal(lines[0], '{"jsonrpc":"2.0","method":"welcome","params":{"v":1}}');
		// The server answers the batch and the single request in either order.
		assert.deepEqual(lines.slice(1).toSorted(), [
			'',
			'add [1,2] => {"jsonrpc":"2.0","id":"a","result":3}',
			'add [5,5] => {"jsonrpc":"2.0","id":1,"result":10}',
			'error: fail => {"jsonrpc":"2.0","id":7,"error":{"code":42,"message":"it failed"}}',
		]);
		assert.equal(lines.indexOf('error: fail => {"jsonrpc":"2.0","id":7,"error":{"code":42,"message":"it failed"}}'), lines.indexOf('add [1,2] => {"jsonrpc":"2.0","id":"a","result":3}') + 1, 'a batch\'s responses in its order');
	});

	test('--jsonl: each response is a record with request, rttMs and batch; --record keeps the one frame', async () => {
		const {url} = await rpcServer();
		const record = join(mkdtempSync(join(tmpdir(), 'wsterm-jsonrpc-batch-')), 'run.jsonl');
		const result = await runCli([url, '--protocol', 'jsonrpc', '--jsonl', '--record', record], {input: `${mixedBatch}\n`});
		assert.equal(result.code, 0, result.stderr);
		const records = result.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>).filter(line => line.dir === 'in');
		assert.equal(records.length, 3);
		assert.deepEqual(records.slice(1).map(line => [line.data, line.request, typeof line.rttMs, line.batch, line.error]), [
			['{"jsonrpc":"2.0","id":"a","result":3}', {method: 'add', params: [1, 2]}, 'number', true, undefined],
			['{"jsonrpc":"2.0","id":7,"error":{"code":42,"message":"it failed"}}', {method: 'fail'}, 'number', true, true],
		]);
		const frames = readFileSync(record, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {dir: string; data?: string});
		assert.deepEqual(frames.filter(frame => frame.dir === 'in' && frame.data !== undefined).map(frame => frame.data), [
			'{"jsonrpc":"2.0","method":"welcome","params":{"v":1}}',
			'[{"jsonrpc":"2.0","id":"a","result":3},{"jsonrpc":"2.0","id":7,"error":{"code":42,"message":"it failed"}}]',
		]);
	});

	test('-n counts each response of a batch', async () => {
		const {url} = await rpcServer();
		const result = await runCli([url, '--protocol', 'jsonrpc', '-n', '2', '-w', '5'], {input: '[{"method":"add","params":[1,1],"id":1},{"method":"add","params":[2,2],"id":2},{"method":"add","params":[3,3],"id":3}]\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, '{"jsonrpc":"2.0","method":"welcome","params":{"v":1}}\nadd [1,1] => {"jsonrpc":"2.0","id":1,"result":2}\nadd [2,2] => {"jsonrpc":"2.0","id":2,"result":4}\n');
	});

	test('a batch of notifications awaits no answer: the run ends without waiting for --linger', async () => {
		const {url, logged} = await rpcServer();
		const result = await runCli([url, '--protocol', 'jsonrpc', '--linger', '60'], {input: '[{"method":"log","params":["x"]}]\n', timeout: 15_000});
		assert.equal(result.signal, null, 'not killed by the 15 s timeout');
		assert.equal(result.code, 0, result.stderr);
		assert.deepEqual(logged, [['x']]);
	});

	test('an empty batch, an element that is not a request, a repeated id: not sent, one line each, exit 2', async () => {
		const {url, received} = await rpcServer();
		const result = await runCli([url, '--protocol', 'jsonrpc'], {input: '[]\n[1]\n[{"id":1}]\n[{"method":"add","id":1},{"method":"add","id":1}]\n[{"method":"add"\nadd [1,2]\n'});
		assert.equal(result.code, 2);
		assert.deepEqual(result.stderr.split('\n'), [
			'wsterm: not sent: an empty batch: give [{"method":...}, ...]: []',
			'wsterm: not sent: batch element 1 is not a request object with a "method" string: [1]',
			'wsterm: not sent: batch element 1 is not a request object with a "method" string: [{"id":1}]',
			'wsterm: not sent: batch element 2 repeats the id 1: [{"method":"add","id":1},{"method":"add","id":1}]',
			result.stderr.split('\n')[4]!,
			'',
		]);
		assert.match(result.stderr.split('\n')[4]!, /^wsterm: not sent: not JSON \(.*\): \[\{"method":"add"$/);
		assert.deepEqual(received, [{jsonrpc: '2.0', id: 1, method: 'add', params: [1, 2]}]);
	});

	test('a request from the server prints as it came (not taken for the response with its id); a batch for ids never sent prints as it came', async () => {
		const {url} = await rpcServer();
		const result = await runCli([url, '--protocol', 'jsonrpc', '-n', '2', '-w', '5'], {input: 'ask\nstray\n'});
		assert.equal(result.code, 0, result.stderr);
		const lines = result.stdout.split('\n');
		const confirm = '{"jsonrpc":"2.0","id":1,"method":"confirm","params":["sure?"]}';
		const stray = '[{"jsonrpc":"2.0","id":99,"result":1},{"jsonrpc":"2.0","id":98,"result":2}]';
		assert.deepEqual(lines.toSorted(), [
			'',
			'[{"jsonrpc":"2.0","id":99,"result":1},{"jsonrpc":"2.0","id":98,"result":2}]',
			'ask => {"jsonrpc":"2.0","id":1,"result":"asked"}',
			'stray => {"jsonrpc":"2.0","id":2,"result":"sent"}',
			'{"jsonrpc":"2.0","id":1,"method":"confirm","params":["sure?"]}',
			'{"jsonrpc":"2.0","method":"welcome","params":{"v":1}}',
		]);
		// The server sends each before the response to the request that caused it.
		assert.ok(lines.indexOf(confirm) < lines.indexOf('ask => {"jsonrpc":"2.0","id":1,"result":"asked"}'));
		assert.ok(lines.indexOf(stray) < lines.indexOf('stray => {"jsonrpc":"2.0","id":2,"result":"sent"}'));
	});
});

describe('--protocol jsonrpc: answering a request of the server\'s', () => {
	test('a hook (or a line) sends a response object as it is: it awaits nothing and is not taken for a request', async () => {
		const {url, received} = await rpcServer();
		const directory = mkdtempSync(join(tmpdir(), 'wsterm-jsonrpc-answer-'));
		const script = join(directory, 'hooks.mjs');
		writeFileSync(script, 'export function onMessage(message, ctx) { const value = message.decoded; if (value?.method === \'confirm\') ctx.send({id: value.id, result: \'yes\'}); }\n');
		const result = await runCli([url, '--protocol', 'jsonrpc', '--script', script, '-n', '1', '-w', '5'], {input: 'ask\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /^ask => \{"jsonrpc":"2\.0","id":1,"result":"asked"\}$/m);
		assert.deepEqual(received, [{jsonrpc: '2.0', id: 1, method: 'ask'}, {jsonrpc: '2.0', id: 1, result: 'yes'}]);
	});
});

describe('jsonrpc batch parts', () => {
	test('parseBatch', () => {
		assert.deepEqual(plainJson(parseBatch(' [{"method":"a","id":1},{"method":"b","jsonrpc":"2.0"}] ')), [{jsonrpc: '2.0', method: 'a', id: 1}, {jsonrpc: '2.0', method: 'b'}]);
		assert.throws(() => parseBatch('[]'), /empty batch/);
		assert.throws(() => parseBatch('[{"method":"a"},"b"]'), /element 2/);
		assert.throws(() => parseBatch('[{"method":"a","id":"1"},{"method":"a","id":"1"}]'), /repeats the id "1"/);
		assert.deepEqual(parseBatch('[{"method":"a","id":1},{"method":"a","id":"1"}]').length, 2);
	});

	test('responseLine', () => {
		assert.deepEqual(plainJson(responseLine(' {"id":3,"result":null} ')), {jsonrpc: '2.0', id: 3, result: null});
		assert.deepEqual(plainJson(responseLine('{"jsonrpc":"2.0","id":"x","error":{"code":1,"message":"no"}}')), {jsonrpc: '2.0', id: 'x', error: {code: 1, message: 'no'}});
		assert.equal(responseLine('{"method":"a","id":1,"result":1}'), undefined);
		assert.equal(responseLine('{"result":1}'), undefined);
		assert.equal(responseLine('add [1]'), undefined);
		assert.equal(responseLine('{"id":1,'), undefined);
	});
});
