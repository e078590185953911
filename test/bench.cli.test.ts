/*
`wsterm bench` as users run it, against real ws servers on 127.0.0.1: an echo, one that answers
after a fixed delay, one that answers out of order by id, one that pushes unasked, one that
stalls, JSON-RPC, and none at all. Every run is bounded by -m or a short -d.
*/
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Duplex} from 'node:stream';
import {describe, test} from 'node:test';
import type {WebSocket} from '../source/connection/ws-library.js';
import type {BenchSummary} from '../source/load/stats.js';
import {runBenchCli, startBenchCli} from './helpers/bench-cli.js';
import {echo, startRecordingEcho, startServer, type TestServer} from './helpers/servers.js';
import {until} from './helpers/until.js';

function summaryOf(stdout: string): BenchSummary {
	return JSON.parse(stdout) as BenchSummary;
}

/** A server whose connections' close codes are kept, in order. */
async function startRecording(onConnection: (socket: WebSocket) => void = echo): Promise<TestServer & {readonly closeCodes: number[]}> {
	const closeCodes: number[] = [];
	const server = await startServer({onConnection(socket) {
		socket.on('close', code => closeCodes.push(code));
		onConnection(socket);
	}});
	return Object.assign(server, {closeCodes});
}

/** Answers each message `ms` later with the same text. */
function delayed(ms: number): (socket: WebSocket) => void {
	return socket => {
		socket.on('message', (data, isBinary) => {
			setTimeout(() => {
				socket.send(data, {binary: isBinary});
			}, ms);
		});
	};
}

/** Holds messages until four have come, then answers them newest first, each with only its id. */
function reverseById(path: readonly string[]): (socket: WebSocket) => void {
	return socket => {
		let held: unknown[] = [];
		socket.on('message', data => {
			let value = JSON.parse(data.toString()) as Record<string, unknown>;
			for (const key of path.slice(0, -1)) {
				value = value[key] as Record<string, unknown>;
			}

			held.push(value[path.at(-1)!]);
			if (held.length === 4) {
				for (const id of held.reverse()) {
					socket.send(JSON.stringify(path.length === 1 ? {[path[0]!]: id, ok: true} : {meta: {requestId: id}}));
				}

				held = [];
			}
		});
	};
}

