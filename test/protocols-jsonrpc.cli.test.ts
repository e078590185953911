import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import {after, describe, test} from 'node:test';
import {JSONRPCErrorException, JSONRPCServer} from 'json-rpc-2.0';
import {OutputWriter, writeMessage} from '../source/pipe/output.js';
import {plainJson} from '../source/protocols/exact-json.js';
import {parseLine} from '../source/protocols/jsonrpc.js';
import {runCli, startCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';

const servers: TestServer[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

/** A JSON-RPC 2.0 server (the json-rpc-2.0 package) over a real ws server; it greets with a notification. */
async function rpcServer({delay = 0} = {}): Promise<{url: string; received: unknown[]}> {
	const rpc = new JSONRPCServer({errorListener() {}});
	rpc.addMethod('add', ([a, b]: [number, number]) => a + b);
	rpc.addMethod('echo', (params: unknown) => params);
	// A request the server never answers.
	rpc.addMethod('hang', async () => new Promise(() => undefined));
	rpc.addMethod('fail', () => {
		throw new JSONRPCErrorException('it failed\u001B[31m', 42, {why: 'asked'});
	});
	const received: unknown[] = [];
	const started = await startServer({
		onConnection(socket) {
			socket.send(JSON.stringify({jsonrpc: '2.0', method: 'welcome', params: {v: 1}}));
			socket.on('message', async (data: Buffer) => {
				const request = JSON.parse(data.toString()) as unknown;
				received.push(request);
				const response = await rpc.receive(request as Parameters<JSONRPCServer['receive']>[0]);
				setTimeout(() => {
					if (response !== null) {
						socket.send(JSON.stringify(response));
					}
				}, delay);
			});
		},
	});
	servers.push(started);
	return {url: started.url, received};
}

describe('--protocol jsonrpc against a JSON-RPC 2.0 server', () => {
	test('a method name run into its params (add[1,2]) is refused with the way to write it, not sent as a method named "add[1,2]"', async () => {
		const {url, received} = await rpcServer();
		const result = await runCli([url, '--protocol', 'jsonrpc'], {input: 'add[1,2]\n{"method":"add[1]"}\nadd [1,2]\n'});
		assert.equal(result.code, 2);
		assert.equal(result.stderr, 'wsterm: not sent: the method name runs into its params: give a space, add [1,2] (a method whose name holds "[" goes as {"method":...}): add[1,2]\n');
		assert.deepEqual(received.map(request => (request as {method: string}).method), ['add[1]', 'add']);
	});

	test('requests still unanswered when --linger runs out: one line naming each (method and id), exit 4', async () => {
		const {url} = await rpcServer();
		const result = await runCli([url, '--protocol', 'jsonrpc', '--linger', '0.5'], {input: 'add [1,2]\nhang [7]\n{"method":"hang","id":"x"}\n'});
		assert.equal(result.code, 4);
		assert.equal(result.stderr, 'wsterm: no answer came before --linger ran out to: hang [7] (id 2), hang (id "x")\n');
		assert.match(result.stdout, /add \[1,2\] => \{"jsonrpc":"2\.0","id":1,"result":3\}/);
	});

	test('method, method [params], method {params} and a request object each go with a fresh id; responses print with their request', async () => {
		const {url, received} = await rpcServer();
		const result = await runCli([url, '--protocol', 'jsonrpc'], {input: 'add [1,2]\necho {"a":1}\n{"method":"add","params":[3,4]}\necho\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(received, [
			{jsonrpc: '2.0', id: 1, method: 'add', params: [1, 2]},
			{jsonrpc: '2.0', id: 2, method: 'echo', params: {a: 1}},
			{jsonrpc: '2.0', id: 3, method: 'add', params: [3, 4]},
			{jsonrpc: '2.0', id: 4, method: 'echo'},
		]);
		const lines = result.stdout.split('\n');
		assert.equal(lines[0], '{"jsonrpc":"2.0","method":"welcome","params":{"v":1}}');
		assert.deepEqual(lines.slice(1), [
			'add [1,2] => {"jsonrpc":"2.0","id":1,"result":3}',
			'echo {"a":1} => {"jsonrpc":"2.0","id":2,"result":{"a":1}}',
			'add [3,4] => {"jsonrpc":"2.0","id":3,"result":7}',
			'echo => {"jsonrpc":"2.0","id":4,"result":null}',
			'',
		]);
	});

	test('an error response starts with "error: "; --jsonl adds request, rttMs and error', async () => {
		const {url} = await rpcServer({delay: 30});
		const plain = await runCli([url, '--protocol', 'jsonrpc'], {input: 'fail [1]\n'});
		assert.equal(plain.code, 0);
		assert.match(plain.stdout, /^\{"jsonrpc":"2\.0","method":"welcome".*\}\nerror: fail \[1\] => \{"jsonrpc":"2\.0","id":1,"error":\{"code":42,"message":"it failed\\u001b\[31m","data":\{"why":"asked"\}\}\}\n$/);

		const jsonl = await runCli([url, '--protocol', 'jsonrpc', '--jsonl'], {input: 'add [2,3]\nfail\n'});
		assert.equal(jsonl.code, 0);
		const records = jsonl.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>).filter(record => record.dir === 'in');
		const [welcome] = records;
		const added = records.find(record => (record.request as {method?: string} | undefined)?.method === 'add');
		const failed = records.find(record => (record.request as {method?: string} | undefined)?.method === 'fail');
		assert.equal(records.length, 3);
		assert.equal(welcome!.codec, 'jsonrpc');
		assert.equal(welcome!.rttMs, undefined);
		assert.deepEqual(added!.request, {method: 'add', params: [2, 3]});
		assert.equal(added!.data, '{"jsonrpc":"2.0","id":1,"result":5}');
		assert.equal(typeof added!.rttMs, 'number');
		assert.ok((added!.rttMs as number) >= 25, `rttMs ${String(added!.rttMs)} covers the server's 30 ms`);
		assert.equal(added!.error, undefined);
		assert.deepEqual(failed!.request, {method: 'fail'});
		assert.equal(failed!.error, true);
	});

	test('-n counts responses, not notifications', async () => {
		const {url} = await rpcServer();
		const result = await runCli([url, '--protocol', 'jsonrpc', '-n', '2', '-w', '-1'], {input: 'add [1,1]\nadd [2,2]\nadd [3,3]\n'});
		assert.equal(result.code, 0);
		assert.equal(result.stdout, '{"jsonrpc":"2.0","method":"welcome","params":{"v":1}}\nadd [1,1] => {"jsonrpc":"2.0","id":1,"result":2}\nadd [2,2] => {"jsonrpc":"2.0","id":2,"result":4}\n');
	});

	test('at the end of input the run waits for every answer, not for the notification to be matched', async () => {
		// Each answer takes 300 ms; three lines: a run that ended on the count of messages would stop after two.
		const {url} = await rpcServer({delay: 300});
		const result = await runCli([url, '--protocol', 'jsonrpc'], {input: 'add [1,1]\nadd [2,2]\nadd [3,3]\n'});
		assert.equal(result.code, 0);
		assert.equal(result.stdout.split('\n').filter(line => line.startsWith('add ')).length, 3);
	});

	test('a line that cannot be read is not sent: one error line, the rest goes, exit 2', async () => {
		const {url, received} = await rpcServer();
		const result = await runCli([url, '--protocol', 'jsonrpc'], {input: 'add [1,\n"just a string"\nadd [1,2]\n'});
		assert.equal(result.code, 2);
		assert.match(result.stderr, /^wsterm: not sent: params are not JSON \(.*\): add \[1,\nwsterm: not sent: .*"just a string"\n$/);
		assert.deepEqual(received, [{jsonrpc: '2.0', id: 1, method: 'add', params: [1, 2]}]);
		assert.match(result.stdout, /add \[1,2\] => \{"jsonrpc":"2\.0","id":1,"result":3\}\n$/);
	});

	test('hooks see the response, paired (message.decoded), and --record keeps the wire frames', async () => {
		const {mkdtempSync, readFileSync, writeFileSync} = await import('node:fs');
		const {tmpdir} = await import('node:os');
		const {join} = await import('node:path');
		const directory = mkdtempSync(join(tmpdir(), 'wsterm-jsonrpc-'));
		const script = join(directory, 'hooks.mjs');
		const record = join(directory, 'run.jsonl');
		writeFileSync(script, 'export function onMessage(message, ctx) { if (message.decoded?.result !== undefined) ctx.log(`result ${message.decoded.result}`); }\n');
		const {url} = await rpcServer();
		const run = startCli([url, '--protocol', 'jsonrpc', '--script', script, '--record', record, '-n', '1']);
		run.child.stdin!.end('add [20,22]\n');
		const result = await run.result;
		assert.equal(result.code, 0);
		assert.match(result.stderr, /result 42/);
		const lines = readFileSync(record, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {dir: string; type: string; data?: string});
		assert.ok(lines.some(line => line.dir === 'out' && line.data === '{"jsonrpc":"2.0","id":1,"method":"add","params":[20,22]}'), 'the request as sent');
		assert.ok(lines.some(line => line.dir === 'in' && line.data === '{"jsonrpc":"2.0","id":1,"result":42}'), 'the response as received');
	});
});

describe('jsonrpc parts', () => {
	test('parseLine', () => {
		assert.deepEqual(plainJson(parseLine('ping')), {method: 'ping'});
		assert.deepEqual(plainJson(parseLine('  sum   [1, 2] ')), {method: 'sum', params: [1, 2]});
		assert.deepEqual(plainJson(parseLine('{"method":"x","id":"abc"}')), {jsonrpc: '2.0', method: 'x', id: 'abc'});
		assert.throws(() => parseLine(''), /empty line/);
		assert.throws(() => parseLine('sum 3'), /array \[\.\.\.\] or object/);
		assert.throws(() => parseLine('{"params":[]}'), /"method"/);
	});

	test('on a terminal, a response line has its control characters made visible', async () => {
		const stdout = new PassThrough();
		const chunks: Buffer[] = [];
		stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
		const output = new OutputWriter(stdout, {onFull() {}, onDrain() {}, onGone() {}});
		writeMessage(output, {jsonl: false, terminal: true, separator: '\n'}, Buffer.from('{}'), false, 0, {codec: 'jsonrpc', line: 'error: x\u001B[2J => {}'});
		output.flush();
		assert.equal(Buffer.concat(chunks).toString(), 'error: x\\e[2J => {}\n');
	});
});
