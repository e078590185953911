/*
When stdout cannot be written: the one rule for every mode (pipe mode, replay, serve, bench,
profiles). A reader that went away (EPIPE: `wsterm ... | head -1`) is a clean end: nothing is said
and the exit code is the run's own. Any other failure (ENOSPC, a full disk; EIO) lost output, so
it is one line, `wsterm: cannot write to stdout: ...`, and exit 1 (exitCodes.outputFailed): a job
never mistakes an empty or cut-off file for success.
*/
import type {Writable} from 'node:stream';

/** How writing stdout failed. */
export type StdoutLoss = {
	readonly error: NodeJS.ErrnoException;
	/** EPIPE: whoever read stdout has gone; not a failure, nothing to say. */
	readonly readerGone: boolean;
	/** The line to show (without `wsterm: `) when it is a failure; undefined when the reader went away. */
	readonly failureLine: string | undefined;
};

export function stdoutLoss(error: NodeJS.ErrnoException): StdoutLoss {
	const readerGone = error.code === 'EPIPE';
	return {error, readerGone, failureLine: readerGone ? undefined : `cannot write to stdout: ${error.message}`};
}

/**
Calls `onLoss` once, at stdout's first error; later errors are swallowed (a stream with no
'error' listener would throw them: a stack trace instead of a line).
*/
export function onStdoutLoss(stdout: Writable, onLoss: (loss: StdoutLoss) => void): void {
	let lost = false;
	stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (!lost) {
			lost = true;
			onLoss(stdoutLoss(error));
		}
	});
}

/**
Writes `text` and resolves once stdout has taken it: undefined, or how it was lost. For a mode that
writes its output in one go and then exits (the process would exit before a failure is reported).
*/
export async function writeStdout(stdout: Writable, text: string): Promise<StdoutLoss | undefined> {
	return new Promise(resolve => {
		// The write's callback says what failed; the listener only keeps the 'error' event from throwing.
		onStdoutLoss(stdout, () => undefined);
		stdout.write(text, (error?: Error | null) => {
			resolve(error ? stdoutLoss(error) : undefined);
		});
	});
}
