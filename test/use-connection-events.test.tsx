import assert from 'node:assert/strict';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {Connection, systemClock} from '../source/connection/connection.js';
import type {SessionAction} from '../source/session/session.js';
import {useConnectionEvents} from '../source/ui/use-connection-events.js';
import {startServer} from './helpers/servers.js';
import {tick} from './helpers/ui-session.js';

function Listener({connection, dispatch}: {readonly connection: Connection; readonly dispatch: (action: SessionAction) => void}) {
	useConnectionEvents({connection, dispatch, clock: systemClock, now: Date.now, interval: 20});
	return null;
}

test('each batch carries the counts as they were when it was taken, not as they are later', async () => {
	// Messages in three bursts, far enough apart to land in separate batches.
	const server = await startServer({onConnection(socket) {
		let burst = 0;
		const timer = setInterval(() => {
			for (let index = 0; index < 3; index++) {
				socket.send(`burst ${burst} message ${index}`);
			}

			if (++burst === 3) {
				clearInterval(timer);
			}
		}, 60);
		socket.on('close', () => {
			clearInterval(timer);
		});
	}});
	const connection = new Connection({url: server.url, displayUrl: server.url, protocols: [], options: {}});
	const batches: Array<Extract<SessionAction, {type: 'events'}>> = [];
	const instance = render(<Listener connection={connection} dispatch={action => {
		if (action.type === 'events') {
			batches.push(action);
		}
	}}/>);
	try {
		connection.connect();
		for (let waited = 0; connection.stats.receivedMessages < 9 && waited < 5000; waited += 10) {
			await tick(10);
		}

		await tick(100);
		assert.equal(connection.stats.receivedMessages, 9);
		assert.ok(batches.length >= 3, `${batches.length} batches`);
		let shown = 0;
		for (const batch of batches) {
			shown += batch.events.filter(event => event.type === 'message').length;
			// The status bar may not count a message the pane does not show yet.
			assert.equal(batch.stats.receivedMessages, shown);
		}
	} finally {
		instance.unmount();
		connection.terminate();
		await server.close();
	}
});
