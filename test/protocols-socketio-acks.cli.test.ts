import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import * as engineIo from 'engine.io-parser';
import {Server} from 'socket.io';
import * as socketIo from 'socket.io-parser';
import {PipelineMessage} from '../source/pipeline/message.js';
import type {StageLink} from '../source/pipeline/stage.js';
import {socketIoStage} from '../source/protocols/socketio.js';
import {runCli} from './helpers/cli.js';
import {fakeClock} from './helpers/fake-clock.js';

const closers: Array<() => Promise<void>> = [];
after(async () => Promise.all(closers.map(async close => close())));

/**
The socket.io package's server on 127.0.0.1. On each connection it emits `ask` (with the
connection's number) asking for an acknowledgement (with a 5 s timeout, as emitWithAck users
do); what its callback receives is kept in `answers` and emitted back as `answered`.
*/
async function askingServer(): Promise<{url: string; answers: unknown[][]}> {
	const http = createServer();
	const io = new Server(http, {transports: ['websocket']});
	const answers: unknown[][] = [];
	let connections = 0;
	io.on('connection', socket => {
		connections++;
		socket.timeout(5000).emit('ask', connections, (error: Error | null, ...args: unknown[]) => {
			if (error === null) {
				answers.push(args);
				socket.emit('answered', args.map(arg => Buffer.isBuffer(arg) ? `bytes ${arg.toString('hex')}` : arg));
			} else {
				socket.emit('answered', `no ack: ${error.message}`);
			}
		});
	});
	http.listen(0, '127.0.0.1');
	await once(http, 'listening');
	closers.push(async () => {
		await io.close();
	});
	return {url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, answers};
}

function hooksFile(source: string): string {
	const file = join(mkdtempSync(join(tmpdir(), 'wsterm-socketio-acks-')), 'hooks.mjs');
	writeFileSync(file, source);
	return file;
}

describe('--protocol socketio: acknowledgements the server asks for', () => {
	test('without hooks, wsterm answers at once with no arguments; the event prints as its array', async () => {
		const {url, answers} = await askingServer();
		const result = await runCli([url, '--protocol', 'socketio', '-n', '2', '-w', '5']);
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.equal(result.stdout, '["ask",1]\n["answered",[]]\n');
		assert.deepEqual(answers, [[]]);
	});

	test('--jsonl: codec stays "socket.io", the name is `event`, `ackId` and `acked` say it was answered', async () => {
		const {url} = await askingServer();
		const result = await runCli([url, '--protocol', 'socketio', '-n', '2', '-w', '5', '--jsonl']);
		assert.equal(result.code, 0, result.stderr);
		const records = result.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>).filter(record => record.dir === 'in');
		assert.equal(records.length, 2);
		assert.equal(records[0]!.codec, 'socket.io');
		assert.equal(records[0]!.event, 'ask');
		assert.equal(typeof records[0]!.ackId, 'number');
		assert.deepEqual(records[0]!.acked, []);
		assert.equal(records[1]!.event, 'answered');
		assert.equal(records[1]!.ackId, undefined);
		assert.equal(records[1]!.acked, undefined);
	});

	test('a hook answers with message.ack(...) (async, with bytes: a binary ack); a second call fails with a line', async () => {
		const {url, answers} = await askingServer();
		const script = hooksFile([
			'export async function onMessage(message, ctx) {',
			'  if (message.decoded[0] !== \'ask\') return;',
			'  await new Promise(resolve => setTimeout(resolve, 50));',
			'  message.ack(\'yes\', {n: message.decoded[1]}, Buffer.from([9, 8]));',
			'  message.ack(\'again\');',
			'}',
			'',
		].join('\n'));
		const result = await runCli([url, '--protocol', 'socketio', '--script', script, '-n', '2', '-w', '5']);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stderr, /hooks\.mjs:5: onMessage failed: Error: message\.ack: this event was answered already/);
		assert.equal(result.stdout, '["ask",1]\n["answered",["yes",{"n":1},"bytes 0908"]]\n');
		assert.equal(answers.length, 1);
		assert.deepEqual(answers[0]!.slice(0, 2), ['yes', {n: 1}]);
		assert.deepEqual(answers[0]![2], Buffer.from([9, 8]));
	});

	test('a hook that does not answer (or hides the event): wsterm answers with no arguments once it is done', async () => {
		const {url, answers} = await askingServer();
		const script = hooksFile('export function onMessage(message) { return message.decoded[0] === \'ask\' ? null : undefined; }\n');
		const result = await runCli([url, '--protocol', 'socketio', '--script', script, '-n', '2', '-w', '5']);
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, '["answered",[]]\n');
		assert.deepEqual(answers, [[]]);
	});
});

