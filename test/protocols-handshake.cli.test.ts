import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import type {StageLink} from '../source/pipeline/stage.js';
import {handshakeWatch} from '../source/protocols/handshake.js';
import {runCli} from './helpers/cli.js';
import {startHandshakePeer} from './helpers/handshake-peers.js';

const peer = await startHandshakePeer();
after(async () => peer.close());

/** The stderr lines, `wsterm: ` left off. */
function lines(stderr: string): string[] {
	return stderr.split('\n').filter(Boolean).map(line => line.replace(/^wsterm: /, ''));
}

test('graphql-ws: no connection_ack within --connect-timeout: one line naming it, the line held not sent, exit 1', async () => {
	const result = await runCli([`${peer.base}/?mode=silent`, '--protocol', 'graphql-ws', '--connect-timeout', '0.5'], {input: '{ a }\n'});
	assert.deepEqual(lines(result.stderr), ['no connection_ack from the graphql-ws server within the connect timeout (--connect-timeout 0.5): 1 line not sent']);
	assert.equal(result.code, 1);
	assert.equal(result.stdout, '');
});

test('STOMP and Socket.IO handshakes are bounded by --connect-timeout too', async () => {
	const stomp = await runCli([`${peer.base}/?mode=silent`, '--protocol', 'stomp', '--connect-timeout', '0.5', '-x', '/q hi']);
	assert.deepEqual(lines(stomp.stderr), ['no CONNECTED from the STOMP server within the connect timeout (--connect-timeout 0.5): 1 line not sent']);
	assert.equal(stomp.code, 1);
	const socketIo = await runCli([`${peer.base}/?mode=sioopen`, '--protocol', 'socketio', '--connect-timeout', '0.5', '-x', '["a"]']);
	assert.deepEqual(lines(socketIo.stderr), ['no answer to joining namespace / from the Socket.IO server within the connect timeout (--connect-timeout 0.5): 1 line not sent']);
	assert.equal(socketIo.code, 1);
});

test('-w bounds a run whose lines a handshake holds: the lines not sent in one line; exit 5 with -n not reached, else 1', async () => {
	const started = Date.now();
	const graphql = await runCli([`${peer.base}/?mode=silent`, '--protocol', 'graphql-ws', '-w', '0.5'], {input: '{ a }\n{ b }\n'});
	assert.deepEqual(lines(graphql.stderr), ['2 lines not sent: the graphql-ws handshake did not finish']);
	assert.equal(graphql.code, 1);
	const stomp = await runCli([`${peer.base}/?mode=silent`, '--protocol', 'stomp', '-n', '1', '-w', '0.5'], {input: '/q hi\n'});
	assert.deepEqual(lines(stomp.stderr), [
		'1 line not sent: the STOMP handshake did not finish',
		'0 of the 1 messages asked for (-n) came before the -w time ran out',
	]);
	assert.equal(stomp.code, 5);
	// Both well before the 10 s connect timeout (generous for a loaded machine).
	assert.ok(Date.now() - started < 9000, `took ${Date.now() - started} ms`);
});

test('Socket.IO closed (1000) before the namespace is joined: never connected, exit 1', async () => {
	const result = await runCli([`${peer.base}/?mode=sioclose`, '--protocol', 'socketio', '-x', '["a"]']);
	assert.deepEqual(lines(result.stderr), ['the Socket.IO server closed the connection before namespace / was joined: 1 line not sent']);
	assert.equal(result.code, 1);
	assert.ok(!peer.received.includes('42/,0["a"]') && !peer.received.some(text => text.includes('["a"]')));
});

test('graphql-ws and STOMP closed (1000) before their handshake: exit 1', async () => {
	const graphql = await runCli([`${peer.base}/?mode=close1000`, '--protocol', 'graphql-ws', '-x', '{ a }']);
	assert.deepEqual(lines(graphql.stderr), ['the graphql-ws server closed the connection before connection_ack: 1 line not sent']);
	assert.equal(graphql.code, 1);
	const stomp = await runCli([`${peer.base}/?mode=close1000`, '--protocol', 'stomp', '-x', '/q hi']);
	assert.deepEqual(lines(stomp.stderr), ['the STOMP server closed the connection before CONNECTED: 1 line not sent']);
	assert.equal(stomp.code, 1);
});

