import assert from 'node:assert/strict';
import {once} from 'node:events';
import {execFile, spawn} from 'node:child_process';
import {closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer as createHttpServer} from 'node:http';
import {createServer as createNetServer, type AddressInfo, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {promisify} from 'node:util';
import {createProxy} from 'proxy';
import {cliPath, runCli, startCli} from './helpers/cli.js';
import {echo, startServer, type TestServer} from './helpers/servers.js';
import {makeCertificate} from './helpers/tls.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-pipe-'));

function file(name: string, content: string | Buffer): string {
	const path = join(temporary, name);
	writeFileSync(path, content);
	return path;
}

function assertNoStackTrace(stderr: string): void {
	assert.doesNotMatch(stderr, /^\s+at /m, `stack trace in stderr:\n${stderr}`);
	assert.ok(stderr.split('\n').filter(Boolean).length <= 2, `more than a line or two on stderr:\n${stderr}`);
}

describe('pipe mode against an echo server', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => server.close());

	test('100,000 lines come back complete and in order, exit 0', async () => {
		const lines = Array.from({length: 100_000}, (_, index) => `line ${index}`);
		const result = await runCli([server.url], {input: `${lines.join('\n')}\n`, timeout: 60_000});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		const received = result.stdout.split('\n');
		assert.equal(received.pop(), '');
		assert.equal(received.length, lines.length);
		assert.deepEqual(received, lines);
	});

	test('CRLF line endings are stripped; empty lines are empty messages; a last line without newline is sent', async () => {
		const result = await runCli([server.url], {input: 'a\r\n\r\nb\nlast'});
		assert.equal(result.code, 0);
		assert.equal(result.stdout, 'a\n\nb\nlast\n');
	});

	test('--binary sends binary messages byte for byte and -0 splits on NUL and ends each output message with NUL', async () => {
		const types: boolean[] = [];
		const recorder = await startServer({
			onConnection(socket) {
				socket.on('message', (data, isBinary) => {
					types.push(isBinary);
					socket.send(data, {binary: isBinary});
				});
			},
		});
		try {
			const result = await runCli([recorder.url, '--binary', '-0'], {input: 'one\r\ntwo\0three\0'});
			assert.equal(result.code, 0);
			assert.deepEqual(types, [true, true]);
			assert.equal(result.stdout, 'one\r\ntwo\0three\0');
			const lines = await runCli([recorder.url, '--binary'], {input: 'crlf\r\nlf\n\r\n'});
			assert.equal(lines.code, 0);
			assert.equal(lines.stdout, 'crlf\r\nlf\n\r\n');
		} finally {
			await recorder.close();
		}
	});

	test('-x sends messages, -x @file sends a file as one message, -x @@ escapes the @', async () => {
		const path = file('message.txt', 'first line\nsecond line');
		const result = await runCli([server.url, '-x', 'hello', '-x', `@${path}`, '-x', '@@handle', '-n', '3']);
		assert.equal(result.code, 0);
		assert.equal(result.stdout, 'hello\nfirst line\nsecond line\n@handle\n');
	});

	test('-x -hello sends "-hello"; -x @file that is not UTF-8 goes as binary, byte for byte (-v says so)', async () => {
		const bytes = Buffer.from([0x68, 0x69, 0xFF, 0xFE, 0x00, 0x0A]);
		const path = file('latin1.bin', bytes);
		const result = await runCli([server.url, '-x', '-hello', '-x', `@${path}`, '-n', '2', '-v', '--jsonl']);
		assert.equal(result.code, 0);
		const [dash, sent] = result.stdout.trim().split('\n').map(line => JSON.parse(line) as {type: string; data?: string; base64?: string});
		assert.deepEqual(dash, {...dash, type: 'text', data: '-hello'});
		assert.equal(sent!.type, 'binary');
		assert.deepEqual(Buffer.from(sent!.base64!, 'base64'), bytes);
		assert.match(result.stderr, new RegExp(`wsterm: ${path.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid UTF-8: sent as a binary message\n`));
	});

	test('--jsonl carries binary byte-exact as base64, with the close event', async () => {
		const bytes = Buffer.from(Array.from({length: 256}, (_, index) => index));
		const path = file('bytes.bin', bytes);
		const result = await runCli([server.url, '--binary', '-x', `@${path}`, '-n', '1', '--jsonl']);
		assert.equal(result.code, 0);
		const records = result.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
		assert.equal(records.length, 2);
		assert.equal(records[0]!.type, 'binary');
		assert.equal(records[0]!.dir, 'in');
		assert.equal(records[0]!.size, 256);
		assert.ok(Buffer.from(records[0]!.base64 as string, 'base64').equals(bytes));
		assert.ok(!Number.isNaN(Date.parse(records[0]!.time as string)));
		assert.deepEqual({type: records[1]!.type, code: records[1]!.code, dir: records[1]!.dir}, {type: 'close', code: 1000, dir: 'out'});
	});

	test('binary messages reach a pipe as their bytes', async () => {
		const bytes = Buffer.from([0, 1, 2, 0xFF, 0x1B]);
		const path = file('raw.bin', bytes);
		const result = await runCli([server.url, '--binary', '-x', `@${path}`, '-n', '1']);
		assert.ok(result.stdoutBytes.equals(Buffer.concat([bytes, Buffer.from('\n')])));
	});

	test('-P shows pings and pongs with the round trip on stderr', async () => {
		const result = await runCli([server.url, '--ping-interval', '0.05', '-P', '-w', '0.3'], {input: 'x\n'});
		assert.equal(result.code, 0);
		assert.match(result.stderr, /< pong wsterm-1 \(round trip [\d.]+ ms\)/);
		assert.match(result.stderr, /> close 1000/);
		assert.equal(result.stdout, 'x\n');
	});
});

