import assert from 'node:assert/strict';
import {type ChildProcess, spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {runBenchCli} from './helpers/bench-cli.js';
import {runCli} from './helpers/cli.js';
import {packagesLoaded} from './helpers/packages-loaded.js';
import {closedPort} from './helpers/peers.js';
import {proxyOnlyHost, startHttpProxy, startHttpsProxy, startSocks4Proxy, startSocks5Proxy, type TestProxy} from './helpers/proxies.js';
import {echo, startServer, type TestServer} from './helpers/servers.js';
import {makeCertificate} from './helpers/tls.js';

/*
Reaching a server through a proxy, as the built CLI does it: SOCKS5 (with and without a user and
password, names resolved by the proxy with socks5h://), SOCKS4a, an HTTPS proxy with its own
certificate, the proxy variables of the environment, in pipe mode, wsterm replay and wsterm bench.
*/

const secret = 'pa55-word-never-shown';

describe('connecting through proxies', () => {
	let server: TestServer;
	let socks: TestProxy;
	let socksWithAuth: TestProxy;
	before(async () => {
		server = await startServer({onConnection: echo});
		socks = await startSocks5Proxy();
		socksWithAuth = await startSocks5Proxy({username: 'me', password: secret});
	});
	after(async () => {
		await Promise.all([server.close(), socks.close(), socksWithAuth.close()]);
	});

	const onlyTheProxy = (): string => `ws://${proxyOnlyHost}:${server.port}/`;
	const socks5h = (proxy: TestProxy): string => proxy.url.replace('socks5:', 'socks5h:');

	test('socks5:// sends the address, socks5h:// the name, which only the proxy can resolve', async () => {
		const direct = await runCli([server.url, '--proxy', socks.url, '-x', 'via socks5', '-v']);
		assert.equal(direct.code, 0, direct.stderr);
		assert.equal(direct.stdout, 'via socks5\n');
		assert.match(direct.stderr, new RegExp(`through socks5://127\\.0\\.0\\.1:${socks.port}`));
		assert.ok(socks.destinations.includes(`127.0.0.1:${server.port}`), socks.destinations.join());

		const remote = await runCli([onlyTheProxy(), '--proxy', socks5h(socks), '-x', 'by name']);
		assert.equal(remote.code, 0, remote.stderr);
		assert.equal(remote.stdout, 'by name\n');
		assert.ok(socks.destinations.includes(`${proxyOnlyHost}:${server.port}`), socks.destinations.join());

		const local = await runCli([onlyTheProxy(), '--proxy', socks.url, '-x', 'by name']);
		assert.equal(local.code, 1);
		assert.match(local.stderr, new RegExp(`^wsterm: could not connect to \\S+: host not found: ${proxyOnlyHost.replaceAll('.', '\\.')} \\(.*socks5h://.*\\)\\n$`));
	});

	test('a SOCKS5 user and password (RFC 1929); a wrong or missing one is one line, never the password', async () => {
		const good = await runCli([onlyTheProxy(), '--proxy', socks5h(socksWithAuth), '-x', 'authenticated', '-v']);
		assert.equal(good.code, 0, good.stderr);
		assert.equal(good.stdout, 'authenticated\n');
		assert.ok(!good.stderr.includes(secret), good.stderr);
		assert.match(good.stderr, /through socks5h:\/\/me:\*\*\*@127\.0\.0\.1:\d+/);

		const wrongPassword = `wrong-${secret}`;
		const wrong = await runCli([server.url, '--proxy', `socks5h://me:${wrongPassword}@127.0.0.1:${socksWithAuth.port}`, '-x', 'hi', '-v']);
		assert.equal(wrong.code, 1);
		assert.equal(wrong.stdout, '');
		assert.ok(!`${wrong.stdout}${wrong.stderr}`.includes(wrongPassword), wrong.stderr);
		assert.match(wrong.stderr, new RegExp(`\nwsterm: could not connect to \\S+: the SOCKS5 proxy 127\\.0\\.0\\.1:${socksWithAuth.port} refused the user name and password of the proxy URL\\n$`));

		const missing = await runCli([server.url, '--proxy', `socks5://127.0.0.1:${socksWithAuth.port}`, '-x', 'hi']);
		assert.equal(missing.code, 1);
		assert.equal(missing.stderr, `wsterm: could not connect to ${server.url}: the SOCKS5 proxy 127.0.0.1:${socksWithAuth.port} accepts none of the authentication methods offered: put user:password@ in the proxy URL\n`);
	});

	test('the SOCKS reply to CONNECT is named, and a refused proxy is the proxy\'s', async () => {
		const closed = await closedPort();
		const refused = await runCli([`ws://127.0.0.1:${closed}/`, '--proxy', socks.url, '-x', 'hi']);
		assert.equal(refused.code, 1);
		assert.equal(refused.stderr, `wsterm: could not connect to ws://127.0.0.1:${closed}/: the SOCKS5 proxy 127.0.0.1:${socks.port} answered "connection refused" to CONNECT 127.0.0.1:${closed}\n`);

		const noProxy = await runCli([server.url, '--proxy', `socks5h://me:${secret}@127.0.0.1:${closed}`, '-x', 'hi']);
		assert.equal(noProxy.code, 1);
		assert.equal(noProxy.stderr, `wsterm: could not connect to ${server.url}: connection refused by the SOCKS5 proxy 127.0.0.1:${closed} (check --proxy and ALL_PROXY)\n`);
	});

	test('socks4a:// sends the name, socks4:// the address', async () => {
		const socks4 = await startSocks4Proxy();
		try {
			const remote = await runCli([onlyTheProxy(), '--proxy', socks4.url, '-x', 'socks4a']);
			assert.equal(remote.code, 0, remote.stderr);
			assert.equal(remote.stdout, 'socks4a\n');
			const local = await runCli([server.url, '--proxy', socks4.url.replace('socks4a:', 'socks4:'), '-x', 'socks4']);
			assert.equal(local.code, 0, local.stderr);
			assert.equal(local.stdout, 'socks4\n');
			assert.deepEqual(socks4.destinations, [`${proxyOnlyHost}:${server.port}`, `127.0.0.1:${server.port}`]);
		} finally {
			await socks4.close();
		}
	});

	test('ALL_PROXY below HTTP_PROXY for ws://, NO_PROXY above both, lower case before upper case', async () => {
		const viaAll = await runCli([onlyTheProxy(), '-x', 'all'], {env: {ALL_PROXY: socks5h(socks), NO_PROXY: ''}});
		assert.equal(viaAll.code, 0, viaAll.stderr);
		assert.equal(viaAll.stdout, 'all\n');

		// http_proxy names a proxy that is not there: it is the one tried, ALL_PROXY is not.
		const closed = await closedPort();
		const schemeFirst = await runCli([server.url, '-x', 'x'], {env: {http_proxy: `socks5://127.0.0.1:${closed}`, ALL_PROXY: socks.url, NO_PROXY: ''}});
		assert.equal(schemeFirst.code, 1);
		assert.match(schemeFirst.stderr, new RegExp(`connection refused by the SOCKS5 proxy 127\\.0\\.0\\.1:${closed}`));

		const excluded = await runCli([server.url, '-x', 'direct'], {env: {ALL_PROXY: `socks5://127.0.0.1:${closed}`, no_proxy: 'localhost,127.0.0.0/8'}});
		assert.equal(excluded.code, 0, excluded.stderr);
		assert.equal(excluded.stdout, 'direct\n');
	});

	test('wsterm replay and wsterm bench go through the same proxy', async () => {
		const recording = join(mkdtempSync(join(tmpdir(), 'wsterm-proxy-')), 'talk.jsonl');
		const recorded = await runCli([onlyTheProxy(), '--proxy', socks5h(socks), '--record', recording], {input: 'one\ntwo\n'});
		assert.equal(recorded.code, 0, recorded.stderr);
		const replayed = await runCli(['replay', recording, '--proxy', socks5h(socks), '--check']);
		assert.equal(replayed.code, 0, replayed.stderr);
		const unreachable = await runCli(['replay', recording, '--check']);
		assert.equal(unreachable.code, 1);

		const bench = await runBenchCli([onlyTheProxy(), '--proxy', socks5h(socksWithAuth), '-c', '2', '-m', '20', '-x', 'ping', '--json']);
		assert.equal(bench.code, 0, bench.stderr);
		assert.equal((JSON.parse(bench.stdout) as {answered: number}).answered, 20);
		const refused = await runBenchCli([server.url, '--proxy', `socks5h://me:wrong@127.0.0.1:${socksWithAuth.port}`, '-m', '5', '-x', 'ping']);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /refused the user name and password/);
		assert.ok(!refused.stderr.includes('wrong'), refused.stderr);
	});

	test('wss:// through SOCKS: a TLS problem after the tunnel is the server\'s, not the proxy\'s', async () => {
		const certificate = makeCertificate(`DNS:${proxyOnlyHost}`);
		const tlsServer = await startServer({tls: {key: certificate.key, cert: certificate.cert}, onConnection: echo});
		try {
			const url = `wss://${proxyOnlyHost}:${tlsServer.port}/`;
			const trusted = await runCli([url, '--proxy', socks5h(socks), '--ca', certificate.certPath, '-x', 'secure']);
			assert.equal(trusted.code, 0, trusted.stderr);
			assert.equal(trusted.stdout, 'secure\n');
			const untrusted = await runCli([url, '--proxy', socks5h(socks), '-x', 'secure']);
			assert.equal(untrusted.code, 1);
			assert.match(untrusted.stderr, /^wsterm: could not connect to wss:\/\/\S+: TLS: .*--ca FILE/);
		} finally {
			await tlsServer.close();
		}
	});

	test('a proxy costs nothing when none is used: the SOCKS package is loaded for a SOCKS proxy only', async () => {
		const plain = await packagesLoaded([server.url, '-n', '1'], 'hi\n');
		assert.ok(!plain.includes('socks-proxy-agent') && !plain.includes('https-proxy-agent'), plain.join());
		const viaSocks = await packagesLoaded([server.url, '-n', '1', '--proxy', socks.url], 'hi\n');
		assert.ok(viaSocks.includes('socks-proxy-agent'), viaSocks.join());
		assert.ok(!viaSocks.includes('https-proxy-agent'), viaSocks.join());
	});
});

