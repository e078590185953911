/*
The hooks stage (source/automation/) driven the way pipe mode and the session drive it: a real ws
client whose messages go through a pipeline holding the hooks stage, against a real ws server on
127.0.0.1.
*/
import assert from 'node:assert/strict';
import {EventEmitter, once} from 'node:events';
import {mkdtempSync, writeFileSync} from 'node:fs';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {PassThrough} from 'node:stream';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {exitCodes, UsageError} from '../source/shared/exit-codes.js';
import {loadHooks, type Handled, type HookConfig} from '../source/automation/index.js';
import {hooksStage} from '../source/automation/stage.js';
import {HookWatchdog} from '../source/automation/watchdog.js';
import {systemClock} from '../source/shared/clock.js';
import {createPipeline, type Pipeline} from '../source/pipeline/pipeline.js';
import {createMessage, type PipelineMessage} from '../source/pipeline/message.js';
import {WebSocket, WebSocketServer} from '../source/connection/ws-library.js';
import {within} from './helpers/serve-clients.js';

const directory = mkdtempSync(join(tmpdir(), 'wsterm-hooks-'));
let scripts = 0;

/** Writes a script file and returns its path. */
function script(source: string, extension = 'mjs'): string {
	const path = join(directory, `hook-${++scripts}.${extension}`);
	writeFileSync(path, source);
	return path;
}

type Peer = {
	readonly url: string;
	/** What the server received, in order (text, or `<binary hex>`). */
	readonly received: string[];
	/** The server's side of the (latest) connection. */
	socket(): WebSocket;
	readonly connections: Array<{socket: WebSocket; closed: Promise<[number, Buffer]>}>;
	close(): Promise<void>;
};

const servers: Peer[] = [];
after(async () => {
	await Promise.all(servers.map(async server => server.close()));
});

async function peer(): Promise<Peer> {
	const wss = new WebSocketServer({host: '127.0.0.1', port: 0});
	await once(wss, 'listening');
	const received: string[] = [];
	const connections: Peer['connections'] = [];
	wss.on('connection', socket => {
		connections.push({socket, closed: once(socket, 'close') as Promise<[number, Buffer]>});
		socket.on('message', (data: Buffer, isBinary: boolean) => {
			received.push(isBinary ? `<binary ${data.toString('hex')}>` : data.toString());
		});
	});
	const server: Peer = {
		url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
		received,
		connections,
		socket: () => connections.at(-1)!.socket,
		async close() {
			for (const client of wss.clients) {
				client.terminate();
			}

			await new Promise(resolve => {
				wss.close(resolve);
			});
		},
	};
	servers.push(server);
	return server;
}

type Client = {
	readonly runner: Pipeline;
	/** Everything the sink saw, in order: `deliver ...`, `send ...`, `close ...`, `exit N`, `log ...`, `error ...`. */
	readonly events: string[];
	readonly delivered: Handled[];
	socket: WebSocket;
	/** Opens (again) a client connection through the same pipeline, as a reconnect does. */
	connect(): Promise<void>;
};

function describe(message: {readonly isBinary: boolean; readonly data: Buffer; readonly text: string | undefined}): string {
	return message.isBinary ? `<binary ${message.data.toString('hex')}>` : message.text!;
}

