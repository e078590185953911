/*
serve/: `wsterm serve` and the interactive mode's built-in echo server (server.ts, with
admission.ts, peer.ts, backpressure.ts and log.ts). It may import shared/ and connection/;
automation/ and replay/ only as types: their code comes in through the options (hooks, respond),
loaded only when asked for.
This file is `wsterm serve` itself: starts the server, prints where to connect (the URL alone, as
stdout's first line: a stdout that cannot be written is one line and exit 1, a reader that went
away is no matter), logs events to stderr and shuts down cleanly on SIGINT/SIGTERM
(shared/interrupt.ts).
*/
import type {Writable} from 'node:stream';
import {exitCodes} from '../shared/exit-codes.js';
import {interruptGraceMs, onInterrupt} from '../shared/interrupt.js';
import type {Io} from '../shared/io.js';
import {writeStdout} from '../shared/stdout-loss.js';
import {ServeError, startServer, type RunningServer, type ServeLog, type ServeOptions} from './server.js';

export {ServeError, startServer, type RunningServer, type ServeLog, type ServeOptions} from './server.js';

// Log lines past this backlog are counted and dropped rather than held in memory, in case stderr
// is a slow reader (it is written synchronously on Linux pipes and files, so rarely).
const maxLogBacklog = 1024 * 1024;

function stderrLog(stderr: Writable): ServeLog {
	let dropped = 0;
	return line => {
		if (stderr.writableLength > maxLogBacklog) {
			dropped++;
			return;
		}

		if (dropped > 0) {
			stderr.write(`(${dropped} log lines dropped: stderr was not keeping up)\n`);
			dropped = 0;
		}

		stderr.write(`${line}\n`);
	};
}

function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '::1' || /^(::ffff:)?127\./i.test(host);
}

/** The warning for a server other machines can reach with no Origin allowlist, if that is the case. */
export function exposureWarning({host, origins}: Pick<ServeOptions, 'host' | 'origins'>): string | undefined {
	return isLoopback(host) || origins.length > 0
		? undefined
		: `warning: ${host} can be reached from other machines and no --origin is set: any web page or client that reaches it can connect`;
}

/** Runs `wsterm serve` until a signal; resolves with the exit code. */
export async function runServe(options: ServeOptions, io: Pick<Io, 'stdout' | 'stderr' | 'signals' | 'clock'>): Promise<number> {
	const log = stderrLog(io.stderr);
	let server: RunningServer;
	try {
		server = await startServer(options, log, io.clock);
	} catch (error) {
		if (error instanceof ServeError) {
			io.stderr.write(`wsterm: ${error.message}\n`);
			return exitCodes.connectFailed;
		}

		throw error;
	}

	// The first line on stdout is the bare URL, for scripts to read (`read -r URL`); the log goes to
	// stderr. A stdout that cannot take it (a full disk) ends the run; a reader that went away
	// does not: the server needs no stdout, and nothing more is written there (shared/stdout-loss.ts).
	const loss = await writeStdout(io.stdout, `${server.url}\n`);
	if (loss?.failureLine !== undefined) {
		io.stderr.write(`wsterm: ${loss.failureLine}\n`);
		await server.close(interruptGraceMs);
		return exitCodes.outputFailed;
	}

	log(`listening on ${server.url}`);
	const warning = exposureWarning(options);
	if (warning !== undefined) {
		io.stderr.write(`wsterm: ${warning}\n`);
	}

	return new Promise<number>(resolve => {
		// The helper gets no clock: the grace is the server's close, which drops whoever is left after
		// interruptGraceMs; then this resolves 0. A second signal ends at once, with the first's code.
		const stopInterrupt = onInterrupt(io.signals, {
			graceful() {
				log('shutting down: closing every connection with 1001 (signal again to stop at once)');
				void server.close(interruptGraceMs).then(() => {
					stopInterrupt();
					resolve(exitCodes.ok);
				});
			},
			immediate(code) {
				server.terminate();
				resolve(code);
			},
		});
	});
}
