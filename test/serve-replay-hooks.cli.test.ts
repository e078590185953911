/*
`wsterm serve --replay FILE` with `--script` and `--reply`: the hooks see each client message
first; what they leave to the default is answered by the recording, which moves on only then.
*/
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {closed, messages, startServeCli} from './helpers/serve-clients.js';
import {WebSocket} from '../source/connection/ws-library.js';

const directory = mkdtempSync(join(tmpdir(), 'wsterm-serve-replay-hooks-'));

function file(name: string, content: string): string {
	const path = join(directory, name);
	writeFileSync(path, content);
	return path;
}

const recording = [
	{time: '2026-01-01T00:00:00.000Z', dir: 'out', type: 'open', url: 'ws://127.0.0.1:1/', protocol: ''},
	{time: '2026-01-01T00:00:00.005Z', dir: 'in', type: 'text', data: 'welcome'},
	{time: '2026-01-01T00:00:00.010Z', dir: 'out', type: 'text', data: 'subscribe'},
	{time: '2026-01-01T00:00:00.020Z', dir: 'in', type: 'text', data: 'subscribed'},
	{time: '2026-01-01T00:00:00.400Z', dir: 'out', type: 'text', data: 'bye'},
	{time: '2026-01-01T00:00:00.410Z', dir: 'in', type: 'text', data: 'see you'},
].map(record => `${JSON.stringify(record)}\n`).join('');

test('serve --replay with --script and --reply: the hooks answer what they take, the recording answers the rest, in its order', async () => {
	const script = file('mock.mjs', `export default {
		onConnect(ctx) { ctx.log('client', ctx.request.path); },
		onMessage(message, ctx) {
			if (message.text === 'heartbeat') return 'ack';
			if (message.text === 'quiet') return null;
			ctx.log('left to the recording:', message.text);
			return undefined;
		},
	};`);
	const server = await startServeCli(['--replay', file('served.jsonl', recording), '--script', script, '--reply', '^ping$ => pong']);
	try {
		const socket = new WebSocket(`${server.url}?a=1`);
		const text = async (count: number): Promise<string[]> => (await messages(socket, count)).map(({data}) => data.toString());
		assert.deepEqual(await text(1), ['welcome']);
		socket.send('heartbeat');
		assert.deepEqual(await text(1), ['ack']);
		socket.send('ping');
		assert.deepEqual(await text(1), ['pong']);
		socket.send('quiet');
		socket.send('anything');
		assert.deepEqual(await text(1), ['subscribed']);
		socket.send('heartbeat');
		socket.send('bye');
		assert.deepEqual(await text(2), ['ack', 'see you']);
		socket.close(1000);
		await closed(socket);
		assert.match(server.stderr(), /#1 client \/\?a=1\n/);
		assert.match(server.stderr(), /#1 left to the recording: anything\n/);
		assert.match(server.stderr(), /#1 left to the recording: bye\n/);
	} finally {
		server.child.kill('SIGTERM');
		assert.equal(await server.exit, 0);
	}
});
