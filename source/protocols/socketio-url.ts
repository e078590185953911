/*
Where Socket.IO listens, from the URL given to --protocol socketio and --socketio-path, and which
Engine.IO it speaks (--socketio-version, or the EIO= an engine URL carries); and what a failure
to connect there may mean, in Socket.IO's terms. No library needed: the command line reads this
at start-up.
*/
import type {ConnectFailure} from '../connection/connect-failure.js';

/** Engine.IO's version: 3 for Socket.IO 2, 4 for Socket.IO 3 and 4. */
export type EngineIoVersion = 3 | 4;

export type SocketIoEndpoint = {
	/** The engine URL wsterm connects to: `…/socket.io/?EIO=4&transport=websocket`. */
	readonly url: string;
	/** The namespace joined. */
	readonly namespace: string;
	readonly engineIo: EngineIoVersion;
	/** wsterm chose the path (/socket.io/): neither the URL nor --socketio-path named one. */
	readonly defaultPath: boolean;
};

/** --socketio-path and --socketio-version as given. */
export type SocketIoWhere = {
	readonly path?: string;
	readonly version?: string;
};

/** A mistake in the URL or the flags that go with it: the command line makes it a usage error. */
export class SocketIoUrlError extends Error {}

const defaultPath = '/socket.io/';

/**
The endpoint for a URL. A URL whose query carries EIO= is an engine URL (as a browser's DevTools
show it): its path is where the server listens, the namespace is /, and only transport=websocket
is set (a polling URL's sid, the browser's own session, is dropped). Any other URL names the
server, its path the namespace; wsterm connects to /socket.io/ (or --socketio-path) there.
*/
export function socketIoEndpoint(text: string, where: SocketIoWhere = {}): SocketIoEndpoint {
	const url = new URL(text);
	const given = url.searchParams.get('EIO');
	const engineIo = engineIoVersion(given, where.version);
	if (given !== null) {
		if (where.path !== undefined) {
			throw new SocketIoUrlError('--socketio-path: the URL carries EIO=, so its path is the engine\'s already: give one of them');
		}

		url.searchParams.delete('sid');
		url.searchParams.set('transport', 'websocket');
		return {url: url.href, namespace: '/', engineIo, defaultPath: false};
	}

	const path = where.path === undefined ? defaultPath : `/${where.path.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
	const namespace = url.pathname === '' || url.pathname.startsWith(path.slice(0, -1)) ? '/' : url.pathname.replace(/\/+$/, '') || '/';
	url.pathname = path;
	url.searchParams.set('EIO', String(engineIo));
	url.searchParams.set('transport', 'websocket');
	return {url: url.href, namespace, engineIo, defaultPath: where.path === undefined};
}

/** The Socket.IO URL for a server URL: `/socket.io/?EIO=4&transport=websocket`, and the namespace its path named. */
export function socketIoUrl(text: string): {url: string; namespace: string} {
	const {url, namespace} = socketIoEndpoint(text);
	return {url, namespace};
}

/** EIO= in the URL and --socketio-version, checked against each other: the Engine.IO to speak. */
function engineIoVersion(given: string | null, version: string | undefined): EngineIoVersion {
	if (version !== undefined && !['2', '3', '4'].includes(version)) {
		throw new SocketIoUrlError(`--socketio-version takes 2, 3 or 4 (3 and 4 speak the same protocol), not "${version}"`);
	}

	const fromFlag = version === undefined ? undefined : (version === '2' ? 3 : 4);
	if (given === null) {
		return fromFlag ?? 4;
	}

	if (given !== '3' && given !== '4') {
		throw new SocketIoUrlError(`EIO=${given} in the URL: wsterm speaks Engine.IO 3 (Socket.IO 2) and 4 (Socket.IO 3 and 4)`);
	}

	const fromUrl = given === '3' ? 3 : 4;
	if (fromFlag !== undefined && fromFlag !== fromUrl) {
		throw new SocketIoUrlError(`--socketio-version ${version!} speaks Engine.IO ${fromFlag}, but the URL carries EIO=${given}: give one of them`);
	}

	return fromUrl;
}

/**
A failure to connect to the endpoint, with what it may mean for Socket.IO: an HTTP 400 is how
Engine.IO refuses the WebSocket transport (a server with transports: ['polling']), or Engine.IO 3
(a Socket.IO 3 or 4 server without allowEIO3); a hang-up, a 404 or an HTTP page at /socket.io/
may mean the server listens on another path.
*/
export function socketIoConnectFailure(failure: ConnectFailure, endpoint: Pick<SocketIoEndpoint, 'engineIo' | 'defaultPath'>): ConnectFailure {
	if (failure.kind === 'http' && failure.status === 400) {
		const eio3 = endpoint.engineIo === 3 ? ', or Engine.IO 3 (a Socket.IO 3 or 4 server without allowEIO3: try without --socketio-version 2 or EIO=3)' : '';
		return {...failure, message: `${failure.message}: this Socket.IO server does not accept the WebSocket transport (polling only)${eio3}, and wsterm speaks Socket.IO over WebSocket only`};
	}

	const elsewhere = failure.kind === 'reset' || failure.kind === 'handshake' || (failure.kind === 'http' && failure.status !== undefined && (failure.status === 404 || (failure.status >= 200 && failure.status < 300)));
	if (endpoint.defaultPath && elsewhere) {
		return {...failure, message: `${failure.message}; a Socket.IO server may listen on another path than ${defaultPath}: give --socketio-path PATH, or the engine URL the browser's DevTools show (...?EIO=${endpoint.engineIo}&transport=websocket)`};
	}

	return failure;
}
