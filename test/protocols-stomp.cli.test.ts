import assert from 'node:assert/strict';
import {once} from 'node:events';
import {createServer, type IncomingHttpHeaders} from 'node:http';
import {createRequire} from 'node:module';
import type {AddressInfo, Socket} from 'node:net';
import {after, describe, test} from 'node:test';
import {Connection} from '../source/connection/connection.js';
import {PipelineMessage} from '../source/pipeline/message.js';
import type {PipelineEvent, Stage, StageLink} from '../source/pipeline/stage.js';
import {contentType, loadStompStage, maxFrameBytes, type StompOptions} from '../source/protocols/stomp.js';
import {listenToConnection} from '../source/session/events.js';
import {SessionMessagePath} from '../source/session/message-path.js';
import {runCli, startCli} from './helpers/cli.js';
import {startServer} from './helpers/servers.js';
import {startStompServer} from './helpers/stomp-server.js';
import {until} from './helpers/until.js';

const closers: Array<() => Promise<void>> = [];
after(async () => Promise.all(closers.map(async close => close())));

/** What the tests use of stomp-broker-js (it ships no types). */
type Broker = {
	on(event: 'connected', listener: (sessionId: string, headers: Record<string, string>) => void): void;
	on(event: 'subscribe', listener: (subscription: {id: string; topic: string}) => void): void;
	on(event: 'send', listener: (sent: {dest: string; frame: {headers: Record<string, string>; body: unknown}}) => void): void;
	addMiddleware(command: 'connect' | 'subscribe', handler: (socket: unknown, args: {headers?: Record<string, string>; dest?: string}, next: () => boolean) => boolean): void;
	send(topic: string, headers: Record<string, string>, body: string): void;
};
const StompServer = createRequire(import.meta.url)('stomp-broker-js') as new (config: {server: import('node:http').Server; path: string}) => Broker;

type TestBroker = {
	readonly url: string;
	readonly broker: Broker;
	/** Each CONNECT's headers, in order. */
	readonly connects: Array<Record<string, string>>;
	/** Each SUBSCRIBE, in order. */
	readonly subscriptions: Array<{id: string; topic: string}>;
	/** Each SEND the broker took: destination, headers, body. */
	readonly sends: Array<{dest: string; headers: Record<string, string>; body: unknown}>;
	/** The HTTP headers of each WebSocket handshake. */
	readonly upgrades: IncomingHttpHeaders[];
	/** Waits (bounded) until `check` holds. */
	until(check: () => boolean): Promise<void>;
	/** Drops every TCP connection, as a network would. */
	drop(): void;
};

