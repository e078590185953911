/*
`--check`: the messages a replay received, compared with the incoming ones recorded. Plain
messages compare in order; in a protocol with ids (wire.ts: a JSON-RPC response, graphql-ws's
operations, Socket.IO's acks, STOMP's receipts and subscriptions) each operation's messages compare
in order, and operations may interleave differently (concurrent operations finish in any order).
With `unordered`, each message received is matched to the first recorded one not yet matched that
compares equal. How one message compares with another: compare-message.ts. A missing or extra
message is a mismatch too.
*/
import {canonicalMessage, type CheckedMessage, compareMessage, showMessage} from './compare-message.js';
import {escapeControl} from '../shared/escape-text.js';
import {operation, type WireName} from './wire.js';

export {canonicalNumber, type CheckedMessage, compareMessage} from './compare-message.js';

export type Mismatch = {
	/** 1-based position among the incoming messages recorded (an extra message: counted on past them). */
	readonly position: number;
	/** The operation the messages belong to (`id "2"`), when compared per operation. */
	readonly operation?: string;
	/** Undefined: an extra message arrived. */
	readonly expected?: CheckedMessage;
	/** Undefined: the expected message never arrived. */
	readonly actual?: CheckedMessage;
	/** Where they differ, one line each (empty for a missing or extra message). */
	readonly details: readonly string[];
};

export type CompareOptions = {
	/** The recording's protocol (wire.ts's detectWire), if it spoke one. */
	readonly wire?: WireName;
	/** Match each message received with any recorded one (--unordered). */
	readonly unordered?: boolean;
};

/** A message with its 1-based position among those recorded or received. */
type Placed = {readonly message: CheckedMessage; readonly position: number};

function placed(messages: readonly CheckedMessage[]): Placed[] {
	return messages.map((message, index) => ({message, position: index + 1}));
}

/** Pairs two lists in order: the differing pairs, then what is left over on either side. */
function compareInOrder(expected: readonly Placed[], actual: readonly Placed[], compare: (wanted: CheckedMessage, got: CheckedMessage) => string[], extraPosition: () => number, operationName?: string): Mismatch[] {
	const mismatches: Mismatch[] = [];
	const label = operationName === undefined || operationName === '' ? {} : {operation: operationName};
	for (let index = 0; index < Math.max(expected.length, actual.length); index++) {
		const wanted = expected[index];
		const got = actual[index]?.message;
		if (wanted === undefined) {
			mismatches.push({position: extraPosition(), ...label, actual: got!, details: []});
			continue;
		}

		if (got === undefined) {
			mismatches.push({position: wanted.position, ...label, expected: wanted.message, details: []});
			continue;
		}

		const details = compare(wanted.message, got);
		if (details.length > 0) {
			mismatches.push({position: wanted.position, ...label, expected: wanted.message, actual: got, details});
		}
	}

	return mismatches;
}

/** Groups messages by the operation they belong to ('' for none), in the order each first appears. */
function byOperation(messages: readonly Placed[], wire: WireName, into: Map<string, {expected: Placed[]; actual: Placed[]}>, side: 'expected' | 'actual'): void {
	for (const item of messages) {
		const key = item.message.isBinary ? '' : operation(wire, item.message.data.toString());
		let group = into.get(key);
		if (group === undefined) {
			group = {expected: [], actual: []};
			into.set(key, group);
		}

		group[side].push(item);
	}
}

/** --unordered: each received message takes the first recorded one not yet taken that compares equal. */
function unmatched(expected: readonly Placed[], actual: readonly Placed[], canonical: (message: CheckedMessage) => string): {expected: Placed[]; actual: Placed[]} {
	const waiting = new Map<string, Placed[]>();
	for (const item of expected) {
		const key = canonical(item.message);
		const queue = waiting.get(key);
		if (queue === undefined) {
			waiting.set(key, [item]);
		} else {
			queue.push(item);
		}
	}

	const taken = new Set<Placed>();
	const left: Placed[] = [];
	for (const item of actual) {
		const match = waiting.get(canonical(item.message))?.shift();
		if (match === undefined) {
			left.push(item);
		} else {
			taken.add(match);
		}
	}

	return {expected: expected.filter(item => !taken.has(item)), actual: left};
}

/**
Compares the messages received with those recorded: in order, per operation for a protocol with
ids, or in any order with `unordered` (what is left unmatched then is compared in order, so that
a reply that changed shows where it differs). Sorted by recorded position.
*/
export function compareMessages(expected: readonly CheckedMessage[], actual: readonly CheckedMessage[], ignore: ReadonlySet<string>, {wire, unordered = false}: CompareOptions = {}): Mismatch[] {
	const compare = (wanted: CheckedMessage, got: CheckedMessage): string[] => compareMessage(wanted, got, ignore, wire);
	let extras = expected.length;
	const extraPosition = (): number => ++extras;
	if (unordered) {
		const left = unmatched(placed(expected), placed(actual), message => canonicalMessage(message, ignore, wire));
		return compareInOrder(left.expected, left.actual, compare, extraPosition);
	}

	if (wire === undefined) {
		return compareInOrder(placed(expected), placed(actual), compare, extraPosition);
	}

	const groups = new Map<string, {expected: Placed[]; actual: Placed[]}>();
	byOperation(placed(expected), wire, groups, 'expected');
	byOperation(placed(actual), wire, groups, 'actual');
	const mismatches = [...groups].flatMap(([name, group]) => compareInOrder(group.expected, group.actual, compare, extraPosition, name));
	return mismatches.sort((a, b) => a.position - b.position);
}

/** A mismatch as lines for stderr: what differs, expected, actual, and where. */
export function formatMismatch({position, operation: operationName, expected, actual, details}: Mismatch, expectedCount: number): string[] {
	const what = expected === undefined ? 'unexpected (more messages than recorded)' : actual === undefined ? 'did not arrive' : 'differs';
	const of = operationName === undefined ? '' : ` (${escapeControl(operationName)})`;
	return [
		`message ${position} of ${expectedCount}${of} ${what}`,
		`  expected: ${expected === undefined ? '(nothing)' : showMessage(expected)}`,
		`  actual:   ${actual === undefined ? '(nothing)' : showMessage(actual)}`,
		...details.map(detail => `  ${detail}`),
	];
}