/** A client connection to `server` with the hooks stage between its socket and a recording consumer. */
async function client(server: Peer, config: HookConfig): Promise<Client> {
	const events: string[] = [];
	const delivered: Handled[] = [];
	let socket: WebSocket | undefined;
	let closingByUs = false;
	const record = (handled: Handled): void => {
		delivered.push(handled);
		const {outcome} = handled;
		events.push(`deliver ${describe(handled.message)}${outcome === undefined ? '' : outcome === null ? ' (hidden)' : ` as ${describe(outcome)}`}`);
	};

	const runner = createPipeline([hooksStage(config, {url: server.url})], {
		transmit(message) {
			events.push(`send ${describe(message)}`);
			socket!.send(message.payload, {binary: message.isBinary});
		},
		deliver(message: PipelineMessage) {
			record({message, outcome: message.shown, replied: message.replied});
		},
		event(event) {
			if (event.type === 'exit') {
				events.push(`exit ${event.code}`);
			}
		},
		close(code, reason) {
			events.push(`close ${code} ${reason}`);
			closingByUs = true;
			socket!.close(code, reason);
		},
		log(line) {
			events.push(`log ${line}`);
		},
		error(line) {
			events.push(`error ${line}`);
		},
	});
	const result: Client = {
		runner,
		events,
		delivered,
		get socket() {
			return socket!;
		},
		async connect() {
			closingByUs = false;
			const current = new WebSocket(server.url);
			socket = current;
			current.on('message', (data: Buffer, isBinary: boolean) => {
				runner.receive(createMessage(data, isBinary));
			});
			current.on('close', (code: number, reason: Buffer) => {
				runner.event({type: 'close', code, reason: reason.toString(), byUs: closingByUs, willReconnect: false});
			});
			const before = server.connections.length;
			await within(5000, 'the connection to open', once(current, 'open'));
			await until('the server to see it', () => server.connections.length > before);
			runner.event({type: 'open', protocol: '', extensions: '', attempt: 1});
		},
	};
	await result.connect();
	return result;
}

/** Resolves once `check` holds, polling; fails saying what was awaited. */
async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
	await within(ms, what, (async () => {
		while (!check()) {
			await new Promise(resolve => setTimeout(resolve, 5));
		}
	})());
}

const plain: HookConfig = {role: 'client', rules: []};

test('--reply: the first matching rule answers a text message, with $1..$9, $& and $$ filled in, after it is delivered', async () => {
	const server = await peer();
	const config = await loadHooks({role: 'client', reply: ['^ping (\\d+)$ => pong $1', '/^HELLO (\\w+) (\\w+)$/i => hi $2, $1 ($&) costs $$5', '^ping => never: the first rule matched']});
	const {events} = await client(server, config);
	server.socket().send('ping 7');
	server.socket().send('hello Ada Lovelace');
	server.socket().send('nothing to see');
	server.socket().send(Buffer.from('ping 8'), {binary: true});
	await until('two answers', () => server.received.length === 2);
	await until('four deliveries', () => events.filter(event => event.startsWith('deliver')).length === 4);
	assert.deepEqual(server.received, ['pong 7', 'hi Lovelace, Ada (hello Ada Lovelace) costs $5']);
	assert.deepEqual(events, [
		'deliver ping 7',
		'send pong 7',
		'deliver hello Ada Lovelace',
		'send hi Lovelace, Ada (hello Ada Lovelace) costs $5',
		'deliver nothing to see',
		`deliver <binary ${Buffer.from('ping 8').toString('hex')}>`,
	]);
});

test('--reply and --until: a bad pattern or a missing => is a usage error naming the flag', async () => {
	await assert.rejects(loadHooks({role: 'client', reply: ['ping pong']}), (error: Error) =>
		error instanceof UsageError && error.message === '--reply takes \'PATTERN => TEXT\', not "ping pong" (no "=>")');
	await assert.rejects(loadHooks({role: 'client', reply: ['(ping => pong']}), (error: Error) =>
		error instanceof UsageError && /^--reply: "\(ping" is not a valid regular expression \(.*Unterminated group\)$/.test(error.message));
	await assert.rejects(loadHooks({role: 'client', reply: [' => pong']}), /--reply: the pattern is empty/);
	await assert.rejects(loadHooks({role: 'client', reply: [], until: '[a-'}), /^UsageError: --until: "\[a-" is not a valid regular expression/);
});

test('--until: the run ends with exit 0 right after the first matching text message is delivered; later ones are not delivered', async () => {
	const server = await peer();
	const {events} = await client(server, await loadHooks({role: 'client', reply: [], until: '"status":\\s*"done"'}));
	assert.equal(exitCodes.expectedMissing, 4);
	server.socket().send('{"status": "working"}');
	server.socket().send(Buffer.from('"status":"done"'), {binary: true});
	server.socket().send('{"status": "done"}');
	server.socket().send('after the end');
	await until('the exit', () => events.includes('exit 0'));
	await new Promise(resolve => setTimeout(resolve, 50));
	assert.deepEqual(events.filter(event => !event.startsWith('deliver <binary')), ['deliver {"status": "working"}', 'deliver {"status": "done"}', 'exit 0']);
});

