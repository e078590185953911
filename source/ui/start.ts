/*
The start of the full-screen session, before its UI is loaded: the built-in echo server (when
there is no URL), the connection (opened now, so that the handshake overlaps loading the UI), the
history, and a first frame painted by hand (the alternate screen with the status bar saying
`connecting`), so that the screen answers at once. Nothing here loads ink or react; the events the
connection reports meanwhile are kept for the UI (`takeEvents`).
*/
import type {EventEmitter} from 'node:events';
import {escapeControl} from '../shared/escape-text.js';
import type {ConnectTarget} from '../connection/connect-options.js';
import {type ConnectFailure, Connection, type CloseEvent, type ConnectionOptions} from '../connection/connection.js';
import {historyPath, type LoadedHistory, loadHistory} from '../session/history.js';
import type {RunningServer} from '../serve/run.js';
import type {SessionEvent} from '../session/session.js';
import {listenToConnection} from '../session/events.js';
import type {DecoderSwitch} from '../codecs/stage.js';
import type {CodecOptions} from '../codecs/types.js';
import type {StageFactory} from '../pipeline/stage.js';
import type {SessionPipe} from '../session/message-path.js';

export type SessionOptions = {
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
	/** The pipeline's stages (codec, protocol, hooks, recorder; pipeline/load-stages.ts); none: no pipeline at all. */
	readonly stages?: readonly StageFactory[];
	/** The codec stage's decoder, for /decode (there is a codec stage whenever there are stages). */
	readonly decoder?: DecoderSwitch;
	/** Where the stages' own lines go (the recorder's); the session points it at an error row. */
	readonly stageNotes?: {to: (line: string) => void};
	/** --proto and --type, for /decode protobuf. */
	readonly codecOptions?: CodecOptions;
	/** --protocol's name (its stage is among `stages`). */
	readonly protocol?: string;
};

export type SessionIo = {
	readonly stdin: NodeJS.ReadStream;
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Emits the signals and 'uncaughtException' (the process, in production). */
	readonly signals: EventEmitter;
};

export type StartedSession = {
	readonly options: SessionOptions;
	readonly target: ConnectTarget;
	/** Said next to the URL (the built-in echo server). */
	readonly urlNote: string | undefined;
	readonly server: RunningServer | undefined;
	readonly connection: Connection;
	/** The message pipeline, built once for every reconnect (hooks' state lives as long); undefined without stages. */
	readonly pipe: SessionPipe | undefined;
	readonly history: LoadedHistory;
	/** undefined: history is not kept. */
	readonly historyFile: string | undefined;
	/** When the connection was started (Date.now()): the time of the session's first row. */
	readonly startedAt: number;
	/** The connection's events so far; from now on the caller listens itself. */
	takeEvents(): SessionEvent[];
	/** The last failure to connect and the last close, for the line on stderr at the end. */
	readonly last: {failure: ConnectFailure | undefined; close: CloseEvent | undefined};
	/** Puts the terminal back as it was (once; later calls do nothing). */
	restore(): void;
	/** Drops the start-up's own signal handlers (the caller has installed its own). */
	release(): void;
};

// Alternate screen, cursor hidden, and bracketed paste (mode 2004): a paste arrives marked, as one draft.
const enterAlternateScreen = '\u001B[?1049h\u001B[H\u001B[?25l\u001B[?2004h';
// Bracketed paste off, cursor shown, attributes reset, back to the screen the shell had, and the
// cursor shown again there (a terminal may keep its visibility per screen).
const leaveAlternateScreen = '\u001B[?2004l\u001B[?25h\u001B[0m\u001B[?1049l\u001B[?25h';

/** `wsterm` with no URL: the echo server of `wsterm serve`, in-process, on a free loopback port. */
async function startEchoServer(): Promise<RunningServer> {
	const [{startServer}, {defaultServeOptions}] = await Promise.all([import('../serve/run.js'), import('../serve/options.js')]);
	return startServer({...defaultServeOptions, port: 0, host: '127.0.0.1'}, () => undefined);
}

/**
The first frame, as the UI will draw it: the status bar on the third row from the bottom and the
input line below it (the frame is one row shorter than the terminal); the cursor goes back home,
where the UI starts drawing over it.
*/
function firstFrame(url: string, note: string | undefined, columns: number, rows: number): string {
	const state = ' connecting ';
	const rest = ` ${escapeControl(url)}${note === undefined ? '' : ` (${note})`} · ↑0 0 B · ↓0 0 B · following`;
	const bar = (state + rest).slice(0, columns).padEnd(columns);
	const statusRow = Math.max(1, rows - 2);
	return `\u001B[${statusRow};1H\u001B[7m${bar}\u001B[27m\r\n> \u001B[7m \u001B[27m\u001B[H`;
}

export async function startSession(options: SessionOptions, io: SessionIo): Promise<StartedSession> {
	const {stdin, stdout, env, signals} = io;
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

	// Raw at once: a Ctrl-C from now on is a key the session reads (and exits on), never a signal
	// that finds the terminal half set up; typing is not echoed over the first frame.
	if (stdin.isTTY) {
		stdin.setRawMode(true);
	}

	// A signal before the UI is up: the terminal back as it was, then the signal's own way out.
	const release = (): void => {
		signals.off('exit', restore);
		signals.off('SIGTERM', onSignal);
		signals.off('SIGHUP', onSignal);
	};

	function onSignal(signal: NodeJS.Signals): void {
		release();
		restore();
		process.kill(process.pid, signal);
	}

	signals.on('exit', restore);
	signals.on('SIGTERM', onSignal);
	signals.on('SIGHUP', onSignal);

	let server: RunningServer | undefined;
	let target = options.target;
	let urlNote: string | undefined;
	stdout.write(enterAlternateScreen);
	if (target === undefined) {
		urlNote = 'built-in echo server';
		stdout.write(firstFrame('ws://127.0.0.1', urlNote, stdout.columns ?? 80, stdout.rows ?? 24));
		server = await startEchoServer();
		target = {url: server.url, displayUrl: server.url, protocols: [], options: {}};
	} else {
		stdout.write(firstFrame(target.displayUrl, urlNote, stdout.columns ?? 80, stdout.rows ?? 24));
	}

	const connection = new Connection(target, {closeTimeout: 2000, ...options.connection});
	const last: StartedSession['last'] = {failure: undefined, close: undefined};
	connection.on('connect-error', failure => {
		last.failure = failure;
	});
	connection.on('close', event => {
		last.close = event;
	});
	connection.on('open', () => {
		last.failure = undefined;
		last.close = undefined;
	});
	let events: SessionEvent[] = [];
	const pipe = options.stages === undefined || options.stages.length === 0
		? undefined
		: await import('../session/message-path.js').then(({SessionPipe}) => new SessionPipe(connection, options.stages!, Date.now, options.connection.initialMessages, options.decoder));
	if (pipe !== undefined && options.stageNotes !== undefined) {
		options.stageNotes.to = line => {
			pipe.note(line);
		};
	}

	const stop = listenToConnection(connection, Date.now, event => {
		events.push(event);
	}, options.connection.initialMessages, pipe);
	const startedAt = Date.now();
	connection.connect();

	const historyFile = options.history ? historyPath(env) : undefined;
	const history = historyFile === undefined ? {entries: []} : await loadHistory(historyFile);
	return {
		options,
		target,
		urlNote,
		server,
		connection,
		pipe,
		history,
		historyFile,
		startedAt,
		takeEvents() {
			stop();
			const taken = events;
			events = [];
			return taken;
		},
		last,
		restore,
		release,
	};
}