describe('wsterm bench', () => {
	test('echo: exact counts, --json has exactly its keys, every connection closed with 1000', async () => {
		const server = await startRecording();
		const {code, stdout, stderr} = await runBenchCli([server.url, '-c', '4', '-m', '200', '-x', 'one', '-x', 'two', '--json']);
		assert.equal(code, 0, stderr);
		const summary = summaryOf(stdout);
		assert.deepEqual(Object.keys(summary), ['connections', 'connectFailures', 'sent', 'answered', 'unanswered', 'pushes', 'errors', 'seconds', 'perSecond', 'latencyMs', 'connectMs']);
		assert.deepEqual(Object.keys(summary.latencyMs), ['min', 'p50', 'p90', 'p99', 'p999', 'max', 'mean']);
		assert.deepEqual(Object.keys(summary.connectMs), ['p50', 'p99', 'max']);
		assert.deepEqual({...summary, seconds: 0, perSecond: 0, latencyMs: undefined, connectMs: undefined}, {
			connections: 4, connectFailures: 0, sent: 200, answered: 200, unanswered: 0, pushes: 0, errors: 0, seconds: 0, perSecond: 0, latencyMs: undefined, connectMs: undefined,
		});
		assert.ok(summary.perSecond > 0);
		await until(() => server.closeCodes.length === 4);
		assert.deepEqual(server.closeCodes, [1000, 1000, 1000, 1000]);
		await server.close();
	});

	test('the table, and stdin lines as the message set', async () => {
		const server = await startServer();
		const {code, stdout, stderr} = await runBenchCli([server.url, '-m', '30', '--window', '3'], {input: 'alpha\n\nbeta\r\ngamma\n'});
		assert.equal(code, 0, stderr);
		assert.match(stdout, /^wsterm bench ws:\/\/127\.0\.0\.1:\d+\/: 1 connection, closed loop, 3 in flight each, 30 messages\n/);
		assert.match(stdout, /\n {2}sent {10}30\n {2}answered {6}30\n {2}unanswered {4}0\n {2}pushes {8}0\n/);
		assert.match(stdout, /\n {2}latency +min +p50 +p90 +p99 +p99\.9 +max +mean\n {2}ms( +\d+\.\d{3}){7}\n$/);
		assert.equal(stderr, '', 'no live line when stderr is not a terminal');
		await server.close();
	});

	test('latency percentiles agree with a server that answers 40 ms later', async () => {
		// What the server really held each message (its timers fire late on a busy machine).
		const held: number[] = [];
		const server = await startServer({onConnection(socket) {
			socket.on('message', data => {
				const receivedAt = performance.now();
				setTimeout(() => {
					held.push(performance.now() - receivedAt);
					socket.send(data);
				}, 40);
			});
		}});
		const {code, stdout, stderr} = await runBenchCli([server.url, '-c', '2', '-m', '30', '-x', 'ping', '--json']);
		assert.equal(code, 0, stderr);
		const {latencyMs, answered} = summaryOf(stdout);
		assert.equal(answered, 30);
		const heldMedian = held.sort((a, b) => a - b)[15]!;
		assert.ok(latencyMs.min! >= 39.5, `min ${latencyMs.min}`);
		assert.ok(latencyMs.p50! >= heldMedian - 1 && latencyMs.p50! < heldMedian + 5, `p50 ${latencyMs.p50}, the server held ${heldMedian.toFixed(3)} ms`);
		await server.close();
	});

	test('--match id pairs replies that come out of order; --match meta.requestId writes into a nested key', async () => {
		const flat = await startServer({onConnection: reverseById(['id'])});
		const first = await runBenchCli([flat.url, '-m', '40', '--window', '4', '-x', '{"op":"get"}', '--match', 'id', '--json']);
		assert.equal(first.code, 0, first.stderr);
		assert.deepEqual(pick(summaryOf(first.stdout)), {sent: 40, answered: 40, unanswered: 0, pushes: 0, errors: 0});
		await flat.close();

		const nested = await startServer({onConnection: reverseById(['meta', 'requestId'])});
		const second = await runBenchCli([nested.url, '-m', '40', '--window', '4', '-x', '{"op":"get","meta":{}}', '--match', 'meta.requestId', '--json']);
		assert.equal(second.code, 0, second.stderr);
		assert.deepEqual(pick(summaryOf(second.stdout)), {sent: 40, answered: 40, unanswered: 0, pushes: 0, errors: 0});
		await nested.close();
	});

	test('pushes are counted, never taken for replies', async () => {
		// Before each echo, a message nobody asked for.
		const server = await startServer({onConnection(socket) {
			socket.on('message', data => {
				socket.send('tick');
				socket.send(data);
			});
		}});
		const echoRun = await runBenchCli([server.url, '-c', '2', '-m', '50', '-x', 'hello', '--json']);
		assert.equal(echoRun.code, 0, echoRun.stderr);
		assert.deepEqual(pick(summaryOf(echoRun.stdout)), {sent: 50, answered: 50, unanswered: 0, pushes: 50, errors: 0});
		await server.close();
	});

	test('--match any: the next message answers the oldest request', async () => {
		const server = await startServer({onConnection(socket) {
			socket.on('message', () => {
				socket.send('ok');
			});
		}});
		const {code, stdout, stderr} = await runBenchCli([server.url, '-m', '10', '--window', '2', '-x', 'hello', '--match', 'any', '--json']);
		assert.equal(code, 0, stderr);
		assert.deepEqual(pick(summaryOf(stdout)), {sent: 10, answered: 10, unanswered: 0, pushes: 0, errors: 0});
		await server.close();
	});

	test('--protocol jsonrpc: ids paired, error responses counted as errors, notifications as pushes', async () => {
		const server = await startServer({onConnection(socket) {
			socket.on('message', data => {
				const request = JSON.parse(data.toString()) as {id: number; method: string};
				socket.send(JSON.stringify({jsonrpc: '2.0', method: 'progress'}));
				socket.send(JSON.stringify(request.method === 'fail'
					? {jsonrpc: '2.0', id: request.id, error: {code: -1, message: 'no'}}
					: {jsonrpc: '2.0', id: request.id, result: request.method}));
			});
		}});
		const {code, stdout, stderr} = await runBenchCli([server.url, '-m', '20', '--window', '2', '-x', 'sum [1,2]', '-x', 'fail', '--protocol', 'jsonrpc', '--json']);
		assert.equal(code, 0, stderr);
		assert.deepEqual(pick(summaryOf(stdout)), {sent: 20, answered: 20, unanswered: 0, pushes: 20, errors: 10});
		await server.close();
	});

	test('open loop: latency counts from the scheduled time, so a stall shows', async () => {
		// Holds every reply for the first 300 ms after the first message, then echoes at once.
		const server = await startServer({onConnection(socket) {
			let stallUntil: number | undefined;
			socket.on('message', data => {
				stallUntil ??= Date.now() + 300;
				setTimeout(() => {
					socket.send(data);
				}, Math.max(0, stallUntil - Date.now()));
			});
		}});
		const {code, stdout, stderr} = await runBenchCli([server.url, '--rate', '100', '-d', '1', '-x', 'x', '--json']);
		assert.equal(code, 0, stderr);
		const summary = summaryOf(stdout);
		assert.ok(summary.sent >= 85 && summary.sent <= 101, `sent ${summary.sent}`);
		assert.equal(summary.answered, summary.sent);
		assert.ok(summary.latencyMs.max! >= 250, JSON.stringify(summary.latencyMs));
		// A quarter of the requests were due during the stall: p80 waited for it.
		assert.ok(summary.latencyMs.p90! >= 80, JSON.stringify(summary.latencyMs));
		await server.close();
	});

	test('thresholds: exit 4 with a line naming each one broken', async () => {
		const server = await startServer({onConnection: delayed(20)});
		const broken = await runBenchCli([server.url, '-m', '5', '-x', 'x', '--max-p99', '5', '--min-rate', '1000000', '--max-errors', '0']);
		assert.equal(broken.code, 4);
		assert.match(broken.stderr, /^wsterm: threshold broken: --max-p99 5: p99 latency was \d+\.\d{3} ms\nwsterm: threshold broken: --min-rate 1000000: [\d.,]+ msgs\/s\n$/);
		const kept = await runBenchCli([server.url, '-m', '5', '-x', 'x', '--max-p99', '500', '--max-errors', '0', '--min-rate', '1']);
		assert.equal(kept.code, 0, kept.stderr);
		await server.close();

		const silent = await startServer({onConnection() {}});
		const unanswered = await runBenchCli([silent.url, '-m', '3', '--window', '3', '-x', 'x', '--timeout', '0.2', '--max-errors', '2', '--json']);
		assert.equal(unanswered.code, 4);
		assert.deepEqual(pick(summaryOf(unanswered.stdout)), {sent: 3, answered: 0, unanswered: 3, pushes: 0, errors: 0});
		assert.match(unanswered.stderr, /--max-errors 2: 3 went wrong \(0 errors, 3 unanswered, 0 connections failed\)/);
		await silent.close();
	});

	test('--hist writes an HdrHistogram log', async () => {
		const server = await startServer();
		const file = join(mkdtempSync(join(tmpdir(), 'wsterm-bench-')), 'latency.hlog');
		const {code, stderr} = await runBenchCli([server.url, '-m', '50', '-x', 'x', '--hist', file, '--json']);
		assert.equal(code, 0, stderr);
		const log = readFileSync(file, 'utf8');
		assert.match(log, /^#\[Histogram log format version 1\.3\]\n/);
		assert.match(log, /\n"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n/);
		assert.match(log, /\n\d+\.\d{3},\d+\.\d{3},\d+\.\d{3},HIST[A-Za-z0-9+/=]+\n$/);
		await server.close();
	});

	test('--hist on a full disk (--hist /dev/full): one line naming --hist, exit 1', {skip: !existsSync('/dev/full')}, async () => {
		const server = await startServer({onConnection: echo});
		try {
			const {code, stderr} = await runBenchCli([server.url, '-m', '50', '-x', 'x', '--hist', '/dev/full', '--json']);
			assert.equal(code, 1, stderr);
			assert.match(stderr, /^wsterm: --hist: cannot write \/dev\/full: ENOSPC[^\n]*\n$/);
		} finally {
			await server.close();
		}
	});

	for (const json of [[], ['--json']]) {
		test(`a full disk (wsterm bench ${json.join(' ')} > /dev/full): one line, exit 1`, {skip: !existsSync('/dev/full')}, async () => {
			const server = await startServer({onConnection: echo});
			try {
				const {code, stderr} = await runBenchCli([server.url, '-m', '50', '-x', 'x', ...json], {stdoutTo: 'dev-full'});
				assert.equal(code, 1, stderr);
				assert.match(stderr, /^wsterm: cannot write to stdout: ENOSPC[^\n]*\n$/);
			} finally {
				await server.close();
			}
		});

		test(`a reader that went away (wsterm bench ${json.join(' ')} | head -c 0): quiet, the run's own exit code`, async () => {
			const server = await startServer({onConnection: echo});
			try {
				const passed = await runBenchCli([server.url, '-m', '50', '-x', 'x', ...json], {stdoutTo: 'reader-gone'});
				assert.equal(passed.code, 0, passed.stderr);
				assert.equal(passed.stderr, '');
				const broken = await runBenchCli([server.url, '-m', '50', '-x', 'x', '--min-rate', '1000000', ...json], {stdoutTo: 'reader-gone'});
				assert.equal(broken.code, 4, broken.stderr);
				assert.match(broken.stderr, /^wsterm: threshold broken: [^\n]*\n$/);
			} finally {
				await server.close();
			}
		});
	}

	test('a connection the server drops: an error, its waiting request unanswered', async () => {
		// Closes each connection (1011) on its third message, unanswered.
		const server = await startServer({onConnection(socket) {
			let count = 0;
			socket.on('message', data => {
				if (++count === 3) {
					socket.close(1011);
				} else {
					socket.send(data);
				}
			});
		}});
		const {code, stdout, stderr} = await runBenchCli([server.url, '-c', '2', '-m', '100', '-x', 'x', '--json']);
		assert.equal(code, 0, stderr);
		assert.deepEqual(pick(summaryOf(stdout)), {sent: 6, answered: 4, unanswered: 2, pushes: 0, errors: 2});
		await server.close();
	});

	test('--ramp opens the connections evenly over its time', async () => {
		const openedAt: number[] = [];
		const server = await startServer({onConnection(socket) {
			openedAt.push(Date.now());
			echo(socket);
		}});
		const {code, stdout, stderr} = await runBenchCli([server.url, '-c', '3', '--ramp', '0.6', '-d', '0.9', '-x', 'x', '--json']);
		assert.equal(code, 0, stderr);
		assert.equal(summaryOf(stdout).connections, 3);
		const gaps = openedAt.slice(1).map((at, index) => at - openedAt[index]!);
		assert.ok(gaps.every(gap => gap >= 150 && gap < 400), `gaps ${gaps.join(', ')} ms`);
		await server.close();
	});

	test('an unreachable server: exit 1 with the reason', async () => {
		const server = await startServer();
		const url = server.url;
		await server.close();
		const {code, stdout, stderr} = await runBenchCli([url, '-c', '2', '-m', '5', '-x', 'x', '--json']);
		assert.equal(code, 1);
		assert.deepEqual(pick(summaryOf(stdout)), {sent: 0, answered: 0, unanswered: 0, pushes: 0, errors: 0});
		assert.equal(summaryOf(stdout).connectFailures, 2);
		assert.match(stderr, /^wsterm: could not connect: connection refused by 127\.0\.0\.1:\d+ \(is a server listening there\?\)\n$/);
	});

	test('a server answering the upgrade with HTTP 401: exit 1, the line pipe mode says (the status in words, what to check)', async () => {
		const http = createServer((_request, response) => {
			response.writeHead(401).end();
		});
		http.on('upgrade', (_request, socket: Duplex) => {
			socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
		});
		http.listen(0, '127.0.0.1');
		await once(http, 'listening');
		try {
			const {code, stdout, stderr} = await runBenchCli([`ws://127.0.0.1:${(http.address() as AddressInfo).port}/`, '-c', '2', '-m', '2', '-x', 'x', '--json']);
			assert.equal(stderr, 'wsterm: could not connect: the server answered HTTP 401 Unauthorized instead of switching to WebSocket (check --auth, -H "Authorization: ...", --cookie or --origin)\n');
			assert.equal(code, 1);
			assert.equal(summaryOf(stdout).connectFailures, 2);
		} finally {
			http.close();
		}
	});

	test('SIGINT: the report of what was done so far, connections closed with 1000, exit 130', async () => {
		const server = await startRecording();
		const run = startBenchCli([server.url, '-c', '3', '-d', '20', '-x', 'x']);
		await until(() => server.closeCodes.length === 0 && server.wss.clients.size === 3);
		await new Promise(resolve => {
			setTimeout(resolve, 300);
		});
		run.child.kill('SIGINT');
		const {code, stdout, stderr} = await run.result;
		assert.equal(code, 130, stderr);
		assert.match(stdout, /\n {2}answered +[1-9][\d,]*\n/);
		assert.doesNotMatch(stderr, /at .*\.ts:\d+/);
		await until(() => server.closeCodes.length === 3);
		assert.deepEqual(server.closeCodes, [1000, 1000, 1000]);
		await server.close();
	});

	test('--template: each send fills in its variables ({{$seq}} counts every send, --var sets a name); an undefined variable, or echo matching, is a usage error before connecting', async () => {
		const server = await startRecordingEcho();
		const numbered = await runBenchCli([server.url, '-m', '5', '--template', '--var', 'room=ops', '-x', '{"n":{{$seq}},"room":"{{room}}"}', '--match', 'any', '--json']);
		assert.equal(numbered.code, 0, numbered.stderr);
		assert.deepEqual(server.received, [1, 2, 3, 4, 5].map(n => `{"n":${n},"room":"ops"}`));
		server.received.length = 0;
		const byId = await runBenchCli([server.url, '-m', '4', '--template', '-x', '{"id":0,"u":"{{$uuid}}"}', '--match', 'id', '--json']);
		assert.equal(byId.code, 0, byId.stderr);
		assert.deepEqual(pick(summaryOf(byId.stdout)), {sent: 4, answered: 4, unanswered: 0, pushes: 0, errors: 0});
		assert.equal(new Set(server.received.map(text => (JSON.parse(text) as {u: string}).u)).size, 4);
		server.received.length = 0;
		// A variable where JSON could not hold {{…}} (a number): filled in before the id is written.
		const unquoted = await runBenchCli([server.url, '-m', '3', '--template', '-x', '{"id":0,"n":{{$seq}}}', '--match', 'id', '--json']);
		assert.equal(unquoted.code, 0, unquoted.stderr);
		assert.deepEqual(pick(summaryOf(unquoted.stdout)), {sent: 3, answered: 3, unanswered: 0, pushes: 0, errors: 0});
		assert.deepEqual(server.received.map(text => (JSON.parse(text) as {n: number}).n), [1, 2, 3]);
		server.received.length = 0;
		const untouched = await runBenchCli([server.url, '-m', '2', '-x', '{{x}} {{$seq}}', '--json']);
		assert.equal(untouched.code, 0, untouched.stderr);
		assert.deepEqual(server.received, ['{{x}} {{$seq}}', '{{x}} {{$seq}}']);
		server.received.length = 0;
		const undefinedName = await runBenchCli([server.url, '-m', '1', '--template', '-x', 'a', '-x', '{{room}}', '--match', 'any']);
		assert.equal(undefinedName.code, 2);
		assert.equal(undefinedName.stderr, 'wsterm: message 2 ("{{room}}"): {{room}} is not defined (--var room=VALUE sets it)\n');
		// A message whose variables are the same at every send is filled in once: echo matching pairs it.
		const fixed = await runBenchCli([server.url, '-m', '2', '--template', '--var', 'room=ops', '-x', 'join {{room}}', '--json']);
		assert.equal(fixed.code, 0, fixed.stderr);
		assert.deepEqual(pick(summaryOf(fixed.stdout)), {sent: 2, answered: 2, unanswered: 0, pushes: 0, errors: 0});
		assert.deepEqual(server.received, ['join ops', 'join ops']);
		server.received.length = 0;
		const echoed = await runBenchCli([server.url, '-m', '1', '--template', '-x', 'a {{$seq}}']);
		assert.equal(echoed.code, 2);
		assert.match(echoed.stderr, /^wsterm: message 1 \("a \{\{\$seq\}\}"\) changes with each send \(--template\): echo matching compares replies with the message; give --match PATH or --match any\n$/);
		assert.deepEqual(server.received, []);
		await server.close();
	});

	test('usage errors: exit 2, naming the flag', async () => {
		// The rest of the usage errors are test/load.test.ts's, in-process.
		const cases: Array<[string[], RegExp]> = [
			[['-x', 'x'], /needs -d\/--duration SEC or -m\/--messages N/],
			// Named as typed, as in every mode.
			[['-c', '0x10', '-m', '5', '-x', 'x'], /^wsterm: -c takes a whole number of at least 1, not "0x10"\n$/],
			[['--connections', '0', '-m', '5', '-x', 'x'], /^wsterm: --connections takes a whole number of at least 1, not "0"\n$/],
			[['--messages', '0', '-x', 'x'], /^wsterm: --messages takes a whole number of at least 1, not "0"\n$/],
			[['-m', '5', '--match', 'id', '-x', 'not json'], /^wsterm: message 1 \("not json"\): not JSON: --match id needs JSON objects\n$/],
		];
		const server = await startServer();
		await Promise.all(cases.map(async ([args, pattern]) => {
			const {code, stderr} = await runBenchCli([server.url, ...args]);
			assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
			assert.match(stderr, pattern);
			assert.equal(stderr.split('\n').length, 2, 'one line');
		}));

		assert.equal(server.requests.length, 0, 'nothing connected');
		await server.close();
	});
});

function pick({sent, answered, unanswered, pushes, errors}: BenchSummary): Pick<BenchSummary, 'sent' | 'answered' | 'unanswered' | 'pushes' | 'errors'> {
	return {sent, answered, unanswered, pushes, errors};
}
