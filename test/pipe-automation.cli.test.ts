/*
`--reply`, `--until`, `--script` and `--record` in pipe mode: the built CLI as a child process
against real ws servers on 127.0.0.1, through the message pipeline.
*/
import assert from 'node:assert/strict';
import type {ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {runCli, startCli} from './helpers/cli.js';
import {echo, startServer, type TestServer} from './helpers/servers.js';
import {until} from './helpers/until.js';
import type {WebSocket} from '../source/connection/ws-library.js';

const directory = mkdtempSync(join(tmpdir(), 'wsterm-pipe-hooks-'));
let files = 0;

function script(source: string): string {
	const path = join(directory, `hooks-${++files}.mjs`);
	writeFileSync(path, source);
	return path;
}

/** A server that sends `messages` on connect and keeps the connection open; what it receives is kept. */
async function sender(messages: readonly string[], {thenClose}: {thenClose?: number} = {}): Promise<TestServer & {readonly received: string[]}> {
	const received: string[] = [];
	const server = await startServer({
		onConnection(socket: WebSocket) {
			socket.on('message', data => received.push(data.toString()));
			for (const message of messages) {
				socket.send(message);
			}

			if (thenClose !== undefined) {
				socket.close(thenClose);
			}
		},
	});
	return Object.assign(server, {received});
}

test('--reply answers the server\'s own ping message, with the match\'s groups', async () => {
	const received: string[] = [];
	const server = await startServer({
		onConnection(socket: WebSocket) {
			socket.send('{"type":"ping","id":7}');
			socket.on('message', data => {
				received.push(data.toString());
				socket.send('done');
				socket.close(1000);
			});
		},
	});
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--reply', '"type":"ping","id":(\\d+) => {"type":"pong","id":$1}', '-w', '-1']);
		assert.equal(stderr, '');
		assert.equal(code, 0);
		assert.equal(stdout, '{"type":"ping","id":7}\ndone\n');
		assert.deepEqual(received, ['{"type":"pong","id":7}']);
	} finally {
		await server.close();
	}
});

test('--until: exit 0 right after printing the first matching message, waiting for it after stdin\'s end', async () => {
	const server = await sender(['a', 'b', 'c 42', 'd']);
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--until', '^c \\d+$']);
		assert.equal(stderr, '');
		assert.equal(code, 0);
		assert.equal(stdout, 'a\nb\nc 42\n');
	} finally {
		await server.close();
	}
});

test('--until: the connection ends first, or -w runs out first: exit 4 with a line saying so', async () => {
	const closing = await sender(['a'], {thenClose: 1000});
	const quiet = await sender(['a']);
	try {
		const ended = await runCli([closing.url, '--until', 'never']);
		assert.equal(ended.code, 4);
		assert.equal(ended.stdout, 'a\n');
		assert.equal(ended.stderr, 'wsterm: the --until message did not come before the connection closed\n');

		const timedOut = await runCli([quiet.url, '--until', 'never', '-w', '0.3']);
		assert.equal(timedOut.code, 4);
		assert.equal(timedOut.stdout, 'a\n');
		assert.equal(timedOut.stderr, 'wsterm: the --until message did not come before the -w time ran out\n');
	} finally {
		await closing.close();
		await quiet.close();
	}
});

test('--until with -n: -n reached before the match is exit 4, saying -n ended the run, against a fast echo and a slow one', async () => {
	const fast = await startServer();
	// Each echo 100 ms after the one before: -n is reached long before c comes back.
	const slow = await startServer({onConnection(socket) {
		let delay = 0;
		socket.on('message', data => {
			delay += 100;
			setTimeout(() => socket.send(data.toString()), delay);
		});
	}});
	try {
		const runs = await Promise.all([fast, slow, fast, slow].map(async server => runCli([server.url, '--until', '^c$', '-n', '2'], {input: 'a\nb\nc\n'})));
		for (const {code, stdout, stderr} of runs) {
			assert.equal(stdout, 'a\nb\n');
			assert.equal(stderr, 'wsterm: the --until message did not come within the 2 messages asked for (-n)\n');
			assert.equal(code, 4);
		}

		// The match is the Nth message: it came, exit 0.
		const matched = await runCli([fast.url, '--until', '^b$', '-n', '2'], {input: 'a\nb\nc\n'});
		assert.equal(matched.stdout, 'a\nb\n');
		assert.equal(matched.stderr, '');
		assert.equal(matched.code, 0);
	} finally {
		await fast.close();
		await slow.close();
	}
});

