import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildTarget, displayUrl, normalizeUrl, parseHeader, redactCredentials, type ConnectFlags} from '../source/connection/connect-options.js';
import {makeCertificate} from './helpers/tls.js';
import {UsageError} from '../source/shared/exit-codes.js';

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

test('no error line shows a password: the wss// hint, an unsupported scheme, a bad URL, a bad proxy', async () => {
	const lines: string[] = [];
	for (const input of ['wss//me:secret@host/x', 'ws:/me:secret@host', 'ftp://me:secret@host', 'ws://me:secret@[bad', 'me:secret@[bad']) {
		try {
			normalizeUrl(input);
			assert.fail(`${input} was accepted`);
		} catch (error) {
			assert.ok(error instanceof UsageError);
			lines.push(error.message);
		}
	}

	for (const proxy of ['ftp://me:secret@proxy:1080', 'http://me:secret@[bad']) {
		await assert.rejects(buildTarget('h', {...flags, proxy}, noFiles), (error: Error) => {
			lines.push(error.message);
			return error instanceof UsageError;
		});
	}

	assert.equal(lines.length, 7);
	for (const line of lines) {
		assert.doesNotMatch(line, /secret/);
		assert.match(line, /me:\*\*\*@/);
	}

	assert.match(lines[0]!, /did you mean wss:\/\/me:\*\*\*@host\/x/);
	assert.equal(redactCredentials('ws://host/a:b@c'), 'ws://host/a:b@c');
});

test('parseHeader', () => {
	assert.deepEqual(parseHeader('X-Key:  v a l '), ['X-Key', 'v a l']);
	assert.deepEqual(parseHeader('Empty:'), ['Empty', '']);
	assert.throws(() => parseHeader('novalue'), UsageError);
	assert.throws(() => parseHeader('Bad Name: x'), UsageError);
	assert.throws(() => parseHeader('X-A: a\u0001b'), /bad value for header X-A: "a\\x01b"/);
	assert.throws(() => parseHeader('X-A: a\rb'), /bad value for header X-A/);
	// Non-ASCII values are sent as their UTF-8 bytes (buildTarget encodes them), emoji included.
	assert.deepEqual(parseHeader('X-A: 😀'), ['X-A', '😀']);
	assert.throws(() => parseHeader('X-A: a\u0085b'), /bad value for header X-A: "a\\x85b" has a control character/);
	assert.deepEqual(parseHeader('X-A: caf\u00E9\tx'), ['X-A', 'caf\u00E9\tx']);
});

test('-o, -A and -b values a header cannot carry are usage errors, like -H', async () => {
	await assert.rejects(buildTarget('h', {...flags, origin: 'http://x\u001B[2J'}, noFiles), /^UsageError: bad value for -o\/--origin: "http:\/\/x\\x1b\[2J" has a control character/);
	await assert.rejects(buildTarget('h', {...flags, userAgent: 'ua\r\nX-Evil: 1'}, noFiles), /bad value for -A\/--user-agent: "ua\\x0d\\x0aX-Evil: 1"/);
	await assert.rejects(buildTarget('h', {...flags, cookie: ['k=v\nz']}, noFiles), /bad value for -b\/--cookie/);
});

test('non-ASCII header values become their UTF-8 bytes, one character a byte, as Node\'s HTTP client writes headers', async () => {
	const {target} = await buildTarget('h', {...flags, header: ['X-Name: Zoë', 'X-City: 東京'], origin: 'https://zoë.example', userAgent: 'ü', cookie: ['n=é']}, noFiles);
	const utf8 = (text: string): string => Buffer.from(text).toString('latin1');
	assert.deepEqual(target.options.headers, {'X-Name': [utf8('Zoë')], 'X-City': [utf8('東京')], Cookie: [utf8('n=é')], 'User-Agent': [utf8('ü')]});
	assert.equal(target.options.origin, utf8('https://zoë.example'));
});

test('repeated -H names keep every value, under the first spelling', async () => {
	const {target} = await buildTarget('h', {...flags, header: ['X-Tag: 1', 'x-tag: 2', 'X-Other: 3']}, noFiles);
	assert.deepEqual(target.options.headers, {'X-Tag': ['1', '2'], 'X-Other': ['3']});
});

test('unusable TLS files are usage errors with their own message', async () => {
	const one = makeCertificate();
	const two = makeCertificate();
	const files = new Map<string, Buffer>([
		['c1.pem', one.cert], ['k1.pem', one.key], ['k2.pem', two.key], ['text.txt', Buffer.from('hello\n')],
	]);
	const read = (path: string): Buffer => files.get(path)!;
	await assert.rejects(buildTarget('wss://h', {...flags, ca: 'text.txt'}, read), /--ca text\.txt: not a PEM certificate/);
	await assert.rejects(buildTarget('wss://h', {...flags, ca: 'k1.pem'}, read), /--ca k1\.pem: not a PEM certificate/);
	await assert.rejects(buildTarget('wss://h', {...flags, cert: 'c1.pem', key: 'k2.pem'}, read), /--cert c1\.pem and --key k2\.pem do not belong together/);
	await assert.rejects(buildTarget('wss://h', {...flags, cert: 'text.txt', key: 'k1.pem'}, read), /not a usable PEM certificate and key/);
	const {target} = await buildTarget('wss://h', {...flags, ca: 'c1.pem', cert: 'c1.pem', key: 'k1.pem'}, read);
	assert.deepEqual(target.options.ca, one.cert);
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
	assert.deepEqual(target.options.headers, {'X-A': ['1'], Cookie: ['a=1; b=2'], 'User-Agent': ['ua']});
	assert.deepEqual(notes, ['ignoring Sec-WebSocket-Key: ws makes these handshake headers itself']);
	assert.equal(target.options.perMessageDeflate, false);
	assert.equal(target.options.handshakeTimeout, 10_000);
});

test('buildTarget rejects bad subprotocols, half a key pair and bad proxies', async () => {
	await assert.rejects(buildTarget('h', {...flags, subprotocol: ['a b']}, noFiles), UsageError);
	await assert.rejects(buildTarget('h', {...flags, subprotocol: ['a', 'a']}, noFiles), UsageError);
	await assert.rejects(buildTarget('h', {...flags, cert: 'c.pem'}, () => Buffer.from('')), /--cert and --key go together/);
	await assert.rejects(buildTarget('h', {...flags, proxy: 'ftp://p:1080'}, noFiles), /unsupported proxy scheme/);
	await assert.rejects(buildTarget('h', {...flags, auth: 'nopassword'}, noFiles), /--auth takes user:password/);
});
