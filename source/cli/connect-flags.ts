/*
How to reach the server and what the handshake sends, from the flags: the one builder for every
mode that connects (the client, `wsterm replay`, `wsterm bench`). Pure: flags in, ConnectFlags out.
*/
import type {ConnectFlags} from '../connection/connect-options.js';
import {UsageError} from '../shared/exit-codes.js';
import {longName} from './flag-names.js';
import type {FlagNamer, FlagsOf} from './flags.js';
import {flagNumber} from './numbers.js';
import {socketIoAuth, withProtocolSubprotocol} from './pipeline-options.js';

/** The connection's flags; a mode that does not take one of them leaves it out. */
export type ConnectFlagValues = Partial<FlagsOf<'header' | 'cookie' | 'origin' | 'subprotocol' | 'userAgent' | 'auth' | 'followRedirects' | 'insecure' | 'ca' | 'cert' | 'key' | 'passphrase' | 'proxy' | 'proxyCa' | 'proxyInsecure' | 'unixSocket' | 'resolve' | 'connectTo' | 'compress' | 'compressed' | 'request' | 'connectTimeout' | 'maxPayload' | 'protocol'>>;

/** --connect-timeout in seconds (10 by default); it bounds a --protocol's handshake too. */
export function connectTimeout(flags: Pick<ConnectFlagValues, 'connectTimeout'>, named: FlagNamer<'connectTimeout'> = longName): number {
	return flagNumber(named('connectTimeout'), flags.connectTimeout, {min: 0, aboveMin: true, seconds: true}) ?? 10;
}

/** The connection part every mode shares: what the handshake sends and how long it may take. */
export function connectFlags(flags: ConnectFlagValues, named: FlagNamer = longName): ConnectFlags {
	if (flags.request !== undefined && flags.request.toUpperCase() !== 'GET') {
		throw new UsageError(`-X ${flags.request}: a WebSocket handshake is always a GET`);
	}

	const origins = flags.origin ?? [];
	if (origins.length > 1) {
		throw new UsageError('give -o/--origin once when connecting (several are for wsterm serve)');
	}

	const [origin] = origins;
	const maxPayload = flagNumber(named('maxPayload'), flags.maxPayload, {min: 1, whole: true});
	const protocolFlags = {protocol: flags.protocol, subprotocol: flags.subprotocol ?? []};
	// With --protocol stomp, --auth is CONNECT's login and passcode, not HTTP authentication; with
	// socketio, a JSON --auth is the namespace's auth payload.
	const httpAuth = flags.auth !== undefined && flags.protocol !== 'stomp'
		&& socketIoAuth({flags: {protocol: flags.protocol, auth: flags.auth}, named}) === undefined;
	return {
		header: flags.header ?? [],
		cookie: flags.cookie ?? [],
		subprotocol: withProtocolSubprotocol(protocolFlags),
		followRedirects: flags.followRedirects ?? false,
		insecure: flags.insecure ?? false,
		compress: (flags.compress ?? false) || (flags.compressed ?? false),
		connectTimeout: connectTimeout(flags, named),
		...(origin === undefined ? {} : {origin}),
		...(flags.userAgent === undefined ? {} : {userAgent: flags.userAgent}),
		...(httpAuth ? {auth: flags.auth!} : {}),
		...(flags.ca === undefined ? {} : {ca: flags.ca}),
		...(flags.cert === undefined ? {} : {cert: flags.cert}),
		...(flags.key === undefined ? {} : {key: flags.key}),
		...(flags.passphrase === undefined ? {} : {passphrase: flags.passphrase}),
		...(flags.proxy === undefined ? {} : {proxy: flags.proxy}),
		...(flags.unixSocket === undefined ? {} : {unixSocket: flags.unixSocket}),
		...((flags.resolve ?? []).length === 0 ? {} : {resolve: flags.resolve}),
		...((flags.connectTo ?? []).length === 0 ? {} : {connectTo: flags.connectTo}),
		...(flags.proxyCa === undefined ? {} : {proxyCa: flags.proxyCa}),
		...(flags.proxyInsecure === true ? {proxyInsecure: true} : {}),
		...(maxPayload === undefined ? {} : {maxPayload}),
	};
}