test('--script onMessage: null hides a message but -n counts it; a string is printed instead', async () => {
	const server = await sender(['m1', 'm2', 'm3', 'm4']);
	const path = script(`export function onMessage(message) {
		if (message.text === 'm2') return null;
		if (message.text === 'm3') return 'M3 (' + message.json() + ')';
		return undefined;
	}`);
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--script', path, '-n', '3']);
		assert.equal(stderr, '');
		assert.equal(code, 0);
		assert.equal(stdout, 'm1\nM3 (undefined)\n');
	} finally {
		await server.close();
	}
});

test('--script onSend: null drops a message, a string replaces it; ctx.log goes to stderr', async () => {
	const server = await startServer({onConnection: echo});
	const path = script(`export async function onSend(message, ctx) {
		ctx.log('sending', message.text);
		if (message.text === 'drop') return null;
		if (message.text === 'swap') return 'swapped';
		return undefined;
	}`);
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--script', path, '-n', '2'], {input: 'keep\ndrop\nswap\n'});
		assert.equal(code, 0);
		assert.equal(stdout, 'keep\nswapped\n');
		assert.equal(stderr, 'sending keep\nsending drop\nsending swap\n');
	} finally {
		await server.close();
	}
});

test('--script ctx.exit(7) ends the run with 7 after printing that message; nothing after it is printed', async () => {
	const server = await sender(['hello', 'bye', 'after']);
	const path = script(`export function onMessage(message, ctx) {
		if (message.text === 'bye') ctx.exit(7);
	}`);
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--script', path]);
		assert.equal(stderr, '');
		assert.equal(stdout, 'hello\nbye\n');
		assert.equal(code, 7);
	} finally {
		await server.close();
	}
});

test('--script: a throwing hook is one line naming file:line and the run goes on; onOpen and onClose run', async () => {
	const server = await sender(['one', 'bad', 'three'], {thenClose: 1000});
	const path = script(`export function onOpen(ctx) { ctx.log('open', ctx.url); }
export function onMessage(message) {
	if (message.text === 'bad') {
		throw new Error('boom');
	}
}
export function onClose(event, ctx) { ctx.log('closed', event.code, event.byUs); }
`);
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--script', path]);
		assert.equal(code, 0);
		assert.equal(stdout, 'one\nbad\nthree\n');
		const lines = stderr.trimEnd().split('\n');
		assert.equal(lines[0], `open ${server.url}`);
		assert.match(lines[1]!, new RegExp(`^wsterm: ${path.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: onMessage failed: Error: boom$`));
		assert.equal(lines[2], 'closed 1000 false');
		assert.equal(lines.length, 3);
	} finally {
		await server.close();
	}
});

test('--script: async hooks keep the order of 2000 messages, each replaced', {timeout: 60_000}, async () => {
	const count = 2000;
	const server = await sender(Array.from({length: count}, (_, index) => String(index)));
	const path = script(`export async function onMessage(message) {
		await new Promise(resolve => Number(message.text) % 3 === 0 ? setTimeout(resolve, 1) : setImmediate(resolve));
		return 'r' + message.text;
	}`);
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--script', path, '-n', String(count)]);
		assert.equal(stderr, '');
		assert.equal(code, 0);
		assert.equal(stdout, Array.from({length: count}, (_, index) => `r${index}\n`).join(''));
	} finally {
		await server.close();
	}
});