describe('an https:// proxy', () => {
	const certificate = makeCertificate();
	let server: TestServer;
	let proxy: Awaited<ReturnType<typeof startHttpsProxy>>;
	before(async () => {
		server = await startServer({onConnection: echo});
		proxy = await startHttpsProxy(certificate, `me:${secret}`);
	});
	after(async () => {
		await Promise.all([server.close(), proxy.close()]);
	});

	const withAuth = (password: string): string => proxy.url.replace('https://', `https://me:${password}@`);

	test('TLS to the proxy, checked with --proxy-ca or not with --proxy-insecure, then CONNECT with Proxy-Authorization', async () => {
		const trusted = await runCli([server.url, '--proxy', withAuth(secret), '--proxy-ca', certificate.certPath, '-x', 'tls proxy', '-v']);
		assert.equal(trusted.code, 0, trusted.stderr);
		assert.equal(trusted.stdout, 'tls proxy\n');
		assert.ok(!trusted.stderr.includes(secret), trusted.stderr);
		assert.equal(proxy.authorizations.at(-1), `Basic ${Buffer.from(`me:${secret}`).toString('base64')}`);

		const insecure = await runCli([server.url, '--proxy', withAuth(secret), '--proxy-insecure', '-x', 'insecure']);
		assert.equal(insecure.code, 0, insecure.stderr);
		assert.equal(insecure.stdout, 'insecure\n');

		const unchecked = await runCli([server.url, '--proxy', withAuth(secret), '-x', 'hi']);
		assert.equal(unchecked.code, 1);
		assert.match(unchecked.stderr, new RegExp(`^wsterm: could not connect to \\S+: TLS to the proxy 127\\.0\\.0\\.1:${proxy.port}: .*--proxy-ca FILE.*--proxy-insecure\\n$`));
	});

	test('a wrong proxy password is the proxy\'s 407, never printed', async () => {
		const wrongPassword = `not-${secret}`;
		const wrong = await runCli([server.url, '--proxy', withAuth(wrongPassword), '--proxy-ca', certificate.certPath, '-x', 'hi', '-v']);
		assert.equal(wrong.code, 1);
		assert.match(wrong.stderr, new RegExp(`the proxy 127\\.0\\.0\\.1:${proxy.port} answered HTTP 407 .*credentials`));
		assert.ok(!`${wrong.stdout}${wrong.stderr}`.includes(wrongPassword), wrong.stderr);
		assert.ok(!wrong.stderr.includes(Buffer.from(`me:${wrongPassword}`).toString('base64')), wrong.stderr);
	});
});

