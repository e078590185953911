// Placeholder: the serve helper replaces this file.
import type {ServeOptions} from './serve.js';

/** The serve flags as the command line gave them (meow's values, unchecked). */
export type ServeFlags = {
	readonly port?: string;
	readonly host?: string;
	readonly path?: string;
	readonly broadcast: boolean;
	readonly subprotocol: readonly string[];
	readonly origin: readonly string[];
	readonly tlsCert?: string;
	readonly tlsKey?: string;
	readonly compress: boolean;
	readonly maxPayload?: string;
	readonly maxConnections?: string;
	readonly pingInterval?: string;
	readonly verbose: boolean;
};

export function serveOptionsFromFlags(flags: ServeFlags): ServeOptions {
	return {port: Number(flags.port ?? 8080), host: flags.host ?? '127.0.0.1'};
}
