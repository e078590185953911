/*
How pipe mode ends, against real servers with the built CLI: linger at EOF for replies in flight,
-n whatever stdin does, exit 5 when -n is not reached, signals while connecting.
*/
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {execFile} from 'node:child_process';
import {once} from 'node:events';
import {createServer as createNetServer, type AddressInfo, type Socket} from 'node:net';
import {after, before, describe, test} from 'node:test';
import {promisify} from 'node:util';
import {cliPath, runCli, startCli} from './helpers/cli.js';
import {echo, slowReplier, startServer, type TestServer} from './helpers/servers.js';
import {until} from './helpers/until.js';

describe('at plain EOF, replies in flight are printed', () => {
	let slow: TestServer;
	before(async () => {
		slow = await startServer({onConnection: slowReplier([1000, 300, 600])});
	});
	after(async () => slow.close());

	test('a server that answers 0.3-1 s later: every reply is printed, exit 0', async () => {
		const result = await runCli([slow.url], {input: 'one\ntwo\nthree\n'});
		assert.equal(result.code, 0);
		assert.deepEqual(result.stdout.split('\n').sort(), ['', 're: one', 're: three', 're: two']);
	});

	test('printf hello | wsterm URL: the one reply, 1 s later', async () => {
		const result = await runCli([slow.url], {input: 'hello\n'});
		assert.equal(result.code, 0);
		assert.equal(result.stdout, 're: hello\n');
	});

	test('-x without -n: the reply is printed', async () => {
		const result = await runCli([slow.url, '-x', 'hello']);
		assert.equal(result.code, 0);
		assert.equal(result.stdout, 're: hello\n');
	});

	test('--linger 0 closes at once: the late reply is not waited for', async () => {
		const result = await runCli([slow.url, '--linger', '0'], {input: 'hello\n'});
		assert.equal(result.code, 0);
		assert.equal(result.stdout, '');
	});

	test('a server that never answers: the run ends after --linger seconds of quiet', async () => {
		const sink = await startServer({onConnection: () => undefined});
		try {
			const result = await runCli([sink.url, '--linger', '0.2'], {input: 'into the void\n', timeout: 20_000});
			assert.equal(result.code, 0);
			assert.equal(result.stdout, '');
		} finally {
			await sink.close();
		}
	});

	test('--linger running out with replies outstanding: exit 0 and a note with the count; --linger 0 asks for none', async () => {
		const late = await startServer({onConnection: slowReplier([1500])});
		try {
			const result = await runCli([late.url, '--linger', '0.2'], {input: 'one\ntwo\nthree\n', timeout: 20_000});
			assert.equal(result.code, 0);
			assert.equal(result.stdout, '');
			assert.equal(result.stderr, 'wsterm: no message for 0.2 s (--linger): closed with 3 of the 3 messages sent unanswered\n');

			const atOnce = await runCli([late.url, '--linger', '0'], {input: 'one\n', timeout: 20_000});
			assert.equal(atOnce.code, 0);
			assert.equal(atOnce.stderr, '');
		} finally {
			await late.close();
		}
	});

	test('an echo server: the run ends as soon as every message came back, whatever --linger says', async () => {
		const server = await startServer();
		try {
			const lines = Array.from({length: 1000}, (_, index) => `line ${index}`);
			// Were the count rule missing, the run would wait the full minute and be killed at 20 s.
			const result = await runCli([server.url, '--linger', '60'], {input: `${lines.join('\n')}\n`, timeout: 20_000});
			assert.equal(result.code, 0);
			assert.equal(result.stdout, `${lines.join('\n')}\n`);
		} finally {
			await server.close();
		}
	});
});

describe('-n N', () => {
	test('ends the run after N messages while stdin stays open (yes hello | wsterm URL -n 3)', async () => {
		const server = await startServer();
		try {
			const run = startCli([server.url, '-n', '3'], {timeout: 20_000});
			const writer = setInterval(() => {
				run.child.stdin!.write('hello\n'.repeat(100));
			}, 10);
			const result = await run.result;
			clearInterval(writer);
			assert.equal(result.code, 0);
			assert.equal(result.stdout, 'hello\nhello\nhello\n');
		} finally {
			await server.close();
		}
	});

	test('the server closes (1000) before N came: exit 5 and one line saying so', async () => {
		const server = await startServer({
			onConnection(socket) {
				socket.once('message', data => {
					socket.send(data);
					socket.close(1000);
				});
			},
		});
		try {
			const result = await runCli([server.url, '-n', '3'], {input: 'a\nb\nc\n'});
			assert.equal(result.code, 5);
			assert.equal(result.stdout, 'a\n');
			assert.equal(result.stderr, 'wsterm: 1 of the 3 messages asked for (-n) came before the connection closed\n');
		} finally {
			await server.close();
		}
	});
});

describe('a reader that goes away', () => {
	test('yes | wsterm URL | head -3 ends promptly, exit 0, though the server still echoes what is buffered', async () => {
		const server = await startServer();
		try {
			const script = `yes | "${process.execPath}" "${cliPath}" ${server.url} | head -3; echo "\${PIPESTATUS[1]}"`;
			const start = performance.now();
			// Not execFileSync: the server lives in this process and must keep answering.
			const {stdout, stderr} = await promisify(execFile)('bash', ['-c', script], {encoding: 'utf8', env: {...process.env, NO_PROXY: '*'}, timeout: 20_000});
			const elapsed = performance.now() - start;
			assert.equal(stdout, 'y\ny\ny\n0\n');
			assert.equal(stderr, '');
			// Waiting for the close handshake behind megabytes of echoes took 4-8 s.
			assert.ok(elapsed < 2500, `took ${Math.round(elapsed)} ms`);
		} finally {
			await server.close();
		}
	});
});

