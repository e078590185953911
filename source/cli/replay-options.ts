/*
The replay flags as the command line gave them, checked: `--pace`, `--reply-timeout`,
`--check`, `--ignore`, `--entry`; and the subprotocol a replay offers by default.
*/
import type {ConnectFlags} from '../connection/connect-options.js';
import {UsageError} from '../shared/exit-codes.js';
import type {Conversation} from '../replay/conversation.js';
import {type Pace, paces} from '../replay/pacing.js';

/** The flags as meow gives them, unchecked. */
export type ReplayFlags = {
	readonly pace?: string;
	readonly replyTimeout?: string;
	readonly entry?: string;
	readonly check: boolean;
	readonly ignore: readonly string[];
};

export type ReplayChoices = {
	readonly pace: Pace;
	readonly replyTimeoutMs: number;
	readonly entry?: number;
	readonly check: boolean;
	readonly ignore: readonly string[];
};

/** Seconds waited for recorded replies by default. */
export const defaultReplyTimeout = 5;

function parsePace(text: string | undefined): Pace {
	if (text === undefined) {
		return 'reply';
	}

	const pace = paces.find(name => name === text);
	if (pace === undefined) {
		throw new UsageError(`--pace takes ${paces.join(', ')}, not "${text}"`);
	}

	return pace;
}

export function replayChoicesFromFlags(flags: ReplayFlags): ReplayChoices {
	const replyTimeout = flags.replyTimeout === undefined ? defaultReplyTimeout : Number(flags.replyTimeout);
	if (flags.replyTimeout !== undefined && (flags.replyTimeout.trim() === '' || !Number.isFinite(replyTimeout) || replyTimeout <= 0)) {
		throw new UsageError(`--reply-timeout takes a number of seconds above 0, not "${flags.replyTimeout}"`);
	}

	if (flags.entry !== undefined && !/^[1-9]\d*$/.test(flags.entry)) {
		throw new UsageError(`--entry takes a whole number from 1, not "${flags.entry}"`);
	}

	const empty = flags.ignore.find(key => key === '');
	if (empty !== undefined) {
		throw new UsageError('--ignore takes a key name, not an empty string');
	}

	return {
		pace: parsePace(flags.pace),
		replyTimeoutMs: replyTimeout * 1000,
		check: flags.check,
		ignore: flags.ignore,
		...(flags.entry === undefined ? {} : {entry: Number(flags.entry)}),
	};
}

/** Offers the recorded subprotocol unless the command line names subprotocols itself. */
export function withRecordedProtocol(flags: ConnectFlags, conversation: Conversation): ConnectFlags {
	const named = flags.subprotocol.length > 0 || flags.header.some(header => /^\s*sec-websocket-protocol\s*:/i.test(header));
	return named || conversation.protocol === undefined ? flags : {...flags, subprotocol: [conversation.protocol]};
}