test('a reader that goes away (| head -1) ends the run quietly with exit 0', async () => {
	const server = await startServer();
	try {
		const script = `seq 1 200000 | "${process.execPath}" "${cliPath}" ${server.url} 2>"${temporary}/stderr" | head -1; echo "\${PIPESTATUS[1]}"`;
		// Not execFileSync: the server lives in this process and must keep answering.
		const {stdout} = await promisify(execFile)('bash', ['-c', script], {encoding: 'utf8', env: {...process.env, NO_PROXY: '*'}});
		assert.equal(stdout, '1\n0\n');
		assert.equal(readFileSync(join(temporary, 'stderr'), 'utf8'), '');
	} finally {
		await server.close();
	}
});

describe('stdout that cannot be written', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => server.close());

	/** The built CLI with its stdout opened on /dev/full: every write fails with ENOSPC. */
	async function runToFullDisk(args: readonly string[], input: string): Promise<{code: number | null; stderr: string}> {
		const full = openSync('/dev/full', 'w');
		try {
			const child = spawn(process.execPath, [cliPath, ...args], {env: {...process.env, NO_PROXY: '*'}, stdio: ['pipe', full, 'pipe']});
			let stderr = '';
			child.stderr!.on('data', (chunk: Buffer) => {
				stderr += chunk.toString();
			});
			child.stdin!.end(input);
			const [code] = await once(child, 'close') as [number | null];
			return {code, stderr};
		} finally {
			closeSync(full);
		}
	}

	for (const [args, input] of [[[], 'hi\n'], [['-n', '1000'], Array.from({length: 1000}, (_, index) => `${index}\n`).join('')]] as const) {
		test(`a full disk (ENOSPC) is a failure: exit 1 and one line (wsterm URL ${args.join(' ')} > /dev/full)`, {skip: !existsSync('/dev/full')}, async () => {
			const result = await runToFullDisk([server.url, ...args], input);
			assert.equal(result.code, 1);
			assert.match(result.stderr, /^wsterm: cannot write to stdout: ENOSPC[^\n]*\n$/);
		});
	}
});

