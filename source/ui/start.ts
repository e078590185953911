/*
The start of the full-screen session, before its UI is loaded: the built-in echo server (when
there is no URL), the connection (opened now, so that the handshake overlaps loading the UI), the
history, and a first frame painted by hand (the alternate screen with the status bar saying
`connecting`), so that the screen answers at once. Nothing here loads ink or react; the events the
connection reports meanwhile are kept for the UI (`takeEvents`).
*/
import {escapeControl} from '../shared/escape-text.js';
import type {Io} from '../shared/io.js';
import type {ConnectTarget} from '../connection/connect-options.js';
import {describeRoute} from '../connection/route.js';
import {type ConnectFailure, Connection, type CloseEvent, type ConnectionOptions} from '../connection/connection.js';
import type {OpenEvent} from '../connection/events.js';
import {historyPath, type LoadedHistory, loadHistory} from '../session/history.js';
import type {RunningServer} from '../serve/run.js';
import {createSession, type Session, type SessionEvent} from '../session/state.js';
import {statusLine} from '../session/status-line.js';
import {listenToConnection} from '../session/events.js';
import type {DecoderSwitch} from '../codecs/stage.js';
import type {CodecOptions} from '../codecs/types.js';
import type {StageFactory} from '../pipeline/stage.js';
import type {SessionMessagePath} from '../session/message-path.js';
import type {ProfileContext} from '../profiles/context.js';
import {redact} from '../profiles/redact.js';
import {takeTerminal, terminalInput, terminalOutput} from './terminal-screen.js';

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
	/** What the status bar calls --protocol when the server picked one of these subprotocols (graphql-ws's legacy protocol). */
	readonly protocolLabels?: Readonly<Record<string, string>>;
	/** The profile (saved messages, the user's config file for /keep); none by default. */
	readonly profile?: ProfileContext;
};

export type StartedSession = {
	readonly options: SessionOptions;
	readonly target: ConnectTarget;
	/** Said next to the URL (the built-in echo server). */
	readonly urlNote: string | undefined;
	readonly server: RunningServer | undefined;
	readonly connection: Connection;
	/** The message pipeline, built once for every reconnect (hooks' state lives as long); undefined without stages. */
	readonly messagePath: SessionMessagePath | undefined;
	readonly history: LoadedHistory;
	/** undefined: history is not kept. */
	readonly historyFile: string | undefined;
	/** When the connection was started (wall-clock milliseconds): the time of the session's first row. */
	readonly startedAt: number;
	/**
	The connection's events so far. From then on the caller listens itself, unless `keepListening`
	(the UI's first state takes what came while it loaded; its listener takes the rest, later).
	*/
	takeEvents(options?: {readonly keepListening?: boolean}): SessionEvent[];
	/** The last failure to connect and the last close, for the line on stderr at the end. */
	readonly last: {failure: ConnectFailure | undefined; close: CloseEvent | undefined};
	/** Puts the terminal back as it was (once; later calls do nothing). */
	restore(): void;
	/** Drops the start-up's own signal handlers (the caller has installed its own). */
	release(): void;
};

/** `wsterm` with no URL: the echo server of `wsterm serve`, in-process, on a free loopback port. */
async function startEchoServer(): Promise<RunningServer> {
	const [{startServer}, {defaultServeOptions}] = await Promise.all([import('../serve/run.js'), import('../serve/options.js')]);
	return startServer({...defaultServeOptions, port: 0, host: '127.0.0.1'}, () => undefined);
}

/** The status bar's row for `session`, painted where the UI draws it (the third row from the bottom). */
function statusRow(session: Session, url: string, note: string | undefined, {columns = 80, rows = 24}: {readonly columns?: number; readonly rows?: number}, now: number): string {
	const {state, details} = statusLine(session, {url: escapeControl(url), note, now, width: columns});
	const bar = (` ${state} ` + details).slice(0, columns).padEnd(columns);
	return `\u001B[${Math.max(1, rows - 2)};1H\u001B[7m${bar}\u001B[27m`;
}

/**
The first frame, as the UI will draw it: the status bar (its words from a fresh session, as
StatusBar draws them) on the third row from the bottom and the input line below it (the frame is
one row shorter than the terminal); the cursor goes back home, where the UI starts drawing over it.
*/
function firstFrame(url: string, note: string | undefined, size: {readonly columns?: number; readonly rows?: number}, now: number): string {
	return `${statusRow(createSession({limit: 0}), url, note, size, now)}\r\n> \u001B[7m \u001B[27m\u001B[H`;
}

