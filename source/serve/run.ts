/*
`wsterm serve`: starts the server, prints where to connect, logs events to stderr and shuts down
cleanly on SIGINT/SIGTERM. The server itself is in serve-server.ts.
*/
import type {EventEmitter} from 'node:events';
import type {Writable} from 'node:stream';
import {exitCodes} from '../shared/exit-codes.js';
import {ServeError, startServer, type RunningServer, type ServeLog, type ServeOptions} from './server.js';

export {ServeError, startServer, type RunningServer, type ServeLog, type ServeOptions} from './server.js';

export type ServeIo = {
	readonly stdout: Writable;
	readonly stderr: Writable;
	/** Emits 'SIGINT' and 'SIGTERM' (the process, in production). */
	readonly signals: EventEmitter;
};

/** How long clients get to answer the 1001 close on shutdown. */
const shutdownGraceMs = 2000;

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
export async function runServe(options: ServeOptions, io: ServeIo): Promise<number> {
	const log = stderrLog(io.stderr);
	let server: RunningServer;
	try {
		server = await startServer(options, log);
	} catch (error) {
		if (error instanceof ServeError) {
			io.stderr.write(`wsterm: ${error.message}\n`);
			return exitCodes.connectFailed;
		}

		throw error;
	}

	io.stdout.write(`listening on ${server.url}\n`);
	const warning = exposureWarning(options);
	if (warning !== undefined) {
		io.stderr.write(`wsterm: ${warning}\n`);
	}

	return new Promise<number>(resolve => {
		let stopping = false;
		const finish = (code: number): void => {
			io.signals.off('SIGINT', onSigint);
			io.signals.off('SIGTERM', onSigterm);
			resolve(code);
		};

		const onSignal = (code: number): void => {
			if (stopping) {
				server.terminate();
				finish(code);
				return;
			}

			stopping = true;
			log('shutting down: closing every connection with 1001 (signal again to stop at once)');
			void server.close(shutdownGraceMs).then(() => {
				finish(exitCodes.ok);
			});
		};

		const onSigint = (): void => {
			onSignal(exitCodes.sigint);
		};

		const onSigterm = (): void => {
			onSignal(exitCodes.sigterm);
		};

		io.signals.on('SIGINT', onSigint);
		io.signals.on('SIGTERM', onSigterm);
	});
}
