/*
`wsterm serve --reply/--script`: the built CLI as a child process, real ws clients on 127.0.0.1.
*/
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {runCli} from './helpers/cli.js';
import {closed, startServeCli, within, type ServeChild} from './helpers/serve-clients.js';
import {WebSocket, type ClientOptions} from '../source/connection/ws-library.js';

const directory = mkdtempSync(join(tmpdir(), 'wsterm-serve-hooks-'));
let scripts = 0;

function script(source: string, extension = 'mjs'): string {
	const path = join(directory, `mock-${++scripts}.${extension}`);
	writeFileSync(path, source);
	return path;
}

type Client = {
	readonly socket: WebSocket;
	/** The next `count` messages, text as it is, binary as `<binary hex>`; none is missed, even those sent with the handshake. */
	next(count: number): Promise<string[]>;
};

/** A client that collects every message from the start (onConnect may send before `open` is seen). */
async function client(url: string, options: ClientOptions = {}): Promise<Client> {
	const socket = new WebSocket(url, options);
	const inbox: string[] = [];
	socket.on('message', (data: Buffer, isBinary: boolean) => {
		inbox.push(isBinary ? `<binary ${data.toString('hex')}>` : data.toString());
	});
	await within(5000, `connecting to ${url}`, once(socket, 'open'));
	return {
		socket,
		async next(count) {
			await poll(`${count} messages (have ${inbox.length})`, () => inbox.length >= count);
			return inbox.splice(0, count);
		},
	};
}

async function poll(what: string, check: () => boolean, ms = 10_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${ms} ms waiting for ${what}`);
		}

		await new Promise(resolve => setTimeout(resolve, 10));
	}
}

/** Resolves once the server's stderr matches `pattern`. */
async function logged(server: ServeChild, pattern: RegExp): Promise<string> {
	await poll(`a log line matching ${String(pattern)}`, () => pattern.test(server.stderr())).catch((error: Error) => {
		throw new Error(`${error.message}; the log:\n${server.stderr()}`);
	});
	return pattern.exec(server.stderr())![0];
}

async function stop(server: ServeChild): Promise<void> {
	server.child.kill('SIGTERM');
	assert.equal(await server.exit, 0);
}

test('serve --reply: a matching message gets TEXT instead of the echo, with its groups; the others are echoed', async () => {
	const server = await startServeCli(['--reply', '^ping$ => pong', '--reply', '/^join (\\w+)$/i => {"joined":"$1"}']);
	try {
		const {socket, next} = await client(server.url);
		for (const text of ['ping', 'JOIN lobby', 'hello']) {
			socket.send(text);
		}

		socket.send(Buffer.from('ping'), {binary: true});
		assert.deepEqual(await next(4), ['pong', '{"joined":"lobby"}', 'hello', `<binary ${Buffer.from('ping').toString('hex')}>`]);
		socket.close(1000);
		await closed(socket);
		await logged(server, /#1 closed: 1000 \(normal closure\); messages 4 in \(23 B\), 4 out \(31 B\)/);
	} finally {
		await stop(server);
	}
});

test('serve --script: onConnect sees the request, onMessage answers, hides, keeps the echo, broadcasts, and a throwing hook is one log line', async () => {
	const path = script(`
		/** @type {import('wsterm').ServeHooks} */
		export default {
			onConnect(ctx) {
				ctx.state.name = new URL(ctx.request.path, 'ws://x').searchParams.get('name');
				ctx.send({path: ctx.request.path, token: ctx.request.headers['x-token'] ?? null, from: ctx.request.remoteAddress, url: ctx.url});
				ctx.log('hello', ctx.state.name);
			},
			async onMessage(message, ctx) {
				const value = message.json() ?? {};
				switch (value.type) {
					case 'quiet': return null;
					case 'ask': return {answer: 42, to: ctx.state.name};
					case 'shout': ctx.broadcast(ctx.state.name + ' says ' + value.text); return null;
					case 'bytes': return Buffer.from([1, 2]);
					case 'boom': throw new Error('kaboom');
					default: return undefined;
				}
			},
			onClose(event, ctx) {
				ctx.log('bye', ctx.state.name, event.code, event.byUs);
			},
		};
	`);
	const server = await startServeCli(['--script', path]);
	try {
		const alice = await client(`${server.url}?name=alice`, {headers: {'X-Token': 'secret'}});
		const [welcome] = await alice.next(1);
		assert.deepEqual(JSON.parse(welcome!), {path: '/?name=alice', token: 'secret', from: '127.0.0.1', url: `${server.url}?name=alice`});
		const bob = await client(`${server.url}?name=bob`);
		await bob.next(1);

		for (const message of [{type: 'quiet'}, {type: 'boom'}, {type: 'ask'}, {type: 'bytes'}, {type: 'echo me'}]) {
			alice.socket.send(JSON.stringify(message));
		}

		// quiet: nothing; boom: the hook failed, so the echo; then the answers and the echo.
		assert.deepEqual(await alice.next(4), ['{"type":"boom"}', '{"answer":42,"to":"alice"}', '<binary 0102>', '{"type":"echo me"}']);
		const error = await logged(server, /#1 script error: .*\n/);
		assert.equal(error, `#1 script error: ${path}:16: onMessage failed: Error: kaboom\n`);
		await logged(server, /#1 hello alice\n/);

		bob.socket.send(JSON.stringify({type: 'shout', text: 'hi all'}));
		assert.deepEqual(await alice.next(1), ['bob says hi all']);

		alice.socket.close(4000, 'done');
		await closed(alice.socket);
		await logged(server, /#1 bye alice 4000 false\n/);
		bob.socket.close();
		await closed(bob.socket);
	} finally {
		await stop(server);
	}
});