test('graphql-ws refusing connection_init (4403 Forbidden) exits 1, like a refused STOMP CONNECT or Socket.IO namespace', async () => {
	const result = await runCli([`${peer.base}/?mode=forbidden`, '--protocol', 'graphql-ws', '-x', '{ a }']);
	assert.equal(result.code, 1);
	assert.match(result.stderr, /the graphql-ws server closed the connection before connection_ack: 1 line not sent/);
	assert.match(result.stderr, /4403.*Forbidden/);
});

test('--protocol given twice with different values is a usage error', async () => {
	const result = await runCli([`${peer.base}/`, '--protocol', 'jsonrpc', '--protocol', 'stomp']);
	assert.deepEqual(lines(result.stderr), ['--protocol given twice, with "jsonrpc" and "stomp": give it once']);
	assert.equal(result.code, 2);
});

test('STOMP: a message that is not a frame is one error line and shown as received; a content-length that counts characters is read to the NUL', async () => {
	const result = await runCli([`${peer.base}/?mode=stompgarbage`, '--protocol', 'stomp', '--subscribe', '/q', '-n', '3', '-w', '1']);
	assert.deepEqual(lines(result.stderr), [
		'not a STOMP frame: shown as received: hello',
		'not a STOMP frame: shown as received: [binary 3 B]',
		'a STOMP MESSAGE frame\'s content-length (2) does not match its body (3 B before the NUL that ends it): read to the NUL',
		'2 of the 3 messages asked for (-n) came before the -w time ran out',
	]);
	assert.deepEqual(result.stdoutBytes, Buffer.concat([Buffer.from('hello\n'), Buffer.from([0xff, 0xfe, 0x00]), Buffer.from('\né!\nfine\n')]));
	assert.equal(result.code, 5);
});

test('--reconnect: a reconnect whose handshake never finishes is dropped as a failed attempt, and the next one goes on', async () => {
	const result = await runCli([`${peer.base}/?mode=gqlreconnect`, '--protocol', 'graphql-ws', '--reconnect', '--connect-timeout', '1', '-n', '2'], {input: 'subscription { connection }\n'});
	assert.equal(result.code, 0, result.stderr);
	assert.deepEqual(result.stdout.trim().split('\n'), ['{"data":{"connection":1}}', '{"data":{"connection":3}}']);
	assert.match(result.stderr, /no connection_ack from the graphql-ws server within the connect timeout \(--connect-timeout 1\)/);
});

test('handshakeWatch: its timer comes from the clock given, and a handshake done in time says nothing', () => {
	const timers: Array<() => void> = [];
	const cleared: unknown[] = [];
	const clock = {
		setTimeout(callback: () => void) {
			timers.push(callback);
			return timers.length as unknown as NodeJS.Timeout;
		},
		clearTimeout(timer: NodeJS.Timeout) {
			cleared.push(timer);
		},
	};
	const said: string[] = [];
	const exits: number[] = [];
	const drops: string[] = [];
	const link: StageLink = {
		receive() {},
		send() {},
		close() {},
		drop(fault) {
			drops.push(fault);
		},
		exit(code) {
			exits.push(code);
		},
		log() {},
		error(line) {
			said.push(line);
		},
		sending: 3,
	};
	const watch = handshakeWatch(link, {protocol: 'STOMP', awaited: 'CONNECTED', waiting: 'before CONNECTED'}, {timeout: 2, clock});
	watch.opened();
	watch.done();
	assert.deepEqual(cleared, [1]);
	watch.closed({code: 1000, reason: '', byUs: false, willReconnect: false});
	assert.deepEqual([said, exits], [[], []]);

	// A reconnect whose handshake runs out of time: dropped as a failed attempt, the run goes on.
	watch.opened();
	timers[1]!();
	assert.deepEqual([said, exits, drops], [[], [], ['no CONNECTED from the STOMP server within the connect timeout (--connect-timeout 2)']]);
	watch.closed({code: 1006, reason: drops[0]!, byUs: true, willReconnect: true});
	assert.deepEqual([said, exits], [[], []]);

	// The first connection's handshake running out of time ends the run.
	const first = handshakeWatch(link, {protocol: 'STOMP', awaited: 'CONNECTED', waiting: 'before CONNECTED'}, {timeout: 2, clock});
	first.opened();
	timers[2]!();
	assert.deepEqual(said, ['no CONNECTED from the STOMP server within the connect timeout (--connect-timeout 2): 3 lines not sent']);
	assert.deepEqual(exits, [1]);
	// Our close after it: no second line.
	first.closed({code: 1000, reason: '', byUs: true, willReconnect: false});
	assert.equal(said.length, 1);
	assert.equal(drops.length, 1);
});