test('--record writes the open, both directions as on the wire, a --reply answer and the close; replay --check of it passes', async () => {
	const server = await startServer({
		onConnection(socket: WebSocket) {
			socket.send('welcome');
			socket.on('message', (data, isBinary) => {
				socket.send(isBinary ? data : `re: ${data.toString()}`, {binary: isBinary});
			});
		},
	});
	const recording = join(directory, 'recorded.jsonl');
	try {
		const recorded = await runCli([server.url, '--record', recording, '--reply', '^welcome$ => hi there', '-n', '4'], {input: 'first\nsecond\n'});
		assert.equal(recorded.stderr, '');
		assert.equal(recorded.code, 0);
		const lines = readFileSync(recording, 'utf8').trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
		const shown = lines.map(({dir, type, data, url, protocol, code}) => ({dir, type, data, url, protocol, code}));
		assert.deepEqual(shown[0], {dir: 'out', type: 'open', data: undefined, url: server.url, protocol: '', code: undefined});
		assert.deepEqual(shown.at(-1), {dir: 'out', type: 'close', data: undefined, url: undefined, protocol: undefined, code: 1000});
		// The welcome and the piped lines cross on the wire; each direction keeps its order.
		const messages = shown.slice(1, -1).map(({dir, data}) => `${dir} ${String(data)}`);
		assert.deepEqual(messages.filter(line => line.startsWith('out')).sort(), ['out first', 'out hi there', 'out second']);
		assert.ok(messages.indexOf('out first') < messages.indexOf('out second'));
		const incoming = messages.filter(line => line.startsWith('in'));
		assert.equal(incoming[0], 'in welcome');
		// The echo answers in the order it was sent to.
		assert.deepEqual(incoming.slice(1), messages.filter(line => line.startsWith('out')).map(line => line.replace('out ', 'in re: ')));
		assert.ok(messages.indexOf('in welcome') < messages.indexOf('out hi there'), 'the --reply answer follows the welcome');

		const replayed = await runCli(['replay', recording, '--check', '--reply-timeout', '2']);
		assert.equal(replayed.stderr, 'wsterm: check passed: 4 messages as recorded\n');
		assert.equal(replayed.code, 0);
	} finally {
		await server.close();
	}
});

test('a --script that does not load, a bad --until and an unwritable --record are usage errors before connecting', async () => {
	const missing = await runCli(['ws://127.0.0.1:9/', '--script', join(directory, 'nope.mjs')]);
	assert.equal(missing.code, 2);
	assert.match(missing.stderr, /^wsterm: --script .*nope\.mjs/);
	const until = await runCli(['ws://127.0.0.1:9/', '--until', '(']);
	assert.equal(until.code, 2);
	assert.match(until.stderr, /^wsterm: --until: "\(" is not a valid regular expression/);
	const record = await runCli(['ws://127.0.0.1:9/', '--record', join(directory, 'no', 'such', 'dir.jsonl')]);
	assert.equal(record.code, 2);
	assert.match(record.stderr, /^wsterm: --record: cannot write .*: no such directory\n$/);
});