test('onMessage: undefined shows as usual, null hides, a string shows instead; async hooks keep the order', async () => {
	const server = await peer();
	const path = script(`
		export async function onMessage(message) {
			const value = message.json();
			// Later messages finish first unless the runner waits for each.
			await new Promise(resolve => setTimeout(resolve, value.delay));
			if (value.hide) return null;
			if (value.say) return 'shown instead: ' + value.say;
			return undefined;
		}
	`);
	const {delivered} = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	for (const [index, delay] of [40, 0, 20, 0, 10].entries()) {
		server.socket().send(JSON.stringify({index, delay, hide: index === 1, say: index === 3 ? 'three' : undefined}));
	}

	await until('five deliveries', () => delivered.length === 5);
	assert.deepEqual(delivered.map(({message}) => (message.json() as {index: number}).index), [0, 1, 2, 3, 4]);
	assert.deepEqual(delivered.map(({outcome}) => outcome === undefined ? 'as usual' : outcome === null ? 'hidden' : outcome.text), ['as usual', 'hidden', 'as usual', 'shown instead: three', 'as usual']);
	assert.equal(delivered[0]!.message.isBinary, false);
});

test('onMessage sees data, isBinary, text and json() for text and binary messages', async () => {
	const server = await peer();
	const path = script(`
		export function onMessage(message, ctx) {
			ctx.log(message.isBinary, message.text, message.data.toString('hex'), JSON.stringify(message.json()));
		}
	`);
	const {events} = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	server.socket().send('{"a": [1, 2]}');
	server.socket().send('not json');
	server.socket().send(Buffer.from([0, 255]), {binary: true});
	await until('three deliveries', () => events.filter(event => event.startsWith('deliver')).length === 3);
	assert.deepEqual(events.filter(event => event.startsWith('log')), [
		`log false {"a": [1, 2]} ${Buffer.from('{"a": [1, 2]}').toString('hex')} {"a":[1,2]}`,
		`log false not json ${Buffer.from('not json').toString('hex')} undefined`,
		'log true undefined 00ff undefined',
	]);
});

test('ctx.send inside onMessage goes out after that message is delivered; ctx.send takes strings, Buffers and JSON values', async () => {
	const server = await peer();
	const path = script(`
		export function onOpen(ctx) {
			ctx.send('hello');
			ctx.send(Buffer.from([1, 2, 3]));
			ctx.send({op: 'subscribe', ids: [1, 2]});
		}
		export async function onMessage(message, ctx) {
			ctx.send('answer to ' + message.text);
			await new Promise(resolve => setTimeout(resolve, 10));
		}
	`);
	const {events} = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	await until('the opening messages', () => server.received.length === 3);
	assert.deepEqual(server.received, ['hello', '<binary 010203>', '{"op":"subscribe","ids":[1,2]}']);
	server.socket().send('question');
	await until('the answer', () => server.received.length === 4);
	assert.equal(server.received[3], 'answer to question');
	assert.deepEqual(events.slice(-2), ['deliver question', 'send answer to question']);
});

test('onSend: null drops a message, a string or Buffer replaces it, undefined sends it as it is, in order even when async', async () => {
	const server = await peer();
	const path = script(`
		export async function onSend(message) {
			await new Promise(resolve => setTimeout(resolve, message.text === 'slow' ? 30 : 0));
			if (message.text === 'secret') return null;
			if (message.text === 'upper') return message.text.toUpperCase();
			if (message.text === 'bytes') return Buffer.from('ff00', 'hex');
		}
	`);
	const {runner} = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	for (const text of ['slow', 'secret', 'upper', 'bytes', 'plain']) {
		assert.equal(runner.send(createMessage(text, false)), true);
	}

	await runner.settled();
	await until('four messages', () => server.received.length === 4);
	assert.deepEqual(server.received, ['slow', 'UPPER', '<binary ff00>', 'plain']);
});

test('without onSend, send() passes the message to the sink at once and returns its answer', async () => {
	const server = await peer();
	const {runner, events} = await client(server, plain);
	assert.equal(runner.send(createMessage('now', false)), true);
	assert.deepEqual(events, ['send now']);
});

