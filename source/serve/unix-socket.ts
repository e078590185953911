/*
`wsterm serve --unix-socket PATH`: listening on a unix socket instead of a TCP port. A socket file
left by a server that died is replaced; one a live server listens on is refused (one line, exit
1). The socket is made with `--unix-mode` (0600 by default: only its owner may connect), and
removed when the server closes. Its URL is ws's own form for a socket, `ws+unix:PATH:/path`.
*/
import {chmodSync, existsSync, lstatSync, unlinkSync} from 'node:fs';
import type {Server} from 'node:http';
import {connect} from 'node:net';
import {dirname} from 'node:path';

/** Where and how a server listens on a unix socket. */
export type UnixSocketOptions = {
	readonly path: string;
	/** The socket file's permission bits (0o600 by default). */
	readonly mode: number;
};

/** The server could not start; the caller makes it a ServeError (its message is one line). */
export class SocketPathProblem extends Error {}

/** `ws+unix:/run/app.sock:/chat`: ws's URL for a socket, what serve prints (wss+unix: with TLS). */
export function unixSocketUrlBase(path: string, tls: boolean): string {
	return `${tls ? 'wss' : 'ws'}+unix:${path}:`;
}

/** Resolves whether a server accepts connections on the socket at `path`. */
async function someoneListens(path: string): Promise<boolean> {
	return new Promise(resolve => {
		const probe = connect({path});
		probe.once('connect', () => {
			probe.destroy();
			resolve(true);
		});
		probe.once('error', () => {
			resolve(false);
		});
	});
}

/** Makes way for the socket: nothing there, or a stale socket (removed); a live one or another file is a problem. */
async function clearSocketPath(path: string): Promise<void> {
	let isSocket: boolean;
	try {
		isSocket = lstatSync(path).isSocket();
	} catch {
		// Nothing there (or a directory that does not exist: listen says so).
		return;
	}

	if (!isSocket) {
		throw new SocketPathProblem(`cannot listen on ${path}: the file exists and is not a socket`);
	}

	if (await someoneListens(path)) {
		throw new SocketPathProblem(`cannot listen on ${path}: a server is listening on it already`);
	}

	// Left by a server that is gone: nothing answers on it.
	unlinkSync(path);
}

function listenProblem(error: NodeJS.ErrnoException, path: string): string {
	switch (error.code) {
		case 'EACCES': {
			// Node says EACCES, not ENOENT, for a socket in a directory that does not exist.
			return existsSync(dirname(path)) ? `cannot listen on ${path}: permission denied` : `cannot listen on ${path}: its directory does not exist`;
		}

		case 'ENOENT': {
			return `cannot listen on ${path}: its directory does not exist`;
		}

		case 'EADDRINUSE': {
			return `cannot listen on ${path}: the file exists`;
		}

		default: {
			return `cannot listen on ${path}: ${error.message}`;
		}
	}
}

/** Listens on the socket at `options.path` with its mode; the socket file goes when the server closes. */
export async function listenOnSocket(server: Server, options: UnixSocketOptions): Promise<void> {
	await clearSocketPath(options.path);
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			reject(new SocketPathProblem(listenProblem(error, options.path)));
		});
		// The socket file is made with the umask's bits: none for group and others until the chmod.
		const umask = process.umask(0o177);
		try {
			server.listen(options.path, () => {
				server.removeAllListeners('error');
				resolve();
			});
		} finally {
			process.umask(umask);
		}
	});
	chmodSync(options.path, options.mode);
}
