import {parsePath} from '../load/match.js';
import {type Amount, benchDefaults, type BenchOptions, type MatchRule, type Pace, type Thresholds} from '../load/options.js';
import {UsageError} from '../shared/exit-codes.js';
import {stringifyExact} from '../protocols/exact-json.js';
import type {SocketIoEndpoint} from '../protocols/socketio-url.js';
import {longName} from './flag-names.js';
import {type benchAlso, type benchOnly, type FlagsOf} from './flags.js';
import {connectFlags} from './connect-flags.js';
import {flagNumber} from './numbers.js';
import {graphqlInit, socketIoAuth, socketIoEndpointOf} from './pipeline-options.js';

/** The bench's flags as the command line gave them (typed by the flag table, unchecked). */
export type BenchFlags = Partial<FlagsOf<typeof benchOnly[number] | typeof benchAlso[number]>>;

/** The flags and how each is named in an error line: as the user typed it (`-c`, `--connections`). */
type Given = {
	readonly flags: BenchFlags;
	readonly named: (flag: keyof BenchFlags & string) => string;
};

type NumberFlag = 'connections' | 'ramp' | 'duration' | 'messages' | 'window' | 'rate' | 'timeout' | 'maxP99' | 'maxErrors' | 'minRate';

/** A whole number of at least `min`, or undefined when the flag is not given (numbers.ts reads it). */
function wholeNumber({flags, named}: Given, flag: NumberFlag, min: number): number | undefined {
	return flagNumber(named(flag), flags[flag], {min, whole: true});
}

/** A decimal number (`2`, `0.5`, `.5`) above 0 (or at least 0 with `zero`), or undefined when the flag is not given. */
function decimal({flags, named}: Given, flag: NumberFlag, {zero = false, unit = 'a number'}: {zero?: boolean; unit?: string} = {}): number | undefined {
	return flagNumber(named(flag), flags[flag], {min: 0, aboveMin: !zero, unit});
}

function amount(given: Given): Amount {
	const {flags} = given;
	if (flags.duration !== undefined && flags.messages !== undefined) {
		throw new UsageError('give -d/--duration or -m/--messages, not both: how long, or how many messages in all');
	}

	const seconds = decimal(given, 'duration', {unit: 'a number of seconds'});
	if (seconds !== undefined) {
		return {kind: 'duration', ms: seconds * 1000};
	}

	const count = wholeNumber(given, 'messages', 1);
	if (count === undefined) {
		throw new UsageError('wsterm bench needs -d/--duration SEC or -m/--messages N: how long, or how many messages in all');
	}

	return {kind: 'messages', count};
}

function pace(given: Given): Pace {
	const rate = decimal(given, 'rate', {unit: 'messages a second'});
	const window = wholeNumber(given, 'window', 1);
	if (rate !== undefined && window !== undefined) {
		throw new UsageError('--window sets the closed loop (requests in flight per connection), --rate the open loop (messages a second in all): give one of them');
	}

	return rate === undefined ? {kind: 'closed', window: window ?? benchDefaults.window} : {kind: 'open', rate};
}

/** The protocols bench pairs by their own ids. */
const benchProtocols = ['jsonrpc', 'graphql-ws', 'socketio'] as const;

function isBenchProtocol(name: string): name is typeof benchProtocols[number] {
	return (benchProtocols as readonly string[]).includes(name);
}

/** --protocol's rule: its ids pair the replies; --init and --auth's JSON go with its handshake; `endpoint` is Socket.IO's. */
function protocolRule(endpoint: SocketIoEndpoint | undefined, flags: BenchFlags & {protocol: string}): MatchRule {
	const {protocol} = flags;
	if (protocol === 'stomp') {
		throw new UsageError('--protocol stomp is not supported by wsterm bench yet (jsonrpc, graphql-ws and socketio are; --match PATH pairs replies by any JSON key)');
	}

	if (!isBenchProtocol(protocol)) {
		throw new UsageError(`--protocol takes ${benchProtocols.join(', ')} with wsterm bench, not "${protocol}"`);
	}

	if (flags.match !== undefined) {
		throw new UsageError(`--protocol ${protocol} pairs replies by their id itself: leave out --match`);
	}

	if (flags.binary === true) {
		throw new UsageError(`--protocol ${protocol} sends JSON text; --binary sends messages byte for byte: give one of them`);
	}

	const init = graphqlInit({flags: {protocol, init: flags.init}, named: longName});
	if (protocol === 'graphql-ws') {
		return {kind: 'graphql-ws', ...(init === undefined ? {} : {initJson: stringifyExact(init)})};
	}

	if (protocol === 'socketio') {
		const auth = socketIoAuth({flags: {protocol, auth: flags.auth}, named: longName});
		return {kind: 'socketio', namespace: endpoint?.namespace ?? '/', ...(endpoint === undefined || endpoint.defaultPath ? {} : {givenPath: true}), ...(auth === undefined ? {} : {authJson: stringifyExact(auth)})};
	}

	return {kind: 'jsonrpc'};
}

