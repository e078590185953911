import assert from 'node:assert/strict';
import {once} from 'node:events';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {Connection} from '../source/connection/connection.js';
import {createRecorder, recordConnection} from '../source/replay/recorder.js';
import {WebSocket} from '../source/connection/ws-library.js';
import {runCli, startCli} from './helpers/cli.js';
import {until} from './helpers/until.js';
import {closed, messages, startServeCli} from './helpers/serve-clients.js';
import {echo, startServer, type TestServer} from './helpers/servers.js';
import {makeCertificate} from './helpers/tls.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-replay-'));

function file(name: string, content: string): string {
	const path = join(temporary, name);
	writeFileSync(path, content);
	return path;
}

function records(lines: readonly object[]): string {
	return lines.map(line => `${JSON.stringify(line)}\n`).join('');
}

function at(ms: number): string {
	return new Date(Date.parse('2026-01-01T00:00:00.000Z') + ms).toISOString();
}

function assertOneClearLine(stderr: string): void {
	assert.doesNotMatch(stderr, /^\s+at /m, `stack trace in stderr:\n${stderr}`);
	assert.equal(stderr.split('\n').filter(Boolean).length, 1, `not one line:\n${stderr}`);
}

/** A server that greets, then answers each message with a JSON object (keys in its own order) and its bytes as binary. */
function chatty(answer: (text: string) => string) {
	return (socket: WebSocket): void => {
		socket.send('{"hello":"client","version":2}');
		socket.on('message', (data, isBinary) => {
			socket.send(isBinary ? 'binary?' : answer(data.toString()));
			socket.send(data, {binary: true});
		});
	};
}

/** Records a real conversation with the recorder, as `--record` will: the messages in `sent`, one after the other's replies. */
async function record(server: TestServer, path: string, sent: readonly string[], repliesEach: number): Promise<void> {
	const recorder = createRecorder(path);
	const connection = new Connection({url: server.url, displayUrl: server.url, protocols: [], options: {}});
	recordConnection(connection, recorder);
	const send = (text: string): void => {
		recorder.message('out', text, false);
		connection.send(text, false);
	};

	let received = 0;
	let next = 0;
	await new Promise<void>(resolve => {
		connection.on('message', () => {
			received++;
			// The greeting, then `repliesEach` per message.
			if (received === 1 + (next * repliesEach)) {
				if (next < sent.length) {
					send(sent[next++]!);
				} else {
					connection.close(1000);
				}
			}
		});
		connection.on('close', () => resolve());
		connection.connect();
	});
	recorder.end();
}