describe('nothing is lost around the open and the close', () => {
	test('lines written before a late upgrade are all sent', async () => {
		const received: string[] = [];
		const late = await startServer({
			upgradeDelay: 400,
			onConnection(socket) {
				socket.on('message', data => {
					received.push(data.toString());
					socket.send(data);
				});
			},
		});
		try {
			const lines = Array.from({length: 1000}, (_, index) => String(index));
			const result = await runCli([late.url], {input: `${lines.join('\n')}\n`});
			assert.equal(result.code, 0);
			assert.deepEqual(received, lines);
			assert.equal(result.stdout, `${lines.join('\n')}\n`);
		} finally {
			await late.close();
		}
	});

	test('-n 3 waits for three replies that come later', async () => {
		const slow = await startServer({
			onConnection(socket) {
				socket.on('message', data => {
					setTimeout(() => socket.send(`re: ${data.toString()}`), 150);
				});
			},
		});
		try {
			const result = await runCli([slow.url, '-n', '3'], {input: 'a\nb\nc\n'});
			assert.equal(result.code, 0);
			assert.equal(result.stdout, 're: a\nre: b\nre: c\n');
		} finally {
			await slow.close();
		}
	});

	test('at EOF, replies the server sends before answering the close are printed', async () => {
		const chatty = await startServer({
			onConnection(socket) {
				socket.on('message', data => {
					for (let index = 1; index <= 3; index++) {
						socket.send(`${data.toString()}-${index}`);
					}
				});
			},
		});
		try {
			const result = await runCli([chatty.url], {input: 'a\nb\n'});
			assert.equal(result.code, 0);
			assert.equal(result.stdout, 'a-1\na-2\na-3\nb-1\nb-2\nb-3\n');
		} finally {
			await chatty.close();
		}
	});

	test('-n with -w: the wait ends the run when fewer messages come, exit 5', async () => {
		const once = await startServer({
			onConnection(socket) {
				socket.once('message', data => socket.send(data));
			},
		});
		try {
			const started = performance.now();
			const result = await runCli([once.url, '-n', '5', '-w', '0.3'], {input: 'a\nb\n'});
			assert.equal(result.code, 5);
			assert.equal(result.stdout, 'a\n');
			assert.match(result.stderr, /^wsterm: 1 of the 5 messages asked for \(-n\) came before the -w time ran out\n$/);
			assert.ok(performance.now() - started >= 300);
		} finally {
			await once.close();
		}
	});

	test('-w -1 prints until the server closes', async () => {
		const closer = await startServer({
			onConnection(socket) {
				socket.on('message', data => {
					socket.send(data);
					setTimeout(() => socket.close(1000, 'done'), 200);
				});
			},
		});
		try {
			const result = await runCli([closer.url, '-w', '-1'], {input: 'only\n'});
			assert.equal(result.code, 0);
			assert.equal(result.stdout, 'only\n');
		} finally {
			await closer.close();
		}
	});
});

