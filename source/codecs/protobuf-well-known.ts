/*
The text forms the proto3 JSON mapping gives three well-known types, both ways:
google.protobuf.Timestamp as RFC 3339 ("2021-01-01T00:00:00.123456Z"), Duration as seconds with an
`s` ("1.5s", "-0.000001s"), FieldMask as lowerCamelCase paths joined by commas ("user.displayName,id").
Fractions are written with 0, 3, 6 or 9 digits, as protobuf's own printers do. The other
well-known types (Struct, Value, the wrappers, Any, Empty) are plain JSON: protobuf-json.ts.
*/
import {ScalarError, shown} from './protobuf-scalars.js';

/** The well-known types the mapping writes in their own way, by full name. */
export const wellKnownTypes = new Set([
	'google.protobuf.Timestamp', 'google.protobuf.Duration', 'google.protobuf.FieldMask', 'google.protobuf.Struct',
	'google.protobuf.Value', 'google.protobuf.ListValue', 'google.protobuf.Any', 'google.protobuf.Empty',
	'google.protobuf.DoubleValue', 'google.protobuf.FloatValue', 'google.protobuf.Int64Value', 'google.protobuf.UInt64Value',
	'google.protobuf.Int32Value', 'google.protobuf.UInt32Value', 'google.protobuf.BoolValue', 'google.protobuf.StringValue',
	'google.protobuf.BytesValue',
]);

/** Seconds and nanoseconds, as Timestamp and Duration hold them. */
export type SecondsAndNanos = {readonly seconds: bigint; readonly nanos: number};

/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range a Timestamp may hold. */
const timestampMin = -62_135_596_800n;
const timestampMax = 253_402_300_799n;
/** 10,000 years: the range a Duration may hold. */
const durationMax = 315_576_000_000n;

/** Nanoseconds as a fraction: none, or 3, 6 or 9 digits. */
function fraction(nanos: number): string {
	if (nanos === 0) {
		return '';
	}

	const digits = String(nanos).padStart(9, '0');
	return `.${nanos % 1_000_000 === 0 ? digits.slice(0, 3) : (nanos % 1000 === 0 ? digits.slice(0, 6) : digits)}`;
}

/** A Timestamp as RFC 3339 in UTC; undefined when it is outside the range the mapping allows. */
export function timestampText({seconds, nanos}: SecondsAndNanos): string | undefined {
	if (seconds < timestampMin || seconds > timestampMax || nanos < 0 || nanos > 999_999_999) {
		return undefined;
	}

	const date = new Date(Number(seconds) * 1000);
	const pad = (value: number, length = 2): string => String(value).padStart(length, '0');
	return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction(nanos)}Z`;
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** RFC 3339 text as a Timestamp; throws a ScalarError for other text or a time out of range. */
export function timestampParts(value: unknown): SecondsAndNanos {
	const match = typeof value === 'string' ? rfc3339.exec(value) : null;
	if (match === null) {
		throw new ScalarError(`${shown(value)} is not an RFC 3339 time ("2021-01-01T00:00:00Z")`);
	}

	const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
	const date = new Date(0);
	date.setUTCFullYear(year, month - 1, day);
	date.setUTCHours(hours, minutes, seconds, 0);
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hours > 23 || minutes > 59 || seconds > 59) {
		throw new ScalarError(`${shown(value)} is not a valid date and time`);
	}

	const offset = match[8] === undefined ? 0 : (match[8] === '-' ? -1 : 1) * ((Number(match[9]) * 3600) + (Number(match[10]) * 60));
	const total = BigInt(date.getTime() / 1000) - BigInt(offset);
	if (total < timestampMin || total > timestampMax) {
		throw new ScalarError(`${shown(value)} is out of range (years 0001 to 9999)`);
	}

	return {seconds: total, nanos: Number((match[7] ?? '').padEnd(9, '0'))};
}

/** A Duration as seconds with an `s`; undefined when it is out of range or its signs disagree. */
export function durationText({seconds, nanos}: SecondsAndNanos): string | undefined {
	if (seconds > durationMax || seconds < -durationMax || Math.abs(nanos) > 999_999_999 || (seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0)) {
		return undefined;
	}

	const negative = seconds < 0n || nanos < 0;
	return `${negative ? '-' : ''}${negative ? -seconds : seconds}${fraction(Math.abs(nanos))}s`;
}

/** "1.5s" as a Duration; throws a ScalarError for other text or one out of range. */
export function durationParts(value: unknown): SecondsAndNanos {
	const match = typeof value === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(value) : null;
	if (match === null) {
		throw new ScalarError(`${shown(value)} is not a duration ("1.5s")`);
	}

	const sign = match[1] === undefined ? 1 : -1;
	const seconds = BigInt(match[2]!);
	if (seconds > durationMax) {
		throw new ScalarError(`${shown(value)} is out of range (10,000 years at most)`);
	}

	const nanos = Number((match[3] ?? '').padEnd(9, '0'));
	return {seconds: BigInt(sign) * seconds, nanos: sign * nanos};
}

/** A FieldMask's paths (snake_case) as the mapping writes them: lowerCamelCase, joined by commas. */
export function fieldMaskText(paths: readonly string[]): string {
	return paths.map(path => path.replaceAll(/_([a-z\d])/g, (_match, letter: string) => letter.toUpperCase())).join(',');
}

/** "user.displayName,id" as a FieldMask's paths (snake_case); throws a ScalarError for other values. */
export function fieldMaskPaths(value: unknown): string[] {
	if (typeof value !== 'string') {
		throw new ScalarError(`${shown(value)} is not a field mask ("a.b,c")`);
	}

	if (value === '') {
		return [];
	}

	return value.split(',').map(path => {
		if (!/^[A-Za-z\d.]+$/.test(path)) {
			throw new ScalarError(`${shown(path)} is not a lowerCamelCase path`);
		}

		return path.replaceAll(/[A-Z]/g, letter => `_${letter.toLowerCase()}`);
	});
}