describe('record, then replay --check', () => {
	let server: TestServer;
	let recording: string;
	before(async () => {
		server = await startServer({onConnection: chatty(text => JSON.stringify({echo: text, n: 12_345_678_901_234_567_890n.toString()}))});
		recording = join(temporary, 'recorded.jsonl');
		await record(server, recording, ['first', 'second \u001B[31m'], 2);
	});
	after(async () => server.close());

	test('the recording holds the open, both directions and the close', () => {
		const types = readFileSync(recording, 'utf8').trim().split('\n').map(line => {
			const {dir, type} = JSON.parse(line) as {dir: string; type: string};
			return `${dir} ${type}`;
		});
		assert.deepEqual(types, ['out open', 'in text', 'out text', 'in text', 'in binary', 'out text', 'in text', 'in binary', 'out close']);
	});

	test('replayed against the same server, the check passes (URL from the recording, -H applies), exit 0', async () => {
		const requestsBefore = server.requests.length;
		const result = await runCli(['replay', recording, '--check', '-H', 'X-Replay: yes']);
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stderr, 'wsterm: check passed: 5 messages as recorded\n');
		assert.equal(server.requests[requestsBefore]?.headers['x-replay'], 'yes');
		// Printed as pipe mode prints to a pipe: each message's bytes and a newline.
		assert.equal(result.stdoutBytes.toString(), [
			'{"hello":"client","version":2}',
			'{"echo":"first","n":"12345678901234567890"}',
			'first',
			'{"echo":"second \\u001b[31m","n":"12345678901234567890"}',
			'second \u001B[31m',
			'',
		].join('\n'));
	});

	test('--jsonl prints records, as pipe mode does', async () => {
		const result = await runCli(['replay', recording, '--jsonl']);
		assert.equal(result.code, 0, result.stderr);
		const lines = result.stdout.trim().split('\n').map(line => JSON.parse(line) as {dir: string; type: string});
		assert.deepEqual(lines.map(line => `${line.dir} ${line.type}`), ['in text', 'in text', 'in binary', 'in text', 'in binary', 'out close']);
	});

	test('against a server that answers differently: exit 4 and a readable diff with positions', async () => {
		const other = await startServer({onConnection: chatty(text => JSON.stringify({n: '12345678901234567890', echo: text.toUpperCase()}))});
		try {
			const result = await runCli(['replay', recording, other.url, '--check', '--reply-timeout', '1']);
			assert.equal(result.code, 4, result.stderr);
			assert.equal(result.stderr, [
				'wsterm: check: message 2 of 5 differs',
				'  expected: {"echo":"first","n":"12345678901234567890"}',
				'  actual:   {"n":"12345678901234567890","echo":"FIRST"}',
				'  $.echo: expected "first", actual "FIRST"',
				'wsterm: check: message 4 of 5 differs',
				'  expected: {"echo":"second \\u001b[31m","n":"12345678901234567890"}',
				'  actual:   {"n":"12345678901234567890","echo":"SECOND \\u001b[31M"}',
				'  $.echo: expected "second \\u001b[31m", actual "SECOND \\u001b[31M"',
				'wsterm: check failed: 2 mismatches in 5 recorded messages',
				'',
			].join('\n'));
		} finally {
			await other.close();
		}
	});

	test('many mismatches: the first 20 are shown, then how many more', async () => {
		const greeting = Array.from({length: 50}, (_, index) => ({dir: 'in', data: `recorded ${index}`}));
		const different = await startServer({onConnection(socket) {
			for (let index = 0; index < 50; index++) {
				socket.send(`live ${index}`);
			}
		}});
		try {
			const result = await runCli(['replay', file('many.jsonl', records(greeting)), different.url, '--check']);
			assert.equal(result.code, 4);
			const lines = result.stderr.trim().split('\n');
			assert.equal(lines.filter(line => line.startsWith('wsterm: check: message ')).length, 20);
			assert.deepEqual(lines.slice(-2), ['wsterm: check: 30 more mismatches not shown', 'wsterm: check failed: 50 mismatches in 50 recorded messages']);
		} finally {
			await different.close();
		}
	});

	test('a server that says less: the missing messages are mismatches, after the reply timeout', async () => {
		const quiet = await startServer({onConnection: socket => socket.send('{"version":2,"hello":"client"}')});
		try {
			const started = performance.now();
			const result = await runCli(['replay', recording, quiet.url, '--check', '--reply-timeout', '0.3']);
			assert.equal(result.code, 4);
			assert.ok(performance.now() - started >= 550, 'two waits of 0.3 s');
			assert.match(result.stderr, /2 recorded replies did not arrive within 0\.3 s; sending message 2 of 2 anyway/);
			assert.match(result.stderr, /message 2 of 5 did not arrive\n {2}expected: \{"echo":"first".*\n {2}actual: {3}\(nothing\)\n/);
			assert.match(result.stderr, /check failed: 4 mismatches in 5 recorded messages/);
		} finally {
			await quiet.close();
		}
	});
});