test('the readme\'s client example (auth handshake + heartbeat) runs for real', {timeout: 30_000}, async () => {
	// The example moved with the automation manual from the readme to docs/automation.md.
	const page = readFileSync(new URL('../docs/automation.md', import.meta.url), 'utf8');
	const example = /^#+ Example: a client that finishes an auth handshake[^\n]*\n+```js\n([\s\S]*?)```/m.exec(page)?.[1];
	assert.ok(example, 'the example is in docs/automation.md');
	// The same code, with a heartbeat every 250 ms instead of every 15 s (at 50 ms, a loaded machine sent a fourth before the server's close came).
	assert.match(example, /15_000/);
	const path = script(example.replace('15_000', '250'));
	const seen: string[] = [];
	const server = await startServer({
		onConnection(socket: WebSocket) {
			socket.on('message', data => {
				const request = JSON.parse(data.toString()) as {op: string; token?: string; seq?: number; channel?: string};
				seen.push(request.op);
				if (request.op === 'auth') {
					socket.send(JSON.stringify(request.token === 'tok' ? {op: 'auth_ok', user: 'ada'} : {op: 'auth_failed', reason: 'bad token'}));
				} else if (request.op === 'subscribe') {
					socket.send(JSON.stringify({op: 'order', channel: request.channel, id: 1}));
				} else if (request.op === 'heartbeat') {
					socket.send('{"op":"heartbeat_ack"}');
					if (request.seq === 3) {
						socket.close(1000, 'enough');
					}
				}
			});
		},
	});
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--script', path], {env: {API_TOKEN: 'tok'}});
		assert.equal(code, 0);
		assert.equal(stdout, '{"op":"order","channel":"orders","id":1}\n');
		assert.equal(stderr, 'signed in as ada\nclosed with 1000; 3 heartbeats so far\n');
		assert.deepEqual(seen, ['auth', 'subscribe', 'heartbeat', 'heartbeat', 'heartbeat']);

		const rejected = await runCli([server.url, '--script', path], {env: {API_TOKEN: 'wrong'}});
		assert.equal(rejected.code, 1);
		assert.equal(rejected.stdout, '{"op":"auth_failed","reason":"bad token"}\n');
		assert.equal(rejected.stderr, 'rejected: bad token\nclosed with 1000 by us; 0 heartbeats so far\n');
	} finally {
		await server.close();
	}
});

test('--script with --reconnect: ctx.state is kept across reconnects and onOpen runs again', async () => {
	const received: string[] = [];
	let connections = 0;
	const server = await startServer({
		onConnection(socket: WebSocket) {
			const number = ++connections;
			socket.on('message', data => {
				received.push(data.toString());
				socket.send(`hello ${number}`);
				socket.close(number === 1 ? 1012 : 1000);
			});
		},
	});
	const path = script(`export function onOpen(ctx) {
		ctx.state.opens = (ctx.state.opens ?? 0) + 1;
		ctx.send('open ' + ctx.state.opens);
	}`);
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--script', path, '--reconnect']);
		assert.equal(code, 0, stderr);
		assert.equal(stdout, 'hello 1\nhello 2\n');
		assert.deepEqual(received, ['open 1', 'open 2']);
	} finally {
		await server.close();
	}
});

test('--script with an async onSend that drops the last line: -w still starts once the input is through', async () => {
	const server = await startServer({onConnection: echo});
	const path = script(`export async function onSend(message) {
		await new Promise(resolve => setTimeout(resolve, 20));
		return message.text === 'last' ? null : undefined;
	}`);
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--script', path, '-w', '0.2'], {input: 'one\nlast\n', timeout: 10_000});
		assert.equal(stderr, '');
		assert.equal(code, 0);
		assert.equal(stdout, 'one\n');
	} finally {
		await server.close();
	}
});

test('--script: while messages wait on a slow hook, wsterm stops reading the socket (the server\'s buffer fills), then takes them all', {timeout: 60_000}, async () => {
	const count = 3000;
	const payload = 'x'.repeat(8 * 1024);
	const gate = join(directory, `gate-${++files}`);
	let serverSocket: WebSocket | undefined;
	const server = await startServer({
		onConnection(socket: WebSocket) {
			serverSocket = socket;
			for (let index = 0; index < count; index++) {
				socket.send(payload);
			}
		},
	});
	const path = script(`import {existsSync} from 'node:fs';
let open = false;
export async function onMessage() {
	while (!open) {
		open = existsSync(${JSON.stringify(gate)});
		if (!open) await new Promise(resolve => setTimeout(resolve, 10));
	}
	return null;
}`);
	try {
		const run = startCli([server.url, '--script', path, '-n', String(count)], {input: ''});
		// Until the gate opens, the hook holds the first message: the client may take in about 1000
		// messages (8 MB) and must then stop reading, so most of the 24 MB stay in the server's buffer.
		let last = -1;
		let buffered = 0;
		const deadline = Date.now() + 20_000;
		while (Date.now() < deadline) {
			await new Promise(resolve => setTimeout(resolve, 300));
			buffered = serverSocket?.bufferedAmount ?? -1;
			if (serverSocket !== undefined && buffered === last) {
				break;
			}

			last = buffered;
		}

		assert.ok(buffered > 4 * 1024 * 1024, `the server's buffer holds ${buffered} bytes: the client read on`);
		writeFileSync(gate, '');
		const {code, stdout, stderr} = await run.result;
		assert.equal(stderr, '');
		assert.equal(stdout, '');
		assert.equal(code, 0);
	} finally {
		await server.close();
	}
});