test('a hook that throws or rejects gives one line naming the file and line, and the connection goes on', async () => {
	const server = await peer();
	const path = script([
		'export function onMessage(message) {',
		'  if (message.text === "throw") throw new TypeError("bad input");',
		'  if (message.text === "reject") return Promise.reject(new Error("later"));',
		'}',
		'export function onSend() {',
		'  null.property;',
		'}',
	].join('\n'));
	const {events, runner} = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	server.socket().send('throw');
	server.socket().send('reject');
	server.socket().send('fine');
	runner.send(createMessage('sent anyway', false));
	await until('three deliveries', () => events.filter(event => event.startsWith('deliver')).length === 3);
	await until('the send', () => server.received.length === 1);
	// The two directions run independently: compare without their interleaving.
	assert.deepEqual(events.filter(event => event.startsWith('error')).sort(), [
		`error ${path}:2: onMessage failed: TypeError: bad input`,
		`error ${path}:3: onMessage failed: Error: later`,
		`error ${path}:6: onSend failed: TypeError: Cannot read properties of null (reading 'property')`,
	]);
	assert.deepEqual(events.filter(event => event.startsWith('deliver')), ['deliver throw', 'deliver reject', 'deliver fine']);
	assert.deepEqual(server.received, ['sent anyway']);
});

test('ctx.close checks the code as ws does (a bad one is a hook error) and sends a valid one; onClose gets code, reason, byUs', async () => {
	const server = await peer();
	const path = script(`
		export function onMessage(message, ctx) {
			if (message.text === 'bad') ctx.close(1006);
			if (message.text === 'long') ctx.close(1000, 'x'.repeat(124));
			if (message.text === 'bye') ctx.close(4001, 'done here');
		}
		export function onClose(event, ctx) {
			ctx.log('closed', event);
		}
	`);
	const {events} = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	const {closed} = server.connections.at(-1)!;
	server.socket().send('bad');
	server.socket().send('long');
	server.socket().send('bye');
	const [code, reason] = await within(5000, 'the close', closed);
	assert.equal(code, 4001);
	assert.equal(reason.toString(), 'done here');
	await until('onClose', () => events.some(event => event.startsWith('log closed')));
	assert.deepEqual(events.filter(event => /^(error|close|log)/.test(event)), [
		`error ${path}:3: onMessage failed: RangeError: ctx.close: close code 1006 cannot be sent: use 1000-1003, 1007-1014 or 3000-4999`,
		`error ${path}:4: onMessage failed: RangeError: ctx.close: close reason is 124 bytes; at most 123 fit in a close frame`,
		'close 4001 done here',
		'log closed { code: 4001, reason: \'done here\', byUs: true }',
	]);
});

test('ctx.exit inside onMessage ends the run after that message is delivered; nothing after it is delivered', async () => {
	const server = await peer();
	const path = script(`
		export function onMessage(message, ctx) {
			if (message.text === 'stop') ctx.exit(5);
			if (message.text === 'bad exit') ctx.exit(256);
		}
	`);
	const {events} = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	for (const text of ['bad exit', 'one', 'stop', 'two']) {
		server.socket().send(text);
	}

	await until('the exit', () => events.includes('exit 5'));
	await new Promise(resolve => setTimeout(resolve, 50));
	assert.deepEqual(events, [
		`error ${path}:4: onMessage failed: RangeError: ctx.exit: the exit code must be a whole number from 0 to 255, not 256`,
		'deliver bad exit',
		'deliver one',
		'deliver stop',
		'exit 5',
	]);
});

