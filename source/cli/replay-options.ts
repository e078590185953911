/*
The replay flags as the command line gave them, checked: `--pace`, `--reply-timeout`,
`--check`, `--ignore`, `--unordered`, `--entry`; and the subprotocol a replay offers by default. Pure: flags in,
choices out (replay-mode.ts reads the file and connects).
*/
import type {ConnectFlags} from '../connection/connect-options.js';
import type {ConnectionOptions} from '../connection/connection.js';
import {noProfile, type ProfileContext} from '../profiles/context.js';
import {UsageError} from '../shared/exit-codes.js';
import type {Conversation} from '../replay/conversation.js';
import {type Pace, paces} from '../replay/pacing.js';
import {longName} from './flag-names.js';
import {connectionOptions} from './client-options.js';
import {connectFlags} from './connect-flags.js';
import {benchOnly, type FlagNamer, type FlagsOf, notForReplay, type ParsedLine, rejectFlags, serveOnly} from './flags.js';
import {flagNumber} from './numbers.js';

/** The flags as the command line gives them, unchecked. */
export type ReplayFlags = FlagsOf<'pace' | 'replyTimeout' | 'entry' | 'check' | 'ignore'> & Partial<FlagsOf<'unordered'>>;

export type ReplayChoices = {
	readonly pace: Pace;
	readonly replyTimeoutMs: number;
	readonly entry?: number;
	readonly check: boolean;
	readonly ignore: readonly string[];
	/** --unordered: replies match recorded ones in any order. */
	readonly unordered?: boolean;
};

/** `wsterm replay FILE [url]`: what to replay, where, and how. */
export type ReplayModeOptions = {
	readonly file: string;
	/** The server to replay against; undefined: the one the file recorded. */
	readonly url?: string;
	readonly choices: ReplayChoices;
	/** Without the recorded subprotocol (withRecordedProtocol adds it once the file is read). */
	readonly connect: ConnectFlags;
	readonly connection: ConnectionOptions;
	readonly jsonl: boolean;
	readonly verbose: boolean;
	/** The profile's variables and secrets (noProfile without one). */
	readonly profile: ProfileContext;
};

/** Seconds waited for recorded replies by default. */
export const defaultReplyTimeout = 5;

function parsePace(flag: string, text: string | undefined): Pace {
	if (text === undefined) {
		return 'reply';
	}

	const pace = paces.find(name => name === text);
	if (pace === undefined) {
		throw new UsageError(`${flag} takes ${paces.join(', ')}, not "${text}"`);
	}

	return pace;
}

export function replayChoicesFromFlags(flags: ReplayFlags, named: FlagNamer<keyof ReplayFlags> = longName): ReplayChoices {
	const replyTimeout = flagNumber(named('replyTimeout'), flags.replyTimeout, {min: 0, aboveMin: true, seconds: true}) ?? defaultReplyTimeout;
	const entry = flagNumber(named('entry'), flags.entry, {min: 1, whole: true});
	// Without the check they would change nothing, silently: a forgotten --check.
	if (flags.ignore.length > 0 && !flags.check) {
		throw new UsageError(`${named('ignore')} goes with ${named('check')}: it leaves keys out of the comparison`);
	}

	if (flags.unordered === true && !flags.check) {
		throw new UsageError(`${named('unordered')} goes with ${named('check')}: it changes how replies are compared`);
	}

	if (flags.ignore.includes('')) {
		throw new UsageError(`${named('ignore')} takes a key name, not an empty string`);
	}

	return {
		pace: parsePace(named('pace'), flags.pace),
		replyTimeoutMs: replyTimeout * 1000,
		check: flags.check,
		ignore: flags.ignore,
		...(entry === undefined ? {} : {entry}),
		...(flags.unordered === true ? {unordered: true} : {}),
	};
}

/** `wsterm replay FILE [url] [options]`, checked: a UsageError for a flag of another mode, a missing file, a bad value. */
export function replayOptionsFromCommandLine(line: ParsedLine, profile: ProfileContext = noProfile): ReplayModeOptions {
	rejectFlags(line, [...serveOnly, ...notForReplay, ...benchOnly], 'wsterm replay');
	const [, file, url, extra] = line.input;
	if (file === undefined) {
		throw new UsageError('wsterm replay needs a file: wsterm replay FILE [url]');
	}

	if (extra !== undefined) {
		throw new UsageError(`unexpected argument "${extra}": wsterm replay FILE [url]`);
	}

	return {
		file,
		...(url === undefined ? {} : {url}),
		choices: replayChoicesFromFlags(line.flags, line.named),
		connect: connectFlags(line.flags, line.named),
		connection: connectionOptions(line),
		jsonl: line.flags.jsonl,
		verbose: line.flags.verbose,
		profile,
	};
}

/** Offers the recorded subprotocol unless the command line names subprotocols itself. */
export function withRecordedProtocol(flags: ConnectFlags, conversation: Conversation): ConnectFlags {
	const named = flags.subprotocol.length > 0 || flags.header.some(header => /^\s*sec-websocket-protocol\s*:/i.test(header));
	return named || conversation.protocol === undefined ? flags : {...flags, subprotocol: [conversation.protocol]};
}
