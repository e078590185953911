/**
Remakes media/screenshot.svg (and .png, when rsvg-convert is installed) from a real session: the
built CLI runs in a detached tmux against a demo server in this process, keys are typed with
send-keys and the screen is captured with its colours. Everything stays on 127.0.0.1.
Build first, or the picture shows the previous build's UI:

	npm run build && npm run screenshot
*/
import {execFile, execFileSync} from 'node:child_process';
import {once} from 'node:events';
import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {WebSocketServer} from '../source/connection/ws-library.js';
import {ansiToSvg} from './ansi-svg.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const columns = 100;
const rows = 34;
// A server of our own, so the user's tmux and its configuration are neither used nor touched.
const socket = join(tmpdir(), `wsterm-screenshot-${process.pid}.sock`);
const target = 'shot';
const run = promisify(execFile);

const env: NodeJS.ProcessEnv = {...process.env};
// The picture is in colour whatever the caller's terminal prefers.
delete env.NO_COLOR;
delete env.FORCE_COLOR;
delete env.TMUX;

async function tmux(...args: string[]): Promise<string> {
	const {stdout} = await run('tmux', ['-S', socket, ...args], {env, timeout: 5000});
	return stdout;
}

/** The screen; `-e` keeps colours as SGR sequences, `-N` the trailing blanks that carry a background (the cursor, the status bar). */
async function capture(): Promise<string> {
	return tmux('capture-pane', '-p', '-e', '-N', '-t', target);
}

const withoutEscapes = (text: string) => text.replace(/\u001B\[[\d;:]*m/g, '');

/** Waits, at most `seconds`, until the screen passes `ready`; fails with the screen otherwise. */
async function waitFor(what: string, ready: (screen: string) => boolean, seconds = 10): Promise<void> {
	const deadline = Date.now() + (seconds * 1000);
	let screen = '';
	while (Date.now() < deadline) {
		screen = withoutEscapes(await capture());
		if (ready(screen)) {
			return;
		}

		await new Promise(resolve => setTimeout(resolve, 100));
	}

	throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
}

/** Types a line and sends it once it shows: keys that arrive in one chunk with the Enter before them read as a paste. */
async function type(text: string): Promise<void> {
	await tmux('send-keys', '-t', target, '-l', text);
	const inInputLine = (screen: string): boolean => screen.split('\n').some(line => line.startsWith(`> ${text}`));
	await waitFor(`"${text}" in the input line`, inInputLine);
	await tmux('send-keys', '-t', target, 'Enter');
	await waitFor(`"${text}" to be sent`, screen => !inInputLine(screen));
}

function parseRequest(text: string): {op?: string; channel?: string} | undefined {
	try {
		return JSON.parse(text) as {op?: string; channel?: string};
	} catch {
		return undefined;
	}
}

/** A small API: a welcome, echoes, and on subscribe the kinds of message wsterm is good at showing. */
function startServer(): WebSocketServer {
	const server = new WebSocketServer({host: '127.0.0.1', port: 0});
	// ws answers pings itself, so --ping-interval gets its pongs and the status bar a round trip.
	server.on('connection', socket => {
		socket.send(JSON.stringify({type: 'welcome', service: 'quotes-api', version: '2.4.1', heartbeat: 30}));
		socket.on('message', (data, isBinary) => {
			const request = isBinary ? undefined : parseRequest(data.toString());
			if (request?.op !== 'subscribe') {
				socket.send(data, {binary: isBinary});
				return;
			}

			socket.send(JSON.stringify({type: 'subscribed', channel: request.channel, snapshot: true}));
			socket.send(JSON.stringify({type: 'tick', channel: request.channel, price: 64_123.5, size: 0.25}));
			// A packed order-book snapshot: binary frames show as a hex dump.
			socket.send(Buffer.from(Array.from({length: 40}, (_, index) => (index * 37) % 256)), {binary: true});
			// Control characters arrive escaped, so a server cannot repaint the user's terminal.
			socket.send('log: \u001B[31mred\u001B[0m alert from upstream');
		});
	});
	return server;
}

async function main(): Promise<void> {
	if (!existsSync(join(root, 'dist', 'cli.js'))) {
		throw new Error('no dist/cli.js: run npm run build first');
	}

	const server = startServer();
	await once(server, 'listening');
	const {port} = server.address() as AddressInfo;
	let screen: string;
	try {
		await tmux(
			'-f', '/dev/null',
			'set-option', '-g', 'status', 'off', ';',
			// An early exit leaves its message on the screen, for the timeout's report.
			'set-option', '-g', 'remain-on-exit', 'on', ';',
			'new-session', '-d', '-s', target, '-x', String(columns), '-y', String(rows), '-c', root,
			'-e', 'NO_PROXY=*',
			process.execPath, 'dist/cli.js', `ws://127.0.0.1:${port}/v2/stream`, '--no-history', '--ping-interval', '1',
		);
		await waitFor('the welcome', screen => screen.includes('quotes-api'));
		await type('hello from wsterm');
		await waitFor('the echo', screen => screen.includes('< hello from wsterm'));
		await type('/json');
		await type('{"op":"subscribe","channel":"BTC-USD"}');
		await waitFor('the replies', screen => screen.includes('alert from upstream'));
		await type('/ping');
		// Keepalive pongs only update the status bar; the pong row answers our /ping.
		await waitFor('the pong', screen => /> ping[^]*< pong/.test(screen));
		await waitFor('a round trip', screen => screen.includes('rtt '));
		// Something half typed shows the input line and its cursor.
		await tmux('send-keys', '-t', target, '-l', '{"op":"unsubscribe"');
		await waitFor('the input line', screen => screen.includes('{"op":"unsubscribe"'));
		// Settled: the same screen twice in a row, but for the round trip, which every ping changes.
		let previous = '';
		await waitFor('a still screen', screen => {
			const settled = screen.replace(/rtt [\d.]+ ms/, '');
			const still = settled === previous;
			previous = settled;
			return still;
		}, 5);
		screen = await capture();
		await tmux('send-keys', '-t', target, 'C-c');
		// remain-on-exit keeps the pane after its process is gone; tmux says when that is.
		const deadline = Date.now() + 5000;
		while ((await tmux('display-message', '-p', '-t', target, '#{pane_dead}')).trim() !== '1') {
			if (Date.now() > deadline) {
				throw new Error('wsterm did not quit on Ctrl-C');
			}

			await new Promise(resolve => setTimeout(resolve, 100));
		}
	} finally {
		await tmux('kill-server').catch(() => undefined);
		// tmux leaves its socket behind.
		rmSync(socket, {force: true});
		server.close();
	}

	mkdirSync(join(root, 'media'), {recursive: true});
	const svgPath = join(root, 'media', 'screenshot.svg');
	writeFileSync(svgPath, ansiToSvg(screen, {columns}));
	console.log(`wrote ${svgPath}`);
	try {
		// Twice the size, so the PNG stays sharp on high-density screens.
		execFileSync('rsvg-convert', ['--zoom', '2', '--output', join(root, 'media', 'screenshot.png'), svgPath]);
		console.log(`wrote ${join(root, 'media', 'screenshot.png')}`);
	} catch {
		console.warn('rsvg-convert failed or is not installed: media/screenshot.png was not remade');
	}
}

await main();