describe('socketio stage: badges and acknowledgements (fake link)', () => {
	/** The stage with the real parsers and a link that keeps what it is given. */
	function stage(hooksFollow: boolean) {
		const sent: PipelineMessage[] = [];
		const passed: PipelineMessage[] = [];
		const link: StageLink = {
			receive() {},
			send(message) {
				sent.push(message);
			},
			close() {},
			drop() {},
			exit() {},
			log() {},
			error(line) {
				throw new Error(line);
			},
		};
		const made = socketIoStage({namespace: '/', clock: fakeClock(), hooksFollow}, {engineIo, socketIo})(link);
		const receive = (text: string): void => {
			void made.receive!(new PipelineMessage(text, false), message => {
				passed.push(message);
			});
		};

		receive('0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
		receive('40{"sid":"b"}');
		sent.length = 0;
		passed.length = 0;
		return {sent, passed, receive, made};
	}

	test('an event\'s badge is its name (control characters visible, long names cut); an ack received keeps "socket.io"', async () => {
		const {passed, receive, made} = stage(false);
		receive('42["welcome",{"v":1}]');
		receive(`42["\\u001b${'x'.repeat(50)}"]`);
		await made.send!(new PipelineMessage('["echo",1]', false), () => undefined);
		receive('430[1]');
		assert.deepEqual(passed.map(message => message.badge), ['welcome', `\\e${'x'.repeat(39)}...`, 'socket.io']);
		assert.deepEqual(passed[0]!.fields, {codec: 'socket.io', event: 'welcome'});
		assert.equal(passed[2]!.line, 'ack "echo" => [1]');
	});

	test('an event with an ack id: answered at once without hooks; with hooks after them, once', () => {
		const alone = stage(false);
		alone.receive('427["ask",1]');
		assert.deepEqual(alone.sent.map(message => message.text), ['437[]']);
		assert.equal(alone.sent[0]!.awaitsReply, false);
		assert.equal(alone.sent[0]!.badge, 'ack ask');
		assert.equal(alone.passed[0]!.acknowledgement!.answered, true);
		assert.deepEqual(alone.passed[0]!.fields!.acked, []);

		const withHooks = stage(true);
		withHooks.receive('428["ask",2]');
		assert.equal(withHooks.sent.length, 0);
		const [event] = withHooks.passed;
		event!.ack!('ok', Buffer.from([1]));
		assert.deepEqual(withHooks.sent.map(message => message.isBinary ? message.data.toString('hex') : message.text), ['461-8["ok",{"_placeholder":true,"num":0}]', '01']);
		assert.throws(() => event!.ack!(), /answered already/);
		assert.equal(withHooks.sent.length, 2);
	});

	test('an answer given after the connection it came on closed is not sent (its id means nothing to the next one)', async () => {
		const {sent, passed, receive, made} = stage(true);
		receive('423["ask",3]');
		await made.event!({type: 'close', code: 1006, reason: '', byUs: false, willReconnect: true});
		passed[0]!.ack!('late');
		assert.equal(sent.length, 0);
		assert.deepEqual(passed[0]!.fields!.acked, ['late']);
	});
});
