// Placeholder: the serve helper replaces this file.
import type {Writable} from 'node:stream';
import type {EventEmitter} from 'node:events';

export type ServeOptions = {
	readonly port: number;
	readonly host: string;
};

export type ServeIo = {
	readonly stdout: Writable;
	readonly stderr: Writable;
	/** Emits 'SIGINT' and 'SIGTERM' (the process, in production). */
	readonly signals: EventEmitter;
};

export async function runServe(_options: ServeOptions, _io: ServeIo): Promise<number> {
	return 1;
}
