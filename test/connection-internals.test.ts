/** The parts of Connection, each on its own: no sockets, a fake clock. */
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {closeForDeadPeer, closeForError, reportClose, wantsReconnect} from '../source/connection/close-report.js';
import {describeConnectError, describeProxyAnswer, timeoutFailure} from '../source/connection/connect-failure.js';
import {Keepalive} from '../source/connection/keepalive.js';
import {backoffDelay, defaultReconnectRules, freshReconnectState, planReconnect} from '../source/connection/reconnect-policy.js';
import {ReconnectSchedule} from '../source/connection/reconnect-schedule.js';
import {SendQueue} from '../source/connection/send-queue.js';
import {WebSocket, WebSocketServer} from '../source/connection/ws-library.js';
import {fakeClock} from './helpers/fake-clock.js';

test('SendQueue: writable turns false above the high-water mark, drain at half, flushed at zero', () => {
	const queue = new SendQueue(100);
	assert.equal(queue.add({data: 'a'.repeat(60), isBinary: false, size: 60}, true), true);
	assert.equal(queue.add({data: 'b'.repeat(60), isBinary: false, size: 60}, true), false);
	assert.equal(queue.length, 2);
	const waiting = queue.takeWaiting();
	assert.equal(waiting.length, 2);
	assert.equal(queue.length, 0);
	const generation = queue.generation;
	// 60 left: still above half the mark.
	assert.deepEqual(queue.release(60, generation), {flushed: false, drained: false});
	assert.deepEqual(queue.release(60, generation), {flushed: true, drained: true});
	assert.equal(queue.writable, true);
	assert.equal(queue.bytes, 0);
});

test('SendQueue: a drop releases everything, and late releases of dropped bytes are ignored', () => {
	const queue = new SendQueue(100);
	queue.add({data: 'x'.repeat(150), isBinary: false, size: 150}, false);
	const old = queue.generation;
	assert.deepEqual(queue.drop(), {flushed: false, drained: true});
	queue.add({data: 'y', isBinary: false, size: 1}, false);
	assert.deepEqual(queue.release(150, old), {flushed: false, drained: false});
	assert.equal(queue.bytes, 1, 'bytes never go negative or vanish');
});

test('Keepalive: pings every interval, measures round trips, declares the peer dead without a pong', () => {
	const clock = fakeClock();
	const sent: string[] = [];
	let dead = 0;
	const keepalive = new Keepalive({
		interval: 1000, timeout: 500, clock, sendPing(payload) {
			sent.push(payload.toString());
		}, onDead() {
			dead++;
		},
	});
	keepalive.start();
	clock.advance(1000);
	assert.deepEqual(sent, ['wsterm-1']);
	clock.advance(200);
	assert.deepEqual(keepalive.pong(Buffer.from('wsterm-1')), {payload: Buffer.from('wsterm-1'), rtt: 200, keepalive: true});
	assert.deepEqual(keepalive.pong(Buffer.from('other')), {payload: Buffer.from('other')});
	clock.advance(800 + 499);
	assert.equal(dead, 0);
	clock.advance(1);
	assert.equal(dead, 1);
	clock.advance(10_000);
	assert.equal(sent.length, 2, 'no pings after the peer was declared dead');
	assert.deepEqual(keepalive.ping('mine'), Buffer.from('mine'));
});

test('close report: our close wins; faults are retried, asked-for closes and 1000 are not', () => {
	assert.deepEqual(reportClose(undefined, 4002, 'go'), {code: 4002, reason: 'go', byUs: false});
	assert.deepEqual(reportClose({code: 4000, reason: 'bye'}, 1006, ''), {code: 4000, reason: 'bye', byUs: true});
	// The peer's own close crossed ours: its code is what it said.
	assert.deepEqual(reportClose({code: 1000, reason: ''}, 4001, 'unauthorized'), {code: 4001, reason: 'unauthorized', byUs: false});
	assert.deepEqual(reportClose({code: 1000, reason: ''}, 1000, ''), {code: 1000, reason: '', byUs: true});
	const dead = closeForDeadPeer(2500);
	assert.deepEqual(dead, {code: 1006, reason: 'no pong within 2.5 s', fault: 'no pong within 2.5 s'});
	assert.equal(wantsReconnect(reportClose(dead, 1006, '')), true);
	assert.equal(wantsReconnect(reportClose({code: 4000, reason: ''}, 4000, '')), false);
	assert.equal(wantsReconnect(reportClose(undefined, 1000, '')), false);
	assert.equal(wantsReconnect(reportClose(undefined, 1006, '')), true);
	assert.equal(closeForError(new Error('ECONNRESET')), undefined);
});

