/*
The no-code rules: `--reply 'PATTERN => TEXT'` and `--until PATTERN`. PATTERN is a JavaScript
regular expression, written bare (`^ping$`) or with flags (`/^ping$/i`); rules look at text
messages only.
*/
import {UsageError} from '../shared/exit-codes.js';
import type {HookMessage} from './types.js';

export type ReplyRule = {
	readonly pattern: RegExp;
	/** The answer, with `$1`..`$9`, `$&` and `$$` still in it. */
	readonly template: string;
};

const withFlags = /^\/(.+)\/([a-z]*)$/s;

/** A PATTERN as a RegExp; throws UsageError naming the flag. */
export function parsePattern(flag: string, source: string): RegExp {
	if (source === '') {
		throw new UsageError(`${flag}: the pattern is empty (use ^ to match every message)`);
	}

	const slashed = withFlags.exec(source);
	try {
		// g and y would make test() remember where it stopped, so a rule would skip every other match.
		return slashed === null ? new RegExp(source) : new RegExp(slashed[1]!, slashed[2]!.replaceAll(/[gy]/g, ''));
	} catch (error) {
		throw new UsageError(`${flag}: ${JSON.stringify(source)} is not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`);
	}
}

/** Parses one `--reply` value, `PATTERN => TEXT` (the first `=>` splits; spaces around it are dropped). */
export function parseReplyRule(rule: string): ReplyRule {
	const arrow = rule.indexOf('=>');
	if (arrow === -1) {
		throw new UsageError(`--reply takes 'PATTERN => TEXT', not ${JSON.stringify(rule)} (no "=>")`);
	}

	const pattern = parsePattern('--reply', rule.slice(0, arrow).trimEnd());
	const template = rule.slice(arrow + 2).replace(/^ /, '');
	return {pattern, template};
}

/** The TEXT of the first rule that matches a text message, with its groups filled in; undefined when none does. */
export function replyTo(rules: readonly ReplyRule[], message: HookMessage): string | undefined {
	if (message.isBinary || rules.length === 0) {
		return undefined;
	}

	const text = message.text!;
	for (const {pattern, template} of rules) {
		const match = pattern.exec(text);
		if (match !== null) {
			return template.replaceAll(/\$([1-9&$])/g, (_all, name: string) =>
				name === '$' ? '$' : name === '&' ? match[0] : match[Number(name)] ?? '');
		}
	}

	return undefined;
}

/** Whether a message is the one `--until` waits for. */
export function matchesUntil(pattern: RegExp, message: HookMessage): boolean {
	return !message.isBinary && pattern.test(message.text!);
}
