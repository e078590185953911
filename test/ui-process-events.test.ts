/*
The running session's answers to the process (ui/process-events.ts), with a real connection to a
server that never answers the close: the first SIGINT or SIGTERM closes with 1000 and waits, a
second one or the grace running out ends the session at once with the first signal's code.
*/
import assert from 'node:assert/strict';
import {EventEmitter, once} from 'node:events';
import {Writable} from 'node:stream';
import {afterEach, test} from 'node:test';
import {Connection} from '../source/connection/connection.js';
import {interruptGraceMs} from '../source/shared/interrupt.js';
import {listenToProcess} from '../source/ui/process-events.js';
import {fakeClock} from './helpers/fake-clock.js';
import {startServer, type TestServer} from './helpers/servers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
	await cleanup?.();
	cleanup = undefined;
});

/** An open connection to a server that reads nothing more (its close never comes back), and the session's ending, recorded. */
async function openSession() {
	const server: TestServer = await startServer({onConnection(socket) {
		socket.pause();
	}});
	const connection = new Connection({url: server.url, displayUrl: server.url, protocols: [], options: {}}, {closeTimeout: 60_000});
	connection.connect();
	await once(connection, 'open');
	const signals = new EventEmitter();
	const clock = fakeClock();
	const finished: number[] = [];
	let restored = 0;
	const errors: string[] = [];
	const stderr = new Writable({write(chunk: Buffer, _encoding, done) {
		errors.push(chunk.toString());
		done();
	}});
	const stop = listenToProcess({signals, clock}, {connection, messagePath: undefined, restore() {
		restored++;
	}, stderr, finish(code) {
		finished.push(code);
	}});
	cleanup = async () => {
		stop();
		connection.removeAllListeners();
		connection.terminate();
		await server.close();
	};
	return {connection, signals, clock, finished, restored: () => restored, errors, stop};
}

test('a first SIGINT closes with 1000 and waits for the close; a second one ends the session at once with 130', async () => {
	const {connection, signals, finished} = await openSession();
	signals.emit('SIGINT');
	assert.equal(connection.state, 'closing');
	assert.deepEqual(finished, []);
	signals.emit('SIGTERM');
	assert.deepEqual(finished, [130]);
});

test('a SIGTERM whose close never comes ends the session when the grace has run out, with 143', async () => {
	const {signals, clock, finished} = await openSession();
	signals.emit('SIGTERM');
	clock.advance(interruptGraceMs - 1);
	assert.deepEqual(finished, []);
	clock.advance(1);
	assert.deepEqual(finished, [143]);
});

test('SIGHUP ends at once with 129; the exit restores the terminal; a crash restores it, says why and ends with 1; stop() stops listening', async () => {
	const {signals, finished, restored, errors, stop} = await openSession();
	signals.emit('SIGHUP');
	assert.deepEqual(finished, [129]);
	signals.emit('exit');
	assert.equal(restored(), 1);
	signals.emit('uncaughtException', new Error('boom'));
	assert.equal(restored(), 2);
	assert.match(errors.join(''), /^wsterm: unexpected error: Error: boom/);
	assert.deepEqual(finished, [129, 1]);
	stop();
	// SIGINT's and SIGTERM's listeners go once the signal being dispatched has reached every listener (a microtask later).
	await Promise.resolve();
	for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP', 'uncaughtException', 'unhandledRejection', 'exit']) {
		assert.equal(signals.listenerCount(name), 0, name);
	}
});
