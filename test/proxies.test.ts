import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildTarget, type ConnectFlags} from '../source/connection/connect-options.js';
import {bypassesProxy, proxyFromEnvironment} from '../source/connection/proxy-environment.js';
import {describeSocksError} from '../source/connection/socks-failure.js';

const flags: ConnectFlags = {header: [], cookie: [], subprotocol: [], followRedirects: false, insecure: false, compress: false, connectTimeout: 10};
const noFiles = (): Buffer => {
	throw new Error('no file expected');
};

const ws = new URL('ws://api.example.test/socket');
const wss = new URL('wss://api.example.test/socket');

test('the environment\'s proxy: the scheme\'s variable, then ALL_PROXY; lower case before upper case; empty is unset', () => {
	const env = {
		http_proxy: 'http://lower-http:1', HTTP_PROXY: 'http://upper-http:2',
		HTTPS_PROXY: 'http://upper-https:3', all_proxy: '', ALL_PROXY: 'socks5h://all:1080',
	};
	assert.deepEqual(proxyFromEnvironment(ws, env), {proxy: 'http://lower-http:1', variable: 'http_proxy'});
	assert.deepEqual(proxyFromEnvironment(wss, env), {proxy: 'http://upper-https:3', variable: 'HTTPS_PROXY'});
	assert.deepEqual(proxyFromEnvironment(wss, {ALL_PROXY: 'socks5h://all:1080'}), {proxy: 'socks5h://all:1080', variable: 'ALL_PROXY'});
	assert.equal(proxyFromEnvironment(ws, {HTTPS_PROXY: 'http://only-for-wss:3'}), undefined);
	assert.equal(proxyFromEnvironment(ws, {}), undefined);
	// no_proxy (lower case) is read before NO_PROXY, and wins over every proxy variable.
	assert.equal(proxyFromEnvironment(ws, {...env, no_proxy: 'example.test', NO_PROXY: 'other.test'}), undefined);
	assert.ok(proxyFromEnvironment(ws, {...env, no_proxy: 'other.test', NO_PROXY: 'example.test'}) !== undefined);
});

test('NO_PROXY: *, names and their subdomains, ports, addresses and CIDR blocks', () => {
	assert.equal(bypassesProxy(ws, '*'), true);
	assert.equal(bypassesProxy(ws, 'example.test'), true);
	assert.equal(bypassesProxy(ws, '.example.test'), true);
	assert.equal(bypassesProxy(ws, '*.example.test'), true);
	assert.equal(bypassesProxy(ws, 'ample.test'), false);
	assert.equal(bypassesProxy(ws, 'other.test, api.example.test'), true);
	assert.equal(bypassesProxy(ws, 'example.test:80'), true);
	assert.equal(bypassesProxy(wss, 'example.test:80'), false);
	assert.equal(bypassesProxy(new URL('ws://10.1.2.3:8080/'), '10.0.0.0/8'), true);
	assert.equal(bypassesProxy(new URL('ws://11.1.2.3:8080/'), '10.0.0.0/8'), false);
	assert.equal(bypassesProxy(new URL('ws://[::1]:8080/'), '::1'), true);
	assert.equal(bypassesProxy(new URL('ws://[::1]:8080/'), '[::1]:8080'), true);
	assert.equal(bypassesProxy(new URL('ws://[fd00::5]/'), 'fd00::/8'), true);
});

test('buildTarget: a proxy from the environment given to it; no scheme means http://, as curl; the password never shown', async () => {
	const {target} = await buildTarget('ws://api.example.test/', flags, noFiles, {HTTP_PROXY: 'me:secret@proxy.test:3128'});
	assert.equal(target.proxy, 'http://me:***@proxy.test:3128/');
	const {target: socks} = await buildTarget('wss://api.example.test/', flags, noFiles, {ALL_PROXY: 'socks5h://me:secret@proxy.test:1080'});
	assert.equal(socks.proxy, 'socks5h://me:***@proxy.test:1080');
	assert.ok(socks.options.agent !== undefined);
	const {target: none} = await buildTarget('ws://api.example.test/', flags, noFiles, {HTTP_PROXY: 'proxy.test:3128', NO_PROXY: '*'});
	assert.equal(none.proxy, undefined);
	// --proxy '' turns the environment's proxy off, as in curl.
	const {target: off} = await buildTarget('ws://api.example.test/', {...flags, proxy: ''}, noFiles, {ALL_PROXY: 'socks5h://proxy.test'});
	assert.equal(off.proxy, undefined);
	assert.equal(off.options.agent, undefined);
	await assert.rejects(buildTarget('ws://api.example.test/', flags, noFiles, {ALL_PROXY: 'socks://me:secret@proxy.test'}), (error: Error) => {
		assert.match(error.message, /^socks:\/\/ does not say which SOCKS \(ALL_PROXY\): give socks5h:\/\/ \(the proxy resolves names\), socks5:\/\/, socks4a:\/\/ or socks4:\/\/$/);
		assert.ok(!error.message.includes('secret'));
		return true;
	});
	const {notes} = await buildTarget('ws://api.example.test/', {...flags, proxy: 'http://proxy.test:3128', proxyInsecure: true}, noFiles);
	assert.deepEqual(notes, ['ignoring --proxy-insecure: it is for an https:// proxy, and http://proxy.test:3128/ is not one']);
	const {notes: withoutProxy} = await buildTarget('ws://api.example.test/', {...flags, proxyCa: 'ca.pem', proxyInsecure: true}, noFiles);
	assert.deepEqual(withoutProxy, ['ignoring --proxy-ca and --proxy-insecure: they are for an https:// proxy, and no proxy is used']);
});

test('SOCKS failures name the proxy and its reply', () => {
	const proxy = new URL('socks5h://me:secret@proxy.test:1080');
	const server = {host: 'api.example.test', port: 443};
	const lines = [
		describeSocksError(new Error('Socks5 proxy rejected connection - HostUnreachable'), proxy, server),
		describeSocksError(new Error('Socks5 proxy rejected connection - CommandNotSupported'), proxy, server),
		describeSocksError(new Error('Socks4 Proxy rejected connection - (Rejected)'), new URL('socks4a://proxy.test'), server),
		describeSocksError(new Error('Socks5 Authentication failed'), proxy, server),
		describeSocksError(new Error('getaddrinfo ENOTFOUND proxy.test'), proxy, server),
	].map(failure => failure.message);
	assert.deepEqual(lines, [
		'the SOCKS5 proxy proxy.test:1080 answered "host unreachable" to CONNECT api.example.test:443',
		'the SOCKS5 proxy proxy.test:1080 answered "command not supported" to CONNECT api.example.test:443',
		'the SOCKS4 proxy proxy.test:1080 answered "request rejected or failed" to CONNECT api.example.test:443',
		'the SOCKS5 proxy proxy.test:1080 refused the user name and password of the proxy URL',
		'proxy host not found: proxy.test (check --proxy and ALL_PROXY)',
	]);
});
