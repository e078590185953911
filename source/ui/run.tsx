/*
The full-screen session, run: the App rendered on the terminal start.ts has prepared, the process's
signals and crashes answered (process-events.ts), and one way out whatever ends it.
*/
import {render} from 'ink';
import type {Io} from '../shared/io.js';
import {createHistoryWriter} from '../session/history.js';
import {endLines} from '../session/end-report.js';
import type {StartedSession} from './start.js';
import {recordedUrl} from '../replay/recorder.js';
import App from './App.js';
import {colorEnabled} from './colors.js';
import {createDecoders} from './decoders.js';
import {createPager} from './pager.js';
import {listenToProcess} from './process-events.js';
import {terminalInput, terminalOutput} from './terminal-screen.js';

type Ending = {
	readonly started: StartedSession;
	readonly stderr: Io['stderr'];
	/** Resolves once the history is written. */
	readonly historySaved: () => Promise<void>;
};

/**
After the UI is gone: the terminal back, why the session ended on stderr, the connection dropped;
resolves once the history is written and the built-in server closed.
*/
async function endSession(code: number, unsent: number, {started, stderr, historySaved}: Ending): Promise<void> {
	const {connection, messagePath, server, last, target} = started;
	started.restore();
	for (const line of endLines({code, unsent, last, url: target.displayUrl, state: connection.state, stageError: messagePath?.lastError})) {
		stderr.write(line);
	}

	connection.removeAllListeners();
	if (connection.state !== 'closed') {
		connection.terminate();
	}

	await Promise.all([historySaved(), server?.close(200)]).catch(() => undefined);
}

/** The App's props from the started session and the Io (all but the way out). */
function appProps(started: StartedSession, {env, clock, stdin, stdout}: Pick<Io, 'env' | 'clock' | 'stdin' | 'stdout'>, onHistoryAdd: ((entry: string) => Promise<void>) | undefined) {
	const {options, target, urlNote, connection, messagePath, history} = started;
	const notes = history.problem === undefined ? options.notes : [...options.notes, `history not read (${history.problem}); --no-history turns it off`];
	return {
		connection,
		url: target.displayUrl,
		urlNote,
		notes,
		scrollback: options.scrollback,
		history: history.entries,
		onHistoryAdd,
		reconnect: options.connection.reconnect === true,
		color: colorEnabled(env),
		clock,
		now: clock.wallNow,
		initialMessages: options.connection.initialMessages,
		takeBacklog: started.takeEvents,
		startedAt: started.startedAt,
		messagePath,
		protocol: options.protocol,
		protocolLabels: options.protocolLabels,
		profile: options.profile,
		...createDecoders({connection, codecOptions: options.codecOptions, initialMessages: options.connection.initialMessages, now: clock.wallNow}),
		recordUrl: recordedUrl(target.url),
		openInPager: createPager({stdin: terminalInput(stdin), stdout: terminalOutput(stdout), env}),
		onRedraw() {
			// The screen is cleared where the cursor is; the next frame differs (StatusBar's
			// redraws), so ink erases its lines and writes all of them again.
			stdout.write('\u001B[2J');
		},
	};
}

/**
The full-screen session. Resolves with the exit code once the connection is closed and the
terminal is as it was: raw mode off, cursor shown, alternate screen left, whatever ended it.
*/
export async function runInteractive(started: StartedSession, io: Io): Promise<number> {
	const {connection, messagePath, historyFile, restore} = started;
	const stdin = terminalInput(io.stdin);
	const stdout = terminalOutput(io.stdout);
	const stderr = terminalOutput(io.stderr);
	const history = historyFile === undefined ? undefined : createHistoryWriter(historyFile);
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
			stopListening();
			void endSession(code, unsent, {started, stderr, historySaved: async () => history?.settled()}).then(() => {
				resolve(code);
			});
		};

		const stopListening = listenToProcess(io, {connection, messagePath, restore, stderr, finish});
		started.release();

		// Network events already come in batches of one per frame (useConnectionEvents), so ink's
		// own throttle only held back keys: at its default of 30 a key typed just after a flood
		// frame waited up to 33 ms for the next one.
		const instance = render(
			<App {...appProps(started, io, history?.add)} onExit={finish}/>,
			{stdin, stdout, stderr, exitOnCtrlC: false, patchConsole: false, maxFps: 120},
		);
	});
}