/**
stomp-broker-js (a STOMP 1.1 broker over ws) on 127.0.0.1, path /ws. `login`: CONNECT must give
login bob and passcode secret, else the broker answers ERROR. SUBSCRIBE to /queue/forbidden is
answered with ERROR. The broker does not deliver a client's SEND to that client's own subscriptions.
*/
async function stompBroker({login = false} = {}): Promise<TestBroker> {
	const http = createServer();
	const broker = new StompServer({server: http, path: '/ws'});
	const connects: Array<Record<string, string>> = [];
	const subscriptions: Array<{id: string; topic: string}> = [];
	const sends: Array<{dest: string; headers: Record<string, string>; body: unknown}> = [];
	const upgrades: IncomingHttpHeaders[] = [];
	const sockets = new Set<Socket>();
	http.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	http.on('upgrade', request => upgrades.push(request.headers));
	if (login) {
		broker.addMiddleware('connect', (_socket, args, next) => args.headers?.login === 'bob' && args.headers.passcode === 'secret' ? next() : false);
	}

	broker.addMiddleware('subscribe', (_socket, args, next) => args.dest === '/queue/forbidden' ? false : next());
	broker.on('connected', (_id, headers) => connects.push(headers));
	broker.on('subscribe', subscription => subscriptions.push({id: subscription.id, topic: subscription.topic}));
	broker.on('send', ({dest, frame}) => sends.push({dest, headers: frame.headers, body: frame.body}));
	http.listen(0, '127.0.0.1');
	await once(http, 'listening');
	closers.push(async () => {
		for (const socket of sockets) {
			socket.destroy();
		}

		await new Promise(resolve => http.close(resolve));
	});
	return {
		url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`,
		broker,
		connects,
		subscriptions,
		sends,
		upgrades,
		async until(check) {
			const deadline = Date.now() + 10_000;
			while (!check() && Date.now() < deadline) {
				await new Promise(resolve => setTimeout(resolve, 20));
			}

			assert.ok(check(), 'the broker did not see it in 10 s');
		},
		drop() {
			for (const socket of sockets) {
				socket.destroy();
			}
		},
	};
}

describe('--protocol stomp against stomp-broker-js', () => {
	test('one run subscribes, another sends: MESSAGE bodies print, -n counts them; SEND carries the content type and a receipt', async () => {
		const server = await stompBroker();
		const plain = startCli([server.url, '--protocol', 'stomp', '--subscribe', '/queue/a', '-n', '2'], {input: ''});
		const jsonl = startCli([server.url, '--protocol', 'stomp', '--subscribe', '/queue/a', '--subscribe', '/queue/b', '-n', '2', '--jsonl'], {input: ''});
		await server.until(() => server.subscriptions.length === 3);
		assert.deepEqual(server.subscriptions.map(({id, topic}) => `${id} ${topic}`).sort(), ['sub-0 /queue/a', 'sub-0 /queue/a', 'sub-1 /queue/b']);
		// --linger 0: this broker never sends the RECEIPT a SEND asks for.
		const sender = await runCli([server.url, '--protocol', 'stomp', '--send-to', '/queue/a', '--linger', '0'], {input: 'hello\n{"a": 1}\n'});
		assert.equal(sender.stderr, '');
		assert.equal(sender.code, 0);
		assert.equal(sender.stdout, '', 'receipts are not printed');
		assert.deepEqual(server.sends.map(({dest, headers}) => [dest, headers['content-type'], typeof headers.receipt]), [
			['/queue/a', 'text/plain', 'string'],
			['/queue/a', 'application/json', 'string'],
		]);

		const printed = await plain.result;
		assert.equal(printed.stderr, '');
		assert.equal(printed.code, 0);
		// The broker parses an application/json body and writes it again, compact.
		assert.equal(printed.stdout, 'hello\n{"a":1}\n');

		const records = await jsonl.result;
		assert.equal(records.code, 0);
		const messages = records.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>).filter(record => record.dir === 'in');
		assert.equal(messages.length, 2, 'CONNECTED is not printed');
		assert.equal(messages[0]!.codec, 'stomp');
		assert.equal(messages[0]!.command, 'MESSAGE');
		assert.equal(messages[0]!.destination, '/queue/a');
		assert.equal(messages[0]!.subscription, 'sub-0');
		assert.equal(messages[0]!.body, 'hello');
		assert.equal((messages[1]!.headers as Record<string, string>)['content-type'], 'application/json');
		assert.match(messages[0]!.data as string, /^MESSAGE\n[\s\S]*\n\nhello\0$/, 'data: the frame as on the wire');
	});

	test('CONNECT: accept-version, no host (no --vhost), no heart-beats, the v1x.stomp subprotocols; --auth USER:PASS is login and passcode, not HTTP authentication', async () => {
		const server = await stompBroker({login: true});
		const result = await runCli([server.url, '--protocol', 'stomp', '--auth', 'bob:secret', '-v', '--linger', '0'], {input: '/queue/x hi\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stderr, /\(subprotocol v12\.stomp\)/);
		assert.deepEqual(server.connects, [{'accept-version': '1.2,1.1,1.0', 'heart-beat': '0,0', login: 'bob', passcode: 'secret'}]);
		assert.equal(server.upgrades[0]!['sec-websocket-protocol'], 'v12.stomp,v11.stomp,v10.stomp');
		assert.equal(server.upgrades[0]!.authorization, undefined);
		assert.deepEqual(server.sends.map(({dest, body}) => [dest, body]), [['/queue/x', 'hi']]);
	});

	test('an ERROR answering CONNECT (a wrong login): one line, exit 1, nothing sent', async () => {
		const server = await stompBroker({login: true});
		const result = await runCli([server.url, '--protocol', 'stomp', '--auth', 'bob:wrong', '--send-to', '/queue/x'], {input: 'hi\n'});
		assert.equal(result.code, 1);
		assert.equal(result.stderr, 'wsterm: the STOMP server sent ERROR: CONNECTION ERROR: CONNECTION ERROR\n');
		assert.equal(result.stdout, '');
		assert.deepEqual(server.sends, []);
	});

	test('an ERROR after CONNECTED (a refused SUBSCRIBE): one line, exit 3', async () => {
		const server = await stompBroker();
		const result = await runCli([server.url, '--protocol', 'stomp', '--subscribe', '/queue/forbidden', '-w', '5'], {input: ''});
		assert.equal(result.code, 3);
		assert.equal(result.stderr, 'wsterm: the STOMP server sent ERROR: SUBSCRIBE ERROR: /queue/forbidden\n');
	});

	test('a server that sends ERROR and closes at once (as RabbitMQ does): the line, exit 1, no reconnect', async () => {
		const {FrameImpl} = await import('@stomp/stompjs');
		const server = await startServer({onConnection(socket) {
			socket.once('message', () => {
				socket.send(FrameImpl.marshall({command: 'ERROR', headers: {message: 'access_refused', 'content-type': 'text/plain'}, body: 'Login or passcode\nrefused'}));
				socket.close(1000);
			});
		}});
		closers.push(async () => server.close());
		const result = await runCli([server.url, '--protocol', 'stomp', '--reconnect', '--send-to', '/queue/x'], {input: 'hi\n'});
		assert.equal(result.code, 1);
		assert.equal(result.stderr, 'wsterm: the STOMP server sent ERROR: access_refused: Login or passcode\\nrefused\n');
		assert.equal(server.requests.length, 1);
	});

	test('no host header by default, --vhost sets it; a default virtual host refused (as RabbitMQ refuses it to a user without access) gets a hint', async () => {
		const {FrameImpl, Parser} = await import('@stomp/stompjs');
		const hosts: Array<string | undefined> = [];
		const server = await startServer({onConnection(socket) {
			const parser = new Parser(raw => {
				const frame = FrameImpl.fromRawFrame(raw, false);
				if (frame.command !== 'CONNECT') {
					return;
				}

				hosts.push(frame.headers.host);
				if (frame.headers.host === 'team') {
					socket.send(FrameImpl.marshall({command: 'CONNECTED', headers: {version: '1.2'}}));
				} else {
					socket.send(FrameImpl.marshall({command: 'ERROR', headers: {message: 'Bad CONNECT'}, body: `Virtual host '${frame.headers.host ?? '/'}' access denied`}));
					socket.close(1000);
				}
			}, () => undefined);
			socket.on('message', data => {
				parser.parseChunk(new Uint8Array(data as Buffer).buffer);
			});
		}});
		closers.push(async () => server.close());
		const refused = await runCli([server.url, '--protocol', 'stomp'], {input: ''});
		assert.equal(refused.code, 1);
		assert.equal(refused.stderr, 'wsterm: the STOMP server sent ERROR: Bad CONNECT: Virtual host \'/\' access denied (CONNECT named no virtual host, so the broker took its default one: give --vhost NAME)\n');
		const accepted = await runCli([server.url, '--protocol', 'stomp', '--vhost', 'team', '-w', '0'], {input: ''});
		assert.equal(accepted.stderr, '');
		assert.equal(accepted.code, 0);
		const wrong = await runCli([server.url, '--protocol', 'stomp', '--vhost', 'other'], {input: ''});
		assert.equal(wrong.stderr, 'wsterm: the STOMP server sent ERROR: Bad CONNECT: Virtual host \'other\' access denied\n', 'no hint when --vhost was given');
		assert.deepEqual(hosts, [undefined, 'team', 'other']);
	});

	test('lines are DESTINATION BODY without --send-to; a line without a body is refused (exit 2), the rest is sent', async () => {
		const server = await stompBroker();
		const result = await runCli([server.url, '--protocol', 'stomp', '--linger', '0'], {input: 'hello\n/queue/b two words\n'});
		assert.equal(result.code, 2);
		assert.equal(result.stderr, 'wsterm: not sent: give DESTINATION BODY, or --send-to DESTINATION: hello\n');
		assert.deepEqual(server.sends.map(({dest, body}) => [dest, body]), [['/queue/b', 'two words']]);
	});

	test('--reconnect: after a drop, CONNECT and the SUBSCRIBEs go again', async () => {
		const server = await stompBroker();
		const run = startCli([server.url, '--protocol', 'stomp', '--subscribe', '/topic/news', '--reconnect', '-n', '1', '-w', '-1'], {input: ''});
		await server.until(() => server.subscriptions.length === 1);
		server.drop();
		await server.until(() => server.subscriptions.length === 2);
		server.broker.send('/topic/news', {}, 'after the drop');
		const result = await run.result;
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stderr, /reconnect/i);
		assert.equal(result.stdout, 'after the drop\n');
		assert.equal(server.connects.length, 2);
		assert.deepEqual(server.subscriptions.map(({id, topic}) => `${id} ${topic}`), ['sub-0 /topic/news', 'sub-0 /topic/news']);
	});

	test('--subscribe, --send-to and --vhost go with --protocol stomp only (exit 2, one line)', async () => {
		const alone = await runCli(['ws://127.0.0.1:9/', '--subscribe', '/queue/a']);
		assert.equal(alone.code, 2);
		assert.equal(alone.stderr, 'wsterm: --subscribe goes with --protocol stomp\n');
		const other = await runCli(['ws://127.0.0.1:9/', '--protocol', 'jsonrpc', '--send-to', '/queue/a']);
		assert.equal(other.code, 2);
		assert.equal(other.stderr, 'wsterm: --send-to goes with --protocol stomp\n');
		const vhost = await runCli(['ws://127.0.0.1:9/', '--vhost', '/']);
		assert.equal(vhost.code, 2);
		assert.equal(vhost.stderr, 'wsterm: --vhost goes with --protocol stomp\n');
	});
});

describe('the stomp stage with a fake link (the real @stomp/stompjs parser and serializer)', () => {
	type Fake = {sent: PipelineMessage[]; passedOn: PipelineMessage[]; errors: string[]; exits: number[]; refused: number};

	async function stage(options: Partial<StompOptions> = {}): Promise<{stage: Stage; fake: Fake}> {
		const fake: Fake = {sent: [], passedOn: [], errors: [], exits: [], refused: 0};
		const factory = await loadStompStage({subscribe: ['/topic/t'], ...options, onRefused() {
			fake.refused++;
		}});
		const link: StageLink = {
			receive: message => fake.passedOn.push(message),
			send: message => fake.sent.push(message),
			close() {},
			drop() {},
			exit: code => fake.exits.push(code),
			log() {},
			error: line => fake.errors.push(line),
		};
		return {stage: factory(link), fake};
	}

	const received = (text: string): PipelineMessage => new PipelineMessage(Buffer.from(text), false);
	const open = {type: 'open', protocol: 'v12.stomp', extensions: '', attempt: 1} as unknown as PipelineEvent;

	test('lines wait for CONNECTED, after the SUBSCRIBEs; a RECEIPT answers its SEND, hidden and not counted', async () => {
		const {stage: stomp, fake} = await stage({sendTo: '/queue/q'});
		await stomp.event!(open);
		assert.match(fake.sent[0]!.text!, /^CONNECT\naccept-version:1\.2,1\.1,1\.0\nheart-beat:0,0\n\n\0$/, 'no host header without --vhost');
		const out: PipelineMessage[] = [];
		const held = stomp.send!(new PipelineMessage('{"k":"a:b"}', false), message => out.push(message));
		assert.equal(out.length, 0, 'held until CONNECTED');
		stomp.receive!(received('CONNECTED\nversion:1.2\n\n\0'), message => fake.passedOn.push(message));
		assert.equal(fake.passedOn[0]!.control, true);
		assert.match(fake.sent[1]!.text!, /^SUBSCRIBE\nid:sub-0\ndestination:\/topic\/t\nack:auto\n\n\0$/);
		await held;
		assert.equal(out.length, 1);
		assert.match(out[0]!.text!, /^SEND\ndestination:\/queue\/q\ncontent-type:application\/json\nreceipt:r-0\ncontent-length:11\n\n\{"k":"a:b"\}\0$/);
		stomp.receive!(received('RECEIPT\nreceipt-id:r-0\n\n\0'), message => fake.passedOn.push(message));
		const receipt = fake.passedOn[1]!;
		assert.deepEqual([receipt.shown, receipt.counted, receipt.answers, receipt.control], [null, false, 1, false]);
	});

	test('two frames in one message, a heart-beat alone, an escaped header (STOMP 1.2)', async () => {
		const {stage: stomp, fake} = await stage();
		await stomp.event!(open);
		const next = (message: PipelineMessage): void => {
			fake.passedOn.push(message);
		};

		stomp.receive!(received('CONNECTED\nversion:1.2\n\n\0'), next);
		stomp.receive!(received('\n'), next);
		assert.equal(fake.passedOn[1]!.control, true, 'a heart-beat is control');
		stomp.receive!(received('MESSAGE\ndestination:/topic/t\nsubscription:sub-0\nmessage-id:m1\nx:a\\cb\n\none\0MESSAGE\ndestination:/topic/t\nsubscription:sub-0\nmessage-id:m2\n\ntwo\0'), next);
		const [first, second] = fake.passedOn.slice(2);
		assert.deepEqual([first!.line, first!.badge, first!.counted, first!.answers, first!.fields?.messageId, (first!.fields?.headers as Record<string, string>).x], ['one', 'stomp', true, 0, 'm1', 'a:b']);
		assert.deepEqual([second!.line, second!.fields?.messageId], ['two', 'm2']);
	});

	test('without --send-to, a line with no body is refused; a binary body is octets', async () => {
		const {stage: stomp, fake} = await stage();
		await stomp.event!(open);
		stomp.receive!(received('CONNECTED\nversion:1.1\n\n\0'), () => undefined);
		const out: PipelineMessage[] = [];
		stomp.send!(new PipelineMessage('/queue/q', false), message => out.push(message));
		assert.equal(fake.refused, 1);
		assert.equal(out.length, 0);
		const binary = await stage({sendTo: '/queue/b'});
		await binary.stage.event!(open);
		binary.stage.receive!(received('CONNECTED\nversion:1.2\n\n\0'), () => undefined);
		binary.stage.send!(new PipelineMessage(Buffer.from([0, 255]), true), message => out.push(message));
		assert.equal(out[0]!.isBinary, true);
		assert.match(out[0]!.data.toString('latin1'), /^SEND\ndestination:\/queue\/b\ncontent-type:application\/octet-stream\nreceipt:r-0\ncontent-length:2\n\n\0\xFF\0$/);
	});

	test('a frame over maxFrameBytes, in one message or in parts, is not parsed: an error line, shown as received; the next frame is read', async () => {
		const {stage: stomp, fake} = await stage();
		await stomp.event!(open);
		const next = (message: PipelineMessage): void => {
			fake.passedOn.push(message);
		};

		stomp.receive!(received('CONNECTED\nversion:1.2\n\n\0'), next);
		const big = new PipelineMessage(Buffer.concat([Buffer.from('MESSAGE\ndestination:/q\n\n'), Buffer.alloc(maxFrameBytes, 0x61)]), false);
		stomp.receive!(big, next);
		assert.equal(fake.errors.length, 1);
		assert.match(fake.errors[0]!, /^a STOMP frame over 8 MiB \(\d+ B so far\): not read, shown as received$/);
		assert.deepEqual([fake.passedOn[1]!.counted, fake.passedOn[1]!.control, fake.passedOn[1]!.line], [false, false, undefined]);
		const half = Buffer.alloc(maxFrameBytes / 2 + 1, 0x62);
		stomp.receive!(new PipelineMessage(Buffer.concat([Buffer.from('MESSAGE\ndestination:/q\n\n'), half]), false), next);
		stomp.receive!(new PipelineMessage(half, false), next);
		assert.equal(fake.errors.length, 2, 'the parts add up');
		stomp.receive!(received('MESSAGE\ndestination:/q\nsubscription:sub-0\n\nsmall\0'), next);
		assert.equal(fake.passedOn.at(-1)!.line, 'small');
	});

	test('closing: DISCONNECT with a receipt once connected, held until its RECEIPT or the close; nothing before CONNECTED or after ERROR', async () => {
		const {stage: stomp, fake} = await stage();
		await stomp.event!(open);
		assert.equal(stomp.closing!(), undefined, 'not connected yet: nothing to say');
		const next = (message: PipelineMessage): void => {
			fake.passedOn.push(message);
		};

		stomp.receive!(received('CONNECTED\nversion:1.2\n\n\0'), next);
		let settled = false;
		const held = Promise.resolve(stomp.closing!()).then(() => {
			settled = true;
		});
		const disconnect = fake.sent.at(-1)!;
		assert.match(disconnect.text!, /^DISCONNECT\nreceipt:(r-\d+)\n\n\0$/);
		assert.equal(disconnect.awaitsReply, false);
		const receipt = /receipt:(r-\d+)/.exec(disconnect.text!)![1]!;
		stomp.receive!(received('RECEIPT\nreceipt-id:other\n\n\0'), next);
		await new Promise(resolve => {
			setImmediate(resolve);
		});
		assert.equal(settled, false, 'another receipt does not let the close go');
		stomp.receive!(received(`RECEIPT\nreceipt-id:${receipt}\n\n\0`), next);
		await held;
		assert.deepEqual([fake.passedOn.at(-1)!.shown, fake.passedOn.at(-1)!.counted, fake.passedOn.at(-1)!.answers, fake.passedOn.at(-1)!.control], [null, false, 0, true]);

		// The connection closing ends the wait too.
		await stomp.event!(open);
		stomp.receive!(received('CONNECTED\nversion:1.2\n\n\0'), next);
		const cut = stomp.closing!();
		await stomp.event!({type: 'close', code: 1006, reason: '', byUs: false, willReconnect: false} as unknown as PipelineEvent);
		await cut;

		// After ERROR the server closes: no DISCONNECT.
		await stomp.event!(open);
		stomp.receive!(received('CONNECTED\nversion:1.2\n\n\0'), next);
		stomp.receive!(received('ERROR\nmessage:bad\n\n\0'), next);
		const sent = fake.sent.length;
		assert.equal(stomp.closing!(), undefined);
		assert.equal(fake.sent.length, sent);
	});

	test('contentType: JSON objects and arrays are application/json', () => {
		assert.equal(contentType('{"a":1}'), 'application/json');
		assert.equal(contentType(' [1] '), 'application/json');
		assert.equal(contentType('{nope'), 'text/plain');
		assert.equal(contentType('42'), 'text/plain');
	});
});

describe('--protocol stomp says DISCONNECT at the end of a run', () => {
	test('DISCONNECT with a receipt after the SENDs, and the WebSocket close only after its RECEIPT', async () => {
		const server = await startStompServer();
		closers.push(async () => server.close());
		const result = await runCli([server.url, '--protocol', 'stomp', '--send-to', '/queue/a'], {input: 'one\ntwo\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(server.seen.map(frame => frame.command), ['CONNECT', 'SEND', 'SEND', 'DISCONNECT', 'websocket close']);
		const disconnect = server.seen[3]!;
		assert.ok('headers' in disconnect && typeof disconnect.headers.receipt === 'string');
		assert.deepEqual(server.seen[4], {command: 'websocket close', code: 1000});
	});

	test('a server that never answers DISCONNECT holds the close only for the bound', async () => {
		const server = await startStompServer({answerDisconnect: false});
		closers.push(async () => server.close());
		// Without the bound the run would wait forever for the RECEIPT (and be killed at the timeout).
		const result = await runCli([server.url, '--protocol', 'stomp', '--send-to', '/queue/a'], {input: 'one\n', timeout: 15_000});
		assert.equal(result.signal, null);
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(server.seen.map(frame => frame.command), ['CONNECT', 'SEND', 'DISCONNECT', 'websocket close']);
	});

	test('the session\'s pipeline: /close and quit go through it, so DISCONNECT goes before the close; a bad code is refused', async () => {
		const server = await startStompServer();
		closers.push(async () => server.close());
		const connection = new Connection({url: server.url, displayUrl: server.url, protocols: [], options: {}});
		const messagePath = new SessionMessagePath(connection, [await loadStompStage({subscribe: []})], Date.now);
		const stop = listenToConnection(connection, Date.now, () => undefined, [], messagePath);
		try {
			connection.connect();
			// The line waits for CONNECTED; once it is out, the stage is connected.
			messagePath.send('/queue/a hi', false);
			await until(() => server.seen.length === 2);
			assert.equal(messagePath.close(999), 'close code 999 cannot be sent: use 1000-1003, 1007-1014 or 3000-4999', 'checked before anything is sent');
			assert.equal(server.seen.length, 2);
			assert.equal(messagePath.close(1000), undefined);
			await once(connection, 'close');
			assert.deepEqual(server.seen.map(frame => frame.command), ['CONNECT', 'SEND', 'DISCONNECT', 'websocket close']);
		} finally {
			stop();
		}
	});
});
