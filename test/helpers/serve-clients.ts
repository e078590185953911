import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import {defaultServeOptions} from '../../source/serve/options.js';
import {startServer, type RunningServer, type ServeOptions} from '../../source/serve/run.js';
import {WebSocket, type ClientOptions} from '../../source/connection/ws-library.js';
import {assertFreshBuild, cliPath} from './cli.js';

export type Received = {readonly data: Buffer; readonly isBinary: boolean};

export type TestServe = {
	readonly server: RunningServer;
	readonly url: string;
	/** Every line the server logged so far. */
	readonly lines: string[];
};

/** startServer on 127.0.0.1, port 0, with the defaults and `overrides`; log lines are collected. */
export async function serve(overrides: Partial<ServeOptions> = {}): Promise<TestServe> {
	const lines: string[] = [];
	const server = await startServer({...defaultServeOptions, port: 0, ...overrides}, line => lines.push(line));
	return {server, url: server.url, lines};
}

/** Rejects if `promise` has not settled within `ms`, saying what was awaited. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** An open client, or a rejection with the HTTP status the handshake got. */
export async function connect(url: string, protocols: string[] = [], options: ClientOptions = {}): Promise<WebSocket> {
	const socket = new WebSocket(url, protocols, options);
	return within(5000, `connecting to ${url}`, new Promise<WebSocket>((resolve, reject) => {
		socket.once('open', () => resolve(socket));
		socket.once('unexpected-response', (_request, response) => {
			reject(new HandshakeRejected(response.statusCode ?? 0));
			socket.terminate();
		});
		socket.once('error', reject);
	}));
}

export class HandshakeRejected extends Error {
	constructor(readonly status: number) {
		super(`handshake rejected with HTTP ${status}`);
	}
}

/** The HTTP status a handshake is refused with. */
export async function refusal(url: string, protocols: string[] = [], options: ClientOptions = {}): Promise<number> {
	try {
		const socket = await connect(url, protocols, options);
		socket.terminate();
		return 101;
	} catch (error) {
		if (error instanceof HandshakeRejected) {
			return error.status;
		}

		throw error;
	}
}

/** The next `count` messages on `socket`. */
export async function messages(socket: WebSocket, count: number, ms = 10_000): Promise<Received[]> {
	const received: Received[] = [];
	return within(ms, `${count} messages (got ${received.length})`, new Promise<Received[]>(resolve => {
		const onMessage = (data: Buffer, isBinary: boolean): void => {
			received.push({data, isBinary});
			if (received.length === count) {
				socket.off('message', onMessage);
				resolve(received);
			}
		};

		socket.on('message', onMessage);
	}));
}

export type Closed = {readonly code: number; readonly reason: string};

export async function closed(socket: WebSocket, ms = 5000): Promise<Closed> {
	if (socket.readyState === WebSocket.CLOSED) {
		throw new Error('already closed');
	}

	const [code, reason] = await within(ms, 'close', once(socket, 'close')) as [number, Buffer];
	return {code, reason: reason.toString()};
}

export type ServeChild = {
	readonly child: ChildProcess;
	readonly url: string;
	readonly stderr: () => string;
	readonly exit: Promise<number | null>;
};

/** `wsterm serve --port 0 ...args` from the built CLI, resolved once it printed its URL. */
export async function startServeCli(args: readonly string[] = []): Promise<ServeChild> {
	assertFreshBuild();
	const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	const errors: Buffer[] = [];
	child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk));
	const exit = new Promise<number | null>(resolve => {
		child.on('exit', code => resolve(code));
	});
	const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
	void exit.then(() => clearTimeout(killer));
	const [chunk] = await within(10_000, 'the URL line', once(child.stdout!, 'data')) as [Buffer];
	const match = /^(wss?:\/\/\S+)\n/.exec(chunk.toString());
	if (match?.[1] === undefined) {
		child.kill('SIGKILL');
		throw new Error(`unexpected first output: ${chunk.toString()}`);
	}

	return {child, url: match[1], stderr: () => Buffer.concat(errors).toString(), exit};
}

/** Resident set size of a process in bytes (Linux). */
export function rssBytes(pid: number): number {
	const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return Number(match?.[1] ?? 0) * 1024;
}