describe('--ignore', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer({
			onConnection(socket) {
				socket.on('message', data => {
					socket.send(JSON.stringify({ok: true, request: data.toString(), meta: {ts: Date.now(), id: Math.random()}, ts: new Date().toISOString()}));
				});
			},
		});
	});
	after(async () => server.close());

	test('a timestamped reply fails the check, and passes with --ignore ts --ignore id', async () => {
		const path = file('stamped.jsonl', records([
			{time: at(0), dir: 'out', type: 'open', url: server.url, protocol: ''},
			{time: at(10), dir: 'out', type: 'text', data: 'status'},
			{time: at(20), dir: 'in', type: 'text', data: '{"ts":"2025-12-31T23:00:00.000Z","meta":{"id":0.5,"ts":1},"request":"status","ok":true}'},
		]));
		const strict = await runCli(['replay', path, '--check']);
		assert.equal(strict.code, 4);
		assert.match(strict.stderr, /\$\.meta\.id: expected 0\.5, actual /);
		const loose = await runCli(['replay', path, '--check', '--ignore', 'ts', '--ignore', 'id']);
		assert.equal(loose.code, 0, loose.stderr);
		assert.match(loose.stderr, /check passed: 1 message as recorded/);
	});
});

describe('a Chrome DevTools HAR file', () => {
	let server: TestServer;
	const seen: Array<{data: Buffer; isBinary: boolean}> = [];
	before(async () => {
		server = await startServer({
			onConnection(socket) {
				socket.on('message', (data, isBinary) => {
					seen.push({data: data as Buffer, isBinary});
					socket.send(data, {binary: isBinary});
				});
			},
		});
	});
	after(async () => server.close());

	const allBytes = Buffer.from(Array.from({length: 256}, (_, index) => index));
	const socketEntry = (url: string) => ({
		startedDateTime: '2026-01-01T00:00:00.000Z',
		time: 1200,
		request: {method: 'GET', url, httpVersion: 'HTTP/1.1', headers: [{name: 'Upgrade', value: 'websocket'}], queryString: [], cookies: [], headersSize: -1, bodySize: 0},
		response: {status: 101, statusText: 'Switching Protocols', httpVersion: 'HTTP/1.1', headers: [{name: 'Upgrade', value: 'websocket'}], cookies: [], content: {size: 0, mimeType: 'x-unknown'}, redirectURL: '', headersSize: -1, bodySize: 0},
		cache: {},
		timings: {blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 0, receive: 0},
		_resourceType: 'websocket',
		_webSocketMessages: [
			{type: 'send', time: 1_767_225_600.1, opcode: 1, data: 'caf\u00E9 \u{1F600} {"a":1}'},
			{type: 'receive', time: 1_767_225_600.2, opcode: 1, data: 'caf\u00E9 \u{1F600} {"a":1}'},
			{type: 'send', time: 1_767_225_600.3, opcode: 2, data: allBytes.toString('base64')},
			{type: 'receive', time: 1_767_225_600.4, opcode: 2, data: allBytes.toString('base64')},
		],
	});
	const har = (entries: unknown[]): string => JSON.stringify({log: {version: '1.2', creator: {name: 'WebInspector', version: '537.36'}, pages: [], entries}}, null, 2);

	test('text and binary replay exactly and check', async () => {
		const path = file('devtools.har', har([
			{startedDateTime: '2026-01-01T00:00:00.000Z', request: {method: 'GET', url: 'http://127.0.0.1/'}, response: {status: 200, headers: []}},
			socketEntry(server.url),
		]));
		seen.length = 0;
		const result = await runCli(['replay', path, '--check']);
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stderr, 'wsterm: check passed: 2 messages as recorded\n');
		assert.deepEqual(seen.map(({data, isBinary}) => [isBinary, data.toString('hex')]), [
			[false, Buffer.from('caf\u00E9 \u{1F600} {"a":1}').toString('hex')],
			[true, allBytes.toString('hex')],
		]);
	});

	test('several WebSocket entries: exit 2 listing them; --entry picks one', async () => {
		const path = file('two.har', har([socketEntry('ws://127.0.0.1:1/elsewhere'), socketEntry(server.url)]));
		const ambiguous = await runCli(['replay', path]);
		assert.equal(ambiguous.code, 2);
		assert.equal(ambiguous.stderr, `wsterm: ${path} has 2 WebSocket entries: pick one with --entry N\n  1  ws://127.0.0.1:1/elsewhere (2 sent, 2 received)\n  2  ${server.url} (2 sent, 2 received)\n`);
		const picked = await runCli(['replay', path, '--entry', '2', '--check']);
		assert.equal(picked.code, 0, picked.stderr);
	});

	test('a Playwright HAR (times in milliseconds since the epoch): --pace recorded keeps its gaps, in replay and serve --replay', async () => {
		// What Playwright's recordHar writes: `time` in ms, where DevTools writes seconds.
		const messagesMs = [
			{type: 'send', time: 1_767_225_600_100, opcode: 1, data: 'one'},
			{type: 'receive', time: 1_767_225_600_105, opcode: 1, data: 'one'},
			{type: 'send', time: 1_767_225_600_400, opcode: 1, data: 'two'},
			{type: 'receive', time: 1_767_225_600_700, opcode: 1, data: 'two'},
		];
		const path = file('playwright.har', JSON.stringify({log: {version: '1.2', creator: {name: 'Playwright', version: '1.49.0'}, pages: [], entries: [{...socketEntry(server.url), _webSocketMessages: messagesMs}]}}));
		const started = performance.now();
		const result = await runCli(['replay', path, '--pace', 'recorded', '--check'], {timeout: 10_000});
		assert.equal(result.stderr, 'wsterm: check passed: 2 messages as recorded\n');
		assert.equal(result.code, 0);
		const took = performance.now() - started;
		assert.ok(took >= 300 && took < 5000, `took ${Math.round(took)} ms`);
		const served = await startServeCli(['--replay', path, '--pace', 'recorded']);
		try {
			const socket = new WebSocket(served.url);
			await once(socket, 'open');
			const answers = messages(socket, 2);
			const sentAt = performance.now();
			socket.send('one');
			socket.send('two');
			assert.deepEqual((await answers).map(message => message.data.toString()), ['one', 'two']);
			// The second answer was recorded 300 ms after the second message.
			const waited = performance.now() - sentAt;
			assert.ok(waited >= 250 && waited < 5000, `waited ${Math.round(waited)} ms`);
			socket.close(1000);
			await closed(socket);
		} finally {
			served.child.kill('SIGTERM');
			assert.equal(await served.exit, 0);
			assert.doesNotMatch(served.stderr(), /TimeoutOverflowWarning/);
		}
	});

	test('a gap longer than a timer can wait (30 days): no TimeoutOverflowWarning flood, the later message waits', async () => {
		const path = file('month.har', har([{...socketEntry(server.url), _webSocketMessages: [
			{type: 'send', time: 1_767_225_600, opcode: 1, data: 'now'},
			{type: 'send', time: 1_767_225_600 + (30 * 24 * 3600), opcode: 1, data: 'a month later'},
		]}]));
		seen.length = 0;
		const run = startCli(['replay', path, '--pace', 'recorded']);
		await until(() => seen.length > 0);
		await new Promise(resolve => {
			setTimeout(resolve, 500);
		});
		run.child.kill('SIGINT');
		const result = await run.result;
		assert.doesNotMatch(result.stderr, /TimeoutOverflowWarning/);
		assert.deepEqual(seen.map(({data}) => data.toString()), ['now']);
		assert.equal(result.code, 130);
	});

	test('a HAR file cut short: one line saying it is not valid JSON, and where, exit 2', async () => {
		const whole = har([socketEntry(server.url)]);
		const path = file('cut.har', whole.slice(0, whole.indexOf('"receive"') + 12));
		const result = await runCli(['replay', path]);
		assert.equal(result.code, 2);
		assert.match(result.stderr, new RegExp(`^wsterm: ${path.replaceAll(/[.\\/]/g, '\\$&')} is a HAR file that is not valid JSON \\(cut short\\?\\): .+ at line \\d+, column \\d+\\n$`));
	});

	test('a binary frame whose data is not base64: one line naming the entry and message, exit 2, nothing sent', async () => {
		const entry = socketEntry(server.url);
		const path = file('bad-base64.har', har([{...entry, _webSocketMessages: [...entry._webSocketMessages, {type: 'send', time: 1_767_225_600.5, opcode: 2, data: '!!notbase64'}]}]));
		seen.length = 0;
		const result = await runCli(['replay', path]);
		assert.equal(result.code, 2);
		assert.equal(result.stderr, `wsterm: ${path}: WebSocket entry 1, message 5: a binary message whose data is not base64\n`);
		assert.deepEqual(seen, []);
	});

	test('serve --replay takes --entry for a HAR file with several WebSocket entries', async () => {
		const path = file('two-served.har', har([socketEntry('ws://127.0.0.1:1/elsewhere'), socketEntry(server.url)]));
		const served = await startServeCli(['--replay', path, '--entry', '2']);
		try {
			const socket = new WebSocket(served.url);
			await once(socket, 'open');
			const answer = messages(socket, 1);
			socket.send('anything');
			assert.equal((await answer)[0]!.data.toString(), 'caf\u00E9 \u{1F600} {"a":1}');
			socket.close(1000);
			await closed(socket);
		} finally {
			served.child.kill('SIGTERM');
			assert.equal(await served.exit, 0);
		}
	});
});

