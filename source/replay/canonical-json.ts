/*
JSON as one canonical string, for telling equal values apart from different ones by a lookup:
keys sorted, numbers by their exact value (their digits, never a float that loses them past
2^53). Used by --check's --unordered matching and by `serve --replay`'s matching of requests.
*/
import {isLosslessNumber} from 'lossless-json';

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/** A JSON number's exact value as one canonical string: `1.50`, `15e-1` and `1.5` are all `15e-1`. */
export function canonicalNumber(token: string): string {
	const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(token);
	if (match === null) {
		return token;
	}

	const [, sign, whole, fraction = '', exponent = '0'] = match;
	let digits = `${whole}${fraction}`.replace(/^0+/, '');
	if (digits === '') {
		return '0';
	}

	let power = Number(exponent) - fraction.length;
	const trimmed = digits.replace(/0+$/, '');
	power += digits.length - trimmed.length;
	digits = trimmed;
	return `${sign}${digits}e${power}`;
}

/** JSON as one canonical string: keys sorted, `ignore`d ones out, numbers by exact value. */
export function canonicalJson(value: unknown, ignore: ReadonlySet<string> = new Set()): string {
	if (isLosslessNumber(value)) {
		return canonicalNumber(value.value);
	}

	if (Array.isArray(value)) {
		return `[${value.map(item => canonicalJson(item, ignore)).join(',')}]`;
	}

	if (isObject(value)) {
		const entries = Object.entries(value).filter(([key]) => !ignore.has(key)).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
		return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item, ignore)}`).join(',')}}`;
	}

	return JSON.stringify(value) ?? 'undefined';
}