/** The status bar saying open, for a connection that opened before the UI was up. */
function openFrame(url: string, note: string | undefined, size: {readonly columns?: number; readonly rows?: number}, now: number, {protocol, extensions}: OpenEvent): string {
	const fresh = createSession({limit: 0, state: 'open'});
	return `${statusRow({...fresh, link: {...fresh.link, protocol, extensions}}, url, note, size, now)}\u001B[H`;
}

type Reached = Pick<StartedSession, 'target' | 'urlNote' | 'server'>;

/** The target, or the built-in echo server started for want of one, with the first frame painted meanwhile. */
async function reachTarget(given: ConnectTarget | undefined, paint: (url: string, note: string | undefined) => void, secrets: readonly string[]): Promise<Reached> {
	if (given !== undefined) {
		// The status bar says how it is reached when that is not the URL's host (a socket, --resolve, a proxy), a profile's secrets as ***.
		const route = describeRoute(given);
		const urlNote = route === undefined ? undefined : redact(route, secrets);
		paint(given.displayUrl, urlNote);
		return {target: given, urlNote, server: undefined};
	}

	const urlNote = 'built-in echo server';
	paint('ws://127.0.0.1', urlNote);
	const server = await startEchoServer();
	return {target: {url: server.url, displayUrl: server.url, protocols: [], options: {}}, urlNote, server};
}

/** The connection, and the last failure and close it reported (for the line on stderr at the end). */
function createConnection(target: ConnectTarget, options: ConnectionOptions): Pick<StartedSession, 'connection' | 'last'> {
	const connection = new Connection(target, {closeTimeout: 2000, ...options});
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
	return {connection, last};
}

/** The message pipeline, when there are stages; the stages' own lines go to its error rows from now on. */
async function createMessagePath(connection: Connection, options: SessionOptions, now: () => number): Promise<SessionMessagePath | undefined> {
	if (options.stages === undefined || options.stages.length === 0) {
		return undefined;
	}

	const {SessionMessagePath} = await import('../session/message-path.js');
	const messagePath = new SessionMessagePath(connection, options.stages, now, options.connection.initialMessages, options.decoder);
	if (options.stageNotes !== undefined) {
		options.stageNotes.to = line => {
			messagePath.note(line);
		};
	}

	return messagePath;
}

export async function startSession(options: SessionOptions, io: Pick<Io, 'stdin' | 'stdout' | 'stderr' | 'env' | 'signals' | 'clock'>): Promise<StartedSession> {
	const stdout = terminalOutput(io.stdout);
	const {env, clock} = io;
	const {restore, release} = takeTerminal(terminalInput(io.stdin), stdout, io);
	const {target, urlNote, server} = await reachTarget(options.target, (url, note) => {
		stdout.write(firstFrame(url, note, stdout, clock.wallNow()));
	}, options.profile?.secrets ?? []);
	const {connection, last} = createConnection(target, options.connection);
	const messagePath = await createMessagePath(connection, options, clock.wallNow);
	let events: SessionEvent[] = [];
	const stop = listenToConnection(connection, clock.wallNow, event => {
		events.push(event);
	}, options.connection.initialMessages, messagePath);
	const startedAt = clock.wallNow();
	// Open before the UI is up (it loads meanwhile): the first frame says so at once. Only without
	// stages: with them, a protocol's handshake may still have to finish before the session is open.
	const paintOpen = (event: OpenEvent): void => {
		stdout.write(openFrame(target.displayUrl, urlNote, stdout, clock.wallNow(), event));
	};

	if (messagePath === undefined) {
		connection.once('open', paintOpen);
	}

	connection.connect();

	const historyFile = options.history ? historyPath(env) : undefined;
	const history = historyFile === undefined ? {entries: []} : await loadHistory(historyFile);
	return {
		options,
		target,
		urlNote,
		server,
		connection,
		messagePath,
		history,
		historyFile,
		startedAt,
		takeEvents({keepListening = false} = {}) {
			if (!keepListening) {
				stop();
			}

			const taken = events;
			events = [];
			return taken;
		},
		last,
		restore,
		release() {
			// The UI draws from now on.
			connection.off('open', paintOpen);
			release();
		},
	};
}
