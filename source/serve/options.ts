/*
What `wsterm serve` does with no flags; the interactive mode's built-in echo server starts from
it too (cli/serve-options.ts builds the options from the flags over these).
*/
import type {ServeOptions} from './server.js';

export const defaultServeOptions: ServeOptions = {
	port: 8080,
	host: '127.0.0.1',
	path: '/',
	broadcast: false,
	subprotocols: [],
	origins: [],
	compress: false,
	maxPayload: 16 * 1024 * 1024,
	pingIntervalMs: 30_000,
	verbose: false,
};
