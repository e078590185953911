/*
Which WebSocket handshakes the server accepts: a pure function of the request (path, Origin,
offered subprotocols) and the server's state (shutting down, how many clients are connected).
A refusal carries the HTTP status and the reason, for the response body and the log line.
*/
import {shown} from './log.js';

/** What the server checks a handshake against (ServeOptions has these). */
export type AdmissionPolicy = {
	/** Connections are accepted on this path only (any query string). */
	readonly path: string;
	/** Origins allowed (serialized, lower case); empty: any. */
	readonly origins: readonly string[];
	/** Subprotocols accepted; empty: the first one a client offers. */
	readonly subprotocols: readonly string[];
	/** undefined: no limit. */
	readonly maxConnections?: number | undefined;
};

/** The parts of a handshake request that decide it. */
export type Handshake = {
	/** The request target, e.g. `/ws?token=1`. */
	readonly url: string | undefined;
	readonly origin: string | undefined;
	/** The Sec-WebSocket-Protocol header as sent. */
	readonly subprotocols: string | undefined;
};

export type ServerState = {
	readonly closing: boolean;
	/** Clients connected now. */
	readonly connected: number;
};

export type Admission =
	| {readonly accepted: true}
	| {readonly accepted: false; readonly status: number; readonly reason: string};

const accepted: Admission = {accepted: true};

function refused(status: number, reason: string): Admission {
	return {accepted: false, status, reason};
}

/** The names in a Sec-WebSocket-Protocol header, in the client's order. */
export function offeredSubprotocols(header: string | undefined): string[] {
	return header === undefined ? [] : header.split(',').map(name => name.trim()).filter(name => name !== '');
}

/**
The subprotocol to answer with: `preferred` (serve --replay's recorded one) when offered and
accepted, else the first offered that is accepted (any, with no list); false: none.
*/
export function chooseSubprotocol(offered: Iterable<string>, acceptedNames: readonly string[], preferred?: string): string | false {
	const names = [...offered];
	if (preferred !== undefined && names.includes(preferred) && (acceptedNames.length === 0 || acceptedNames.includes(preferred))) {
		return preferred;
	}

	for (const name of names) {
		if (acceptedNames.length === 0 || acceptedNames.includes(name)) {
			return name;
		}
	}

	return false;
}

/** Accept the handshake, or refuse it with an HTTP status and why. The checks go in this order, the first that fails decides. */
export function admit(handshake: Handshake, policy: AdmissionPolicy, state: ServerState): Admission {
	// Only the path: `new URL()` would read `//host/...` as a host.
	const path = (handshake.url ?? '/').split('?', 1)[0] ?? '/';
	const {origin} = handshake;
	const offered = offeredSubprotocols(handshake.subprotocols);
	const maxConnections = policy.maxConnections ?? Number.POSITIVE_INFINITY;
	if (state.closing) {
		return refused(503, 'server shutting down');
	}

	if (path !== policy.path) {
		return refused(404, `path ${shown(path)} (serving ${policy.path})`);
	}

	if (origin !== undefined && policy.origins.length > 0 && !policy.origins.includes(origin.toLowerCase())) {
		return refused(403, `origin ${shown(origin)} not allowed`);
	}

	if (state.connected >= maxConnections) {
		return refused(503, `already ${maxConnections} connections (--max-connections)`);
	}

	if (policy.subprotocols.length > 0 && !offered.some(name => policy.subprotocols.includes(name))) {
		const acceptedList = [...new Set(policy.subprotocols)].join(', ');
		return refused(400, offered.length === 0
			? `no subprotocol offered (accepting ${acceptedList})`
			: `subprotocol ${shown(offered.join(', '))} not accepted (accepting ${acceptedList})`);
	}

	return accepted;
}