describe('exit codes and the line a user sees', () => {
	test('3: a server that closes with its own code right after its last reply is heard, though wsterm was closing too', async () => {
		const denier = await startServer({
			onConnection(socket) {
				socket.on('message', data => {
					socket.send(`denied: ${String(data)}`);
					socket.close(4001, 'unauthorized');
				});
			},
		});
		try {
			for (let run = 0; run < 3; run++) {
				const result = await runCli([denier.url], {input: 'x\n'});
				assert.equal(result.stdout, 'denied: x\n');
				assert.equal(result.code, 3, result.stderr);
				assert.match(result.stderr, /4001/);
				assert.match(result.stderr, /unauthorized/);
			}
		} finally {
			await denier.close();
		}
	});

	test('0: closed cleanly', async () => {
		const server = await startServer();
		try {
			const result = await runCli([server.url], {input: 'x\n'});
			assert.equal(result.code, 0);
			assert.equal(result.stderr, '');
		} finally {
			await server.close();
		}
	});

	test('1: connection refused', async () => {
		const probe = createNetServer().listen(0, '127.0.0.1');
		await once(probe, 'listening');
		const {port} = probe.address() as AddressInfo;
		await new Promise(resolve => {
			probe.close(resolve);
		});
		const result = await runCli([`ws://127.0.0.1:${port}/`]);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /^wsterm: could not connect to ws:\/\/127\.0\.0\.1:\d+\/: connection refused/);
		assertNoStackTrace(result.stderr);
	});

	test('1: the handshake is answered with an HTTP status, which is shown', async () => {
		const server = await startServer({rejectWith: 403});
		try {
			const result = await runCli([server.url]);
			assert.equal(result.code, 1);
			assert.match(result.stderr, /answered HTTP 403/);
			assertNoStackTrace(result.stderr);
		} finally {
			await server.close();
		}
	});

	test('1: a plain HTTP server that is not a WebSocket endpoint', async () => {
		const http = createHttpServer((_request, response) => {
			response.end('hello');
		}).listen(0, '127.0.0.1');
		await once(http, 'listening');
		try {
			const {port} = http.address() as AddressInfo;
			const result = await runCli([`http://127.0.0.1:${port}/`]);
			assert.equal(result.code, 1);
			assert.match(result.stderr, /answered HTTP 200 OK instead of switching to WebSocket: this is not a WebSocket endpoint/);
			assertNoStackTrace(result.stderr);
		} finally {
			http.close();
		}
	});

	test('1: no answer within --connect-timeout', async () => {
		const sockets: Socket[] = [];
		const silent = createNetServer(socket => sockets.push(socket)).listen(0, '127.0.0.1');
		await once(silent, 'listening');
		try {
			const {port} = silent.address() as AddressInfo;
			const result = await runCli([`ws://127.0.0.1:${port}/`, '--connect-timeout', '0.3']);
			assert.equal(result.code, 1);
			assert.match(result.stderr, /no answer from 127\.0\.0\.1:\d+ within the connect timeout/);
			assertNoStackTrace(result.stderr);
		} finally {
			for (const socket of sockets) {
				socket.destroy();
			}

			silent.close();
		}
	});

	for (const [args, message] of [
		[['ftp://example.com'], /unsupported URL scheme "ftp:"/],
		[['ws://'], /not a valid URL|has no host/],
		[['ws://127.0.0.1:1', '--bogus'], /unknown option --bogus/],
		[['ws://127.0.0.1:1', '-H', 'no colon'], /bad header "no colon"/],
		[['ws://127.0.0.1:1', '-n', 'many'], /^wsterm: -n takes a whole number/],
		[['ws://127.0.0.1:1', '--count', 'many'], /^wsterm: --count takes a whole number/],
		[['ws://127.0.0.1:1', '-Z'], /^wsterm: unknown option -Z /],
		[['ws://127.0.0.1:1', '--no-check'], /^wsterm: --no-check does not apply to a client connection/],
		[['ws://127.0.0.1:1', '--no-chek'], /^wsterm: unknown option --no-chek /],
		[['ws://127.0.0.1:1', '-w', '-2'], /^wsterm: -w takes a number of at least 0, or -1 \(until the server closes\), not "-2"/],
		[['ws://127.0.0.1:1', '-x', '@'], /^wsterm: -x @: a file name is missing after @/],
		[['ws://127.0.0.1:1', '-x'], /^wsterm: -x needs a value/],
		[['ws://127.0.0.1:1', '--binary=yes'], /^wsterm: --binary takes no value/],
		[['ws://127.0.0.1:1', '--linger', '1', '-n', '1'], /^wsterm: --linger sets how long/],
		[['serve', '-n', '3'], /^wsterm: -n does not apply to wsterm serve/],
		[['ws://127.0.0.1:1', '--ca', '/nonexistent/ca.pem'], /cannot read \/nonexistent\/ca\.pem: no such file/],
		[['ws://127.0.0.1:1', '-X', 'POST'], /always a GET/],
		[['ws://127.0.0.1:1', '--port', '80'], /--port does not apply to a client connection/],
		[[], /a URL is needed/],
	] as const) {
		test(`2: ${args.join(' ') || 'no URL'} names the option as typed`, async () => {
			const result = await runCli(args);
			assert.equal(result.code, 2);
			assert.match(result.stderr, message);
			assert.equal(result.stderr.split('\n').filter(Boolean).length, 1);
			assertNoStackTrace(result.stderr);
		});
	}

	test('3: the server closes with another code; the code and reason are shown', async () => {
		const server = await startServer({
			onConnection(socket) {
				socket.close(4000, 'bye\u001B[31m');
			},
		});
		try {
			const result = await runCli([server.url, '-w', '-1'], {input: ''});
			assert.equal(result.code, 3);
			assert.equal(result.stderr, 'wsterm: server closed the connection with 4000: bye\\e[31m\n');
		} finally {
			await server.close();
		}
	});

	test('3: the connection drops', async () => {
		const server = await startServer({
			onConnection(socket) {
				setTimeout(() => socket.terminate(), 100);
			},
		});
		try {
			const result = await runCli([server.url, '-w', '-1']);
			assert.equal(result.code, 3);
			assert.match(result.stderr, /^wsterm: connection dropped \(1006 \(abnormal closure\)\)\n$/);
		} finally {
			await server.close();
		}
	});

	for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
		test(`${code}: ${signal} sends a close frame and flushes output first`, async () => {
			const closes: number[] = [];
			let connected: () => void = () => undefined;
			const ready = new Promise<void>(resolve => {
				connected = resolve;
			});
			const server = await startServer({
				onConnection(socket) {
					echo(socket);
					socket.on('message', () => connected());
					socket.on('close', code => closes.push(code));
				},
			});
			try {
				const run = startCli([server.url]);
				run.child.stdin!.write('before the signal\n');
				await ready;
				run.child.kill(signal);
				const result = await run.result;
				assert.equal(result.code, code);
				assert.equal(result.stdout, 'before the signal\n');
				assert.deepEqual(closes, [1000]);
				assert.equal(result.stderr, '');
			} finally {
				await server.close();
			}
		});
	}
});

