import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createSession, type SessionEvent, sessionReducer} from '../source/session/session.js';
import {exitCodes} from '../source/shared/exit-codes.js';

const stats = {sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0};
const time = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

function apply(...list: SessionEvent[]): ReturnType<typeof createSession> {
	return sessionReducer(createSession({limit: 100}), {type: 'events', events: list, stats});
}

test('the session shows closing as soon as the close handshake begins', () => {
	const state = apply(
		{type: 'connecting', attempt: 1, time},
		{type: 'open', protocol: '', extensions: '', attempt: 1, time},
		{type: 'closing', time},
	);
	assert.equal(state.link.state, 'closing');
});

test('a failed reconnect attempt is a line and a retry, not a failed connection', () => {
	const state = apply(
		{type: 'connecting', attempt: 1, time},
		{type: 'open', protocol: '', extensions: '', attempt: 1, time},
		{type: 'close', code: 1006, reason: '', byUs: false, willReconnect: true, time},
		{type: 'reconnecting', attempt: 1, delay: 300, time},
		{type: 'connecting', attempt: 2, time},
		{type: 'reconnecting', attempt: 2, delay: 700, failure: 'connection refused by 127.0.0.1:9', time},
	);
	assert.equal(state.link.state, 'reconnecting');
	assert.equal(state.exitCode, undefined);
	assert.match(state.entries.at(-1)?.text ?? '', /^could not connect: connection refused by 127\.0\.0\.1:9; reconnecting in 1 s \(attempt 2\)$/);
	const gaveUp = sessionReducer(state, {type: 'events', events: [{type: 'connect-error', message: 'refused; gave up after 2 reconnect attempts (--max-retries)', time}], stats});
	assert.equal(gaveUp.exitCode, exitCodes.connectFailed);
});
