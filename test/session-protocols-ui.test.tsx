/*
The session's App with a protocol stage in its pipeline (ink-testing-library, a real ws server and
Connection): lines the protocol holds until its handshake are bounded like lines queued while
connecting.
*/
import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {render} from 'ink-testing-library';
import {Connection, systemClock} from '../source/connection/connection.js';
import {loadSocketIoStage} from '../source/protocols/socketio.js';
import {SessionMessagePath} from '../source/session/message-path.js';
import {maxPending} from '../source/session/outgoing.js';
import App from '../source/ui/App.js';
import {startServer} from './helpers/servers.js';
import {tick} from './helpers/ui-session.js';

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
	for (const cleanup of cleanups.reverse()) {
		await cleanup();
	}
});

test(`a Socket.IO server that never lets the namespace be joined: ${maxPending} typed lines wait in the stage, the next one is refused with an error row`, async () => {
	// A WebSocket server that never speaks Engine.IO: the stage holds every line.
	const server = await startServer({onConnection() {}});
	cleanups.push(async () => server.close());
	const connection = new Connection({url: server.url, displayUrl: server.url, protocols: [], options: {}}, {closeTimeout: 500});
	const stage = await loadSocketIoStage({namespace: '/', clock: systemClock});
	const messagePath = new SessionMessagePath(connection, [stage], Date.now);
	const instance = render(<App connection={connection} url={server.url} scrollback={100} reconnect={false} color={false} clock={systemClock} now={Date.now} protocol='socketio' messagePath={messagePath} frameInterval={10} onExit={() => undefined}/>);
	cleanups.push(() => {
		instance.unmount();
		instance.cleanup();
		connection.removeAllListeners();
		connection.terminate();
	});
	connection.connect();
	const frame = (): string => instance.lastFrame() ?? '';
	for (let attempt = 0; attempt < 300 && !frame().includes(' open '); attempt++) {
		await tick(10);
	}

	assert.match(frame(), / open /);
	// Each key its own write, as a fast typist's; the session reads its input from a ref, so keys
	// need not wait for a frame (a turn of the loop every 50 lines lets frames happen anyway).
	for (let line = 0; line <= maxPending; line++) {
		instance.stdin.write(`["e",${line}]`);
		instance.stdin.write('\r');
		if (line % 50 === 0) {
			await new Promise(setImmediate);
		}
	}

	for (let attempt = 0; attempt < 300 && !frame().includes('not sent:'); attempt++) {
		await tick(10);
	}

	assert.match(frame(), new RegExp(`error not sent: ${maxPending} messages already wait for the protocol's handshake`));
	assert.equal(messagePath.sending, maxPending, 'the stage holds the first ones, and no more');
	assert.equal(frame().match(/not sent:/g)?.length, 1, 'only the last line was refused');
	assert.equal(connection.stats.sentMessages, 0);
});