describe('what reaches the server', () => {
	test('headers, cookies, origin, subprotocol, auth and user agent arrive as given', async () => {
		const server = await startServer({handleProtocols: protocols => protocols.has('two') ? 'two' : false});
		try {
			const result = await runCli([
				server.url,
				'-H', 'X-Api-Key: secret',
				'-H', 'X-Other:  spaced ',
				'-b', 'a=1',
				'-b', 'b=2',
				'-o', 'https://app.example',
				'-s', 'one',
				'-s', 'two',
				'-A', 'wsterm-test/1',
				'--auth', 'user:pa:ss',
				'-v',
			], {input: 'x\n'});
			assert.equal(result.code, 0);
			assert.match(result.stderr, /connected to .* \(subprotocol two\)/);
			const headers = server.requests[0]!.headers;
			assert.equal(headers['x-api-key'], 'secret');
			assert.equal(headers['x-other'], 'spaced');
			assert.equal(headers.cookie, 'a=1; b=2');
			assert.equal(headers.origin, 'https://app.example');
			assert.equal(headers['sec-websocket-protocol'], 'one,two');
			assert.equal(headers['user-agent'], 'wsterm-test/1');
			assert.equal(headers.authorization, `Basic ${Buffer.from('user:pa:ss').toString('base64')}`);
		} finally {
			await server.close();
		}
	});

	test('credentials in the URL become basic auth and are not shown', async () => {
		const server = await startServer();
		try {
			const url = server.url.replace('ws://', 'ws://me:hunter2@');
			const result = await runCli([url, '-v'], {input: ''});
			assert.equal(result.code, 0);
			assert.equal(server.requests[0]!.headers.authorization, `Basic ${Buffer.from('me:hunter2').toString('base64')}`);
			assert.doesNotMatch(result.stderr, /hunter2/);
			assert.match(result.stderr, /me:\*\*\*@/);
		} finally {
			await server.close();
		}
	});

	test('a DevTools "Copy as cURL" command runs with curl replaced by wsterm', async () => {
		const server = await startServer({handleProtocols: protocols => protocols.has('graphql-ws') ? 'graphql-ws' : false});
		try {
			const result = await runCli([
				server.url.replace('ws://', 'http://'),
				'-X', 'GET',
				'-H', 'Upgrade: websocket',
				'-H', 'Origin: https://devtools.example',
				'-H', 'Cache-Control: no-cache',
				'-H', 'Connection: Upgrade',
				'-H', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
				'-H', 'User-Agent: Mozilla/5.0',
				'-H', 'Sec-WebSocket-Version: 13',
				'-H', 'Sec-WebSocket-Protocol: graphql-ws',
				'-H', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits',
				'--compressed',
			], {input: 'hi\n'});
			assert.equal(result.code, 0);
			assert.equal(result.stdout, 'hi\n');
			assert.equal(result.stderr, 'wsterm: ignoring Upgrade, Connection, Sec-WebSocket-Key, Sec-WebSocket-Version, Sec-WebSocket-Extensions: ws makes these handshake headers itself\n');
			const headers = server.requests[0]!.headers;
			assert.equal(headers.origin, 'https://devtools.example');
			assert.equal(headers['user-agent'], 'Mozilla/5.0');
			assert.equal(headers['cache-control'], 'no-cache');
			assert.equal(headers['sec-websocket-protocol'], 'graphql-ws');
			assert.notEqual(headers['sec-websocket-key'], 'dGhlIHNhbXBsZSBub25jZQ==');
			// --compressed means --compress: the offer is ws's own.
			assert.match(headers['sec-websocket-extensions'] ?? '', /permessage-deflate/);
		} finally {
			await server.close();
		}
	});

	test('--reconnect reconnects after a drop and sends the -I messages on every connect', async () => {
		const initial = file('initial.txt', 'login\nsubscribe\n');
		const seen: string[][] = [];
		const server = await startServer({
			onConnection(socket) {
				const messages: string[] = [];
				seen.push(messages);
				const connectionNumber = seen.length;
				socket.on('message', data => {
					messages.push(data.toString());
					socket.send(data);
					if (connectionNumber === 1 && messages.length === 2) {
						// Drop the first connection once it has had the -I messages.
						socket.terminate();
					}
				});
			},
		});
		try {
			const result = await runCli([server.url, '--reconnect', '-I', initial, '-v', '-w', '2'], {input: '', timeout: 20_000});
			assert.equal(result.code, 0);
			assert.equal(seen.length, 2);
			assert.deepEqual(seen[0], ['login', 'subscribe']);
			assert.deepEqual(seen[1], ['login', 'subscribe']);
			assert.match(result.stderr, /connection lost \(1006 \(abnormal closure\)\); reconnecting/);
			assert.match(result.stderr, /reconnected to/);
		} finally {
			await server.close();
		}
	});
});

