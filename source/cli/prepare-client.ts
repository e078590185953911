/*
`wsterm [url] [options]` up to connecting: the options checked (client-options.ts), the files they
name read, the target built. main.ts then runs pipe mode or the session.
*/
import {buildTarget, type BuiltTarget} from '../connection/connect-options.js';
import {Writable} from 'node:stream';
import type {ConnectionOptions} from '../connection/connection.js';
import type {ProfileContext} from '../profiles/context.js';
import {redactor} from '../profiles/redact.js';
import {exitCodes} from '../shared/exit-codes.js';
import type {Io} from '../shared/io.js';
import {type ClientOptions, clientOptionsFromCommandLine} from './client-options.js';
import {initialMessages, readCertificateFile} from './flag-files.js';
import type {ParsedLine} from './flags.js';

export type PreparedClient = {
	readonly options: ClientOptions;
	/** With -I's messages read. */
	readonly connection: ConnectionOptions;
	/** undefined: no URL (the session's built-in echo server). */
	readonly built: BuiltTarget | undefined;
	/** Pipe mode's exit code, 2 instead of 0 when --encode or --protocol refused a line. */
	readonly exitCode: (code: number) => number;
};

/** The options checked, the files they name read, the target built: all a mistake can stop before connecting. */
export async function prepareClient(line: ParsedLine, profile: ProfileContext): Promise<PreparedClient> {
	let refusedLines = 0;
	const options = clientOptionsFromCommandLine(line, {
		terminal: process.stdin.isTTY && process.stdout.isTTY,
		onRefused() {
			refusedLines++;
		},
		profile,
	});
	const connection = options.initialFile === undefined ? options.connection : {...options.connection, initialMessages: initialMessages(options.initialFile)};
	const built = options.connectTo === undefined ? undefined : await buildTarget(options.connectTo, options.connect, readCertificateFile, process.env);
	return {
		options,
		connection: withShownFailures(connection, profile.secrets),
		built: built && shownWithout(built, profile.secrets),
		// --encode refused a line that was not JSON (or --protocol one it could not read): the rest was sent, but the input was not all good.
		exitCode: code => code === exitCodes.ok && refusedLines > 0 ? exitCodes.usage : code,
	};
}

/** The target as shown (status bar, notes, error lines) without the profile's secrets: a token from {{env.…}} in the URL. */
export function shownWithout(built: BuiltTarget, secrets: readonly string[]): BuiltTarget {
	if (secrets.length === 0) {
		return built;
	}

	const shown = redactor(secrets);
	return {...built, target: {...built.target, displayUrl: shown(built.target.displayUrl)}, notes: built.notes.map(note => shown(note))};
}

/** The connection's failures (the session's error rows, pipe mode's last line) without the profile's secrets: a host from {{env.…}}, a proxy's. */
export function withShownFailures(connection: ConnectionOptions, secrets: readonly string[]): ConnectionOptions {
	if (secrets.length === 0) {
		return connection;
	}

	const shown = redactor(secrets);
	const {explainFailure} = connection;
	return {
		...connection,
		explainFailure(given) {
			const failure = explainFailure?.(given) ?? given;
			return {...failure, message: shown(failure.message)};
		},
	};
}

/**
`io` whose stderr shows no secret of the profile (pipe mode's and replay's notes: `connecting to
URL through PROXY`, a reconnect's reason). Each line is written through at once, as it was
(never buffered), so that nothing is lost when the run exits.
*/
export function withShownStderr<Given extends Pick<Io, 'stderr'>>(io: Given, secrets: readonly string[]): Given {
	if (secrets.length === 0) {
		return io;
	}

	const shown = redactor(secrets);
	const {stderr} = io;
	const redacting = new Writable({
		decodeStrings: false,
		write(chunk: string | Buffer, _encoding, done) {
			stderr.write(shown(typeof chunk === 'string' ? chunk : chunk.toString('utf8')));
			done();
		},
	});
	return {...io, stderr: Object.assign(redacting, {isTTY: stderr.isTTY})};
}
