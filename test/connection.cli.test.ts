import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {once} from 'node:events';
import {createServer as createNetServer, type AddressInfo} from 'node:net';
import {describe, test} from 'node:test';
import {runCli, startCli} from './helpers/cli.js';
import {
	closedPort, startAcceptThenClose, startHalfCloser, startInvalidUtf8Peer, startOutagePeer, startRefusingProxy, startSilentPeer,
} from './helpers/peers.js';
import {startServer} from './helpers/servers.js';
import {makeCertificate} from './helpers/tls.js';
import {until} from './helpers/until.js';

/** The JSON records of a --jsonl run. */
function records(stdout: string): Array<Record<string, unknown>> {
	return stdout.split('\n').filter(Boolean).map(line => JSON.parse(line) as Record<string, unknown>);
}

function initialFile(text: string): string {
	const path = join(mkdtempSync(join(tmpdir(), 'wsterm-initial-')), 'initial.txt');
	writeFileSync(path, text);
	return path;
}

describe('connection lifecycle, as the CLI shows it', {concurrency: 2}, () => {
	test('--reconnect survives an outage: one line per failed attempt, -I sent again, exit 0', async () => {
		const peer = await startOutagePeer();
		try {
			const run = startCli([peer.url, '--reconnect', '-I', initialFile('hello\n'), '-n', '2'], {input: '', timeout: 30_000});
			let stderr = '';
			run.child.stderr!.on('data', (chunk: Buffer) => {
				stderr += chunk.toString();
			});
			await until(() => peer.received.length === 1);
			await peer.stop();
			await until(() => (stderr.match(/reconnect failed/g) ?? []).length >= 2);
			await peer.start();
			const result = await run.result;
			assert.equal(result.code, 0, result.stderr);
			assert.equal(result.stdout, 'hello\nhello\n');
			assert.deepEqual(peer.received, ['hello', 'hello']);
			assert.match(result.stderr, /connection lost \(1006 \(abnormal closure\)\); reconnecting/);
			assert.match(result.stderr, /reconnect failed: connection refused by 127\.0\.0\.1:\d+ \(is a server listening there\?\); reconnect attempt 2 in \d+\.\d s/);
			assert.doesNotMatch(result.stderr, /could not connect/);
		} finally {
			await peer.close();
		}
	});

	test('--max-retries N: exit 1 after N failed attempts, saying so', async () => {
		const peer = await startOutagePeer();
		try {
			const run = startCli([peer.url, '--reconnect', '--max-retries', '1', '-I', initialFile('hello\n'), '-w', '-1'], {input: ''});
			await until(() => peer.received.length === 1);
			await peer.stop();
			const result = await run.result;
			assert.equal(result.code, 1);
			assert.match(result.stderr, /could not connect to ws:\/\/127\.0\.0\.1:\d+\/: connection refused by .*; gave up after 1 reconnect attempt \(--max-retries\)\n$/);
		} finally {
			await peer.close();
		}
	});

	test('a server that accepts and closes at once: retried ever more slowly, then given up with --max-retries', async () => {
		const server = await startAcceptThenClose(4002);
		try {
			const start = Date.now();
			const result = await runCli([server.url, '--reconnect', '--max-retries', '3', '-w', '-1', '-v']);
			const delays = [...result.stderr.matchAll(/reconnect attempt \d+ in (\d+\.\d) s/g)].map(match => Number(match[1]));
			assert.equal(result.code, 3, result.stderr);
			assert.equal(server.requests.length, 4, 'the first connection and 3 retries');
			assert.equal(delays.length, 3);
			// Ceilings 0.5, 1 and 2 s, each delay between half and all of its ceiling.
			assert.ok(delays[2]! >= 1 && delays[2]! > delays[0]!, `delays ${delays.join(', ')}`);
			assert.ok(Date.now() - start >= 1750);
			assert.match(result.stderr, /server closed the connection with 4002: go away\n$/);
		} finally {
			await server.close();
		}
	});

	test('--max-retries needs --reconnect and a whole number', async () => {
		const alone = await runCli(['ws://127.0.0.1:9/', '--max-retries', '2']);
		assert.equal(alone.code, 2);
		assert.match(alone.stderr, /--max-retries needs --reconnect/);
		const bad = await runCli(['ws://127.0.0.1:9/', '--reconnect', '--max-retries', '1.5']);
		assert.equal(bad.code, 2);
	});

	test('a message over --max-payload: 1009 sent by wsterm (dir out), exit 3', async () => {
		const server = await startServer({
			onConnection(socket) {
				socket.send('x'.repeat(100));
			},
		});
		try {
			const result = await runCli([server.url, '--max-payload', '10', '--jsonl', '-w', '-1', '--close-timeout', '0.5']);
			assert.equal(result.code, 3);
			const close = records(result.stdout).find(record => record.type === 'close');
			assert.equal(close?.dir, 'out');
			assert.equal(close?.code, 1009);
			// One line says what happened (ws's own "Max payload size exceeded" only with -v).
			assert.match(result.stderr, /^wsterm: closed the connection with 1009 \(message too big\): a message was larger than --max-payload\n$/);
			assert.doesNotMatch(result.stderr, /1006|dropped/);
		} finally {
			await server.close();
		}
	});

	test('no pong in time: wsterm drops the connection and says why, exit 3', async () => {
		const peer = await startSilentPeer();
		try {
			const result = await runCli([peer.url, '--ping-interval', '0.2', '--jsonl', '-w', '-1']);
			assert.equal(result.code, 3);
			const close = records(result.stdout).find(record => record.type === 'close');
			assert.deepEqual([close?.dir, close?.code, close?.reason], ['out', 1006, 'no pong within 0.2 s']);
			assert.match(result.stderr, /dropped the connection: no pong within 0\.2 s/);
		} finally {
			await peer.close();
		}
	});

	test('a close frame without the TCP close ends the run within --close-timeout', async () => {
		const peer = await startHalfCloser(4001, 'half');
		try {
			const start = Date.now();
			const result = await runCli([peer.url, '-w', '-1', '--close-timeout', '0.3'], {timeout: 40_000});
			assert.ok(Date.now() - start < 10_000, `took ${Date.now() - start} ms`);
			assert.equal(result.code, 3);
			assert.match(result.stderr, /server closed the connection with 4001: half/);
		} finally {
			await peer.close();
		}
	});

	test('invalid UTF-8 from the server: 1007 sent by wsterm, exit 3, in bounded time', async () => {
		const peer = await startInvalidUtf8Peer();
		try {
			const start = Date.now();
			const result = await runCli([peer.url, '-w', '-1', '--jsonl', '--close-timeout', '0.3'], {timeout: 40_000});
			assert.ok(Date.now() - start < 10_000, `took ${Date.now() - start} ms`);
			assert.equal(result.code, 3);
			const close = records(result.stdout).find(record => record.type === 'close');
			assert.deepEqual([close?.dir, close?.code], ['out', 1007]);
			assert.match(result.stderr, /closed the connection with 1007 \(invalid payload data\): a text message was not valid UTF-8/);
		} finally {
			await peer.close();
		}
	});

	test('a close to a peer that never answers ends within --close-timeout, exit 0', async () => {
		const peer = await startSilentPeer();
		try {
			// What a run costs besides the close, on this machine now: one that fails at once.
			let start = Date.now();
			await runCli([`ws://127.0.0.1:${await closedPort()}/`, '-x', 'hi']);
			const overhead = Date.now() - start;
			start = Date.now();
			const result = await runCli([peer.url, '--close-timeout', '0.3', '--linger', '0'], {input: 'hello\n'});
			const elapsed = Date.now() - start - overhead;
			// The default close timeout is 5 s: well under it means --close-timeout bounded the close.
			assert.ok(elapsed < 3000, `took ${elapsed} ms more than a run that fails at once`);
			assert.equal(result.code, 0, result.stderr);
		} finally {
			await peer.close();
		}
	});

	test('--connect-timeout is one deadline for wss:// too (a peer that never answers TLS)', async () => {
		const peer = await startSilentPeer();
		try {
			// What a run costs besides the timeout, on this machine now: one that fails at once.
			let start = Date.now();
			await runCli([`wss://127.0.0.1:${await closedPort()}/`, '-x', 'hi']);
			const overhead = Date.now() - start;
			start = Date.now();
			const result = await runCli([`wss://127.0.0.1:${peer.port}/`, '-k', '--connect-timeout', '2', '-x', 'hi']);
			const elapsed = Date.now() - start - overhead;
			// Twice the timeout (4 s and more) before: ws's timer started again once TCP connected.
			assert.ok(elapsed < 3200, `took ${elapsed} ms more than a run that fails at once`);
			assert.equal(result.code, 1);
			assert.match(result.stderr, /no answer from 127\.0\.0\.1:\d+ within the connect timeout \(--connect-timeout 2\)/);
		} finally {
			await peer.close();
		}
	});

	test('TLS: a certificate for other names says the names it holds (not --ca, which cannot help)', async () => {
		const other = makeCertificate('DNS:example.test,DNS:www.example.test');
		const server = await startServer({tls: {key: other.key, cert: other.cert}});
		try {
			const result = await runCli([server.url, '--ca', other.certPath], {input: 'x\n'});
			assert.equal(result.code, 1);
			assert.equal(result.stderr, `wsterm: could not connect to ${server.url}: TLS: the certificate of 127.0.0.1:${server.port} is for example.test, www.example.test, not for 127.0.0.1 (connect with one of those names; -k skips every check)\n`);
		} finally {
			await server.close();
		}
	});

	for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
		test(`TLS (${maxVersion}): a server that requires a client certificate says --cert and --key, and takes them`, async () => {
			const certificate = makeCertificate();
			const server = await startServer({tls: {key: certificate.key, cert: certificate.cert, requestCert: true, rejectUnauthorized: true, ca: certificate.cert, maxVersion}});
			try {
				const refused = await runCli([server.url, '--ca', certificate.certPath], {input: 'x\n'});
				assert.equal(refused.code, 1);
				assert.match(refused.stderr, /^wsterm: could not connect to wss:\/\/127\.0\.0\.1:\d+\/: TLS: the server ended the handshake \(alert: [a-z ]+\): .*client certificate.*--cert FILE --key FILE.*\n$/);
				assert.doesNotMatch(refused.stderr, /--ca|SSL routines/);

				const accepted = await runCli([server.url, '--ca', certificate.certPath, '--cert', certificate.certPath, '--key', certificate.keyPath], {input: 'x\n'});
				assert.equal(accepted.code, 0, accepted.stderr);
				assert.equal(accepted.stdout, 'x\n');
			} finally {
				await server.close();
			}
		});
	}

	for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
		test(`TLS (${maxVersion}): a server that hangs up on a client certificate it does not trust says the certificate may be why`, async () => {
			const certificate = makeCertificate();
			const stranger = makeCertificate();
			const server = await startServer({tls: {key: certificate.key, cert: certificate.cert, requestCert: true, rejectUnauthorized: true, ca: certificate.cert, maxVersion}});
			try {
				const refused = await runCli([server.url, '--ca', certificate.certPath, '--cert', stranger.certPath, '--key', stranger.keyPath], {input: 'x\n'});
				assert.equal(refused.code, 1);
				assert.equal(refused.stderr, `wsterm: could not connect to ${server.url}: 127.0.0.1:${server.port} closed the connection during the handshake (it may not accept the client certificate given with --cert)\n`);
			} finally {
				await server.close();
			}
		});
	}

	test('ws:// to a TLS port says to try wss://: a server that hangs up, one that answers with a TLS alert', async () => {
		const certificate = makeCertificate();
		const server = await startServer({tls: {key: certificate.key, cert: certificate.cert}});
		// Answers whatever comes with a TLS alert record (protocol version), as some TLS servers do.
		const alerting = createNetServer(socket => {
			socket.on('error', () => undefined);
			socket.once('data', () => socket.end(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])));
		}).listen(0, '127.0.0.1');
		await once(alerting, 'listening');
		try {
			const hungUp = await runCli([server.url.replace('wss://', 'ws://')], {input: 'x\n'});
			assert.equal(hungUp.code, 1);
			assert.match(hungUp.stderr, /closed the connection during the handshake.*try wss:\/\//);

			const {port} = alerting.address() as AddressInfo;
			const alerted = await runCli([`ws://127.0.0.1:${port}/`], {input: 'x\n'});
			assert.equal(alerted.code, 1);
			assert.equal(alerted.stderr, `wsterm: could not connect to ws://127.0.0.1:${port}/: 127.0.0.1:${port} answered in TLS, not HTTP (try wss:// instead of ws://)\n`);
		} finally {
			await server.close();
			alerting.close();
		}
	});

	test('a refused proxy and a 502 to CONNECT are the proxy\'s, with no password shown', async () => {
		const port = await closedPort();
		const refused = await runCli(['ws://127.0.0.1:9/', '--proxy', `http://me:secret@127.0.0.1:${port}`, '-x', 'hi']);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, new RegExp(`connection refused by the proxy 127\\.0\\.0\\.1:${port}`));
		assert.doesNotMatch(refused.stderr, /secret|refused by 127\.0\.0\.1:9/);
		const proxy = await startRefusingProxy(502);
		try {
			const answered = await runCli(['ws://127.0.0.1:9/', '--proxy', proxy.url, '-x', 'hi']);
			assert.equal(answered.code, 1);
			assert.match(answered.stderr, /the proxy 127\.0\.0\.1:\d+ answered HTTP 502 Bad Gateway to CONNECT 127\.0\.0\.1:9/);
			assert.doesNotMatch(answered.stderr, /the server answered/);
		} finally {
			await proxy.close();
		}
	});

	test('bad -H values, non-PEM --ca, a wrong --passphrase are usage errors (exit 2), not TLS failures', async () => {
		const header = await runCli(['ws://127.0.0.1:9/', '-H', 'X-A: a\u0001b', '-x', 'hi']);
		assert.equal(header.code, 2);
		assert.match(header.stderr, /bad value for header X-A/);
		const {keyPath, certPath} = makeCertificate();
		const ca = await runCli(['wss://127.0.0.1:9/', '--ca', keyPath, '-x', 'hi']);
		assert.equal(ca.code, 2);
		assert.match(ca.stderr, /--ca .*: not a PEM certificate/);
		// No -k / --insecure hint (a temporary directory's name may hold "-k", as in wsterm-tls-kL63U7).
		assert.doesNotMatch(ca.stderr, /(?<![\w/-])-k\b|--insecure/);
		const mismatch = await runCli(['wss://127.0.0.1:9/', '--cert', certPath, '--key', makeCertificate().keyPath, '-x', 'hi']);
		assert.equal(mismatch.code, 2);
		assert.match(mismatch.stderr, /do not belong together/);
	});

	test('non-ASCII header values reach the server as their UTF-8 bytes, Latin-1 and CJK alike (-H, -o, -A, -b)', async () => {
		const server = await startServer();
		try {
			const result = await runCli([server.url, '-H', 'X-Name: Zoë', '-H', 'X-City: 東京', '-o', 'https://zoë.example', '-A', 'wsterm Zoë', '-b', 'name=Zoë'], {input: 'x\n'});
			assert.equal(result.stderr, '');
			assert.equal(result.code, 0);
			// Node's server reads header bytes as Latin-1: each byte one character.
			const bytes = (name: string): string => Buffer.from(String(server.requests[0]!.headers[name]), 'latin1').toString('utf8');
			assert.equal(bytes('x-name'), 'Zoë');
			assert.equal(bytes('x-city'), '東京');
			assert.equal(bytes('origin'), 'https://zoë.example');
			assert.equal(bytes('user-agent'), 'wsterm Zoë');
			assert.equal(bytes('cookie'), 'name=Zoë');
		} finally {
			await server.close();
		}
	});

	test('-s and a server that picks no subprotocol: connected, -v says none was chosen; one not offered fails', async () => {
		const none = await startServer({handleProtocols: () => false});
		const other = await startServer({handleProtocols: () => 'other'});
		try {
			const connected = await runCli([none.url, '-s', 'chat', '-s', 'superchat', '-v'], {input: 'x\n'});
			assert.equal(connected.code, 0, connected.stderr);
			assert.equal(connected.stdout, 'x\n');
			assert.match(connected.stderr, /wsterm: connected to ws:\/\/127\.0\.0\.1:\d+\/ \(no subprotocol: the server chose none of chat, superchat\)\n/);
			assert.equal(none.requests[0]!.headers['sec-websocket-protocol'], 'chat,superchat');

			const refused = await runCli([other.url, '-s', 'chat'], {input: 'x\n'});
			assert.equal(refused.code, 1);
			assert.equal(refused.stderr, `wsterm: could not connect to ${other.url}: handshake failed: the server chose subprotocol "other", which was not offered (-s chat)\n`);
		} finally {
			await none.close();
			await other.close();
		}
	});

	test('credentials never appear in an error line', async () => {
		for (const url of ['wss//me:secret@host/', 'ftp://me:secret@host/', 'ws://me:secret@[bad']) {
			const result = await runCli([url, '-x', 'hi']);
			assert.equal(result.code, 2);
			assert.doesNotMatch(result.stderr, /secret/);
			assert.match(result.stderr, /me:\*\*\*@/);
		}
	});
});