test('close report: ws\'s own protocol errors give the code ws sent', async () => {
	// A real ws error, not an imitation: a client with a tiny maxPayload receiving more.
	const server = new WebSocketServer({port: 0, host: '127.0.0.1'});
	await new Promise(resolve => server.once('listening', resolve));
	server.on('connection', socket => socket.send('x'.repeat(100)));
	const {port} = server.address() as {port: number};
	const client = new WebSocket(`ws://127.0.0.1:${port}/`, {maxPayload: 10});
	const [error] = await new Promise<[Error]>(resolve => client.once('error', (error: Error) => resolve([error])));
	assert.deepEqual(closeForError(error), {code: 1009, reason: '', fault: 'a message was larger than --max-payload'});
	client.terminate();
	await new Promise(resolve => server.close(resolve));
});

test('connect failures name the proxy when it is the proxy\'s', () => {
	const url = new URL('wss://me:secret@example.com/socket');
	const proxy = new URL('http://proxy.local:3128');
	const refused = Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'});
	assert.match(describeConnectError(refused, url).message, /^connection refused by example\.com:443/);
	assert.deepEqual(describeConnectError(refused, url, proxy), {kind: 'proxy', message: 'connection refused by the proxy proxy.local:3128 (check --proxy, HTTPS_PROXY and HTTP_PROXY)'});
	const missing = Object.assign(new Error('getaddrinfo ENOTFOUND'), {code: 'ENOTFOUND'});
	assert.match(describeConnectError(missing, url, proxy).message, /^proxy host not found: proxy\.local/);
	assert.deepEqual(describeProxyAnswer(502, 'Bad Gateway', proxy, url), {
		kind: 'proxy',
		status: 502,
		message: 'the proxy proxy.local:3128 answered HTTP 502 Bad Gateway to CONNECT example.com:443 (the proxy could not reach example.com:443)',
	});
	assert.match(describeProxyAnswer(407, undefined, proxy, url).message, /answered HTTP 407 to CONNECT .*wants credentials/);
	assert.equal(timeoutFailure(url, 1.5).message, 'no answer from example.com:443 within the connect timeout (--connect-timeout 1.5)');
});

test('reconnect policy: failures in a row grow the delay; a connection that lived resets it; --max-retries gives up', () => {
	const half = (): number => 0;
	const rules = {...defaultReconnectRules, maxRetries: 3};
	let plan = planReconnect(freshReconnectState, 60_000, rules, half);
	assert.deepEqual(plan, {state: {retries: 1}, delay: 250});
	plan = planReconnect(plan!.state, undefined, rules, half);
	assert.deepEqual(plan, {state: {retries: 2}, delay: 500});
	// Accepted, then closed at once: still a failure.
	plan = planReconnect(plan!.state, 100, rules, half);
	assert.deepEqual(plan, {state: {retries: 3}, delay: 1000});
	assert.equal(planReconnect(plan!.state, undefined, rules, half), undefined);
	// A connection that lived starts over, whatever came before.
	assert.deepEqual(planReconnect(plan!.state, 5000, rules, half), {state: {retries: 1}, delay: 250});
	// No limit by default.
	assert.deepEqual(planReconnect({retries: 1000}, undefined, defaultReconnectRules, half)?.delay, 15_000);
	assert.equal(planReconnect(freshReconnectState, undefined, {...defaultReconnectRules, maxRetries: 0}, half), undefined);
});

test('reconnect backoff grows exponentially with jitter and is capped', () => {
	assert.equal(backoffDelay(1, () => 0), 250);
	assert.equal(backoffDelay(1, () => 1), 500);
	assert.equal(backoffDelay(4, () => 0), 2000);
	assert.equal(backoffDelay(30, () => 1), 30_000);
	assert.equal(backoffDelay(30, () => 0), 15_000);
});

test('ReconnectSchedule: attempts after the planned delay on the given clock; cancel() calls it off; reset() starts the backoff over', () => {
	const clock = fakeClock();
	const schedule = new ReconnectSchedule({...defaultReconnectRules, maxRetries: 2}, clock);
	let attempts = 0;
	const first = schedule.plan(undefined)!;
	schedule.start(first, () => attempts++);
	assert.equal(schedule.retries, 1);
	clock.advance(first.delay - 1);
	assert.equal(attempts, 0);
	clock.advance(1);
	assert.equal(attempts, 1);
	const second = schedule.plan(undefined)!;
	schedule.start(second, () => attempts++);
	schedule.cancel();
	clock.advance(60_000);
	assert.equal(attempts, 1);
	assert.equal(schedule.plan(undefined), undefined, '--max-retries 2 reached');
	schedule.reset();
	assert.equal(schedule.retries, 0);
	assert.notEqual(schedule.plan(undefined), undefined);
});

test('the connection layer imports nothing of the modes built on it (pipe, session, serve, cli, ui), type-only imports included', () => {
	const directory = fileURLToPath(new URL('../source/connection/', import.meta.url));
	const specifiers = /(?:from\s+|import\(\s*)'([^']+)'/g;
	for (const name of readdirSync(directory).filter(name => name.endsWith('.ts'))) {
		const text = readFileSync(join(directory, name), 'utf8');
		for (const [, specifier] of text.matchAll(specifiers)) {
			assert.doesNotMatch(specifier!, /^\.\.\/(?:pipe|session|serve|cli|ui)\//, `connection/${name} imports ${specifier}`);
		}
	}
});
