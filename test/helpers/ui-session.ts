import {createElement} from 'react';
import {render} from 'ink-testing-library';
import {Connection, type ConnectionOptions, systemClock} from '../../source/connection/connection.js';
import App from '../../source/ui/App.js';
import {type ServerBehaviour, startServer, type TestServer} from './servers.js';

export type UiSession = {
	readonly server: TestServer;
	readonly connection: Connection;
	readonly stdin: {write(data: string): void};
	readonly stdout: NodeJS.EventEmitter;
	/** The latest frame. */
	frame(): string;
	/** Waits (bounded) until the latest frame passes `check`; fails with the frame otherwise. */
	waitFor(check: string | RegExp | ((frame: string) => boolean), what?: string): Promise<string>;
	/** Writes keys, each write on its own (Enter must be its own write), waiting a tick after each. */
	press(...keys: string[]): Promise<void>;
	/** Types text and presses Enter. */
	submit(text: string): Promise<void>;
	/** The exit code, once the session called onExit. */
	readonly exited: Promise<number>;
	/** Messages the session reported never sent when it exited. */
	unsent(): number | undefined;
	/** The history with the entries passed to onHistoryAdd. */
	history(): readonly string[] | undefined;
	close(): Promise<void>;
};

export const tick = async (ms = 0): Promise<void> => new Promise(resolve => {
	setTimeout(resolve, ms);
});

export type UiSessionOptions = {
	readonly server?: ServerBehaviour;
	readonly connection?: ConnectionOptions;
	readonly scrollback?: number;
	readonly history?: readonly string[];
	/** Every history write fails. */
	readonly historyFails?: boolean;
	/** false: return while the connection is still connecting. */
	readonly waitForOpen?: boolean;
};

/** A real ws server, a real Connection, and the App rendered by ink-testing-library. */
export async function startUiSession(options: UiSessionOptions = {}): Promise<UiSession> {
	const server = await startServer(options.server);
	const connection = new Connection({url: server.url, displayUrl: server.url, protocols: [], options: {}}, {closeTimeout: 1000, ...options.connection});
	let resolveExit!: (code: number) => void;
	let frameForError = (): string => '';
	const exited = new Promise<number>((resolve, reject) => {
		resolveExit = resolve;
		// Bounded: a session that does not end fails the test instead of hanging it.
		setTimeout(() => {
			reject(new Error(`the session did not exit; last frame:\n${frameForError()}`));
		}, 5000).unref();
	});
	exited.catch(() => undefined);
	let history: readonly string[] | undefined;
	let unsent: number | undefined;
	const instance = render(createElement(App, {
		connection,
		url: server.url,
		scrollback: options.scrollback ?? 1000,
		history: options.history ?? [],
		async onHistoryAdd(entry: string) {
			history = [...history ?? options.history ?? [], entry];
			if (options.historyFails === true) {
				throw new Error('EISDIR: illegal operation on a directory');
			}
		},
		reconnect: options.connection?.reconnect === true,
		color: false,
		clock: systemClock,
		now: Date.now,
		onExit(code: number, count: number) {
			unsent = count;
			resolveExit(code);
		},
		frameInterval: 10,
	}));
	connection.connect();
	const frame = (): string => instance.lastFrame() ?? '';
	frameForError = frame;
	const session: UiSession = {
		server,
		connection,
		stdin: instance.stdin,
		stdout: instance.stdout,
		frame,
		async waitFor(check, what) {
			const passes = typeof check === 'string'
				? (text: string) => text.includes(check)
				: (check instanceof RegExp ? (text: string) => check.test(text) : check);
			for (let attempt = 0; attempt < 300; attempt++) {
				if (passes(frame())) {
					return frame();
				}

				await tick(10);
			}

			throw new Error(`timed out waiting for ${what ?? String(check)}; last frame:\n${frame()}`);
		},
		async press(...keys) {
			for (const key of keys) {
				instance.stdin.write(key);
				// The handler has run; the frame follows after the next turn of the loop.
				await new Promise(setImmediate);
				await tick();
			}
		},
		async submit(text) {
			await session.press(text, '\r');
		},
		exited,
		unsent: () => unsent,
		history: () => history,
		async close() {
			instance.unmount();
			instance.cleanup();
			connection.removeAllListeners();
			connection.terminate();
			await server.close();
		},
	};
	if (options.waitForOpen !== false) {
		await session.waitFor(' open ', 'the connection to open');
	}

	return session;
}