test('serve --script: the script is reloaded when the file changes (a log line says so); a broken edit keeps the previous one', async () => {
	const path = script('export function onMessage(message) { return "v1: " + message.text; }');
	const server = await startServeCli(['--script', path]);
	try {
		const {socket, next} = await client(server.url);
		socket.send('a');
		assert.deepEqual(await next(1), ['v1: a']);

		writeFileSync(path, 'export function onMessage(message) { return "v2: " + message.text; }');
		await logged(server, new RegExp(`script reloaded: ${path}\\n`));
		socket.send('b');
		assert.deepEqual(await next(1), ['v2: b']);

		writeFileSync(path, 'export function onMessage(message) { return "v3: " + ; }');
		await logged(server, /script not reloaded, the previous version stays: .*SyntaxError.*\n/);
		socket.send('c');
		assert.deepEqual(await next(1), ['v2: c']);
		socket.close();
		await closed(socket);
	} finally {
		await stop(server);
	}
});

test('serve --script with a script that does not load exits 2 with one line naming the file, before listening', async () => {
	const broken = script('export function onMessage( {');
	for (const [file, pattern] of [
		[broken, new RegExp(`^wsterm: --script ${broken}: cannot load: ${broken}:1: SyntaxError: .*\\n$`)],
		[join(directory, 'nowhere.mjs'), /^wsterm: --script .*nowhere\.mjs: cannot load: no such file\n$/],
	] as const) {
		const {code, stdout, stderr} = await runCli(['serve', '--port', '0', '--script', file]);
		assert.equal(code, 2);
		assert.equal(stdout, '');
		assert.match(stderr, pattern);
	}

	const {code, stderr} = await runCli(['serve', '--port', '0', '--reply', 'no arrow']);
	assert.equal(code, 2);
	assert.equal(stderr, 'wsterm: --reply takes \'PATTERN => TEXT\', not "no arrow" (no "=>")\n');
});

test('serve --script in broadcast mode: undefined keeps the broadcast, a return value answers the sender only', async () => {
	const path = script('module.exports = {onMessage: message => message.text === "who" ? "only you" : undefined};', 'cjs');
	const server = await startServeCli(['--broadcast', '--script', path]);
	try {
		const one = await client(server.url);
		const two = await client(server.url);
		one.socket.send('who');
		one.socket.send('everyone');
		assert.deepEqual(await one.next(1), ['only you']);
		assert.deepEqual(await two.next(1), ['everyone']);
		one.socket.close();
		two.socket.close();
		await Promise.all([closed(one.socket), closed(two.socket)]);
	} finally {
		await stop(server);
	}
});