test('ctx timers run until the connection closes; ctx.state and the runner outlive a reconnect; onOpen runs again', async () => {
	const server = await peer();
	const path = script(`
		export function onOpen(ctx) {
			ctx.state.opens = (ctx.state.opens ?? 0) + 1;
			ctx.send('open ' + ctx.state.opens + ' ' + ctx.url);
			let beats = 0;
			ctx.setInterval(() => ctx.send('beat ' + ctx.state.opens + '.' + ++beats), 10);
			const never = ctx.setTimeout(() => ctx.send('cleared timeouts never fire'), 20);
			ctx.clearTimeout(never);
		}
	`);
	const hooked = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	await until('three beats', () => server.received.includes('beat 1.3'));
	hooked.socket.close(1000);
	await once(hooked.socket, 'close');
	await hooked.runner.settled();
	const count = server.received.length;
	await new Promise(resolve => setTimeout(resolve, 60));
	assert.equal(server.received.length, count, 'the interval went on after the close');
	await hooked.connect();
	await until('a beat after the reconnect', () => server.received.includes('beat 2.2'));
	assert.equal(server.received[0], `open 1 ${server.url}`);
	assert.ok(server.received.includes(`open 2 ${server.url}`));
	assert.ok(!server.received.includes('cleared timeouts never fire'));
	assert.ok(server.received.every(text => !text.startsWith('beat 1.') || server.received.indexOf(text) < count));
	hooked.socket.close(1000);
	await once(hooked.socket, 'close');
});

test('a timer callback that throws is reported with its line and the interval goes on', async () => {
	const server = await peer();
	const path = script([
		'export function onOpen(ctx) {',
		'  let n = 0;',
		'  ctx.setInterval(() => { n++; if (n === 1) throw new Error("first"); ctx.send("tick " + n); }, 5);',
		'}',
	].join('\n'));
	const {events, socket} = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	await until('tick 3', () => server.received.includes('tick 3'));
	assert.equal(events.find(event => event.startsWith('error')), `error ${path}:3: a setInterval callback failed: Error: first`);
	socket.close(1000);
	await once(socket, 'close');
});

test('ctx.log formats like console.log and makes control characters visible', async () => {
	const server = await peer();
	const path = script(`
		export function onMessage(message, ctx) {
			ctx.log('got', message.text, {n: 1});
		}
	`);
	const {events} = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	server.socket().send('\u001B[31mred\u0007');
	await until('the log', () => events.some(event => event.startsWith('log')));
	assert.equal(events.find(event => event.startsWith('log')), 'log got \\e[31mred\\x07 { n: 1 }');
});

test('ctx.log is one line per call: newlines and tabs in the values are escaped, and objects stay on one line', async () => {
	const server = await peer();
	const path = script(`
		export function onMessage(message, ctx) {
			ctx.log(message.text, {list: Array.from({length: 30}, (_, index) => index), nested: {text: 'x\\ny'}});
		}
	`);
	const {events} = await client(server, await loadHooks({role: 'client', reply: [], script: path}));
	server.socket().send('one\ntwo\r\n\tthree');
	await until('the log', () => events.some(event => event.startsWith('log')));
	const line = events.find(event => event.startsWith('log'))!;
	assert.ok(!line.includes('\n'), line);
	assert.equal(line, `log one\\ntwo\\r\\n\\tthree { list: [ ${Array.from({length: 30}, (_, index) => index).join(', ')} ], nested: { text: 'x\\ny' } }`);
});

test('CommonJS and default-export scripts load; .ts, a missing file, a syntax error and a wrong hook are usage errors naming the file', async () => {
	const commonjs = script('module.exports = {onMessage(message) { return "cjs " + message.text; }};', 'cjs');
	const server = await peer();
	const {delivered} = await client(server, await loadHooks({role: 'client', reply: [], script: commonjs}));
	server.socket().send('x');
	await until('the delivery', () => delivered.length === 1);
	assert.equal(delivered[0]!.outcome?.text, 'cjs x');

	const usage = async (path: string, pattern: RegExp, role: 'client' | 'server' = 'client'): Promise<void> => {
		await assert.rejects(loadHooks({role, reply: [], script: path}), (error: Error) => {
			assert.ok(error instanceof UsageError, error.stack);
			assert.match(error.message, pattern);
			assert.ok(!error.message.includes('\n'), error.message);
			return true;
		});
	};

	await usage(join(directory, 'missing.mjs'), /^--script .*missing\.mjs: cannot load: no such file$/);
	await usage(script('export function onMessage( {\n}\n'), /^--script .*hook-\d+\.mjs: cannot load: .*hook-\d+\.mjs:\d: SyntaxError: /);
	await usage(script('throw new Error("not today");'), /^--script .*hook-\d+\.mjs: cannot load: .*hook-\d+\.mjs:1: Error: not today$/);
	await usage(script('export const onMessage = 5;'), /^--script .*: onMessage is not a function$/);
	await usage(script('export function onmessage() {}'), /^--script .*: unknown hook onmessage \(hooks: onOpen, onMessage, onSend, onClose\)$/);
	await usage(script('export function onConnect() {}'), /^--script .*: onConnect is a wsterm serve hook; a client connection uses onOpen, onMessage, onSend, onClose$/);
	await usage(script('export function onOpen() {}'), /^--script .*: onOpen is a client hook; wsterm serve uses onConnect, onMessage, onClose$/, 'server');
	await usage(script('export default {};', 'ts'), /^--script takes a \.js, \.mjs or \.cjs file, not ".*\.ts"$/);
});

