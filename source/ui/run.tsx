import type {EventEmitter} from 'node:events';
import {render} from 'ink';
import {describeCloseCode} from '../close-codes.js';
import type {ConnectTarget} from '../connect-options.js';
import {type ConnectFailure, Connection, type CloseEvent, type ConnectionOptions, systemClock} from '../connection.js';
import {escapeControl, plural} from '../display.js';
import {exitCodes} from '../exit-codes.js';
import {closedWell} from '../session.js';
import {appendHistory, historyPath, loadHistory} from '../history.js';
import type {RunningServer} from '../serve.js';
import App from './App.js';
import {colorEnabled} from './tones.js';

export type InteractiveOptions = {
	/** undefined: start the built-in echo server on a free loopback port and connect to it. */
	readonly target: ConnectTarget | undefined;
	/** Ping interval and timeout, reconnect, initial messages. */
	readonly connection: ConnectionOptions;
	/** Entries kept in the message pane. */
	readonly scrollback: number;
	/** Read and save the input history. */
	readonly history: boolean;
	/** One-line notes to show at start (e.g. dropped headers). */
	readonly notes: readonly string[];
};

export type InteractiveIo = {
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	env: Readonly<Record<string, string | undefined>>;
	/** Emits the signals and 'uncaughtException' (the process, in production). */
	signals: EventEmitter;
};

// Alternate screen, and bracketed paste (mode 2004): a paste arrives marked, as one draft.
const enterAlternateScreen = '\u001B[?1049h\u001B[H\u001B[?2004h';
// Bracketed paste off, cursor shown, attributes reset, back to the screen the shell had, and the
// cursor shown again there (a terminal may keep its visibility per screen).
const leaveAlternateScreen = '\u001B[?2004l\u001B[?25h\u001B[0m\u001B[?1049l\u001B[?25h';
/** Milliseconds to wait for the close handshake after a signal. */
const signalGrace = 1000;
const sighup = 129;

/** `wsterm` with no URL: the echo server of `wsterm serve`, in-process, on a free loopback port. */
async function startEchoServer(): Promise<RunningServer> {
	const [{startServer}, {defaultServeOptions}] = await Promise.all([import('../serve.js'), import('../serve-options.js')]);
	return startServer({...defaultServeOptions, port: 0, host: '127.0.0.1'}, () => undefined);
}

/** Why the session ended, for one line on stderr after the screen is restored. */
function describeEnd(failure: ConnectFailure | undefined, close: CloseEvent | undefined, url: string): string | undefined {
	if (close !== undefined && !closedWell(close)) {
		const reason = close.reason === '' ? '' : ` ${escapeControl(close.reason)}`;
		if (close.code === 1006) {
			return `connection dropped (${describeCloseCode(close.code)}${reason})`;
		}

		return `${close.byUs ? 'wsterm' : 'server'} closed the connection with ${describeCloseCode(close.code)}${reason}`;
	}

	return failure === undefined ? undefined : `could not connect to ${url}: ${escapeControl(failure.message)}`;
}

