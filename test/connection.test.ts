import assert from 'node:assert/strict';
import {once} from 'node:events';
import {createServer as createHttpServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {test} from 'node:test';
import {createProxy} from 'proxy';
import {buildTarget, type ConnectFlags, type ConnectTarget} from '../source/connection/connect-options.js';
import {
	type CloseEvent, type ConnectFailure, Connection, type ConnectionOptions, type ReconnectEvent,
} from '../source/connection/connection.js';
import {
	closedPort, startAcceptThenClose, startHalfCloser, startInvalidCloseReasonPeer, startInvalidUtf8Peer, startLateUpgrade, startOutagePeer,
	startRefusingProxy, startSilentPeer,
} from './helpers/peers.js';
import {startServer} from './helpers/servers.js';
import {until} from './helpers/until.js';

const flags: ConnectFlags = {
	header: [], cookie: [], subprotocol: [], followRedirects: false, insecure: false, compress: false, connectTimeout: 10,
};

async function target(url: string, more: Partial<ConnectFlags> = {}): Promise<ConnectTarget> {
	return (await buildTarget(url, {...flags, ...more}, () => Buffer.alloc(0))).target;
}

/** Records every event of a connection, in order. */
function record(connection: Connection): {
	readonly events: string[];
	readonly closes: CloseEvent[];
	readonly reconnects: ReconnectEvent[];
	readonly failures: ConnectFailure[];
} {
	const events: string[] = [];
	const closes: CloseEvent[] = [];
	const reconnects: ReconnectEvent[] = [];
	const failures: ConnectFailure[] = [];
	for (const name of ['connecting', 'open', 'closing', 'error'] as const) {
		connection.on(name, () => events.push(name));
	}

	connection.on('close', event => {
		events.push('close');
		closes.push(event);
	});
	connection.on('reconnecting', event => {
		events.push('reconnecting');
		reconnects.push(event);
	});
	connection.on('connect-error', failure => {
		events.push('connect-error');
		failures.push(failure);
	});
	return {events, closes, reconnects, failures};
}

const fast: ConnectionOptions = {reconnect: true, reconnectRules: {baseDelay: 100, maxDelay: 400}};

test('--reconnect goes on after failed attempts until the server is back, sending -I again', async () => {
	const peer = await startOutagePeer();
	const connection = new Connection(await target(peer.url), {...fast, initialMessages: ['hello']});
	const seen = record(connection);
	try {
		connection.connect();
		await until(() => peer.received.length === 1);
		await peer.stop();
		// At least two attempts fail while the server is down; none is taken for a failed first connect.
		await until(() => seen.reconnects.filter(event => event.failure !== undefined).length >= 2);
		assert.equal(seen.failures.length, 0);
		assert.equal(seen.reconnects.find(event => event.failure !== undefined)?.failure?.kind, 'refused');
		assert.equal(connection.state, 'reconnecting');
		await peer.start();
		await until(() => connection.state === 'open');
		await until(() => peer.received.length >= 2);
		assert.deepEqual(peer.received, ['hello', 'hello']);
	} finally {
		connection.terminate();
		await peer.close();
	}
});

test('--max-retries N gives up after N failed reconnect attempts with one connect error', async () => {
	const peer = await startOutagePeer();
	const connection = new Connection(await target(peer.url), {...fast, maxRetries: 2});
	const seen = record(connection);
	try {
		connection.connect();
		await once(connection, 'open');
		await peer.stop();
		await until(() => seen.failures.length > 0);
		assert.equal(seen.reconnects.length, 2);
		assert.equal(seen.failures.length, 1);
		assert.match(seen.failures[0]!.message, /connection refused .*gave up after 2 reconnect attempts/);
		assert.equal(connection.state, 'closed');
	} finally {
		await peer.close();
	}
});

test('a server that accepts and closes at once is retried with a growing delay', async () => {
	const server = await startAcceptThenClose(4002);
	const connection = new Connection(await target(server.url), {reconnect: true, reconnectRules: {baseDelay: 100, maxDelay: 10_000}});
	const seen = record(connection);
	try {
		connection.connect();
		await until(() => seen.reconnects.length >= 4);
		assert.deepEqual(seen.closes[0], {code: 4002, reason: 'go away', byUs: false, willReconnect: true});
		const delays = seen.reconnects.map(event => event.delay);
		// Ceilings 100, 200, 400, 800 ms, each delay between half and all of its ceiling.
		assert.ok(delays[3]! > delays[0]! * 2, `delays ${delays.join(', ')}`);
		assert.ok(delays[3]! >= 400, `delays ${delays.join(', ')}`);
	} finally {
		connection.terminate();
		await server.close();
	}
});

test('a connection that lived resets the backoff', async () => {
	const server = await startServer({
		onConnection(socket) {
			setTimeout(() => socket.close(4002), 150);
		},
	});
	const connection = new Connection(await target(server.url), {reconnect: true, reconnectRules: {baseDelay: 100, maxDelay: 10_000, stableAfter: 50}});
	const seen = record(connection);
	try {
		connection.connect();
		await until(() => seen.reconnects.length >= 3);
		for (const {delay} of seen.reconnects) {
			assert.ok(delay <= 100, `delay ${delay}`);
		}
	} finally {
		connection.terminate();
		await server.close();
	}
});

test('a close against a peer that never answers ends within the close timeout, closing meanwhile', async () => {
	const peer = await startSilentPeer();
	const connection = new Connection(await target(peer.url), {closeTimeout: 300});
	const seen = record(connection);
	try {
		connection.connect();
		await once(connection, 'open');
		const start = Date.now();
		connection.close(4000, 'bye');
		assert.equal(connection.state, 'closing');
		const [event] = await once(connection, 'close') as [CloseEvent];
		assert.ok(Date.now() - start < 3000);
		assert.deepEqual(event, {code: 4000, reason: 'bye', byUs: true, willReconnect: false});
		assert.equal(connection.state, 'closed');
		assert.deepEqual(seen.events, ['connecting', 'open', 'closing', 'close']);
	} finally {
		await peer.close();
	}
});

test('terminate() works in every state: connecting ends with a close, not a connect error', async () => {
	const server = await startLateUpgrade(1500);
	const connection = new Connection(await target(server.url));
	const seen = record(connection);
	try {
		connection.connect();
		await new Promise(resolve => {
			setTimeout(resolve, 100);
		});
		connection.terminate();
		assert.equal(connection.state, 'closed');
		assert.deepEqual(seen.events, ['connecting', 'close']);
		assert.equal(seen.closes[0]?.byUs, true);
		connection.terminate();
		assert.deepEqual(seen.events, ['connecting', 'close'], 'a second terminate() says nothing');
	} finally {
		await server.close();
	}
});

test('terminate() while closing against a silent peer ends at once', async () => {
	const peer = await startSilentPeer();
	const connection = new Connection(await target(peer.url), {closeTimeout: 60_000});
	try {
		connection.connect();
		await once(connection, 'open');
		connection.close(1000);
		const start = Date.now();
		connection.terminate();
		const [event] = await once(connection, 'close') as [CloseEvent];
		assert.ok(Date.now() - start < 2000);
		assert.equal(event.byUs, true);
	} finally {
		await peer.close();
	}
});

test('a close frame without the TCP close leaves open at once and ends within the close timeout', async () => {
	const peer = await startHalfCloser(4001, 'half');
	const connection = new Connection(await target(peer.url), {closeTimeout: 300});
	const seen = record(connection);
	try {
		connection.connect();
		await once(connection, 'open');
		await until(() => connection.state === 'closing', 1000);
		const [event] = await once(connection, 'close') as [CloseEvent];
		assert.deepEqual(event, {code: 4001, reason: 'half', byUs: false, willReconnect: false});
		assert.deepEqual(seen.events, ['connecting', 'open', 'closing', 'close']);
	} finally {
		await peer.close();
	}
});

test('invalid UTF-8 from the peer: wsterm closes with 1007 and says so', async () => {
	const peer = await startInvalidUtf8Peer();
	const connection = new Connection(await target(peer.url), {closeTimeout: 300});
	const seen = record(connection);
	try {
		connection.connect();
		await once(connection, 'open');
		const closed = new Promise<CloseEvent>(resolve => connection.once('close', resolve));
		await until(() => connection.state === 'closing', 1000);
		const event = await closed;
		assert.equal(event.code, 1007);
		assert.equal(event.byUs, true);
		assert.match(event.fault ?? '', /not valid UTF-8/);
		assert.ok(seen.events.includes('error'));
	} finally {
		await peer.close();
	}
});

test('a close reason that is not UTF-8: wsterm closes with 1007 and says it was the close reason', async () => {
	const peer = await startInvalidCloseReasonPeer();
	const connection = new Connection(await target(peer.url), {closeTimeout: 300});
	connection.on('error', () => undefined);
	try {
		connection.connect();
		await once(connection, 'open');
		const [event] = await once(connection, 'close') as [CloseEvent];
		assert.equal(event.code, 1007);
		assert.equal(event.byUs, true);
		assert.equal(event.fault, 'the close reason was not valid UTF-8');
	} finally {
		await peer.close();
	}
});

test('a message over --max-payload is a 1009 close sent by wsterm', async () => {
	const server = await startServer({
		onConnection(socket) {
			socket.send('x'.repeat(100));
		},
	});
	const connection = new Connection(await target(server.url, {maxPayload: 10}));
	const errors: Error[] = [];
	connection.on('error', error => errors.push(error));
	try {
		const closed = new Promise<CloseEvent>(resolve => connection.once('close', resolve));
		connection.connect();
		const event = await closed;
		assert.equal(event.code, 1009);
		assert.equal(event.byUs, true);
		assert.match(event.fault ?? '', /--max-payload/);
		assert.equal(errors.length, 1);
	} finally {
		await server.close();
	}
});

test('no pong in time is wsterm\'s decision, with the reason', async () => {
	const peer = await startSilentPeer();
	const connection = new Connection(await target(peer.url), {pingInterval: 0.1});
	try {
		connection.connect();
		const [event] = await once(connection, 'close') as [CloseEvent];
		assert.deepEqual(event, {code: 1006, reason: 'no pong within 0.1 s', fault: 'no pong within 0.1 s', byUs: true, willReconnect: false});
	} finally {
		await peer.close();
	}
});

test('--connect-timeout is one deadline for TCP, TLS and the upgrade together (wss://)', async () => {
	// TCP connects, TLS never gets an answer.
	const peer = await startSilentPeer();
	const connection = new Connection(await target(`wss://127.0.0.1:${peer.port}/`, {insecure: true, connectTimeout: 2}));
	try {
		const start = Date.now();
		connection.connect();
		const [failure] = await once(connection, 'connect-error') as [ConnectFailure];
		const elapsed = Date.now() - start;
		// ws's own timeout restarts once TCP is connected: 4 s and more.
		assert.ok(elapsed < 3200, `took ${elapsed} ms`);
		assert.equal(failure.kind, 'timeout');
	} finally {
		await peer.close();
	}
});

test('a refused proxy is named as the proxy, not as the server', async () => {
	const port = await closedPort();
	const connection = new Connection(await target('ws://127.0.0.1:9/', {proxy: `http://user:secret@127.0.0.1:${port}`}));
	connection.connect();
	const [failure] = await once(connection, 'connect-error') as [ConnectFailure];
	assert.equal(failure.kind, 'proxy');
	assert.match(failure.message, new RegExp(`connection refused by the proxy 127\\.0\\.0\\.1:${port}`));
	assert.doesNotMatch(failure.message, /secret|127\.0\.0\.1:9\b/);
});

test('a 502 to CONNECT is the proxy\'s answer', async () => {
	const proxy = await startRefusingProxy(502);
	try {
		const connection = new Connection(await target('ws://127.0.0.1:9/', {proxy: proxy.url}));
		connection.connect();
		const [failure] = await once(connection, 'connect-error') as [ConnectFailure];
		assert.equal(failure.status, 502);
		assert.match(failure.message, new RegExp(`^the proxy 127\\.0\\.0\\.1:${proxy.port} answered HTTP 502 Bad Gateway to CONNECT 127\\.0\\.0\\.1:9`));
	} finally {
		await proxy.close();
	}
});

test('through a real CONNECT proxy, a refused server is reported by the proxy\'s answer', async () => {
	const proxyServer = createProxy(createHttpServer());
	proxyServer.listen(0, '127.0.0.1');
	await once(proxyServer, 'listening');
	const {port} = proxyServer.address() as AddressInfo;
	const closed = await closedPort();
	try {
		const connection = new Connection(await target(`ws://127.0.0.1:${closed}/`, {proxy: `http://127.0.0.1:${port}`}));
		connection.connect();
		const [failure] = await once(connection, 'connect-error') as [ConnectFailure];
		assert.equal(failure.kind, 'proxy');
		assert.match(failure.message, /^the proxy 127\.0\.0\.1:\d+ answered HTTP/);
	} finally {
		proxyServer.closeAllConnections();
		proxyServer.close();
	}
});

test('repeated -H with the same name sends every value', async () => {
	const server = await startServer();
	const connection = new Connection(await target(server.url, {header: ['X-Tag: one', 'x-tag: two', 'X-Other: 3']}));
	try {
		connection.connect();
		await once(connection, 'open');
		assert.equal(server.requests[0]?.headers['x-tag'], 'one, two');
		assert.equal(server.requests[0]?.headers['x-other'], '3');
	} finally {
		connection.terminate();
		await server.close();
	}
});
