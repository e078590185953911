import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, test} from 'node:test';
import type {WebSocket} from '../source/connection/ws-library.js';
import {echo} from './helpers/servers.js';
import {startUiSession, tick, type UiSession} from './helpers/ui-session.js';
import {helpText} from '../source/session/help-text.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-ui-'));
let session: UiSession | undefined;

afterEach(async () => {
	await session?.close();
	session = undefined;
});

const statusLine = (frame: string): string => frame.split('\n').find(line => /^ (open|closed|closing|connecting|reconnecting|could not connect) /.test(line)) ?? '';

test('typing and Enter: the sent message shows at once, the echo follows', async () => {
	session = await startUiSession();
	await session.press('h', 'e', 'l', 'l', 'o');
	assert.match(session.frame(), /^> hello/m);
	await session.press('\r');
	const frame = await session.waitFor(/< hello/);
	assert.match(frame, /\d\d:\d\d:\d\d\.\d{3} > hello/);
	assert.match(statusLine(await session.waitFor(/↑1 5 B/)), /open .*↑1 5 B .*↓1 5 B.*following/);
	assert.doesNotMatch(frame, /^> hello/m);
});

test('a pasted block with line breaks stays one message; Alt-Enter adds a line', async () => {
	session = await startUiSession();
	// Bracketed paste, even one that ends in a line break, is one draft sent on Enter.
	await session.press('\u001B[200~one\rtwo', '\r\u001B[201~');
	assert.equal(session.connection.stats.sentMessages, 0);
	await session.press('\u0008', '\u001B\r', 'three', '\r');
	await session.waitFor(/< one\n.*two\n.*three/);
	assert.equal(session.connection.stats.sentMessages, 1);
});

test('lines typed faster than the terminal reads them arrive as one chunk and are sent one by one', async () => {
	session = await startUiSession();
	await session.press('one\rtwo\r');
	await session.waitFor(/< two/);
	assert.equal(session.connection.stats.sentMessages, 2);
	assert.match(session.frame(), /\d{3} > one\n.*\d{3} > two/s);
	// The Enter of a line typed before, with the next line.
	await session.press('three', '\rfour\r');
	await session.waitFor(/< four/);
	assert.equal(session.connection.stats.sentMessages, 4);
});

test('line editing keys', async () => {
	session = await startUiSession();
	// Ctrl-A, Ctrl-E, Ctrl-W, Ctrl-U, Ctrl-K, arrows.
	await session.press('world', '\u0001', 'hello ', '\u0005', '!', '\u001B[D', '\u001B[D', '\u0017');
	assert.match(session.frame(), /^> hello d!/m);
	await session.press('\u0015');
	assert.match(session.frame(), /^> d!/m);
	await session.press('\u001B[D', '\u001B[D');
	await session.press('\u000B');
	assert.match(session.frame(), /^>\s*$/m);
});

test('history: up and down recall sent messages; the history is handed on to be saved', async () => {
	session = await startUiSession({history: ['from last run']});
	await session.submit('first');
	await session.submit('second');
	await session.submit('second');
	await session.waitFor(/↑3/);
	assert.deepEqual(session.history(), ['from last run', 'first', 'second']);
	// Waited for, not read at once: sending counts in the status bar at once now, so this runs
	// while echoes still arrive, and a loaded machine may take a moment for the frame.
	await session.press('\u001B[A');
	await session.waitFor(/^> second/m);
	await session.press('\u001B[A', '\u001B[A');
	await session.waitFor(/^> from last run/m);
	await session.press('\u001B[B');
	await session.waitFor(/^> first/m);
});

test('Ctrl-R searches the history', async () => {
	session = await startUiSession({history: ['subscribe btc', 'ping', 'subscribe eth']});
	await session.press('\u0012', 's', 'u', 'b');
	assert.match(session.frame(), /\(search\) sub .*subscribe eth/);
	await session.press('\u0012');
	assert.match(session.frame(), /subscribe btc/);
	await session.press('\r');
	assert.match(session.frame(), /^> subscribe btc/m);
});

test('/ping shows the pong with its round trip', async () => {
	session = await startUiSession();
	await session.submit('/ping hey');
	await session.waitFor(/\d{3} > ping hey/);
	const frame = await session.waitFor(/< pong hey \(\d+\.\d ms\)/);
	assert.match(statusLine(frame), /rtt \d+\.\d ms/);
});

