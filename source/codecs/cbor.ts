/*
CBOR (cbor2), both ways, losing nothing (json-forms.ts's rule). Maps with keys other than strings
are Maps ({"$map": [...]}); maps keep their keys' order. Dates: tag 1 (epoch seconds) prints as
{"$date": ...} with every digit its number has ("2021-01-01T00:00:00.123456Z"; at least three),
tag 0 as {"$date": its text, as written}; either, when it is no date the mapping can write (tag 0
"not a date", tag 1 1e20) or when tag 0's text is one tag 1 would print, is {"$tag": N, "value":
...}. --encode reads {"$date": text} back as tag 1 when the text is one tag 1 prints, else tag 0,
and {"$tag"}, {"$simple"}, {"$undefined"}, {"$map"} as what they say. Hooks get Dates, Tags,
Simples, and objects for maps with string keys, as before.
*/
import type * as Cbor from 'cbor2';
import type {Codec} from './types.js';
import {formName, JsonDate, JsonExtension, JsonForm, JsonSimple, JsonTagged, jsonUndefined, shownAs, type WithShownAs} from './json-forms.js';
import {exactEntries, isIndexLike} from './map-keys.js';
import {formatRfc3339, type Instant, parseRfc3339} from './rfc3339.js';

/** CBOR (cbor2): one value per message, both ways. */
export async function createCborCodec(): Promise<Codec> {
	const library = await import('cbor2');
	const {decode, encode, Simple, Tag} = library;
	const tags = new Map<number, Cbor.TagDecoder>([
		[0, tag => dateTag(tag, library)],
		[1, tag => dateTag(tag, library)],
	]);
	return {
		name: 'cbor',
		shows: 'json',
		// Every map as a Map: an object would move "1" before "b"; plainMaps gives hooks their objects.
		decode: bytes => plainMaps(decode(bytes, {preferMap: true, tags}), library),
		encode: value => encode(cborValue(value, library)),
		// Tags the library does not know, and simple values, as `{"$tag": N, "value": ...}` and `{"$simple": N}`.
		jsonView(value) {
			if (value instanceof Tag) {
				return new JsonForm({$tag: value.tag, value: value.contents});
			}

			return value instanceof Simple ? new JsonForm({$simple: value.value}) : undefined;
		},
	};
}

/** Tag 0 or 1 as a Date carrying its exact form, or as the Tag itself when it is no date said so. */
function dateTag(tag: Cbor.ITag, {Tag}: typeof Cbor): unknown {
	const {contents} = tag;
	const number = Number(tag.tag);
	let text: string | undefined;
	if (number === 1 && typeof contents === 'number') {
		text = epochText(contents);
	} else if (number === 0 && typeof contents === 'string' && parseRfc3339(contents) !== undefined && !isEpochText(contents)) {
		// A text tag 1 would print is shown as tag 0's, lest the two print the same.
		text = contents;
	}

	if (text === undefined) {
		return new Tag(tag.tag, contents);
	}

	const date = new Date(number === 1 ? (contents as number) * 1000 : text) as Date & WithShownAs;
	date[shownAs] = new JsonForm({$date: text});
	return date;
}

/** Epoch seconds as RFC 3339 with each digit the number's shortest form has (at least three); undefined for one out of range. */
function epochText(seconds: number): string | undefined {
	const match = Number.isFinite(seconds) ? /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(seconds)) : null;
	if (match === null) {
		return undefined;
	}

	const [, sign, whole, digits = ''] = match;
	const scale = 10n ** BigInt(digits.length);
	const scaled = BigInt(`${sign}${whole}${digits}`);
	// The whole seconds rounded down, and what is left of a second.
	const floor = (scaled - (((scaled % scale) + scale) % scale)) / scale;
	const rest = scaled - (floor * scale);
	const instant: Instant = {seconds: floor, fraction: digits === '' ? '000' : rest.toString().padStart(digits.length, '0').padEnd(3, '0')};
	return formatRfc3339(instant);
}

/** An RFC 3339 text as epoch seconds (the number its digits say). */
function epochSeconds({seconds, fraction}: Instant): number {
	const scaled = (seconds * (10n ** BigInt(fraction.length))) + BigInt(fraction === '' ? '0' : fraction);
	const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(fraction.length + 1, '0');
	return Number(`${scaled < 0n ? '-' : ''}${digits.slice(0, digits.length - fraction.length)}.${digits.slice(digits.length - fraction.length) || '0'}`);
}

/** The text is exactly what tag 1 prints for some number. */
function isEpochText(text: string): boolean {
	const instant = parseRfc3339(text);
	return instant !== undefined && epochText(epochSeconds(instant)) === text;
}

/** Maps whose keys are all strings as objects for hooks (with their exact entries as shownAs when the order matters); nested values too. */
function plainMaps(value: unknown, library: typeof Cbor): unknown {
	if (Array.isArray(value)) {
		return value.map(item => plainMaps(item, library));
	}

	if (value instanceof library.Tag) {
		value.contents = plainMaps(value.contents, library);
		return value;
	}

	if (!(value instanceof Map)) {
		return value;
	}

	const entries = [...(value as Map<unknown, unknown>)].map(([key, item]) => [plainMaps(key, library), plainMaps(item, library)] as [unknown, unknown]);
	if (!entries.every(([key]) => typeof key === 'string')) {
		return new Map(entries);
	}

	const object: Record<string, unknown> & WithShownAs = {};
	for (const [key, item] of entries) {
		object[key as string] = item;
	}

	if (entries.some(([key]) => isIndexLike(key as string))) {
		object[shownAs] = new Map(entries);
	}

	return object;
}

/** A value from json-read.ts as cbor2 writes it: its forms as Tags, Simples, undefined, Maps in order; a msgpack extension refused. */
function cborValue(value: unknown, library: typeof Cbor): unknown {
	if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) {
		return value;
	}

	if (value instanceof JsonDate) {
		const instant = parseRfc3339(value.text)!;
		return isEpochText(value.text) ? new library.Tag(1, epochSeconds(instant)) : new library.Tag(0, value.text);
	}

	if (value instanceof JsonTagged) {
		return new library.Tag(value.tag, cborValue(value.value, library));
	}

	if (value instanceof JsonSimple) {
		return new library.Simple(value.value);
	}

	if (value === jsonUndefined) {
		return undefined;
	}

	if (value instanceof JsonExtension) {
		throw new TypeError(`it has no msgpack extension types: ${formName(value)}`);
	}

	if (Array.isArray(value)) {
		return value.map(item => cborValue(item, library));
	}

	const entries = value instanceof Map ? [...(value as Map<unknown, unknown>)] : exactEntries(value);
	return new Map(entries.map(([key, item]) => [cborValue(key, library), cborValue(item, library)]));
}
