/**
When `--reconnect` tries again and how long it waits first. Pure: the connection feeds it what
happened and the time a connection lived; it answers with a delay, or undefined to give up.
*/

export type ReconnectRules = {
	/** Reconnect attempts in a row that may fail before giving up; undefined: never give up. */
	readonly maxRetries?: number;
	/** A connection that lived this many milliseconds resets the backoff; a shorter one counts as a failure. */
	readonly stableAfter: number;
	/** Ceiling of the first delay, in milliseconds; it doubles with each failure. */
	readonly baseDelay: number;
	/** Largest ceiling, in milliseconds. */
	readonly maxDelay: number;
};

export const defaultReconnectRules: ReconnectRules = {stableAfter: 5000, baseDelay: 500, maxDelay: 30_000};

export type ReconnectState = {
	/** Reconnect attempts made since the last connection that lived. */
	readonly retries: number;
};

export const freshReconnectState: ReconnectState = {retries: 0};

export type ReconnectPlan = {
	readonly state: ReconnectState;
	/** Milliseconds to wait before the attempt. */
	readonly delay: number;
};

/** Delay before reconnect attempt `retry` (1-based): exponential, capped, with jitter. */
export function backoffDelay(retry: number, random: () => number = Math.random, rules: ReconnectRules = defaultReconnectRules): number {
	const ceiling = Math.min(rules.maxDelay, rules.baseDelay * (2 ** Math.min(retry - 1, 16)));
	// Half fixed, half random: spreads reconnecting clients without ever retrying at once.
	return Math.round((ceiling / 2) + (random() * ceiling / 2));
}

/**
What to do after a connection ended or an attempt failed. `lived` is how long the connection was
open in milliseconds, or undefined when the attempt never opened. Undefined: give up.
*/
export function planReconnect(
	state: ReconnectState,
	lived: number | undefined,
	rules: ReconnectRules = defaultReconnectRules,
	random: () => number = Math.random,
): ReconnectPlan | undefined {
	// Only a connection that lived proves the server is back; one closed at once is a failure.
	const retries = lived !== undefined && lived >= rules.stableAfter ? 0 : state.retries;
	if (rules.maxRetries !== undefined && retries >= rules.maxRetries) {
		return undefined;
	}

	return {state: {retries: retries + 1}, delay: backoffDelay(retries + 1, random, rules)};
}