test('/close with a bad code is an inline error and nothing is sent; a good one closes', async () => {
	session = await startUiSession();
	await session.submit('/close 1006');
	await session.waitFor(/close code 1006 cannot be sent/);
	assert.equal(session.connection.state, 'open');
	// The line leaves the input (the next keys are not glued to it); Up brings it back to fix.
	assert.match(session.frame(), /^>\s*$/m);
	await session.press('\u001B[A');
	assert.match(session.frame(), /^> \/close 1006/m);
	await session.press('\u0015');
	await session.submit('/close 4000 bye');
	const frame = await session.waitFor(/closed 4000 bye/);
	assert.match(frame, /\d{3} > close 4000 bye/);
	await session.submit('after');
	await session.waitFor(/not sent: the connection is closed/);
	assert.equal(session.connection.stats.sentMessages, 0);
	// A refused message leaves the input (the next line is not glued to it); Up brings it back.
	assert.match(session.frame(), /^>\s*$/m);
	await session.press('\u001B[A');
	assert.match(session.frame(), /^> after/m);
	await session.press('\u0015');
	await session.submit('/quit');
	assert.equal(await session.exited, 0);
});

test('/reconnect connects again', async () => {
	session = await startUiSession();
	await session.submit('/reconnect');
	await session.waitFor(() => session!.server.requests.length === 2 && / open /.test(session!.frame()), 'a second connection');
	await session.submit('again');
	await session.waitFor(/< again/);
});

test('/binary sends hex and base64, and binary shows as a hex dump', async () => {
	session = await startUiSession();
	await session.submit('/binary 68 69 00 ff');
	const frame = await session.waitFor(/< binary 4 B/);
	assert.match(frame, /00000000 {2}68 69 00 ff {3}.* hi\.\./);
	await session.submit('/binary base64:aGk=');
	await session.waitFor(/< binary 2 B/);
	await session.submit('/binary zz');
	await session.waitFor(/not hex/);
	assert.equal(session.connection.stats.sentMessages, 2);
});

test('/file sends text files as text and others as binary', async () => {
	session = await startUiSession();
	const text = join(temporary, 'message.json');
	const binary = join(temporary, 'blob.bin');
	writeFileSync(text, '{"from":"file"}');
	writeFileSync(binary, Buffer.from([0xC3, 0x28, 0x00]));
	await session.submit(`/file ${text}`);
	await session.waitFor(/< \{"from":"file"\}/);
	await session.submit(`/file ${binary}`);
	await session.waitFor(/< binary 3 B/);
	await session.submit(`/file ${join(temporary, 'missing')}`);
	await session.waitFor(/cannot read .*missing/);
});