describe('bad input', () => {
	test('a missing file, a file that is neither, no URL anywhere, a bad flag: one line, exit 2', async () => {
		const cases: Array<[string[], RegExp]> = [
			[['replay', join(temporary, 'absent.jsonl')], /cannot read .*absent\.jsonl: no such file/],
			[['replay', file('garbage.txt', 'hello\nworld\n')], /garbage\.txt line 1: not JSON/],
			[['replay', file('nourl.jsonl', records([{time: at(0), dir: 'out', type: 'text', data: 'x'}]))], /does not say which URL it recorded: give one/],
			[['replay', file('ok.jsonl', records([{time: at(0), dir: 'out', type: 'text', data: 'x'}])), 'ws://127.0.0.1:1/', '--pace', 'slow'], /--pace takes reply, recorded, fast, not "slow"/],
			[['replay'], /wsterm replay needs a file/],
			[['replay', 'a', 'b', 'c'], /unexpected argument "c"/],
			[['replay', 'x', '-x', 'hi'], /^wsterm: -x does not apply to wsterm replay$/m],
			[['ws://127.0.0.1:1/', '--pace', 'fast'], /--pace does not apply to a client connection \(did you mean wsterm replay\?\)/],
			[['serve', '--check'], /--check does not apply to wsterm serve/],
			[['serve', '--replay', 'x', '--broadcast'], /--replay and --broadcast do not go together/],
			[['serve', '--replay', join(temporary, 'absent.har')], /cannot read .*absent\.har: no such file/],
			[['serve', '--pace', 'recorded'], /--pace does not apply to wsterm serve/],
			[['replay', 'x', '--ignore', 'ts'], /^wsterm: --ignore goes with --check: it leaves keys out of the comparison$/m],
		];
		for (const [args, pattern] of cases) {
			const result = await runCli(args);
			assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
			assert.match(result.stderr, pattern);
			assertOneClearLine(result.stderr);
		}
	});

	test('a server that is not there: exit 1', async () => {
		const result = await runCli(['replay', file('refused.jsonl', records([{time: at(0), dir: 'out', type: 'text', data: 'x'}])), 'ws://127.0.0.1:1/', '--check']);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /could not connect to ws:\/\/127\.0\.0\.1:1\/: connection refused/);
	});
});

