/*
What the process tells the running session, and how the session answers:
- SIGINT, SIGTERM (shared/interrupt.ts): the first closes the connection with 1000 (through the
  stages: a protocol's goodbye goes first), and the session ends once it is closed or the grace
  has run out; a second one ends it at once. The exit code is the first signal's.
- SIGHUP: the terminal is gone, nobody waits for a close handshake: the session ends at once.
- An uncaught exception or rejection: the terminal back first, then the error, exit 1.
- The exit itself, whatever causes it: the terminal back as it was.
*/
import type {Connection} from '../connection/connection.js';
import {escapeControl} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import {interruptGraceMs, onInterrupt} from '../shared/interrupt.js';
import type {Io} from '../shared/io.js';
import type {SessionMessagePath} from '../session/message-path.js';
import {closeThroughStages} from '../session/outgoing.js';

const sighup = 129;

export type SessionEnding = {
	readonly connection: Connection;
	readonly messagePath: SessionMessagePath | undefined;
	/** Puts the terminal back (once). */
	readonly restore: () => void;
	readonly stderr: Io['stderr'];
	/** Ends the session with `code` (once; later calls do nothing). */
	readonly finish: (code: number) => void;
};

/** Listens to the process for the session; returns the function that stops listening. */
export function listenToProcess({signals, clock}: Pick<Io, 'signals' | 'clock'>, {connection, messagePath, restore, stderr, finish}: SessionEnding): () => void {
	const stopInterrupt = onInterrupt(signals, {
		graceful(code) {
			if (connection.state !== 'open') {
				finish(code);
				return;
			}

			closeThroughStages(connection, messagePath, 1000);
			connection.once('close', () => {
				finish(code);
			});
		},
		immediate(code) {
			finish(code);
		},
	}, {clock, graceMs: interruptGraceMs});

	let crashed = false;
	const onCrash = (error: unknown): void => {
		if (crashed) {
			// One that followed from the first (each write to a terminal that is gone fails): said once.
			return;
		}

		crashed = true;
		restore();
		stderr.write(`wsterm: unexpected error: ${escapeControl(error instanceof Error ? error.stack ?? error.message : String(error), {keepLayout: true})}\n`);
		finish(exitCodes.connectFailed);
	};

	const listeners: Array<[string, (...arguments_: unknown[]) => void]> = [
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

	return () => {
		for (const [name, listener] of listeners) {
			signals.off(name, listener);
		}

		// SIGINT and SIGTERM are let go once the signal that may be ending the session has reached
		// every listener: ink's signal-exit re-sends a signal it finds itself alone with, and the
		// process would die by it, silently. The others go at once: a crash handler left while
		// errors follow one another (writes to a terminal that is gone) would never let go.
		queueMicrotask(stopInterrupt);
	};
}
