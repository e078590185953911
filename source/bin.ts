#!/usr/bin/env node
/*
The command itself (dist/cli.js after the build; the program, cli/main.ts, is bundled next to it
as dist/main.cjs, which load-program.ts runs with its code cache). Node needs some 50-100 ms to
load the program, and until a mode listens for SIGINT and SIGTERM a signal would kill the process
silently. So the first thing that runs, before anything is loaded, listens for them: one line,
exit 130 or 143. Once a mode listens itself (pipe mode, serve, replay, the session), the signal
is its to handle. Nothing here imports anything before that: each module loaded first would
widen the window again.
*/
const exitCodeOf = {SIGINT: 130, SIGTERM: 143} as const;

function onEarlySignal(signal: 'SIGINT' | 'SIGTERM'): void {
	if (process.listenerCount(signal) > 1) {
		// A mode handles it from now on; step aside, so that a library counting listeners (signal-exit) counts right.
		process.off(signal, onEarlySignal);
		return;
	}

	// After the 'exit' listeners registered before (the session's terminal restore), so that the line is not drawn on a screen about to be left.
	process.once('exit', () => {
		process.stderr.write('wsterm: interrupted while starting\n');
	});
	process.exit(exitCodeOf[signal]);
}

process.on('SIGINT', onEarlySignal);
process.on('SIGTERM', onEarlySignal);
const {runProgram} = await import('./load-program.js');
await runProgram(new URL('.', import.meta.url));