describe('TLS and proxies', () => {
	const certificate = makeCertificate();

	test('wss with an untrusted certificate is refused with a clear line, and works with -k or --ca', async () => {
		const server = await startServer({tls: {key: certificate.key, cert: certificate.cert}});
		try {
			const refused = await runCli([server.url], {input: 'x\n'});
			assert.equal(refused.code, 1);
			assert.match(refused.stderr, /TLS: .*self-signed certificate.*--ca FILE.*-k/);
			assertNoStackTrace(refused.stderr);

			const insecure = await runCli([server.url, '-k'], {input: 'x\n'});
			assert.equal(insecure.code, 0);
			assert.equal(insecure.stdout, 'x\n');

			const trusted = await runCli([server.url, '--ca', certificate.certPath], {input: 'y\n'});
			assert.equal(trusted.code, 0);
			assert.equal(trusted.stdout, 'y\n');
		} finally {
			await server.close();
		}
	});

	test('wss:// to a plain ws server says the server does not speak TLS', async () => {
		const server = await startServer();
		try {
			const result = await runCli([server.url.replace('ws://', 'wss://')]);
			assert.equal(result.code, 1);
			assert.match(result.stderr, /does not speak TLS \(try ws:\/\/ instead of wss:\/\/\)/);
		} finally {
			await server.close();
		}
	});

	test('through an HTTP CONNECT proxy, from --proxy and from HTTP_PROXY', async () => {
		const server = await startServer();
		const proxy = createProxy(createHttpServer());
		const tunnels: string[] = [];
		proxy.on('connect', (request: {url?: string}) => tunnels.push(request.url ?? ''));
		proxy.listen(0, '127.0.0.1');
		await once(proxy, 'listening');
		const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
		try {
			const viaFlag = await runCli([server.url, '--proxy', proxyUrl, '-v'], {input: 'proxied\n'});
			assert.equal(viaFlag.code, 0);
			assert.equal(viaFlag.stdout, 'proxied\n');
			assert.match(viaFlag.stderr, /through http:\/\/127\.0\.0\.1:\d+\//);

			const viaEnv = await runCli([server.url], {input: 'env\n', env: {HTTP_PROXY: proxyUrl, NO_PROXY: ''}});
			assert.equal(viaEnv.code, 0);
			assert.equal(viaEnv.stdout, 'env\n');

			const excluded = await runCli([server.url], {input: 'direct\n', env: {HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1'}});
			assert.equal(excluded.code, 0);
			assert.deepEqual(tunnels, [`127.0.0.1:${server.port}`, `127.0.0.1:${server.port}`]);
		} finally {
			proxy.close();
			await server.close();
		}
	});
});