describe('signals while connecting', () => {
	for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
		test(`${signal} during a slow upgrade exits ${code} with one line`, async () => {
			const server = await startServer({upgradeDelay: 5000, onConnection: echo});
			try {
				const run = startCli([server.url], {timeout: 20_000});
				await until(() => server.requests.length > 0);

				run.child.kill(signal);
				const result = await run.result;
				assert.equal(result.code, code);
				assert.equal(result.stderr, `wsterm: interrupted while connecting to ${server.url}\n`);
			} finally {
				await server.close();
			}
		});
	}
});

describe('signals while connecting or waiting to reconnect, with -v', () => {
	test('SIGINT during a slow upgrade: the lines of the attempt and the interrupt, no close line', async () => {
		const server = await startServer({upgradeDelay: 5000, onConnection: echo});
		try {
			const run = startCli([server.url, '-v'], {timeout: 20_000});
			await until(() => server.requests.length > 0);

			run.child.kill('SIGINT');
			const result = await run.result;
			assert.equal(result.code, 130);
			assert.equal(result.stderr, `wsterm: connecting to ${server.url}\nwsterm: interrupted while connecting to ${server.url}\n`);
		} finally {
			await server.close();
		}
	});

	test('SIGINT while waiting to reconnect: no close line for a connection that is not there', async () => {
		const server = await startServer({onConnection(socket) {
			socket.close(4002, 'go away');
		}});
		try {
			const run = startCli([server.url, '-v', '--reconnect', '-w', '-1'], {timeout: 20_000});
			let stderr = '';
			run.child.stderr!.on('data', (chunk: Buffer) => {
				stderr += chunk.toString();
			});
			await until(() => stderr.includes('reconnect attempt 1 in'));

			run.child.kill('SIGINT');
			const result = await run.result;
			assert.equal(result.code, 130);
			assert.match(result.stderr, /wsterm: interrupted while (waiting to reconnect to|connecting to) ws:\/\/127\.0\.0\.1:\d+\/\n$/);
			assert.doesNotMatch(result.stderr, /closed with/);
		} finally {
			await server.close();
		}
	});
});

describe('--help, -h and --version', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => server.close());

	for (const args of [['URL', '--help'], ['URL', '-h'], ['-x', 'hi', 'URL', '-h'], ['serve', '--help'], ['serve', '-p', '0', '-h'], ['URL', '-Z', '--help']]) {
		test(`wsterm ${args.join(' ')} prints the help and never connects or listens`, async () => {
			const result = await runCli(args.map(arg => arg === 'URL' ? server.url : arg), {timeout: 20_000});
			assert.equal(result.code, 0);
			assert.match(result.stdout, /^\n {2}A WebSocket client[\s\S]*Usage\n {4}\$ wsterm \[url\] \[options\]/);
			assert.equal(result.stderr, '');
			assert.equal(server.requests.length, 0);
		});
	}

	for (const args of [['URL', '--version'], ['serve', '--version']]) {
		test(`wsterm ${args.join(' ')} prints the version only`, async () => {
			const result = await runCli(args.map(arg => arg === 'URL' ? server.url : arg), {timeout: 20_000});
			assert.equal(result.code, 0);
			assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
			assert.equal(server.requests.length, 0);
		});
	}
});

/** A peer that completes the handshake itself, then never sends a byte and never closes. */
async function startSilentPeer(): Promise<{url: string; close: () => void}> {
	const sockets: Socket[] = [];
	const silent = createNetServer(socket => {
		sockets.push(socket);
		socket.once('data', (request: Buffer) => {
			const key = /sec-websocket-key: *(\S+)/i.exec(request.toString())?.[1] ?? '';
			const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
			socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
		});
	}).listen(0, '127.0.0.1');
	await once(silent, 'listening');
	return {
		url: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/`,
		close() {
			for (const socket of sockets) {
				socket.destroy();
			}

			silent.close();
		},
	};
}

describe('a peer that never answers the close', () => {
	test('a second SIGINT ends the run at once, exit 130', async () => {
		const silent = await startSilentPeer();
		try {
			const run = startCli([silent.url, '-w', '-1', '-v'], {timeout: 20_000});
			let stderr = '';
			run.child.stderr!.on('data', (chunk: Buffer) => {
				stderr += chunk.toString();
			});
			await until(() => stderr.includes('connected to'));

			run.child.kill('SIGINT');
			await new Promise(resolve => setTimeout(resolve, 200));
			const second = performance.now();
			run.child.kill('SIGINT');
			const result = await run.result;
			assert.equal(result.code, 130);
			// Without the second signal, the close would wait for the peer up to the 5 s close timeout.
			assert.ok(performance.now() - second < 3000, `${performance.now() - second} ms after the second SIGINT`);
		} finally {
			silent.close();
		}
	});

	test('one SIGINT waits at most 2 s for the answer, however long --close-timeout is; a shorter one ends it sooner', async () => {
		const silent = await startSilentPeer();
		try {
			for (const [closeTimeout, atLeast, below] of [['8', 1900, 4000], ['0.5', 400, 1800]] as const) {
				const run = startCli([silent.url, '-w', '-1', '-v', '--close-timeout', closeTimeout], {timeout: 20_000});
				let stderr = '';
				run.child.stderr!.on('data', (chunk: Buffer) => {
					stderr += chunk.toString();
				});
				await until(() => stderr.includes('connected to'));
				const signalled = performance.now();
				run.child.kill('SIGINT');
				const result = await run.result;
				const waited = performance.now() - signalled;
				assert.equal(result.code, 130);
				assert.ok(waited >= atLeast && waited < below, `--close-timeout ${closeTimeout}: exited ${waited} ms after SIGINT`);
			}
		} finally {
			silent.close();
		}
	});
});