/**
The full-screen session. Resolves with the exit code once the connection is closed and the
terminal is as it was: raw mode off, cursor shown, alternate screen left, whatever ended it.
*/
export async function runInteractive(options: InteractiveOptions, io: InteractiveIo): Promise<number> {
	const {stdin, stdout, stderr, env, signals} = io;
	let server: RunningServer | undefined;
	let target = options.target;
	let urlNote: string | undefined;
	if (target === undefined) {
		server = await startEchoServer();
		target = {url: server.url, displayUrl: server.url, protocols: [], options: {}};
		urlNote = 'built-in echo server';
	}

	const historyFile = options.history ? historyPath(env) : undefined;
	const loaded = historyFile === undefined ? {entries: []} : await loadHistory(historyFile);
	const notes = loaded.problem === undefined ? options.notes : [...options.notes, `history not read (${loaded.problem}); --no-history turns it off`];
	let historySaved: Promise<void> = Promise.resolve();
	const onHistoryAdd = historyFile === undefined ? undefined : async (entry: string): Promise<void> => {
		// One write at a time, in order; the session says once if one fails.
		const write = historySaved.then(async () => appendHistory(historyFile, entry));
		historySaved = write.catch(() => undefined);
		return write;
	};

	const connection = new Connection(target, {...options.connection, closeTimeout: 2000});
	let lastFailure: ConnectFailure | undefined;
	let lastClose: CloseEvent | undefined;
	connection.on('connect-error', failure => {
		lastFailure = failure;
	});
	connection.on('close', event => {
		lastClose = event;
	});
	connection.on('open', () => {
		lastFailure = undefined;
		lastClose = undefined;
	});

	let restored = false;
	const restore = (): void => {
		if (restored) {
			return;
		}

		restored = true;
		if (stdin.isTTY) {
			stdin.setRawMode(false);
		}

		stdout.write(leaveAlternateScreen);
	};

	stdout.write(enterAlternateScreen);
	return new Promise<number>(resolve => {
		let finished = false;
		// `unsent`: typed messages the session saw fail; by default, those still queued (a signal).
		const finish = (code: number, unsent = connection.queuedMessages): void => {
			if (finished) {
				return;
			}

			finished = true;
			instance.unmount();
			restore();
			for (const [name, listener] of listeners) {
				signals.off(name, listener);
			}

			const end = code === exitCodes.ok ? undefined : describeEnd(lastFailure, lastClose, target.displayUrl);
			if (end !== undefined) {
				stderr.write(`wsterm: ${end}\n`);
			}

			if (unsent > 0) {
				stderr.write(`wsterm: ${plural(unsent, 'message')} typed while not connected ${unsent === 1 ? 'was' : 'were'} not sent\n`);
			}

			connection.removeAllListeners();
			if (connection.state !== 'closed') {
				connection.terminate();
			}

			void Promise.all([historySaved, server?.close(200)]).finally(() => {
				resolve(code);
			});
		};

		const onSignal = (code: number) => (): void => {
			if (connection.state === 'open') {
				connection.close(1000);
				connection.once('close', () => {
					finish(code);
				});
				systemClock.setTimeout(() => {
					finish(code);
				}, signalGrace).unref();
			} else {
				finish(code);
			}
		};

		const onCrash = (error: unknown): void => {
			restore();
			stderr.write(`wsterm: unexpected error: ${escapeControl(error instanceof Error ? error.stack ?? error.message : String(error), {keepLayout: true})}\n`);
			finish(exitCodes.connectFailed);
		};

		const listeners: Array<[string, (...arguments_: unknown[]) => void]> = [
			['SIGINT', onSignal(exitCodes.sigint)],
			['SIGTERM', onSignal(exitCodes.sigterm)],
			// The terminal is gone: nobody waits for a close handshake.
			['SIGHUP', () => {
				finish(sighup);
			}],
			['uncaughtException', onCrash],
			['unhandledRejection', onCrash],
			// Last resort: whatever exits the process leaves the terminal usable.
			['exit', restore],
		];
		for (const [name, listener] of listeners) {
			signals.on(name, listener);
		}

		// Network events already come in batches of one per frame (useConnectionEvents), so ink's
		// own throttle only held back keys: at its default of 30 a key typed just after a flood
		// frame waited up to 33 ms for the next one.
		const instance = render(
			<App
				connection={connection}
				url={target.displayUrl}
				urlNote={urlNote}
				notes={notes}
				scrollback={options.scrollback}
				history={loaded.entries}
				onHistoryAdd={onHistoryAdd}
				reconnect={options.connection.reconnect === true}
				color={colorEnabled(env)}
				clock={systemClock}
				now={Date.now}
				onExit={finish}
				initialMessages={options.connection.initialMessages}
				onRedraw={() => {
					stdout.write('\u001B[2J\u001B[H');
					instance.clear();
				}}
			/>,
			{stdin, stdout, stderr, exitOnCtrlC: false, patchConsole: false, maxFps: 120},
		);
		connection.connect();
	});
}