test('--until and --record are for client connections: given to serve, a usage error', async () => {
	const until = await runCli(['serve', '--until', 'x']);
	assert.equal(until.code, 2);
	assert.equal(until.stderr, 'wsterm: --until does not apply to wsterm serve\n');
	const record = await runCli(['serve', '--record', 'x.jsonl']);
	assert.equal(record.code, 2);
	assert.equal(record.stderr, 'wsterm: --record does not apply to wsterm serve\n');
});

test('serve --script with an async hook and a flood: reading pauses while messages wait on the hook, and every answer comes back in order', {timeout: 120_000}, async () => {
	const path = script('export async function onMessage(message) { await new Promise(resolve => setImmediate(resolve)); return "re " + message.text; }');
	const server = await startServeCli(['--script', path]);
	try {
		const {socket, next} = await client(server.url);
		const count = 5000;
		for (let index = 0; index < count; index++) {
			socket.send(String(index));
		}

		const answers = await next(count);
		assert.equal(answers.length, count);
		assert.ok(answers.every((answer, index) => answer === `re ${index}`), 'answers lost or out of order');
		socket.close();
		await closed(socket);
		await logged(server, new RegExp(`#1 .*; messages ${count} in .*, ${count} out`));
	} finally {
		await stop(server);
	}
});

test('serve --script with --reply: the hook decides; a rule answers only what onMessage leaves to the default (undefined)', async () => {
	const path = script(`export function onMessage(message) {
		if (message.text === 'hook') return 'from hook';
		if (message.text === 'hide') return null;
		if (message.text === 'boom') throw new Error('no');
		return undefined;
	}`);
	const server = await startServeCli(['--script', path, '--reply', '^(hook|hide|left|boom)$ => from rule $1']);
	try {
		const {socket, next} = await client(server.url);
		for (const text of ['hook', 'hide', 'left', 'boom', 'echo']) {
			socket.send(text);
		}

		// hide: nothing at all; boom: the hook failed, so as if it returned undefined.
		assert.deepEqual(await next(4), ['from hook', 'from rule left', 'from rule boom', 'echo']);
		socket.close();
		await closed(socket);
		await logged(server, /#1 closed: .*; messages 5 in .*, 4 out/);
	} finally {
		await stop(server);
	}
});

test('serve --script: a client the script closes (ctx.close) is logged as closed by the server, with the code and reason', async () => {
	const path = script(`export function onConnect(ctx) {
		if (ctx.request.path.includes('bad')) ctx.close(4001, 'unauthorized');
	}`);
	const server = await startServeCli(['--script', path]);
	try {
		const rejected = new WebSocket(`${server.url}?bad`);
		const [code, reason] = await within(5000, 'the close', once(rejected, 'close')) as [number, Buffer];
		assert.equal(code, 4001);
		assert.equal(reason.toString(), 'unauthorized');
		assert.match(await logged(server, /#1 closed.*\n/), /^#1 closed by the server: 4001 "unauthorized"; messages 0 in/);
	} finally {
		await stop(server);
	}
});

test('serve --script: a hook stuck in a loop gets a log line naming it, and SIGTERM then ends the server (by the signal, as the shell\'s 143)', {timeout: 30_000}, async () => {
	const path = script('export function onMessage() { for (;;) {} }');
	const server = await startServeCli(['--script', path]);
	try {
		const {socket} = await client(server.url);
		socket.send('loop');
		await logged(server, /onMessage has not returned for 1 s: .*\n/);
		server.child.kill('SIGTERM');
		const [code, signal] = await within(3000, 'the server to end', once(server.child, 'exit')) as [number | null, NodeJS.Signals | null];
		assert.equal(signal, 'SIGTERM');
		assert.equal(code, null);
		assert.match(server.stderr(), new RegExp(`\\nwsterm: ${path}: onMessage has not returned for 1 s: wsterm cannot answer signals while it runs, so Ctrl-C or SIGTERM now ends wsterm at once\\n$`));
	} finally {
		server.child.kill('SIGKILL');
	}
});
