/*
`wsterm serve`'s options from its flags, checked, over serve's defaults (serve/options.ts). Pure:
flags in, options out; loading hooks and reading a --replay file is the mode's (serve-mode.ts).
*/
import type {HookFlags} from '../automation/index.js';
import type {Pace} from '../replay/pacing.js';
import {defaultServeOptions} from '../serve/options.js';
import type {ServeOptions} from '../serve/run.js';
import {UsageError} from '../shared/exit-codes.js';
import {longName} from './flag-names.js';
import {benchOnly, clientOnly, type FlagNamer, type FlagsOf, type ParsedLine, rejectFlags, replayOnly} from './flags.js';
import {flagNumber} from './numbers.js';
import {replayChoicesFromFlags} from './replay-options.js';

// Where the defaults were before serve owned them; the tests still import them from here.
export {defaultServeOptions} from '../serve/options.js';

/** The serve flags as the command line gave them, unchecked. */
export type ServeFlags = FlagsOf<'port' | 'host' | 'path' | 'broadcast' | 'subprotocol' | 'origin' | 'tlsCert' | 'tlsKey' | 'compress' | 'maxPayload' | 'maxConnections' | 'pingInterval' | 'verbose' | 'unixSocket' | 'unixMode'>;

/** What `wsterm serve` was asked to do: the server's options, and how it answers. */
export type ServeChoices = {
	readonly options: ServeOptions;
	/** --reply and --script; undefined when neither is given. */
	readonly hooks?: HookFlags;
	/** --replay FILE, with --pace and --entry. */
	readonly replay?: {readonly file: string; readonly pace: Pace; readonly entry?: number};
};

// RFC 7230 token characters: what a Sec-WebSocket-Protocol value may hold.
const token = /^[!#$%&'*+\-.^_`|~\dA-Za-z]+$/;

/** `--origin` values compare against the Origin header, which browsers send as a bare serialized origin. */
function origin(flag: string, text: string): string {
	// Pages opened from files and sandboxed frames send the literal `null`.
	if (text === 'null') {
		return text;
	}

	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {}

	if (url === undefined || url.origin === 'null') {
		throw new UsageError(`${flag} takes an origin such as http://localhost:3000, not "${text}"`);
	}

	return url.origin;
}

function subprotocol(flag: string, text: string): string {
	if (!token.test(text)) {
		throw new UsageError(`${flag} "${text}" is not a valid subprotocol name (letters, digits and !#$%&'*+-.^_\`|~)`);
	}

	return text;
}

/** Checks the serve flags and fills in defaults. Throws UsageError with one line saying what is wrong. */
export function serveOptionsFromFlags(flags: ServeFlags, named: FlagNamer<keyof ServeFlags> = longName): ServeOptions {
	const host = flags.host ?? defaultServeOptions.host;
	if (host.trim() === '' || /[\s/]/.test(host)) {
		throw new UsageError(`${named('host')} takes an address or host name such as 127.0.0.1 or 0.0.0.0, not "${host}"`);
	}

	const path = flags.path ?? defaultServeOptions.path;
	if (!path.startsWith('/') || /[?#\s]/.test(path)) {
		throw new UsageError(`${named('path')} takes a path starting with "/" (no query, no spaces), not "${path}"`);
	}

	if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
		const [given, missing] = flags.tlsCert === undefined ? ['tlsKey', 'tlsCert'] as const : ['tlsCert', 'tlsKey'] as const;
		throw new UsageError(`${named(given)} needs ${named(missing)}: give both to serve wss://`);
	}

	const unixSocket = unixSocketFromFlags(flags, named);
	const maxConnections = flagNumber(named('maxConnections'), flags.maxConnections, {min: 1, whole: true});
	const pingInterval = flagNumber(named('pingInterval'), flags.pingInterval, {min: 0, seconds: true});
	return {
		port: flagNumber(named('port'), flags.port, {min: 0, max: 65_535, whole: true}) ?? defaultServeOptions.port,
		host,
		path,
		broadcast: flags.broadcast,
		subprotocols: [...new Set(flags.subprotocol.map(text => subprotocol(named('subprotocol'), text)))],
		origins: [...new Set(flags.origin.map(text => origin(named('origin'), text)))],
		compress: flags.compress,
		maxPayload: flagNumber(named('maxPayload'), flags.maxPayload, {min: 1, whole: true}) ?? defaultServeOptions.maxPayload,
		pingIntervalMs: pingInterval === undefined ? defaultServeOptions.pingIntervalMs : pingInterval * 1000,
		verbose: flags.verbose,
		...(maxConnections === undefined ? {} : {maxConnections}),
		...(flags.tlsCert === undefined || flags.tlsKey === undefined ? {} : {tls: {certPath: flags.tlsCert, keyPath: flags.tlsKey}}),
		...(unixSocket === undefined ? {} : {unixSocket}),
	};
}

/** `--unix-socket PATH` and `--unix-mode` (octal, 600 by default); --port and --host do not go with them. */
function unixSocketFromFlags(flags: ServeFlags, named: FlagNamer<keyof ServeFlags>): ServeOptions['unixSocket'] {
	if (flags.unixSocket === undefined) {
		if (flags.unixMode !== undefined) {
			throw new UsageError(`${named('unixMode')} goes with ${named('unixSocket')}`);
		}

		return undefined;
	}

	if (flags.unixSocket === '') {
		throw new UsageError(`${named('unixSocket')} takes the path of the socket to listen on`);
	}

	for (const other of ['port', 'host'] as const) {
		if (flags[other] !== undefined) {
			throw new UsageError(`${named(other)} does not apply with ${named('unixSocket')}: the server listens on the socket only`);
		}
	}

	const modeText = flags.unixMode ?? '600';
	if (!/^0?[0-7]{3}$/.test(modeText)) {
		throw new UsageError(`${named('unixMode')} takes permission bits in octal such as 600 or 660, not "${modeText}"`);
	}

	return {path: flags.unixSocket, mode: Number.parseInt(modeText, 8)};
}

/** `wsterm serve [options]`, checked: a UsageError for a flag of another mode, an argument, a bad value. */
export function serveChoicesFromCommandLine({flags, input, typed, named}: ParsedLine): ServeChoices {
	rejectFlags({typed}, [...clientOnly, ...benchOnly], 'wsterm serve');
	if (flags.replay === undefined) {
		rejectFlags({typed}, replayOnly, 'wsterm serve');
	} else {
		rejectFlags({typed}, replayOnly.filter(name => name !== 'pace' && name !== 'entry'), 'wsterm serve --replay');
	}

	if (input.length > 1) {
		throw new UsageError(`unexpected argument "${input[1]}" after serve`);
	}

	const options = serveOptionsFromFlags(flags, named);
	const hookFlagGiven = flags.reply.length > 0 || flags.script !== undefined;
	if (flags.replay !== undefined && flags.broadcast) {
		throw new UsageError('--replay and --broadcast do not go together');
	}

	const replay = flags.replay === undefined ? undefined : {file: flags.replay, ...replayChoicesFromFlags(flags, named)};
	return {
		options,
		...(hookFlagGiven ? {hooks: {role: 'server', reply: flags.reply, ...(flags.script === undefined ? {} : {script: flags.script})}} : {}),
		...(replay === undefined ? {} : {replay: {file: replay.file, pace: replay.pace, ...(replay.entry === undefined ? {} : {entry: replay.entry})}}),
	};
}
