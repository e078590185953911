/*
The text forms the proto3 JSON mapping gives three well-known types, both ways:
google.protobuf.Timestamp as RFC 3339 ("2021-01-01T00:00:00.123456Z"), Duration as seconds with an
`s` ("1.5s", "-0.000001s"), FieldMask as lowerCamelCase paths joined by commas ("user.displayName,id").
Fractions are written with 0, 3, 6 or 9 digits, as protobuf's own printers do. The other
well-known types (Struct, Value, the wrappers, Any, Empty) are plain JSON: protobuf-json.ts.
*/
import {ScalarError, shown} from './protobuf-scalars.js';
import {formatRfc3339, looksLikeRfc3339, nanosFraction, parseRfc3339} from './rfc3339.js';

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

	const digits = nanosFraction(nanos, 3);
	return `.${digits.padEnd(Math.ceil(digits.length / 3) * 3, '0')}`;
}

/** A Timestamp as RFC 3339 in UTC; undefined when it is outside the range the mapping allows. */
export function timestampText({seconds, nanos}: SecondsAndNanos): string | undefined {
	if (seconds < timestampMin || seconds > timestampMax || nanos < 0 || nanos > 999_999_999) {
		return undefined;
	}

	return formatRfc3339({seconds, fraction: fraction(nanos).slice(1)});
}

/** RFC 3339 text as a Timestamp; throws a ScalarError for other text or a time out of range. */
export function timestampParts(value: unknown): SecondsAndNanos {
	if (typeof value !== 'string' || !looksLikeRfc3339(value)) {
		throw new ScalarError(`${shown(value)} is not an RFC 3339 time ("2021-01-01T00:00:00Z")`);
	}

	const instant = parseRfc3339(value);
	if (instant === undefined) {
		throw new ScalarError(`${shown(value)} is not a valid date and time`);
	}

	if (instant.seconds < timestampMin || instant.seconds > timestampMax) {
		throw new ScalarError(`${shown(value)} is out of range (years 0001 to 9999)`);
	}

	if (/[1-9]/.test(instant.fraction.slice(9))) {
		throw new ScalarError(`${shown(value)} is more precise than a nanosecond`);
	}

	return {seconds: instant.seconds, nanos: Number(instant.fraction.slice(0, 9).padEnd(9, '0'))};
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
