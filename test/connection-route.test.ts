/* The route's pure parts: --resolve and --connect-to as parsed, where a connection goes, and the words for a route or a proxy. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	describeRoute, destination, fromUnixSocketUrl, parseConnectTo, parseResolve, routeFromFlags,
} from '../source/connection/route.js';

test('--resolve: HOST:PORT:ADDRESS, an IPv6 address in brackets (or not), * for any host', () => {
	assert.deepEqual(parseResolve('api.test:443:127.0.0.1'), {flag: '--resolve', host: 'api.test', port: 443, toHost: '127.0.0.1', toPort: undefined});
	assert.equal(parseResolve('API.test:443:[::1]').toHost, '::1');
	assert.equal(parseResolve('API.test:443:[::1]').host, 'api.test');
	assert.equal(parseResolve('[::1]:8080:::2').toHost, '::2');
	assert.equal(parseResolve('*:443:10.0.0.5').host, undefined);
	assert.throws(() => parseResolve('api.test:443:name.test'), /--resolve api\.test:443:name\.test: "name\.test" is not an IP address/);
	assert.throws(() => parseResolve(':443:127.0.0.1'), /write it as HOST:PORT:ADDRESS/);
	assert.throws(() => parseResolve('api.test:0:127.0.0.1'), /"0" is not a port/);
});

test('--connect-to: empty parts match any, or keep the URL\'s', () => {
	assert.deepEqual(parseConnectTo('a.test:443:b.test:8443'), {flag: '--connect-to', host: 'a.test', port: 443, toHost: 'b.test', toPort: 8443});
	assert.deepEqual(parseConnectTo('::[::1]:'), {flag: '--connect-to', host: undefined, port: undefined, toHost: '::1', toPort: undefined});
	assert.throws(() => parseConnectTo('a.test:443:b.test'), /--connect-to a\.test:443:b\.test: write it as HOST:PORT:HOST2:PORT2/);
	assert.throws(() => parseConnectTo('a.test:x:b.test:1'), /--connect-to/);
});

test('--connect-to first, then --resolve on where it leads (curl\'s order); other ports untouched', () => {
	const route = routeFromFlags({connectTo: ['api.test:443:backend.test:8443'], resolve: ['backend.test:8443:10.0.0.7']})!;
	assert.deepEqual(destination(route, 'api.test', 443), {host: '10.0.0.7', port: 8443, rule: route.rules[1]});
	assert.deepEqual(destination(route, 'api.test', 80), {host: 'api.test', port: 80});
	assert.equal(describeRoute({url: 'wss://api.test/', route}), 'via 10.0.0.7:8443 (--resolve)');
	assert.equal(describeRoute({url: 'ws://api.test/', route}), undefined);
	assert.equal(routeFromFlags({resolve: [], connectTo: []}), undefined);
	assert.throws(() => routeFromFlags({resolve: ['a:1:127.0.0.1'], proxy: 'http://p:1'}), /--resolve and --proxy do not go together/);
});

test('the words for a route or a proxy never hold a password', () => {
	assert.equal(describeRoute({url: 'ws://x/', route: {unixSocket: '/run/app.sock', rules: []}}), 'via unix /run/app.sock');
	assert.equal(describeRoute({url: 'ws://x/', proxy: 'socks5://user:secret@127.0.0.1:1080'}), 'via socks5 127.0.0.1:1080');
	assert.equal(describeRoute({url: 'ws://x/', proxy: 'socks5h://proxy.test'}), 'via socks5h proxy.test:1080');
	assert.equal(describeRoute({url: 'ws://x/', proxy: 'http://user:***@127.0.0.1:8080/'}), 'via http proxy 127.0.0.1:8080');
	assert.equal(describeRoute({url: 'ws://x/', proxy: 'https://proxy.test'}), 'via https proxy proxy.test:443');
	assert.equal(describeRoute({url: 'ws://x/'}), undefined);
});

test('ws+unix:PATH:/path (what serve --unix-socket prints) is a socket and a ws:// URL', () => {
	assert.deepEqual(fromUnixSocketUrl('ws+unix:/run/app.sock:/chat?x=1'), {url: 'ws://localhost/chat?x=1', unixSocket: '/run/app.sock'});
	assert.deepEqual(fromUnixSocketUrl('wss+unix:/run/app.sock'), {url: 'wss://localhost/', unixSocket: '/run/app.sock'});
	assert.equal(fromUnixSocketUrl('ws://localhost/'), undefined);
});
