/*
The terminal while the session runs: raw mode, the alternate screen with bracketed paste, and
putting all of it back (once) however the session ends. Until the UI installs its own handlers
(run.tsx), a SIGTERM puts the terminal back and ends wsterm as bin.ts ends it before a mode
listens (one line, exit 143), and a SIGHUP (no terminal left) puts it back and ends the process
the signal's way.
Nothing here loads ink or react.
*/
import {signalExitCodes} from '../shared/interrupt.js';
import type {Io} from '../shared/io.js';

/**
The Io's streams as a terminal's: the CLI starts the session only when stdin and stdout are
terminals, and ink draws on them as such (raw mode, the size, its resize events).
*/
export function terminalInput(stdin: Io['stdin']): NodeJS.ReadStream {
	return stdin as NodeJS.ReadStream;
}

export function terminalOutput(stream: Io['stdout']): NodeJS.WriteStream {
	return stream as NodeJS.WriteStream;
}

export type HeldTerminal = {
	/** Puts the terminal back as it was (once; later calls do nothing). */
	readonly restore: () => void;
	/** Drops the start-up's own signal handlers (the caller has installed its own). */
	readonly release: () => void;
};

// Alternate screen, cursor hidden, and bracketed paste (mode 2004): a paste arrives marked, as one draft.
const enterAlternateScreen = '\u001B[?1049h\u001B[H\u001B[?25l\u001B[?2004h';
// Bracketed paste off, cursor shown, attributes reset, the alternate screen erased, back to the
// screen the shell had, and the cursor shown again there (a terminal may keep its visibility per
// screen). Erased first because tmux (3.3a), when the window changed size during the session,
// reflows the alternate screen to the old width as it leaves it, and rows that no longer fit were
// left in the shell's scrollback, among its own lines: blank, nothing of the session is left.
const leaveAlternateScreen = '\u001B[?2004l\u001B[?25h\u001B[0m\u001B[H\u001B[2J\u001B[?1049l\u001B[?25h';

/** Raw mode and the alternate screen, put back on `restore()`, at exit, or on a signal before the UI is up. */
export function takeTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, {signals, stderr}: Pick<Io, 'signals' | 'stderr'>): HeldTerminal {
	let restored = false;
	const restore = (): void => {
		if (restored) {
			return;
		}

		restored = true;
		try {
			if (stdin.isTTY) {
				stdin.setRawMode(false);
			}
		} catch {
			// A terminal that hung up (EIO) has no mode left to put back; the session still ends as it should.
		}

		stdout.write(leaveAlternateScreen);
	};

	// Raw at once: a Ctrl-C from now on is a key the session reads (and exits on), never a signal
	// that finds the terminal half set up; typing is not echoed over the first frame.
	if (stdin.isTTY) {
		stdin.setRawMode(true);
	}

	// A signal before the UI is up: the terminal back as it was, then the way out.
	// SIGINT stays source/bin.ts's until then: raw mode makes Ctrl-C a key, and bin.ts's line says why.
	const release = (): void => {
		signals.off('exit', restore);
		signals.off('SIGTERM', onSignal);
		signals.off('SIGHUP', onSignal);
	};

	function onSignal(signal: NodeJS.Signals): void {
		release();
		restore();
		if (signal === 'SIGTERM') {
			stderr.write('wsterm: interrupted while starting\n');
			process.exit(signalExitCodes.SIGTERM);
		}

		// Sent again with nobody listening: the process ends as the signal ends it.
		process.kill(process.pid, signal);
	}

	signals.on('exit', restore);
	signals.on('SIGTERM', onSignal);
	signals.on('SIGHUP', onSignal);
	stdout.write(enterAlternateScreen);
	return {restore, release};
}

/**
Runs `run` (a program that takes the terminal: the pager of /open) with the terminal as the shell
had it: raw mode off, the alternate screen left. Then raw mode and the alternate screen again,
blank: the caller has the UI paint all of it.
*/
export function suspendTerminal<T>(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, run: () => T): T {
	if (stdin.isTTY) {
		stdin.setRawMode(false);
	}

	stdout.write(leaveAlternateScreen);
	try {
		return run();
	} finally {
		if (stdin.isTTY) {
			stdin.setRawMode(true);
		}

		stdout.write(enterAlternateScreen);
	}
}
