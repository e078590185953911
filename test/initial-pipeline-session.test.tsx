/*
The session's App with the STOMP stage in its pipeline (ink-testing-library, a real ws server and
Connection): -I's line goes as a SEND once CONNECTED came, and /close says DISCONNECT and waits
for its RECEIPT before the WebSocket close.
*/
import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {render} from 'ink-testing-library';
import {Connection, systemClock} from '../source/connection/connection.js';
import {loadStompStage} from '../source/protocols/stomp.js';
import {SessionMessagePath} from '../source/session/message-path.js';
import App from '../source/ui/App.js';
import {startStompServer} from './helpers/stomp-server.js';
import {tick} from './helpers/ui-session.js';

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
	for (const cleanup of cleanups.reverse()) {
		await cleanup();
	}
});

async function until(check: () => boolean): Promise<void> {
	for (let attempt = 0; attempt < 500 && !check(); attempt++) {
		await tick(10);
	}

	assert.ok(check(), 'timed out waiting');
}

test('session with --protocol stomp and -I: the -I line is a SEND after CONNECT; /close sends DISCONNECT before the close', async () => {
	const server = await startStompServer();
	cleanups.push(async () => server.close());
	const initialMessages = ['/queue/a hello'];
	const connection = new Connection({url: server.url, displayUrl: server.url, protocols: [], options: {}}, {initialMessages});
	const messagePath = new SessionMessagePath(connection, [await loadStompStage({subscribe: []})], Date.now, initialMessages);
	const instance = render(<App connection={connection} url={server.url} scrollback={100} reconnect={false} color={false} clock={systemClock} now={Date.now} protocol='stomp' messagePath={messagePath} initialMessages={initialMessages} frameInterval={10} onExit={() => undefined}/>);
	cleanups.push(() => {
		instance.unmount();
		instance.cleanup();
		connection.removeAllListeners();
		connection.terminate();
	});
	connection.connect();
	await until(() => server.seen.length === 2);
	const [connect, send] = server.seen;
	assert.equal(connect!.command, 'CONNECT');
	assert.ok('headers' in send! && send.command === 'SEND' && send.headers.destination === '/queue/a' && send.body === 'hello', JSON.stringify(send));
	await until(() => (instance.lastFrame() ?? '').includes('/queue/a hello'));
	assert.equal((instance.lastFrame() ?? '').match(/\/queue\/a hello/g)?.length, 1, 'one row for the -I line');

	instance.stdin.write('/close');
	await tick(10);
	instance.stdin.write('\r');
	await until(() => server.seen.some(frame => frame.command === 'websocket close'));
	assert.deepEqual(server.seen.map(frame => frame.command), ['CONNECT', 'SEND', 'DISCONNECT', 'websocket close']);
});