test('with async hooks, receive() and send() say when more than maxPending messages wait in the stage, and settled() says when they are through', async () => {
	const server = await peer();
	const path = script(`
		export async function onMessage() { await new Promise(resolve => setTimeout(resolve, 1)); }
		export async function onSend() { await new Promise(resolve => setTimeout(resolve, 1)); }
	`);
	const config = await loadHooks({role: 'client', reply: [], script: path});
	const delivered: string[] = [];
	const sent: string[] = [];
	const runner = createPipeline([hooksStage(config, {url: server.url})], {
		transmit: message => void sent.push(message.text!),
		deliver: message => void delivered.push(message.text!),
		event: () => undefined,
		close: () => undefined,
		log: () => undefined,
		error: line => assert.fail(line),
	}, {maxPending: 3});

	assert.deepEqual(['1', '2', '3', '4'].map(text => runner.receive(createMessage(text, false))), [true, true, false, false]);
	assert.deepEqual(['a', 'b', 'c'].map(text => runner.send(createMessage(text, false))), [true, true, false]);
	await runner.settled();
	assert.deepEqual(delivered, ['1', '2', '3', '4']);
	assert.deepEqual(sent, ['a', 'b', 'c']);
	assert.equal(runner.receive(createMessage('5', false)), true);
	await runner.settled();
});

test('the watchdog: a hook running past its time gets a line, and the signal listeners are off until it returns, then back in order', async () => {
	const signals = new EventEmitter();
	const first = (): void => undefined;
	const second = (): void => undefined;
	signals.on('SIGINT', first);
	signals.on('SIGINT', second);
	signals.once('SIGTERM', first);
	const stderr = new PassThrough();
	const lines: string[] = [];
	stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
	const watchdog = new HookWatchdog({signals, stderr, stdin: new PassThrough(), clock: systemClock}, 'stuck.mjs', {afterMs: 200, pollMs: 20});
	try {
		// Let the worker start.
		await new Promise(resolve => setTimeout(resolve, 300));
		watchdog.enter('onMessage');
		const started = Date.now();
		let detachedAfter: number | undefined;
		while (Date.now() - started < 3000 && detachedAfter === undefined) {
			if (signals.listenerCount('SIGINT') === 0 && signals.listenerCount('SIGTERM') === 0) {
				detachedAfter = Date.now() - started;
			}
		}

		watchdog.leave();
		assert.ok(detachedAfter !== undefined && detachedAfter >= 200, `detached after ${detachedAfter} ms`);
		assert.deepEqual(signals.rawListeners('SIGINT'), [first, second]);
		assert.equal(signals.listenerCount('SIGTERM'), 1);
		signals.emit('SIGTERM');
		assert.equal(signals.listenerCount('SIGTERM'), 0, 'the once listener came back as a once listener');
		assert.equal(lines.length, 2);
		assert.equal(lines[0], 'wsterm: stuck.mjs: onMessage has not returned for 0.2 s: wsterm cannot answer signals while it runs, so Ctrl-C or SIGTERM now ends wsterm at once\n');
		assert.match(lines[1]!, /^wsterm: stuck\.mjs: onMessage returned after 0\.\d s: signals are handled as usual again\n$/);

		// A short hook is left alone.
		watchdog.enter('onSend');
		watchdog.leave();
		await new Promise(resolve => setTimeout(resolve, 300));
		assert.equal(lines.length, 2);
	} finally {
		await watchdog.stop();
	}
});
