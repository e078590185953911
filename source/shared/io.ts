/*
The one Io type: what a mode (pipe, the session, serve, replay, bench) reads from and writes to
the world, passed in so that tests can hand over their own streams, signals and clock. A mode
takes the part it uses (`Pick<Io, 'stdout' | 'stderr' | 'signals'>`), never a type of its own.
*/
import type {EventEmitter} from 'node:events';
import type {Readable, Writable} from 'node:stream';
import {type Clock, systemClock} from './clock.js';

export type Io = {
	readonly stdin: Readable & {readonly isTTY?: boolean};
	readonly stdout: Writable & {readonly isTTY?: boolean};
	readonly stderr: Writable & {readonly isTTY?: boolean};
	/** Emits 'SIGINT', 'SIGTERM' (and, for the session, 'SIGHUP' and 'uncaughtException'): the process, in production. */
	readonly signals: EventEmitter;
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly clock: Clock;
};

/** The process's own. */
export function processIo(): Io {
	return {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, signals: process, env: process.env, clock: systemClock};
}
