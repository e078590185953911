import {render} from 'ink';
import {describeCloseCode} from '../connection/close-codes.js';
import {type ConnectFailure, type CloseEvent, systemClock} from '../connection/connection.js';
import {escapeControl, plural} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import {appendHistory} from '../session/history.js';
import {closedWell} from '../session/session.js';
import type {SessionIo, StartedSession} from './start.js';
import {recordedUrl} from '../replay/recorder.js';
import type {Codec, CodecName} from '../codecs/types.js';
import type {DecoderSwitch} from '../codecs/stage.js';
import type {SessionPipe} from '../session/message-path.js';
import App from './App.js';
import {colorEnabled} from './colors.js';

/** Milliseconds to wait for the close handshake after a signal (a protocol's goodbye may take 1 s of it). */
const signalGrace = 2000;
const sighup = 129;

/** Why the session ended, for one line on stderr after the screen is restored. */
function describeEnd(failure: ConnectFailure | undefined, close: CloseEvent | undefined, url: string): string | undefined {
	if (close !== undefined && !closedWell(close)) {
		const reason = close.reason === '' ? '' : ` ${escapeControl(close.reason)}`;
		if (close.byUs && close.fault === undefined) {
			return `quit before the connection to ${url} opened`;
		}

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
export async function runInteractive(started: StartedSession, io: SessionIo): Promise<number> {
	const {stdin, stdout, stderr, env, signals} = io;
	const {options, target, urlNote, server, connection, pipe, history, historyFile, last, restore} = started;
	const loadDecoder = async (name: string): Promise<Codec> => {
		const {decodeNames, loadCodec} = await import('../codecs/index.js');
		if (!(decodeNames as readonly string[]).includes(name)) {
			throw new Error(`takes ${decodeNames.join(', ')} or off`);
		}

		return loadCodec(name as CodecName, options.codecOptions);
	};

	const createDecodingPipe = async (name: string): Promise<SessionPipe> => {
		const [codec, {codecStage}, {SessionPipe}] = await Promise.all([loadDecoder(name), import('../codecs/stage.js'), import('../session/message-path.js')]);
		const decoder: DecoderSwitch = {current: undefined};
		return new SessionPipe(connection, [codecStage({decode: codec, decoderSwitch: decoder})], Date.now, options.connection.initialMessages, decoder);
	};

	const notes = history.problem === undefined ? options.notes : [...options.notes, `history not read (${history.problem}); --no-history turns it off`];
	let historySaved: Promise<void> = Promise.resolve();
	const onHistoryAdd = historyFile === undefined ? undefined : async (entry: string): Promise<void> => {
		// One write at a time, in order; the session says once if one fails.
		const write = historySaved.then(async () => appendHistory(historyFile, entry));
		historySaved = write.catch(() => undefined);
		return write;
	};

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

			// A stage that ended the session (ctx.exit, a namespace refused) said why in its last error row.
			const end = code === exitCodes.ok ? undefined : describeEnd(last.failure, last.close, target.displayUrl) ?? pipe?.lastError;
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
				// Through the stages when there are some: a protocol says goodbye first (STOMP's DISCONNECT).
				if (pipe === undefined) {
					connection.close(1000);
				} else {
					pipe.close(1000);
				}

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

		started.release();

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
				history={history.entries}
				onHistoryAdd={onHistoryAdd}
				reconnect={options.connection.reconnect === true}
				color={colorEnabled(env)}
				clock={systemClock}
				now={Date.now}
				onExit={finish}
				initialMessages={options.connection.initialMessages}
				takeBacklog={started.takeEvents}
				startedAt={started.startedAt}
				pipe={pipe}
				protocol={options.protocol}
				loadDecoder={loadDecoder}
				createDecodingPipe={createDecodingPipe}
				recordUrl={recordedUrl(target.url)}
				onRedraw={() => {
					// The screen is cleared where the cursor is; the next frame differs (StatusBar's
					// redraws), so ink erases its lines and writes all of them again.
					stdout.write('\u001B[2J');
				}}
			/>,
			{stdin, stdout, stderr, exitOnCtrlC: false, patchConsole: false, maxFps: 120},
		);
	});
}
