/*
Keeping Ctrl-C when a hook is stuck. wsterm's SIGINT and SIGTERM handlers are JavaScript, and
JavaScript cannot run while a hook loops (`for (;;) {}`), so a stuck hook would leave only
`kill -9`. No JavaScript can watch for signals elsewhere (a worker thread gets none), so:

- The main thread counts hook calls in a SharedArrayBuffer (odd while a hook's synchronous part
  runs): two Atomics adds per call, the only cost per message.
- A watchdog worker thread reads the count every `pollMs`; when one call has lasted `afterMs`,
  it asks the main thread, through the inspector (whose messages V8 runs between two steps of any
  JavaScript, a loop included), to run `#stuck`.
- `#stuck` writes a line naming the hook and takes wsterm's signal listeners off (and a raw-mode
  terminal's raw mode, so that Ctrl-C is a signal again): the system's default for SIGINT and
  SIGTERM applies, and the next one ends the process (by the signal itself: a shell shows 130 or
  143). When the hook returns, the listeners (and raw mode) are put back, with a line.

Not watched: code after an `await` in an async hook, and a script's top level while it loads.
Without an inspector (a Node built without one) the worker can only write the line.
*/
import {Worker} from 'node:worker_threads';
import type {Io} from '../shared/io.js';

/** What the hooks' caller tells the watchdog (call.ts). */
export type HookWatch = {
	/** A hook's synchronous part starts (`hook`: its name, for the line). */
	enter(hook: string): void;
	/** It returned or threw. */
	leave(): void;
};

export type WatchdogOptions = {
	/** A hook running this long is stuck (1 s). */
	readonly afterMs?: number;
	/** How often the worker looks (100 ms). */
	readonly pollMs?: number;
};

/** The process's signals, stderr and stdin, and the clock the lines' durations are measured on. */
export type WatchdogIo = Pick<Io, 'signals' | 'stderr' | 'stdin' | 'clock'>;

type Detached = {
	readonly since: number;
	readonly listeners: ReadonlyMap<string, ReadonlyArray<(...args: unknown[]) => void>>;
	readonly rawMode: boolean;
};

type RawModeStdin = {readonly isTTY?: boolean; readonly isRaw?: boolean; setRawMode?(mode: boolean): unknown};

const signalNames = ['SIGINT', 'SIGTERM'] as const;

// The watchdog thread, as CommonJS source (a bundle cannot hand a worker a module of its own).
const watchdogSource = `
const {workerData} = require('node:worker_threads');
const {calls, afterMs, pollMs, key, script} = workerData;
const state = new Int32Array(calls);
let seen = 0;
let since = 0;
let reported = 0;
setInterval(() => {
	const value = Atomics.load(state, 0);
	const now = performance.now();
	if (value !== seen) {
		seen = value;
		since = now;
		return;
	}
	if (value % 2 === 0 || value === reported || now - since < afterMs) {
		return;
	}
	reported = value;
	try {
		const {Session} = require('node:inspector');
		const session = new Session();
		session.connectToMainThread();
		// Disconnected once it has run: a session left connected makes Node print "Waiting for the debugger to disconnect..." at exit.
		session.post('Runtime.evaluate', {expression: 'globalThis[Symbol.for(' + JSON.stringify(key) + ')]?.(' + value + ')'}, () => {
			session.disconnect();
		});
	} catch {
		require('node:fs').writeSync(2, 'wsterm: ' + script + ': a hook has not returned for ' + afterMs / 1000 + ' s, and this Node has no inspector to let signals through: only kill -KILL ' + process.pid + ' ends wsterm until it returns\\n');
	}
}, pollMs);
`;

let watchdogs = 0;

/** Watches the hooks of one process (signals and the terminal are the process's). */
export class HookWatchdog implements HookWatch {
	readonly #io: WatchdogIo;
	readonly #script: string;
	readonly #afterMs: number;
	readonly #calls = new Int32Array(new SharedArrayBuffer(4));
	readonly #key = `wsterm.hookWatchdog.${process.pid}.${++watchdogs}`;
	readonly #worker: Worker;
	#depth = 0;
	#hook = '';
	#detached: Detached | undefined;

	/** `script`: the script's path as the user gave it, for the lines. */
	constructor(io: WatchdogIo, script: string, {afterMs = 1000, pollMs = 100}: WatchdogOptions = {}) {
		this.#io = io;
		this.#script = script;
		this.#afterMs = afterMs;
		(globalThis as Record<symbol, unknown>)[Symbol.for(this.#key)] = this.#stuck;
		// No execArgv: the thread needs none of the process's --import loaders (tsx in the tests).
		this.#worker = new Worker(watchdogSource, {eval: true, execArgv: [], workerData: {calls: this.#calls.buffer, afterMs, pollMs, key: this.#key, script}});
		// It must neither keep the process alive nor take it down.
		this.#worker.unref();
		this.#worker.on('error', () => undefined);
	}

	enter(hook: string): void {
		if (this.#depth++ === 0) {
			this.#hook = hook;
			Atomics.add(this.#calls, 0, 1);
		}
	}

	leave(): void {
		if (--this.#depth === 0) {
			Atomics.add(this.#calls, 0, 1);
			if (this.#detached !== undefined) {
				this.#reattach(this.#detached);
			}
		}
	}

	/** Stops the worker (tests; a run's process simply exits). */
	async stop(): Promise<void> {
		delete (globalThis as Record<symbol, unknown>)[Symbol.for(this.#key)];
		await this.#worker.terminate();
	}

	// Run by the inspector on the main thread, in the middle of the stuck hook: `call` is the count the worker saw.
	readonly #stuck = (call: number): void => {
		if (Atomics.load(this.#calls, 0) !== call || this.#detached !== undefined) {
			// That call has returned since.
			return;
		}

		const {signals, stdin} = this.#io;
		const listeners = new Map(signalNames.map(name => [name, signals.rawListeners(name) as Array<(...args: unknown[]) => void>]));
		for (const name of signalNames) {
			signals.removeAllListeners(name);
		}

		const tty = stdin as RawModeStdin;
		const rawMode = tty.isTTY === true && tty.isRaw === true && typeof tty.setRawMode === 'function';
		if (rawMode) {
			tty.setRawMode!(false);
		}

		this.#detached = {since: this.#io.clock.now() - this.#afterMs, listeners, rawMode};
		this.#line(`${this.#hook} has not returned for ${this.#afterMs / 1000} s: wsterm cannot answer signals while it runs, so Ctrl-C or SIGTERM now ends wsterm at once`);
	};

	#reattach({since, listeners, rawMode}: Detached): void {
		this.#detached = undefined;
		const {signals, stdin} = this.#io;
		for (const [name, list] of listeners) {
			for (const listener of list) {
				signals.on(name, listener);
			}
		}

		if (rawMode) {
			(stdin as RawModeStdin).setRawMode!(true);
		}

		this.#line(`${this.#hook} returned after ${((this.#io.clock.now() - since) / 1000).toFixed(1)} s: signals are handled as usual again`);
	}

	#line(text: string): void {
		this.#io.stderr.write(`wsterm: ${this.#script}: ${text}\n`);
	}
}