describe('the server\'s certificate beyond the tunnel, for a URL whose host is an IP address', () => {
	// The proxy does not change the name checked: a certificate for localhost only is not one for 127.0.0.1.
	const localhostOnly = makeCertificate('DNS:localhost');
	const forTheAddress = makeCertificate('IP:127.0.0.1');
	const proxyCertificate = makeCertificate();
	let wrongName: TestServer;
	let rightName: TestServer;
	let proxies: Array<{readonly kind: string; readonly args: readonly string[]; readonly proxy: TestProxy}>;
	before(async () => {
		wrongName = await startServer({tls: {key: localhostOnly.key, cert: localhostOnly.cert}, onConnection: echo});
		rightName = await startServer({tls: {key: forTheAddress.key, cert: forTheAddress.cert}, onConnection: echo});
		const [http, https, socks] = await Promise.all([startHttpProxy(), startHttpsProxy(proxyCertificate), startSocks5Proxy()]);
		proxies = [
			{kind: 'HTTP CONNECT', args: ['--proxy', http.url], proxy: http},
			{kind: 'HTTPS', args: ['--proxy', https.url, '--proxy-ca', proxyCertificate.certPath], proxy: https},
			{kind: 'SOCKS5', args: ['--proxy', socks.url], proxy: socks},
			{kind: 'SOCKS5h', args: ['--proxy', socks.url.replace('socks5:', 'socks5h:')], proxy: socks},
		];
	});
	after(async () => {
		await Promise.all([wrongName.close(), rightName.close(), ...[...new Set(proxies.map(({proxy}) => proxy))].map(async proxy => proxy.close())]);
	});

	const mismatch = (port: number): RegExp => new RegExp(`^wsterm: could not connect to wss://127\\.0\\.0\\.1:${port}/: TLS: the certificate of .* is for localhost, not for 127\\.0\\.0\\.1 \\(`);

	test('a certificate for another name is refused through every kind of proxy, one for the address accepted', async () => {
		// Every kind is tried before the one comparison, so that a failure names each kind that fails.
		const outcomes = await Promise.all(proxies.map(async ({kind, args}) => {
			const refused = await runCli([`wss://127.0.0.1:${wrongName.port}/`, ...args, '--ca', localhostOnly.certPath, '-x', 'hi']);
			const accepted = await runCli([`wss://127.0.0.1:${rightName.port}/`, ...args, '--ca', forTheAddress.certPath, '-x', 'hi']);
			return {
				kind,
				refused: [refused.code, refused.stdout, mismatch(wrongName.port).test(refused.stderr) ? 'name mismatch' : refused.stderr],
				accepted: [accepted.code, accepted.stdout, accepted.stderr],
			};
		}));
		assert.deepEqual(outcomes, proxies.map(({kind}) => ({kind, refused: [1, '', 'name mismatch'], accepted: [0, 'hi\n', '']})));
		for (const {kind, proxy} of proxies) {
			assert.ok(proxy.destinations.includes(`127.0.0.1:${wrongName.port}`), `${kind}: ${proxy.destinations.join()}`);
		}
	});

	test('wsterm replay and wsterm bench check it the same way', async () => {
		const [, https] = proxies;
		const recording = join(mkdtempSync(join(tmpdir(), 'wsterm-proxy-')), 'talk.jsonl');
		const recorded = await runCli([`wss://127.0.0.1:${wrongName.port}/`, '-k', '--record', recording], {input: 'one\n'});
		assert.equal(recorded.code, 0, recorded.stderr);
		for (const {kind, args} of [proxies[0]!, https!, proxies[3]!]) {
			const replayed = await runCli(['replay', recording, ...args, '--ca', localhostOnly.certPath, '--check']);
			assert.equal(replayed.code, 1, `${kind}: ${replayed.stderr}`);
			assert.match(replayed.stderr, /is for localhost, not for 127\.0\.0\.1 /, kind);

			const bench = await runBenchCli([`wss://127.0.0.1:${wrongName.port}/`, ...args, '--ca', localhostOnly.certPath, '-m', '2', '-x', 'ping']);
			assert.equal(bench.code, 1, `${kind}: ${bench.stderr}`);
			assert.match(bench.stderr, /is for localhost, not for 127\.0\.0\.1 /, kind);
		}
	});
});

