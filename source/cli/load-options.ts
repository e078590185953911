import {parsePath} from '../load/match.js';
import {type Amount, benchDefaults, type BenchOptions, type MatchRule, type Pace, type Thresholds} from '../load/options.js';
import {UsageError} from '../shared/exit-codes.js';
import {type benchOnly, type FlagsOf} from './flags.js';
import {connectFlags} from './connect-flags.js';
import {flagNumber} from './numbers.js';

/** The bench's flags as the command line gave them (typed by the flag table, unchecked). */
export type BenchFlags = Partial<FlagsOf<typeof benchOnly[number] | 'execute' | 'binary' | 'protocol' | 'encode' | 'header' | 'cookie' | 'origin' | 'subprotocol' | 'userAgent' | 'auth' | 'followRedirects' | 'insecure' | 'ca' | 'cert' | 'key' | 'passphrase' | 'proxy' | 'proxyCa' | 'proxyInsecure' | 'compress' | 'connectTimeout' | 'maxPayload'>>;

/** How each flag is named in an error line. */
const names = {
	connections: '-c/--connections',
	ramp: '--ramp',
	duration: '-d/--duration',
	messages: '-m/--messages',
	window: '--window',
	rate: '--rate',
	timeout: '--timeout',
	maxP99: '--max-p99',
	maxErrors: '--max-errors',
	minRate: '--min-rate',
} as const;

type NumberFlag = keyof typeof names;

/** A whole number of at least `min`, or undefined when the flag is not given (numbers.ts reads it). */
function wholeNumber(flags: BenchFlags, flag: NumberFlag, min: number): number | undefined {
	return flagNumber(names[flag], flags[flag], {min, whole: true});
}

/** A decimal number (`2`, `0.5`, `.5`) above 0 (or at least 0 with `zero`), or undefined when the flag is not given. */
function decimal(flags: BenchFlags, flag: NumberFlag, {zero = false, unit = 'a number'}: {zero?: boolean; unit?: string} = {}): number | undefined {
	return flagNumber(names[flag], flags[flag], {min: 0, aboveMin: !zero, unit});
}

function amount(flags: BenchFlags): Amount {
	if (flags.duration !== undefined && flags.messages !== undefined) {
		throw new UsageError('give -d/--duration or -m/--messages, not both: how long, or how many messages in all');
	}

	const seconds = decimal(flags, 'duration', {unit: 'a number of seconds'});
	if (seconds !== undefined) {
		return {kind: 'duration', ms: seconds * 1000};
	}

	const count = wholeNumber(flags, 'messages', 1);
	if (count === undefined) {
		throw new UsageError('wsterm bench needs -d/--duration SEC or -m/--messages N: how long, or how many messages in all');
	}

	return {kind: 'messages', count};
}

function pace(flags: BenchFlags): Pace {
	const rate = decimal(flags, 'rate', {unit: 'messages a second'});
	const window = wholeNumber(flags, 'window', 1);
	if (rate !== undefined && window !== undefined) {
		throw new UsageError('--window sets the closed loop (requests in flight per connection), --rate the open loop (messages a second in all): give one of them');
	}

	return rate === undefined ? {kind: 'closed', window: window ?? benchDefaults.window} : {kind: 'open', rate};
}

const unsupportedProtocols = new Set(['socketio', 'graphql-ws', 'stomp']);

function match(flags: BenchFlags): MatchRule {
	if (flags.encode !== undefined) {
		throw new UsageError('--encode is not supported by wsterm bench yet: send the messages as they should go on the wire (--binary for binary ones)');
	}

	if (flags.protocol !== undefined) {
		if (unsupportedProtocols.has(flags.protocol)) {
			throw new UsageError(`--protocol ${flags.protocol} is not supported by wsterm bench yet (jsonrpc is; --match PATH pairs replies by any JSON key)`);
		}

		if (flags.protocol !== 'jsonrpc') {
			throw new UsageError(`--protocol takes jsonrpc with wsterm bench, not "${flags.protocol}"`);
		}

		if (flags.match !== undefined) {
			throw new UsageError('--protocol jsonrpc pairs replies by their id itself: leave out --match');
		}

		if (flags.binary === true) {
			throw new UsageError('--protocol jsonrpc sends JSON text; --binary sends messages byte for byte: give one of them');
		}

		return {kind: 'jsonrpc'};
	}

	if (flags.match === undefined) {
		return {kind: 'echo'};
	}

	if (flags.match === 'any') {
		return {kind: 'any'};
	}

	const path = parsePath(flags.match);
	if (path === undefined) {
		throw new UsageError(`--match takes a JSON key path such as id or meta.requestId, or any, not "${flags.match}"`);
	}

	return {kind: 'path', path};
}

function thresholds(flags: BenchFlags): Thresholds {
	const maxP99Ms = decimal(flags, 'maxP99', {zero: true, unit: 'milliseconds'});
	const maxErrors = wholeNumber(flags, 'maxErrors', 0);
	const minRate = decimal(flags, 'minRate', {zero: true, unit: 'messages a second'});
	return {
		...(maxP99Ms === undefined ? {} : {maxP99Ms}),
		...(maxErrors === undefined ? {} : {maxErrors}),
		...(minRate === undefined ? {} : {minRate}),
	};
}

/**
`wsterm bench URL`'s options from its flags: checked, defaults filled in. Pure: files (-x @FILE,
--ca, --hist) are read or opened by runBench. Throws a UsageError naming the flag.
*/
export function benchOptionsFromFlags(url: string | undefined, flags: BenchFlags): BenchOptions {
	if (url === undefined) {
		throw new UsageError('wsterm bench needs a URL: wsterm bench ws://host:port/path -c 10 -d 5');
	}

	const connections = wholeNumber(flags, 'connections', 1) ?? benchDefaults.connections;
	const rampSeconds = decimal(flags, 'ramp', {zero: true, unit: 'a number of seconds'}) ?? 0;
	const chosenAmount = amount(flags);
	if (chosenAmount.kind === 'duration' && rampSeconds * 1000 >= chosenAmount.ms) {
		throw new UsageError(`--ramp ${flags.ramp!} is not shorter than -d/--duration ${flags.duration!}: the last connections would open after the end`);
	}

	if (flags.hist?.trim() === '') {
		throw new UsageError('--hist takes a file name, not an empty string');
	}

	return {
		url,
		connect: connectFlags(flags),
		connections,
		rampMs: rampSeconds * 1000,
		amount: chosenAmount,
		execute: flags.execute ?? [],
		binary: flags.binary ?? false,
		pace: pace(flags),
		match: match(flags),
		timeoutMs: (decimal(flags, 'timeout', {unit: 'a number of seconds'}) ?? benchDefaults.timeoutSeconds) * 1000,
		json: flags.json ?? false,
		thresholds: thresholds(flags),
		...(flags.hist === undefined ? {} : {histFile: flags.hist}),
	};
}
