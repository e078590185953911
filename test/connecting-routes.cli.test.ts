/*
Reaching a server by another way than the URL's host and port: --unix-socket, --resolve and
--connect-to, in the client, wsterm replay and wsterm bench, against servers of another library
(ws's WebSocketServer on Node's http and https servers); and wsterm serve --unix-socket.
*/
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, statSync, writeFileSync} from 'node:fs';
import {createServer as createHttpServer, type IncomingMessage, type Server} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import {WebSocketServer} from 'ws';
import {runBenchCli} from './helpers/bench-cli.js';
import {cliPath, runCli} from './helpers/cli.js';
import {makeCertificate} from './helpers/tls.js';
import {within} from './helpers/serve-clients.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-routes-'));

/** What the server saw of a handshake. */
type Seen = {readonly host: string | undefined; readonly path: string | undefined};

type Peer = {
	readonly seen: Seen[];
	readonly port: number;
	close(): Promise<void>;
};

/** An echo server of ws's own on `server`, listening on `where` (a socket path, or a port on 127.0.0.1). */
async function startPeer(server: Server, where: string | number): Promise<Peer> {
	const seen: Seen[] = [];
	const wss = new WebSocketServer({server});
	wss.on('connection', (socket, request: IncomingMessage) => {
		seen.push({host: request.headers.host, path: request.url});
		socket.on('message', (data, isBinary) => {
			socket.send(data, {binary: isBinary});
		});
	});
	if (typeof where === 'string') {
		server.listen(where);
	} else {
		server.listen(where, '127.0.0.1');
	}

	await once(server, 'listening');
	const port = typeof where === 'string' ? 0 : (server.address() as AddressInfo).port;
	return {
		seen,
		port,
		async close() {
			for (const client of wss.clients) {
				client.terminate();
			}

			await new Promise(resolve => {
				server.close(resolve);
			});
		},
	};
}

const certificate = makeCertificate('DNS:api.invalid.test,DNS:localhost');
let socketCount = 0;
const socketPath = (): string => join(temporary, `peer-${++socketCount}.sock`);

const open: Peer[] = [];
after(async () => {
	await Promise.all(open.map(async peer => peer.close()));
});

async function peer(tls: boolean, where: string | number): Promise<Peer> {
	const server = tls ? createHttpsServer({cert: certificate.cert, key: certificate.key}) : createHttpServer();
	const started = await startPeer(server, where);
	open.push(started);
	return started;
}