test('JSON is compact by default and pretty after /json', async () => {
	session = await startUiSession();
	await session.submit('{ "a" : [1, 2] }');
	await session.waitFor(/< \{"a":\[1,2\]\}/);
	await session.submit('/json');
	const frame = await session.waitFor(/json pretty/);
	assert.match(frame, /< \{\n {15} {2}"a": \[\n {15} {4}1,/);
});

test('/filter shows matching rows only, /filter alone shows all, /clear empties the pane', async () => {
	session = await startUiSession();
	await session.submit('apple');
	await session.submit('banana');
	await session.waitFor(/< banana/);
	await session.submit('/filter appl');
	let frame = await session.waitFor(/filter "appl"/);
	assert.match(frame, /< apple/);
	assert.doesNotMatch(frame, /banana/);
	await session.submit('/filter');
	frame = await session.waitFor(frame => !frame.includes('filter "'));
	assert.match(frame, /< banana/);
	await session.submit('/clear');
	frame = await session.waitFor(frame => !frame.includes('banana'));
	assert.match(statusLine(frame), /↑2/);
});

test('/save writes the session as --jsonl records', async () => {
	session = await startUiSession();
	await session.submit('hi');
	await session.waitFor(/< hi/);
	const path = join(temporary, 'session.jsonl');
	await session.submit(`/save ${path}`);
	await session.waitFor(/saved 2 events/);
	const records = readFileSync(path, 'utf8').trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
	assert.deepEqual(records.map(({dir, type, data, size}) => ({dir, type, data, size})), [
		{dir: 'out', type: 'text', data: 'hi', size: 2},
		{dir: 'in', type: 'text', data: 'hi', size: 2},
	]);
	assert.match(String(records[0]!.time), /^\d{4}-\d\d-\d\dT/);
	assert.equal(statSync(path).mode & 0o777, 0o600);
	// An existing file is kept unless /save! says to replace it.
	await session.submit(`/save ${path}`);
	await session.waitFor(/exists; \/save! /);
	assert.equal(readFileSync(path, 'utf8').trimEnd().split('\n').length, 2);
	await session.press('\u0015');
	await session.submit(`/save! ${path}`);
	await session.waitFor(frame => frame.match(/saved 2 events/g)?.length === 2, 'the second save');
});

test('/save and /file expand ~ and take quoted paths with spaces', async () => {
	const home = process.env.HOME;
	process.env.HOME = temporary;
	try {
		session = await startUiSession();
		writeFileSync(join(temporary, 'my message.txt'), 'from a file');
		await session.submit('/file "~/my message.txt"');
		await session.waitFor(/< from a file/);
		await session.submit('/save \'~/saved session.jsonl\'');
		await session.waitFor(/saved 2 events/);
		assert.match(readFileSync(join(temporary, 'saved session.jsonl'), 'utf8'), /from a file/);
	} finally {
		process.env.HOME = home;
	}
});

test('unknown commands are inline errors; //text sends a leading slash', async () => {
	session = await startUiSession();
	await session.submit('/nope');
	await session.waitFor(/unknown command \/nope/);
	assert.equal(session.connection.stats.sentMessages, 0);
	await session.press('\u0015');
	await session.submit('//etc');
	await session.waitFor(/< \/etc/);
	await session.submit('/help');
	// The list is taller than the pane: its end is in view, the start a page up.
	let frame = await session.waitFor(/Ctrl-L +redraw the screen/);
	assert.match(frame, /Ctrl-R/);
	await session.press('\u001B[5~', '\u001B[5~');
	frame = await session.waitFor(/commands:/);
	assert.match(frame, /\/close \[code \[reason\]\]/);
});

test('control characters from the server are shown escaped, in messages and close reasons', async () => {
	const sockets: WebSocket[] = [];
	session = await startUiSession({server: {onConnection(socket) {
		sockets.push(socket);
		socket.send('red \u001B[31mtext\u001B]0;pwned\u0007 \u009B2J');
	}}});
	let frame = await session.waitFor(/< red/);
	assert.ok(frame.includes('< red \\e[31mtext\\e]0;pwned\\x07 \\x9b2J'), frame);
	assert.doesNotMatch(frame, /[\u001B\u0007\u009B]/);
	sockets[0]!.close(4001, 'bad \u001B[2J');
	frame = await session.waitFor(/closed 4001 bad/);
	assert.ok(frame.includes('< close 4001 bad \\e[2J'), frame);
	assert.doesNotMatch(frame, /[\u001B\u0007\u009B]/);
	await session.submit('/quit');
	assert.equal(await session.exited, 3);
});

test('scrolled back, new messages keep the view exactly still and the status bar counts them', async () => {
	const sockets: WebSocket[] = [];
	session = await startUiSession({server: {onConnection(socket) {
		sockets.push(socket);
		for (let index = 1; index <= 60; index++) {
			socket.send(`row ${index}`);
		}
	}}});
	await session.waitFor(/< row 60\n/);
	await session.press('\u001B[5~');
	let frame = await session.waitFor(/scrolled back/);
	assert.doesNotMatch(frame, /row 60\n/);
	const visible = frame.match(/row \d+/g);
	sockets[0]!.send('row 61');
	sockets[0]!.send('row 62');
	frame = await session.waitFor(/2 new below/);
	assert.deepEqual(frame.match(/row \d+/g), visible, 'the view stayed where it was');
	assert.match(statusLine(frame), /scrolled back, 2 new below \(Esc\)/);
	// Shift-Up moves one line further back.
	await session.press('\u001B[1;2A');
	await tick(20);
	assert.notDeepEqual(session.frame().match(/row \d+/g), frame.match(/row \d+/g));
	await session.press('\u001B');
	frame = await session.waitFor(/following/);
	assert.match(frame, /< row 62\n/);
});

test('the scrollback bound drops old rows and says so', async () => {
	session = await startUiSession({scrollback: 5, server: {onConnection(socket) {
		for (let index = 1; index <= 12; index++) {
			socket.send(`m${index}`);
		}
	}}});
	const frame = await session.waitFor(/< m12/);
	// Five entries kept: 12 messages and the start notice, less five.
	assert.match(statusLine(frame), /8 old rows dropped/);
	assert.doesNotMatch(frame, /< m7\n/);
	assert.match(frame, /< m8\n/);
});

test('a resize re-lays the screen out', async () => {
	session = await startUiSession();
	await session.submit('x'.repeat(90));
	let frame = await session.waitFor(/< x{10}/);
	const wide = frame.split('\n').filter(line => line.includes('xxxx')).length;
	Object.defineProperty(session.stdout, 'columns', {value: 50, configurable: true});
	session.stdout.emit('resize');
	frame = await session.waitFor(frame => frame.split('\n').filter(line => line.includes('xxxx')).length > wide, 'the long message to re-wrap');
	for (const line of frame.split('\n')) {
		assert.ok(line.length <= 50, `line wider than 50 columns: ${line}`);
	}
});

test('typed while reconnecting: pending, then sent when the connection is back', async () => {
	let connections = 0;
	session = await startUiSession({connection: {reconnect: true}, server: {onConnection(socket) {
		connections++;
		if (connections === 1) {
			// Long enough for the first open to be drawn before the drop, even on a busy machine.
			setTimeout(() => socket.terminate(), 200);
			return;
		}

		echo(socket);
	}}, waitForOpen: false});
	// The status bar, not the row (which stays): still reconnecting. (Not waiting for the first
	// open: on a loaded machine it and the drop can come in one frame.)
	await session.waitFor(frame => /^ reconnecting in \d s/.test(statusLine(frame)), 'the status bar to say reconnecting');
	await session.submit('later');
	await session.waitFor(/\d{3} > pending later/);
	const frame = await session.waitFor(/< later/);
	assert.match(frame, /sent 1 queued message/);
	assert.doesNotMatch(frame, /pending later/);
});

test('Ctrl-C closes with 1000 and exits 0; Ctrl-D on an empty line does too', async () => {
	const codes: number[] = [];
	session = await startUiSession({server: {onConnection(socket) {
		socket.on('close', code => codes.push(code));
	}}});
	await session.press('\u0003');
	assert.equal(await session.exited, 0);
	await session.close();
	session = await startUiSession();
	await session.press('x', '\u0004');
	assert.match(session.frame(), /^> x/m);
	await session.press('\u0015', '\u0004');
	assert.equal(await session.exited, 0);
	assert.deepEqual(codes, [1000]);
});

test('Ctrl-C while still connecting with a queued message reports it was not sent', async () => {
	session = await startUiSession({server: {upgradeDelay: 2000}, waitForOpen: false});
	await session.submit('early');
	await session.waitFor(/pending early/);
	await session.press('\u0003');
	await session.exited;
	assert.equal(session.unsent(), 1);
});

test('lines refused while the connection is down are not glued together', async () => {
	session = await startUiSession();
	await session.submit('/close');
	await session.waitFor(/closed/);
	await session.press('first\rsecond\rthird\r');
	await session.waitFor(/not sent.*\n(?:.*\n)*.*not sent.*\n(?:.*\n)*.*not sent/);
	assert.doesNotMatch(session.frame(), /firstsecond/);
	assert.match(session.frame(), /^>\s*$/m);
	await session.press('\u001B[A');
	assert.match(session.frame(), /^> third/m);
});

test('Tab completes a slash command; /empty sends an empty message; the ↑ counter counts it at once', async () => {
	session = await startUiSession({server: {onConnection() {}}});
	await session.waitFor(/ open /);
	await session.press('/em', '\t');
	assert.match(session.frame(), /^> \/empty/m);
	await session.press('\r');
	await session.waitFor(/↑1 0 B/);
	assert.equal(session.connection.stats.sentMessages, 1);
});

test('scrolled back to the top, the first row of the session is in view, new rows arriving or not', async () => {
	const sockets: WebSocket[] = [];
	session = await startUiSession({server: {onConnection(socket) {
		sockets.push(socket);
		for (let index = 1; index <= 60; index++) {
			socket.send(`row ${index}`);
		}
	}}});
	await session.waitFor(/< row 60\n/);
	for (let page = 0; page < 6; page++) {
		await session.press('\u001B[5~');
	}

	await session.waitFor(/info connecting to/);
	sockets[0]!.send('row 61');
	const frame = await session.waitFor(/1 new below/);
	assert.match(frame, /info connecting to/, 'the first row is still in view');
});

test('a full scrollback, scrolled back near the top, keeps the pane full', async () => {
	const sockets: WebSocket[] = [];
	session = await startUiSession({scrollback: 40, server: {onConnection(socket) {
		sockets.push(socket);
		for (let index = 1; index <= 40; index++) {
			socket.send(`row ${index}`);
		}
	}}});
	await session.waitFor(/< row 40\n/);
	await session.press('\u001B[5~', '\u001B[5~');
	await session.waitFor(/scrolled back/);
	for (let index = 41; index <= 60; index++) {
		sockets[0]!.send(`row ${index}`);
	}

	const frame = await session.waitFor(/20 new below/);
	const rows = frame.split('\n').filter(line => /< row \d+$/.test(line));
	assert.ok(rows.length >= 15, `the pane is full:\n${frame}`);
});

test('/filter matches rows as shown (compact JSON, hex, badges) and says when nothing matches', async () => {
	session = await startUiSession();
	await session.submit('{ "id" : 1 }');
	await session.submit('/binary 68 69');
	await session.waitFor(/< binary 2 B/);
	await session.submit('/filter "id":1');
	let frame = await session.waitFor(/filter "\\"id\\":1"|filter ""id":1"/);
	assert.match(frame, /< \{"id":1\}/);
	await session.submit('/filter 68 69');
	frame = await session.waitFor(/filter "68 69"/);
	assert.match(frame, /00000000 {2}68 69/);
	await session.submit('/filter binary 2 B');
	await session.waitFor(/filter "binary 2 B"/);
	await session.submit('/filter nothing-like-this');
	await session.waitFor(/no row matches "nothing-like-this"; \/filter alone shows all rows/);
});

test('with --reconnect, a first connection that fails ends the session with exit code 1', async () => {
	session = await startUiSession({server: {rejectWith: 403}, connection: {reconnect: true}, waitForOpen: false});
	assert.equal(await session.exited, 1);
});

test('a history that cannot be saved says so in one row, however many lines are entered', async () => {
	session = await startUiSession({historyFails: true});
	await session.submit('one');
	await session.submit('two');
	await session.submit('three');
	const frame = await session.waitFor(/< three/);
	assert.equal(frame.match(/history not saved/g)?.length, 1);
});

test('/help lines up at 40 columns: no line is wider than the pane, descriptions start in one column', () => {
	for (const columns of [40, 60, 100]) {
		const lines = helpText(columns).split('\n');
		for (const line of lines) {
			assert.ok(line.length <= columns - 15, `${columns}: "${line}" is ${line.length} long`);
		}

		const descriptions = lines.filter(line => line.startsWith('  ')).map(line => columns >= 80 ? line.slice(2).search(/ {2}\S/) : line.search(/\S/));
		assert.ok(descriptions.length > 20);
		if (columns < 80) {
			assert.deepEqual(new Set(descriptions), new Set([2, 6]), `${columns}:\n${lines.join('\n')}`);
		}
	}
});

test('reconnecting: the row and the status bar say the same seconds, the first reconnect is attempt 1, and a row says it worked', async () => {
	let connections = 0;
	session = await startUiSession({connection: {reconnect: true}, server: {onConnection(socket) {
		connections++;
		if (connections === 1) {
			socket.close(1011, 'bye');
		}
	}}, waitForOpen: false});
	const seconds = (frame: string): [string | undefined, string | undefined] => [
		/\* info reconnecting in (\d+) s \(attempt 1\)/.exec(frame)?.[1],
		/^ reconnecting in (\d+) s \(attempt 1\)/.exec(statusLine(frame))?.[1],
	];
	const frame = await session.waitFor(frame => seconds(frame)[1] !== undefined, 'the countdown in the status bar');
	const [row, status] = seconds(frame);
	assert.equal(status, row, frame);
	await session.waitFor(/reconnected \(attempt 1\)/);
});