describe('a stdout that cannot be written', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer({onConnection: echo});
	});
	after(async () => server.close());

	// Ten messages, each echoed: the reply pace waits for each reply before sending the next.
	const tenEchoes = (): string => file('ten.jsonl', records([
		{time: at(0), dir: 'out', type: 'open', url: server.url, protocol: ''},
		...Array.from({length: 10}, (_, index) => [
			{time: at(index * 10), dir: 'out', type: 'text', data: String(index + 1)},
			{time: at((index * 10) + 1), dir: 'in', type: 'text', data: String(index + 1)},
		]).flat(),
	]));

	test('a full disk (replay > /dev/full): one line, exit 1, at once (not a wait for replies it blames on the server)', {skip: !existsSync('/dev/full')}, async () => {
		const started = performance.now();
		const result = await startCli(['replay', tenEchoes()], {stdoutTo: 'dev-full', timeout: 10_000}).result;
		assert.equal(result.code, 1, result.stderr);
		assert.match(result.stderr, /^wsterm: cannot write to stdout: ENOSPC[^\n]*\n$/);
		assert.ok(performance.now() - started < 3000, `took ${Math.round(performance.now() - started)} ms`);
	});

	for (const stdoutTo of ['reader-gone', 'reader-gone-after-first-chunk'] as const) {
		test(`a reader that went away (${stdoutTo === 'reader-gone' ? '| head -c 0' : '| head -1'}): a quiet end, exit 0, at once`, async () => {
			const started = performance.now();
			const result = await startCli(['replay', tenEchoes()], {stdoutTo, timeout: 10_000}).result;
			assert.equal(result.code, 0, result.stderr);
			assert.equal(result.stderr, '');
			assert.ok(performance.now() - started < 3000, `took ${Math.round(performance.now() - started)} ms`);
		});
	}

	test('with --check, a reader that went away does not end the replay: the check still gives its verdict', async () => {
		const result = await startCli(['replay', tenEchoes(), '--check'], {stdoutTo: 'reader-gone', timeout: 10_000}).result;
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stderr, 'wsterm: check passed: 10 messages as recorded\n');
	});
});