/**
With --protocol socketio, where Socket.IO listens for `url` (the engine URL, with --socketio-path)
and the namespace its path names, as pipe mode reads them. Bench speaks Engine.IO 4 only: Socket.IO 2
(--socketio-version 2, EIO=3) is refused.
*/
function socketIoEndpoint(url: string, flags: BenchFlags): SocketIoEndpoint | undefined {
	const given = (['socketioPath', 'socketioVersion'] as const).find(name => flags[name] !== undefined);
	if (flags.protocol !== 'socketio') {
		if (given !== undefined) {
			throw new UsageError(`${longName(given)} goes with --protocol socketio`);
		}

		return undefined;
	}

	const endpoint = socketIoEndpointOf({flags, input: [url]});
	if (endpoint?.engineIo === 3) {
		const asked = flags.socketioVersion === '2' ? '--socketio-version 2' : 'EIO=3 in the URL';
		throw new UsageError(`${asked}: wsterm bench speaks Socket.IO 3 and 4 (Engine.IO 4) only, not Socket.IO 2 yet`);
	}

	return endpoint;
}

function match(endpoint: SocketIoEndpoint | undefined, flags: BenchFlags): MatchRule {
	if (flags.encode !== undefined) {
		throw new UsageError('--encode is not supported by wsterm bench yet: send the messages as they should go on the wire (--binary for binary ones)');
	}

	if (flags.protocol !== undefined) {
		return protocolRule(endpoint, {...flags, protocol: flags.protocol});
	}

	if (flags.init !== undefined) {
		throw new UsageError('--init goes with --protocol graphql-ws');
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

function thresholds(given: Given): Thresholds {
	const maxP99Ms = decimal(given, 'maxP99', {zero: true, unit: 'milliseconds'});
	const maxErrors = wholeNumber(given, 'maxErrors', 0);
	const minRate = decimal(given, 'minRate', {zero: true, unit: 'messages a second'});
	return {
		...(maxP99Ms === undefined ? {} : {maxP99Ms}),
		...(maxErrors === undefined ? {} : {maxErrors}),
		...(minRate === undefined ? {} : {minRate}),
	};
}

/**
`wsterm bench URL`'s options from its flags: checked, defaults filled in. Pure: files (-x @FILE,
--ca, --hist) are read or opened by runBench. Throws a UsageError naming the flag (`named`: as
typed, else its long name).
*/
export function benchOptionsFromFlags(url: string | undefined, flags: BenchFlags, named: Given['named'] = longName): BenchOptions {
	const given = {flags, named};
	if (url === undefined) {
		throw new UsageError('wsterm bench needs a URL: wsterm bench ws://host:port/path -c 10 -d 5');
	}

	const connections = wholeNumber(given, 'connections', 1) ?? benchDefaults.connections;
	const rampSeconds = decimal(given, 'ramp', {zero: true, unit: 'a number of seconds'}) ?? 0;
	const chosenAmount = amount(given);
	if (chosenAmount.kind === 'duration' && rampSeconds * 1000 >= chosenAmount.ms) {
		throw new UsageError(`--ramp ${flags.ramp!} is not shorter than -d/--duration ${flags.duration!}: the last connections would open after the end`);
	}

	if (flags.hist?.trim() === '') {
		throw new UsageError('--hist takes a file name, not an empty string');
	}

	const endpoint = socketIoEndpoint(url, flags);
	const rule = match(endpoint, flags);
	const connect = connectFlags(flags);
	return {
		url: endpoint?.url ?? url,
		// bench speaks graphql-transport-ws only: it does not offer the legacy protocol's graphql-ws,
		// which a server that speaks both could pick.
		connect: rule.kind === 'graphql-ws' ? {...connect, subprotocol: connect.subprotocol.filter(name => name !== 'graphql-ws' || flags.subprotocol?.includes(name) === true)} : connect,
		connections,
		rampMs: rampSeconds * 1000,
		amount: chosenAmount,
		execute: flags.execute ?? [],
		binary: flags.binary ?? false,
		pace: pace(given),
		match: rule,
		timeoutMs: (decimal(given, 'timeout', {unit: 'a number of seconds'}) ?? benchDefaults.timeoutSeconds) * 1000,
		json: flags.json ?? false,
		thresholds: thresholds(given),
		...(flags.hist === undefined ? {} : {histFile: flags.hist}),
	};
}
