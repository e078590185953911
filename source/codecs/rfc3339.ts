/*
RFC 3339 times ("2021-01-01T00:00:00.123456Z", "2021-01-01T01:00:00+01:00") as whole seconds since
the epoch and the digits of a fraction of a second, both ways, for years 0000 to 9999. The digits
are kept as text so that no precision is lost whatever the format holds (a msgpack timestamp's
nanoseconds, a CBOR epoch time's float, a protobuf Timestamp).
*/

/** A time: whole seconds since the epoch, and the digits after the point (none: ''). */
export type Instant = {readonly seconds: bigint; readonly fraction: string};

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Text shaped as RFC 3339 (its numbers not checked). */
export function looksLikeRfc3339(text: string): boolean {
	return rfc3339.test(text);
}

/** The time an RFC 3339 text says, or undefined when it is not one (a day or hour out of range too). */
export function parseRfc3339(text: string): Instant | undefined {
	const match = rfc3339.exec(text);
	if (match === null) {
		return undefined;
	}

	const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
	const date = new Date(0);
	date.setUTCFullYear(year, month - 1, day);
	date.setUTCHours(hours, minutes, seconds, 0);
	const offsetHours = Number(match[9] ?? 0);
	const offsetMinutes = Number(match[10] ?? 0);
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hours > 23 || minutes > 59 || seconds > 59 || offsetHours > 23 || offsetMinutes > 59) {
		return undefined;
	}

	const offset = (match[8] === '-' ? -1 : 1) * ((offsetHours * 3600) + (offsetMinutes * 60));
	return {seconds: BigInt(date.getTime() / 1000) - BigInt(offset), fraction: match[7] ?? ''};
}

/** A time as RFC 3339 in UTC with the fraction's digits as given; undefined outside the years 0000 to 9999. */
export function formatRfc3339({seconds, fraction}: Instant): string | undefined {
	// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
	if (seconds < -62_167_219_200n || seconds > 253_402_300_799n) {
		return undefined;
	}

	const date = new Date(Number(seconds) * 1000);
	const pad = (value: number, length = 2): string => String(value).padStart(length, '0');
	return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction === '' ? '' : `.${fraction}`}Z`;
}

/** Nanoseconds as fraction digits: nine, less the zeros at the end, but at least `least`. */
export function nanosFraction(nanos: number, least: number): string {
	return String(nanos).padStart(9, '0').replace(/0+$/, '').padEnd(least, '0');
}
