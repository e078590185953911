import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildTarget, displayUrl, normalizeUrl, parseHeader, type ConnectFlags} from '../source/connect-options.js';
import {backoffDelay} from '../source/reconnect-policy.js';
import {UsageError} from '../source/exit-codes.js';

const flags: ConnectFlags = {
	header: [],
	cookie: [],
	subprotocol: [],
	followRedirects: false,
	insecure: false,
	compress: false,
	connectTimeout: 10,
	proxy: undefined,
};

const noFiles = (): Buffer => {
	throw new Error('no file expected');
};

test('normalizeUrl maps schemes and rejects others', () => {
	assert.equal(normalizeUrl('localhost:8080/chat').href, 'ws://localhost:8080/chat');
	assert.equal(normalizeUrl('http://example.com/x').href, 'ws://example.com/x');
	assert.equal(normalizeUrl('HTTPS://example.com').href, 'wss://example.com/');
	assert.equal(normalizeUrl('wss://example.com/a#frag').href, 'wss://example.com/a');
	assert.throws(() => normalizeUrl('ftp://example.com'), UsageError);
	assert.throws(() => normalizeUrl('ws://'), UsageError);
	assert.throws(() => normalizeUrl(' '), UsageError);
	assert.throws(() => normalizeUrl('wss//example.com'), /did you mean wss:\/\/example\.com/);
	assert.throws(() => normalizeUrl('ws:/example.com'), /did you mean ws:\/\/example\.com/);
	assert.equal(normalizeUrl('ws:8080').href, 'ws://ws:8080/');
});

test('displayUrl hides the password', () => {
	assert.equal(displayUrl(new URL('ws://me:secret@host/')), 'ws://me:***@host/');
	assert.equal(displayUrl(new URL('ws://host/')), 'ws://host/');
});

test('parseHeader', () => {
	assert.deepEqual(parseHeader('X-Key:  v a l '), ['X-Key', 'v a l']);
	assert.deepEqual(parseHeader('Empty:'), ['Empty', '']);
	assert.throws(() => parseHeader('novalue'), UsageError);
	assert.throws(() => parseHeader('Bad Name: x'), UsageError);
});

test('buildTarget folds headers, cookies and the subprotocol header; drops handshake headers with a note', async () => {
	const {target, notes} = await buildTarget('example.com', {
		...flags,
		header: ['Sec-WebSocket-Key: abc', 'Cookie: a=1', 'Sec-WebSocket-Protocol: x, y', 'X-A: 1'],
		cookie: ['b=2'],
		subprotocol: ['w'],
		userAgent: 'ua',
	}, noFiles);
	assert.deepEqual(target.protocols, ['w', 'x', 'y']);
	assert.deepEqual(target.options.headers, {'X-A': '1', Cookie: 'a=1; b=2', 'User-Agent': 'ua'});
	assert.deepEqual(notes, ['ignoring Sec-WebSocket-Key: ws makes these handshake headers itself']);
	assert.equal(target.options.perMessageDeflate, false);
	assert.equal(target.options.handshakeTimeout, 10_000);
});

test('buildTarget rejects bad subprotocols, half a key pair and bad proxies', async () => {
	await assert.rejects(buildTarget('h', {...flags, subprotocol: ['a b']}, noFiles), UsageError);
	await assert.rejects(buildTarget('h', {...flags, subprotocol: ['a', 'a']}, noFiles), UsageError);
	await assert.rejects(buildTarget('h', {...flags, cert: 'c.pem'}, () => Buffer.from('')), /--cert and --key go together/);
	await assert.rejects(buildTarget('h', {...flags, proxy: 'socks5://p:1080'}, noFiles), /unsupported proxy scheme/);
	await assert.rejects(buildTarget('h', {...flags, auth: 'nopassword'}, noFiles), /--auth takes user:password/);
});

test('reconnect backoff grows exponentially with jitter and is capped', () => {
	assert.equal(backoffDelay(1, () => 0), 250);
	assert.equal(backoffDelay(1, () => 1), 500);
	assert.equal(backoffDelay(4, () => 0), 2000);
	assert.equal(backoffDelay(30, () => 1), 30_000);
	assert.equal(backoffDelay(30, () => 0), 15_000);
});