// The recipe of docs/connecting.md, tried for real where mitmproxy is installed (apt-get install mitmproxy).
const mitmdumpInstalled = spawnSync('mitmdump', ['--version'], {stdio: 'ignore'}).status === 0;

describe('through mitmproxy, an intercepting proxy', {skip: mitmdumpInstalled ? false : 'mitmdump is not installed'}, () => {
	const confdir = mkdtempSync(join(tmpdir(), 'wsterm-mitmproxy-'));
	const certificate = makeCertificate();
	let mitmdump: ChildProcess;
	let output = '';
	let proxyUrl: string;
	let server: TestServer;
	before(async () => {
		server = await startServer({tls: {key: certificate.key, cert: certificate.cert}, onConnection: echo});
		const port = await closedPort();
		proxyUrl = `http://127.0.0.1:${port}`;
		// --ssl-insecure: mitmproxy itself checks the server's certificate, a self-signed one here.
		mitmdump = spawn('mitmdump', ['--set', `confdir=${confdir}`, '--listen-host', '127.0.0.1', '--listen-port', String(port), '--ssl-insecure'], {
			env: {...process.env, PYTHONUNBUFFERED: '1'},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const listening = new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`mitmdump did not start: ${output}`)), 20_000);
			mitmdump.stdout!.on('data', (chunk: Buffer) => {
				output += chunk.toString();
				if (output.includes('listening')) {
					clearTimeout(timer);
					resolve();
				}
			});
		});
		await listening;
	});
	after(async () => {
		mitmdump.kill();
		await Promise.all([once(mitmdump, 'close'), server.close()]);
	});

	test('wss:// through it with --ca its CA: the messages pass, and it sees them', async () => {
		const url = `wss://localhost:${server.port}/`;
		const trusted = await runCli([url, '--proxy', proxyUrl, '--ca', join(confdir, 'mitmproxy-ca-cert.pem'), '-x', 'intercepted']);
		assert.equal(trusted.code, 0, trusted.stderr);
		assert.equal(trusted.stdout, 'intercepted\n');
		assert.match(output, /WebSocket text message/);
		const untrusted = await runCli([url, '--proxy', proxyUrl, '-x', 'hi']);
		assert.equal(untrusted.code, 1);
		assert.match(untrusted.stderr, /TLS: .*trust the certificate with --ca FILE/);
	});
});
