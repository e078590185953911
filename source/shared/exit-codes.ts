/** The process exit codes, shared by every mode and listed in the readme and `--help`. */
export const exitCodes = {
	/** Clean close: 1000, 1001, 1005, or closed by wsterm. */
	ok: 0,
	/** Could not connect: DNS, refused, TLS, an HTTP answer instead of an upgrade, timeout. Also: serve could not listen. */
	connectFailed: 1,
	/** stdout could not be written (a full disk, an I/O error); a reader that went away (EPIPE) is a clean end. */
	outputFailed: 1,
	/** Usage error: a bad flag, URL or file. */
	usage: 2,
	/** The connection dropped, or the peer closed with any other code. */
	dropped: 3,
	/** What was expected did not come: `--until`'s message before the end, or `replay --check`'s recorded replies. */
	expectedMissing: 4,
	/** `-n N` was given and fewer than N messages came: the server closed first, or `-w` ran out. */
	countNotReached: 5,
	sigint: 130,
	sigterm: 143,
} as const;

/** A mistake in what the user asked for: reported as one line, exit code 2. */
export class UsageError extends Error {
	override name = 'UsageError';
}

/**
Whether `error` is a UsageError, by its name: a module loaded apart from the CLI's bundle (load/,
ui/) has its own copy of this class, so instanceof would miss its errors.
*/
export function isUsageError(error: unknown): error is UsageError {
	return error instanceof Error && error.name === 'UsageError';
}
