/*
The one interrupt helper, for every mode: the first SIGINT or SIGTERM asks the mode to end
gracefully (close the connection with 1000, let clients answer a 1001, flush what is owed);
a second one, or the grace running out, ends at once. The exit code is the first signal's
(130 for SIGINT, 143 for SIGTERM). source/bin.ts answers signals that come before a mode listens.
*/
import type {EventEmitter} from 'node:events';
import type {Clock} from './clock.js';
import {exitCodes} from './exit-codes.js';

/** How long a graceful end may take after a signal before it is made at once. */
export const interruptGraceMs = 2000;

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

export const signalExitCodes: Readonly<Record<InterruptSignal, number>> = {SIGINT: exitCodes.sigint, SIGTERM: exitCodes.sigterm};

export type InterruptHandlers = {
	/** The first signal: begin a graceful end. */
	readonly graceful: (code: number, signal: InterruptSignal) => void;
	/** A second signal, or the grace (when a clock is given) ran out: end now. */
	readonly immediate: (code: number, signal: InterruptSignal) => void;
};

export type InterruptOptions = {
	/** With a clock, `immediate` also runs once `graceMs` has passed after the first signal. */
	readonly clock?: Clock;
	readonly graceMs?: number;
};

/** Listens for SIGINT and SIGTERM on `signals`; returns the function that stops listening (and cancels the grace timer). */
export function onInterrupt(signals: EventEmitter, handlers: InterruptHandlers, {clock, graceMs = interruptGraceMs}: InterruptOptions = {}): () => void {
	let first: {code: number; signal: InterruptSignal} | undefined;
	let graceTimer: NodeJS.Timeout | undefined;
	const stop = (): void => {
		signals.off('SIGINT', onSigint);
		signals.off('SIGTERM', onSigterm);
		if (graceTimer !== undefined) {
			clock?.clearTimeout(graceTimer);
			graceTimer = undefined;
		}
	};

	const on = (signal: InterruptSignal): void => {
		if (first !== undefined) {
			stop();
			handlers.immediate(first.code, signal);
			return;
		}

		first = {code: signalExitCodes[signal], signal};
		if (clock !== undefined) {
			graceTimer = clock.setTimeout(() => {
				graceTimer = undefined;
				stop();
				handlers.immediate(first!.code, signal);
			}, graceMs);
			graceTimer.unref?.();
		}

		handlers.graceful(first.code, signal);
	};

	function onSigint(): void {
		on('SIGINT');
	}

	function onSigterm(): void {
		on('SIGTERM');
	}

	signals.on('SIGINT', onSigint);
	signals.on('SIGTERM', onSigterm);
	return stop;
}