describe('pacing', () => {
	let server: TestServer;
	const arrivals: number[] = [];
	before(async () => {
		server = await startServer({
			onConnection(socket) {
				socket.on('message', data => {
					arrivals.push(performance.now());
					// The reply comes 300 ms later: the reply pace must wait for it.
					setTimeout(() => socket.send(data.toString()), 300);
				});
			},
		});
	});
	after(async () => server.close());

	const paced = (): string => file('paced.jsonl', records([
		{time: at(0), dir: 'out', type: 'open', url: server.url, protocol: ''},
		{time: at(0), dir: 'out', type: 'text', data: 'one'},
		{time: at(5), dir: 'in', type: 'text', data: 'one'},
		{time: at(300), dir: 'out', type: 'text', data: 'two'},
		{time: at(305), dir: 'in', type: 'text', data: 'two'},
		{time: at(600), dir: 'out', type: 'text', data: 'three'},
		{time: at(605), dir: 'in', type: 'text', data: 'three'},
	]));

	for (const pace of ['recorded', 'reply'] as const) {
		test(`--pace ${pace}: messages leave 300 ms apart, so the run takes at least 550 ms`, async () => {
			arrivals.length = 0;
			const started = performance.now();
			const result = await runCli(['replay', paced(), '--pace', pace, '--check']);
			assert.equal(result.code, 0, result.stderr);
			assert.ok(performance.now() - started >= 550);
			assert.equal(arrivals.length, 3);
			assert.ok(arrivals[2]! - arrivals[0]! >= 550, `sent over ${Math.round(arrivals[2]! - arrivals[0]!)} ms`);
		});
	}

	test('--pace fast: every message leaves at once', async () => {
		arrivals.length = 0;
		const result = await runCli(['replay', paced(), '--pace', 'fast', '--check']);
		assert.equal(result.code, 0, result.stderr);
		assert.equal(arrivals.length, 3);
		// Nowhere near the 600 ms the recording took, nor the 300 ms the server takes to reply.
		assert.ok(arrivals[2]! - arrivals[0]! < 250, `sent over ${Math.round(arrivals[2]! - arrivals[0]!)} ms`);
	});
});