describe('--unix-socket', {concurrency: 2}, () => {
	test('ws:// through a unix socket: the URL gives the Host header and the path', async () => {
		const path = socketPath();
		const server = await peer(false, path);
		const result = await runCli(['--unix-socket', path, 'ws://app.local/chat?room=1', '-v'], {input: 'hello\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, 'hello\n');
		assert.deepEqual(server.seen, [{host: 'app.local', path: '/chat?room=1'}]);
		assert.match(result.stderr, new RegExp(`connecting to ws://app\\.local/chat\\?room=1 via unix ${path.replaceAll('.', '\\.')}\\n`));
	});

	test('wss:// through a unix socket: TLS over the socket, the certificate checked for the URL\'s host', async () => {
		const path = socketPath();
		const server = await peer(true, path);
		const trusted = await runCli(['--unix-socket', path, 'wss://api.invalid.test/', '--ca', certificate.certPath], {input: 'over tls\n'});
		assert.equal(trusted.code, 0, trusted.stderr);
		assert.equal(trusted.stdout, 'over tls\n');
		assert.deepEqual(server.seen, [{host: 'api.invalid.test', path: '/'}]);
		const otherName = await runCli(['--unix-socket', path, 'wss://other.test/', '--ca', certificate.certPath], {input: 'x\n'});
		assert.equal(otherName.code, 1);
		assert.match(otherName.stderr, /is for api\.invalid\.test, localhost, not for other\.test/);
	});

	test('no socket at the path: one line saying so, exit 1', async () => {
		const missing = await runCli(['--unix-socket', join(temporary, 'none.sock'), 'ws://localhost/'], {input: ''});
		assert.equal(missing.code, 1);
		assert.equal(missing.stderr, `wsterm: could not connect to ws://localhost/: no socket at ${join(temporary, 'none.sock')} (--unix-socket: is the server running?)\n`);
	});

	test('wsterm replay and wsterm bench through --unix-socket', async () => {
		const path = socketPath();
		const server = await peer(false, path);
		const file = join(temporary, 'conversation.jsonl');
		writeFileSync(file, '{"dir":"out","data":"one"}\n{"dir":"in","data":"one"}\n');
		const replay = await runCli(['replay', file, 'ws://replay.local/r', '--unix-socket', path, '--check', '-v'], {timeout: 20_000});
		assert.equal(replay.code, 0, replay.stderr);
		assert.match(replay.stderr, new RegExp(`^wsterm: connected to ws://replay\\.local/r via unix ${path.replaceAll('.', '\\.')}; replaying 1 message`, 'm'));
		assert.match(replay.stderr, /^wsterm: check passed: 1 message as recorded$/m);
		const bench = await runBenchCli(['ws://bench.local/b', '--unix-socket', path, '-c', '2', '-m', '20', '-x', 'ping', '--json']);
		assert.equal(bench.code, 0, bench.stderr);
		const report = JSON.parse(bench.stdout) as {connections: number; connectFailures: number; answered: number};
		assert.deepEqual([report.connections, report.connectFailures, report.answered], [2, 0, 20], bench.stdout);
		assert.ok(server.seen.some(entry => entry.host === 'replay.local' && entry.path === '/r'));
		assert.equal(server.seen.filter(entry => entry.host === 'bench.local').length, 2);
	});

	test('with --proxy: a usage error naming both', async () => {
		const result = await runCli(['--unix-socket', '/tmp/x.sock', '--proxy', 'http://127.0.0.1:1', 'ws://localhost/'], {input: ''});
		assert.equal(result.code, 2);
		assert.match(result.stderr, /^wsterm: --unix-socket and --proxy do not go together/);
	});
});

describe('--resolve and --connect-to', {concurrency: 2}, () => {
	test('--resolve: a name that does not resolve here reaches 127.0.0.1, Host says the name', async () => {
		const server = await peer(false, 0);
		const url = `ws://api.invalid.test:${server.port}/feed`;
		const result = await runCli([url, '--resolve', `api.invalid.test:${server.port}:127.0.0.1`, '-v'], {input: 'hi\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, 'hi\n');
		assert.deepEqual(server.seen, [{host: `api.invalid.test:${server.port}`, path: '/feed'}]);
		assert.match(result.stderr, /via 127\.0\.0\.1 \(--resolve\)/);
		// Another port is not redirected: the name is looked up, and is not found.
		const otherPort = await runCli([url, '--resolve', `api.invalid.test:1:127.0.0.1`], {input: ''});
		assert.equal(otherPort.code, 1);
		assert.match(otherPort.stderr, /host not found: api\.invalid\.test/);
		// Refused at the address --connect-to chose: that address is named, and the flag.
		const refused = await runCli([url, '--connect-to', `api.invalid.test:${server.port}:127.0.0.1:1`], {input: ''});
		assert.equal(refused.code, 1);
		assert.equal(refused.stderr, `wsterm: could not connect to ${url}: connection refused by 127.0.0.1:1 (for api.invalid.test:${server.port} by --connect-to; is a server listening there?)\n`);
	});

	test('--resolve with wss://: SNI and the certificate check use the URL\'s name', async () => {
		const server = await peer(true, 0);
		const result = await runCli([`wss://api.invalid.test:${server.port}/`, '--resolve', `api.invalid.test:${server.port}:127.0.0.1`, '--ca', certificate.certPath], {input: 'secure\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, 'secure\n');
		assert.deepEqual(server.seen, [{host: `api.invalid.test:${server.port}`, path: '/'}]);
	});

	test('--connect-to: empty parts match any host (or keep the URL\'s); bench takes it too', async () => {
		const server = await peer(false, 0);
		const result = await runCli(['ws://api.invalid.test:9/', '--connect-to', `::127.0.0.1:${server.port}`], {input: 'to\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, 'to\n');
		assert.deepEqual(server.seen, [{host: 'api.invalid.test:9', path: '/'}]);
		const bench = await runBenchCli(['ws://api.invalid.test:9/', '--connect-to', `api.invalid.test:9:127.0.0.1:${server.port}`, '-m', '5', '-x', 'ping', '--json']);
		assert.equal(bench.code, 0, bench.stderr);
	});

	test('malformed values are usage errors naming the flag', async () => {
		for (const [flag, value, message] of [
			['--resolve', 'api.test:443', /^wsterm: --resolve api\.test:443: write it as HOST:PORT:ADDRESS/],
			['--resolve', 'api.test:443:not-an-address', /^wsterm: --resolve api\.test:443:not-an-address: "not-an-address" is not an IP address/],
			['--resolve', 'api.test:99999:127.0.0.1', /^wsterm: --resolve api\.test:99999:127\.0\.0\.1: "99999" is not a port/],
			['--connect-to', 'a:b:c', /^wsterm: --connect-to a:b:c: write it as HOST:PORT:HOST2:PORT2/],
		] as const) {
			const result = await runCli(['ws://api.test/', flag, value], {input: ''});
			assert.equal(result.code, 2, `${flag} ${value}: ${result.stderr}`);
			assert.match(result.stderr, message);
			assert.equal(result.stderr.split('\n').filter(Boolean).length, 1);
		}
	});
});

/** `wsterm serve ARGS` from the built CLI, with its first stdout line once it printed it. */
async function startServe(args: readonly string[]) {
	const child = spawn(process.execPath, [cliPath, 'serve', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const exit = new Promise<number | null>(resolve => {
		child.on('exit', code => {
			resolve(code);
		});
	});
	const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
	void exit.then(() => {
		clearTimeout(killer);
	});
	const firstLine = await within(10_000, 'the first line', new Promise<string>(resolve => {
		let stdout = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			if (stdout.includes('\n')) {
				resolve(stdout.split('\n', 1)[0]!);
			}
		});
		child.on('exit', () => {
			resolve(stdout);
		});
	}));
	return {child, firstLine, exit, stderr: () => stderr};
}

describe('wsterm serve --unix-socket', {concurrency: 1}, () => {
	test('prints ws+unix:PATH:/, makes the socket 0600, serves wsterm and ws clients, and removes it on exit', async () => {
		const path = socketPath();
		const server = await startServe(['--unix-socket', path]);
		assert.equal(server.firstLine, `ws+unix:${path}:/`);
		assert.equal(statSync(path).mode & 0o777, 0o600);
		// The printed URL works as it is, and as --unix-socket with a ws:// URL.
		const byUrl = await runCli([server.firstLine], {input: 'by url\n'});
		assert.equal(byUrl.code, 0, byUrl.stderr);
		assert.equal(byUrl.stdout, 'by url\n');
		const byFlag = await runCli(['--unix-socket', path, 'ws://localhost/'], {input: 'by flag\n'});
		assert.equal(byFlag.stdout, 'by flag\n', byFlag.stderr);
		// A second server on the same socket: refused while the first lives.
		const second = await runCli(['serve', '--unix-socket', path]);
		assert.equal(second.code, 1);
		assert.equal(second.stderr, `wsterm: cannot listen on ${path}: a server is listening on it already\n`);
		server.child.kill('SIGTERM');
		assert.equal(await server.exit, 0, server.stderr());
		// Its clients have no address: the log says where they came from.
		assert.match(server.stderr(), /^#1 open: from unix socket, /m);
		assert.equal(existsSync(path), false, 'the socket file is gone');
	});

	test('a stale socket file (its server was killed) is replaced; --unix-mode 660', async () => {
		const path = socketPath();
		const killed = await startServe(['--unix-socket', path]);
		killed.child.kill('SIGKILL');
		await killed.exit;
		assert.equal(statSync(path).isSocket(), true, 'the killed server left its socket');
		const server = await startServe(['--unix-socket', path, '--unix-mode', '660']);
		assert.equal(server.firstLine, `ws+unix:${path}:/`, server.stderr());
		assert.equal(statSync(path).mode & 0o777, 0o660);
		const result = await runCli(['--unix-socket', path, 'ws://localhost/'], {input: 'again\n'});
		assert.equal(result.stdout, 'again\n', result.stderr);
		server.child.kill('SIGINT');
		assert.equal(await server.exit, 0);
		assert.equal(existsSync(path), false);
	});

	test('usage errors: --unix-mode alone or not octal, --port with --unix-socket', async () => {
		for (const [args, message] of [
			[['--unix-mode', '600'], /^wsterm: --unix-mode goes with --unix-socket\n$/],
			[['--unix-socket', join(temporary, 'x.sock'), '--unix-mode', '999'], /^wsterm: --unix-mode takes permission bits in octal such as 600 or 660, not "999"\n$/],
			[['--unix-socket', join(temporary, 'x.sock'), '--port', '0'], /^wsterm: --port does not apply with --unix-socket/],
		] as const) {
			const result = await runCli(['serve', ...args]);
			assert.equal(result.code, 2, result.stderr);
			assert.match(result.stderr, message);
		}
	});

	test('a socket in a directory that does not exist: one line says so, exit 1', async () => {
		const path = join(temporary, 'no-such-directory', 's.sock');
		const result = await runCli(['serve', '--unix-socket', path]);
		assert.equal(result.code, 1);
		assert.equal(result.stderr, `wsterm: cannot listen on ${path}: its directory does not exist\n`);
	});
});
