/*
The one reader of numeric flag values, for every mode: decimal digits only, with a fraction where
the rule allows one. Number() would also take 0x50, 1e3, +5, " 8" and "": each is a usage error
here, naming the flag, rather than a number nobody meant.
*/
import {UsageError} from '../shared/exit-codes.js';

export type NumberRule = {
	readonly min: number;
	readonly max?: number;
	/** The value must be above min, not min itself. */
	readonly aboveMin?: boolean;
	/** Whole numbers only; else a decimal fraction is taken too (0.5, .5, 2.). */
	readonly whole?: boolean;
	/** The error line says "a number of seconds". */
	readonly seconds?: boolean;
	/** The error line's words for the value, when not a plain number (`messages a second`). */
	readonly unit?: string;
	/** Another value the flag takes, for the error line: `-1 (until the server closes)`. */
	readonly or?: string;
};

const wholeNumber = /^\d+$/;
const decimalNumber = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

function expected({min, max, aboveMin, whole, seconds, unit}: NumberRule): string {
	const kind = whole === true ? 'a whole number' : unit ?? (seconds === true ? 'a number of seconds' : 'a number');
	if (max !== undefined) {
		return `${kind} from ${min} to ${max}`;
	}

	if (aboveMin === true) {
		return `${kind} above ${min}`;
	}

	return seconds === true || unit !== undefined ? `${kind} (${min} or more)` : `${kind} of at least ${min}`;
}

/** The number `text` gives (undefined when the flag is not given); a UsageError naming `flag` when it breaks `rule`. */
export function flagNumber(flag: string, text: string | undefined, rule: NumberRule): number | undefined {
	if (text === undefined) {
		return undefined;
	}

	const value = Number(text);
	const max = rule.max ?? Number.MAX_SAFE_INTEGER;
	if (!(rule.whole === true ? wholeNumber : decimalNumber).test(text) || value < rule.min || value > max || (rule.aboveMin === true && value === rule.min)) {
		throw new UsageError(`${flag} takes ${expected(rule)}${rule.or === undefined ? '' : `, or ${rule.or}`}, not "${text}"`);
	}

	return value;
}