describe('serve --replay', () => {
	const conversation = (url: string): string => records([
		{time: at(0), dir: 'out', type: 'open', url, protocol: ''},
		{time: at(5), dir: 'in', type: 'text', data: '{"type":"welcome"}'},
		{time: at(10), dir: 'out', type: 'text', data: '{"op":"subscribe"}'},
		{time: at(20), dir: 'in', type: 'text', data: '{"type":"subscribed"}'},
		{time: at(320), dir: 'in', type: 'binary', base64: 'AAEC'},
		{time: at(400), dir: 'out', type: 'text', data: 'bye'},
		{time: at(410), dir: 'in', type: 'text', data: 'see you'},
	]);

	test('a client gets the greeting, then what was recorded after each of its messages', async () => {
		const server = await startServeCli(['--replay', file('served.jsonl', conversation('ws://127.0.0.1:1/'))]);
		try {
			// Listening from the start: the greeting may come in the same read as the handshake's answer.
			const socket = new WebSocket(server.url);
			const [welcome] = await messages(socket, 1);
			assert.equal(welcome!.data.toString(), '{"type":"welcome"}');
			socket.send('anything');
			const replies = await messages(socket, 2);
			assert.deepEqual(replies.map(({data, isBinary}) => [isBinary, data.toString('hex')]), [
				[false, Buffer.from('{"type":"subscribed"}').toString('hex')],
				[true, '000102'],
			]);
			socket.send('bye');
			assert.equal((await messages(socket, 1))[0]!.data.toString(), 'see you');
			socket.close(1000);
			await closed(socket);
		} finally {
			server.child.kill('SIGTERM');
			assert.equal(await server.exit, 0);
		}
	});

	test('replay --check against serve --replay of the same recording passes; --pace recorded keeps its delays', async () => {
		const server = await startServeCli(['--replay', file('served-recorded.jsonl', conversation('ws://127.0.0.1:1/')), '--pace', 'recorded']);
		try {
			const started = performance.now();
			const result = await runCli(['replay', file('client.jsonl', conversation(server.url)), '--check']);
			assert.equal(result.code, 0, result.stderr);
			// The binary reply was recorded 300 ms after the subscription.
			assert.ok(performance.now() - started >= 300);
		} finally {
			server.child.kill('SIGTERM');
			await server.exit;
		}
	});
});

describe('connection options', () => {
	test('wss:// with --ca; the recorded subprotocol is offered unless -s names others', async () => {
		const certificate = makeCertificate();
		const offered: string[][] = [];
		const server = await startServer({
			tls: certificate,
			handleProtocols(protocols) {
				offered.push([...protocols]);
				return [...protocols][0] ?? false;
			},
			onConnection: echo,
		});
		try {
			const path = file('tls.jsonl', records([
				{time: at(0), dir: 'out', type: 'open', url: server.url, protocol: 'chat.v2'},
				{time: at(1), dir: 'out', type: 'text', data: 'secure'},
				{time: at(2), dir: 'in', type: 'text', data: 'secure'},
			]));
			const untrusted = await runCli(['replay', path, '--check']);
			assert.equal(untrusted.code, 1);
			assert.match(untrusted.stderr, /TLS/);
			const trusted = await runCli(['replay', path, '--check', '--ca', certificate.certPath]);
			assert.equal(trusted.code, 0, trusted.stderr);
			const chosen = await runCli(['replay', path, '--check', '--ca', certificate.certPath, '-s', 'other']);
			assert.equal(chosen.code, 0, chosen.stderr);
			assert.deepEqual(offered, [['chat.v2'], ['other']]);
		} finally {
			await server.close();
		}
	});
});