test('--script: what onOpen sends goes out before the lines piped in (and -x), even an async onOpen', async () => {
	const server = await sender([]);
	const path = script(`export async function onOpen(ctx) {
		await new Promise(resolve => setTimeout(resolve, 50));
		ctx.send('AUTH');
	}`);
	try {
		const piped = await runCli([server.url, '--script', path, '-w', '0.3'], {input: 'a\nb\n'});
		assert.equal(piped.code, 0, piped.stderr);
		const executed = await runCli([server.url, '--script', path, '-x', 'c', '-w', '0.3']);
		assert.equal(executed.code, 0, executed.stderr);
		assert.deepEqual(server.received, ['AUTH', 'a', 'b', 'AUTH', 'c']);
	} finally {
		await server.close();
	}
});

test('--script with --reply: a rule answers only the messages onMessage leaves to the default (undefined)', async () => {
	const server = await sender(['hook', 'hide', 'left', 'end']);
	const path = script(`export function onMessage(message) {
		if (message.text === 'hook') return 'shown by hook';
		if (message.text === 'hide') return null;
		return undefined;
	}`);
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--script', path, '--reply', '^(hook|hide|left)$ => from rule $1', '-n', '4']);
		assert.equal(stderr, '');
		assert.equal(code, 0);
		assert.equal(stdout, 'shown by hook\nleft\nend\n');
		assert.deepEqual(server.received, ['from rule left']);
	} finally {
		await server.close();
	}
});

test('--script with --reconnect: a signal while waiting to reconnect gives no extra onClose (one onClose per onOpen)', async () => {
	let connections = 0;
	const server = await startServer({
		onConnection(socket: WebSocket) {
			connections++;
			setTimeout(() => socket.close(1012), 50);
		},
	});
	const path = script(`export default {
		onOpen(ctx) { ctx.log('open'); },
		onClose(event, ctx) { ctx.log('close', event.code, event.byUs); },
	};`);
	const {child, result} = startCli([server.url, '--script', path, '--reconnect'], {input: ''});
	try {
		await until(() => connections === 2);
		// No third connection: the next attempts are refused, and wsterm waits between them.
		await server.close();
		await new Promise(resolve => setTimeout(resolve, 700));
		child.kill('SIGINT');
		const {code, stderr} = await result;
		assert.equal(code, 130, stderr);
		const hookLines = stderr.split('\n').filter(line => /^(open|close)/.test(line));
		// The second close is the server's 1012, or 1006 when the server's shutdown dropped it first.
		assert.equal(hookLines.length, 4, stderr);
		assert.deepEqual(hookLines.slice(0, 3), ['open', 'close 1012 false', 'open']);
		assert.match(hookLines[3]!, /^close 10(12|06) false$/);
	} finally {
		child.kill('SIGKILL');
	}
});

