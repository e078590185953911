/*
The status bar's words (session/status-line.ts) at the widths terminals have: what changes stays
in view, the URL gives way first.
*/
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createSession, type Session} from '../source/session/state.js';
import {statusLine} from '../source/session/status-line.js';

/** The bar as a painter writes it: the state between two spaces, then the details. */
function bar(session: Session, url: string, width: number, protocol?: string): string {
	const {state, details} = statusLine(session, {url, note: undefined, protocol, now: 0, width});
	return ` ${state} ${details}`;
}

const columns = (text: string): number => [...text].length;

/** A session a while in: open, compressed, a round trip, traffic both ways. */
function busy(changes: Partial<Session> = {}): Session {
	const fresh = createSession({limit: 1000});
	return {
		...fresh,
		link: {...fresh.link, state: 'open', extensions: 'permessage-deflate', rtt: 12.3, protocol: 'chat.v2'},
		stats: {sentMessages: 123, sentBytes: 1234, receivedMessages: 45_678, receivedBytes: 12_900_000},
		...changes,
	};
}

const longUrl = 'wss://stream.example.com/v1/market/feed?symbol=BTC-USD&depth=50';

test('at 80 columns, scrolled back: the new rows below, the pending count and the dropped rows are in view, the URL after them', () => {
	const session = busy({view: {follow: false, seq: 1, cut: 0}, unseen: 12_345, pending: 3, dropped: 1000});
	const text = bar(session, longUrl, 80);
	assert.equal(columns(text), 80, text);
	assert.match(text, /scrolled back, 12,345 new (below )?\(Esc\)/, text);
	assert.match(text, /3 pending/, text);
	assert.match(text, /1,000 (old )?rows dropped/, text);
	assert.match(text, /^ open {2}scrolled back/, 'what changes comes first when not all of it fits');
});

test('at 80 columns the URL is shortened in the middle before anything that changes is cut', () => {
	const fresh = busy();
	const session = {...fresh, link: {...fresh.link, extensions: '', rtt: undefined, protocol: ''}};
	const text = bar(session, `${longUrl}&interval=1s&compression=none`, 80);
	assert.equal(columns(text), 80, text);
	assert.match(text, /^ open {2}wss:\/\/stream\.\S*…\S*=none · /, text);
	assert.match(text, /↑123 1.2 KiB · ↓45678 12.3 MiB · following$/, text);
});

test('a bar that fits keeps its order: the URL, then the traffic, then the scroll state', () => {
	const text = bar(busy(), 'ws://127.0.0.1:9/', 120);
	assert.equal(columns(text), 120);
	assert.equal(text.trimEnd(), ' open  ws://127.0.0.1:9/ · proto chat.v2 · deflate · rtt 12.3 ms · ↑123 1.2 KiB · ↓45678 12.3 MiB · following');
});

test('a long /filter text is shortened in the bar, and the bar never passes the width', () => {
	const session = busy({filter: 'x'.repeat(200)});
	for (const width of [20, 40, 80, 100]) {
		const text = bar(session, longUrl, width);
		assert.equal(columns(text), width, text);
	}

	assert.match(bar(session, 'ws://h/', 200), /filter "x{20,40}…"/);
});

test('the URL\'s note gives way before the URL: shortened, then left out', () => {
	const session = busy({link: {...busy().link, extensions: '', rtt: undefined, protocol: ''}});
	const bar90 = statusLine(session, {url: 'ws://127.0.0.1:35357/', note: 'built-in echo server', now: 0, width: 90});
	assert.match(` ${bar90.state} ${bar90.details}`, /^ open {2}ws:\/\/127\.0\.0\.1:35357\/ \(built-in[^)]*…\) · ↑123/);
	const bar76 = statusLine(session, {url: 'ws://127.0.0.1:35357/', note: 'built-in echo server', now: 0, width: 76});
	assert.match(` ${bar76.state} ${bar76.details}`, /^ open {2}ws:\/\/127\.0\.0\.1:35357\/ · ↑123/);
});