test('--until with --script matches the message as printed: one onMessage hides does not count, one it replaces is matched as replaced', async () => {
	const server = await sender(['done (hidden)', 'b', 'c', 'done (after)']);
	const path = script(`export function onMessage(message) {
		if (message.text === 'done (hidden)') return null;
		if (message.text === 'c') return 'done (shown for c)';
		return undefined;
	}`);
	try {
		const {code, stdout, stderr} = await runCli([server.url, '--script', path, '--until', '^done']);
		assert.equal(stderr, '');
		assert.equal(code, 0);
		assert.equal(stdout, 'b\ndone (shown for c)\n');
	} finally {
		await server.close();
	}
});

test('--script: ctx.send in a loop that never lets wsterm send stops at the bound with a clear error, instead of holding every message in memory', {timeout: 60_000}, async () => {
	let received = 0;
	const server = await startServer({
		onConnection(socket: WebSocket) {
			socket.on('message', () => {
				received++;
			});
		},
	});
	const path = script(`export function onOpen(ctx) {
		for (let index = 0; index < 200000; index++) ctx.send('message ' + index);
	}`);
	try {
		const {code, stderr} = await runCli([server.url, '--script', path, '-w', '1']);
		assert.equal(code, 0, stderr);
		assert.equal(stderr, `wsterm: ${path}:2: onOpen failed: RangeError: ctx.send: 10000 messages (116.1 KiB) sent in one go are still waiting to go out: let them go (return, or await a timer) before sending more\n`);
		await until(() => received === 10_000);
	} finally {
		await server.close();
	}
});

/** Collects a child's stderr as it comes, for waiting on a line before the child ends. */
function liveStderr(child: ChildProcess): () => string {
	const chunks: Buffer[] = [];
	child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk));
	return () => Buffer.concat(chunks).toString();
}

test('--script: a hook stuck in a loop gets a line naming it, and Ctrl-C then ends wsterm (by the signal, as the shell\'s 130)', {timeout: 30_000}, async () => {
	const server = await sender(['first', 'loop']);
	const path = script(`export function onMessage(message) {
		if (message.text === 'loop') for (;;) {}
	}`);
	const {child, result} = startCli([server.url, '--script', path]);
	const stderr = liveStderr(child);
	try {
		await until(() => stderr().includes('has not returned'), 5000);
		assert.equal(stderr(), `wsterm: ${path}: onMessage has not returned for 1 s: wsterm cannot answer signals while it runs, so Ctrl-C or SIGTERM now ends wsterm at once\n`);
		child.kill('SIGINT');
		// Ended by the signal itself: what was still in wsterm's output buffer ('first', read in the same tick) may be lost.
		const {code, signal} = await Promise.race([result, new Promise<never>((_resolve, reject) => {
			setTimeout(() => reject(new Error('still running 3 s after SIGINT')), 3000);
		})]);
		assert.equal(signal, 'SIGINT');
		assert.equal(code, null);
	} finally {
		child.kill('SIGKILL');
		await server.close();
	}
});

test('--script: a hook that is slow but returns gets its two lines, and signals are handled as usual again after it', {timeout: 30_000}, async () => {
	const server = await sender(['slow', 'after']);
	const path = script(`export function onMessage(message) {
		if (message.text === 'slow') { const start = Date.now(); while (Date.now() - start < 1600) {} }
	}`);
	const {child, result} = startCli([server.url, '--script', path]);
	const stderr = liveStderr(child);
	try {
		await until(() => /returned after/.test(stderr()), 8000);
		child.kill('SIGINT');
		const {code, stdout} = await result;
		assert.equal(code, 130);
		assert.equal(stdout, 'slow\nafter\n');
		assert.match(stderr(), new RegExp(`^wsterm: ${path}: onMessage has not returned for 1 s: .*\\nwsterm: ${path}: onMessage returned after 1\\.\\d s: signals are handled as usual again\\n`));
		// Nothing of the watchdog's inspector session is left to say so at exit ("Waiting for the debugger to disconnect...").
		assert.doesNotMatch(stderr(), /debugger/i);
	} finally {
		child.kill('SIGKILL');
		await server.close();
	}
});
