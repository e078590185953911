/*
MessagePack (@msgpack/msgpack), both ways, losing nothing (json-forms.ts's rule): int64/uint64 as
bigint; a timestamp as {"$date": RFC 3339} to the nanosecond (one beyond the years 0000-9999 as
its {"$ext": -1, ...} bytes); other extension types as {"$ext": N, "data": ...}; maps keep their
keys' types and order (1 and "1" are two keys, written as {"$map": [...]}; "1" before "b" stays
there, where a JavaScript object would move it). Hooks get the library's values as before: plain
objects (integer keys as strings), Dates, ExtData; the exact form rides along as shownAs.
*/
import type * as Msgpack from '@msgpack/msgpack';
import type {Codec} from './types.js';
import {formName, JsonDate, JsonExtension, JsonForm, JsonSimple, JsonTagged, jsonUndefined, shownAs, type WithShownAs} from './json-forms.js';
import {exactEntries, markedKeys, plainObjects} from './map-keys.js';
import {formatRfc3339, nanosFraction, parseRfc3339} from './rfc3339.js';

// int64/uint64 as bigint both ways, so that no integer is rounded.
const options = {useBigInt64: true} as const;

/** The Encoder's private writers: the only way to reach how it writes one number, or a map. */
type Writers = {
	encodeNumber(value: number): void;
	encodeNumberAsFloat(value: number): void;
	encodeMap(object: object, depth: number): void;
	doEncode(object: unknown, depth: number): void;
	writeU8(value: number): void;
	writeU16(value: number): void;
	writeU32(value: number): void;
};

/** MessagePack (@msgpack/msgpack). Maps become objects for hooks: their keys must be strings or numbers. */
export async function createMsgpackCodec(): Promise<Codec> {
	const library = await import('@msgpack/msgpack');
	const extensionCodec = timestamps(library);
	const keys = markedKeys();
	const decoder = new library.Decoder({...options, extensionCodec, mapKeyConverter: keys.convert});
	const encoder = new library.Encoder({...options, extensionCodec});
	patchWriters(encoder as unknown as Writers);
	return {
		name: 'msgpack',
		shows: 'json',
		decode(bytes) {
			keys.reset();
			const value = decoder.decode(bytes);
			return keys.seen ? plainObjects(value, keys) : value;
		},
		encode: value => encoder.encode(msgpackValue(value, library)),
		jsonView: value => value instanceof library.ExtData ? new JsonForm({$ext: value.type, data: value.data}) : undefined,
	};
}

/** Timestamps (type -1) read as Dates carrying their exact form, and written from {"$date"}. */
function timestamps(library: typeof Msgpack): Msgpack.ExtensionCodec {
	const codec = new library.ExtensionCodec();
	codec.register({
		type: library.EXT_TIMESTAMP,
		encode(value) {
			if (!(value instanceof JsonDate)) {
				return null;
			}

			const {seconds, fraction} = parseRfc3339(value.text)!;
			if (/[1-9]/.test(fraction.slice(9))) {
				throw new TypeError(`a msgpack timestamp holds nanoseconds, not ${JSON.stringify(value.text)}`);
			}

			return library.encodeTimeSpecToTimestamp({sec: Number(seconds), nsec: Number(fraction.slice(0, 9).padEnd(9, '0'))});
		},
		decode(data) {
			const {sec, nsec} = library.decodeTimestampToTimeSpec(data);
			const date = new Date((sec * 1000) + (nsec / 1e6)) as Date & WithShownAs;
			const text = Number.isSafeInteger(sec) && nsec <= 999_999_999 ? formatRfc3339({seconds: BigInt(sec), fraction: nanosFraction(nsec, 3)}) : undefined;
			date[shownAs] = text === undefined ? new JsonForm({$ext: library.EXT_TIMESTAMP, data: new Uint8Array(data)}) : new JsonForm({$date: text});
			return date;
		},
	});
	return codec;
}

/**
The library writes every safe integer as an int, -0 too, where it becomes 0: -0 goes as the float
it is. It writes a Map as an empty map: a Map (keys of any type, in order) goes as its entries.
*/
function patchWriters(writers: Writers): void {
	const {encodeNumber, encodeMap} = {encodeNumber: writers.encodeNumber.bind(writers), encodeMap: writers.encodeMap.bind(writers)};
	writers.encodeNumber = value => {
		if (Object.is(value, -0)) {
			writers.encodeNumberAsFloat(value);
		} else {
			encodeNumber(value);
		}
	};

	writers.encodeMap = (object, depth) => {
		if (!(object instanceof Map)) {
			encodeMap(object, depth);
			return;
		}

		if (object.size < 16) {
			writers.writeU8(0x80 + object.size);
		} else if (object.size < 0x1_00_00) {
			writers.writeU8(0xDE);
			writers.writeU16(object.size);
		} else {
			writers.writeU8(0xDF);
			writers.writeU32(object.size);
		}

		for (const [key, item] of object as Map<unknown, unknown>) {
			writers.doEncode(key, depth + 1);
			writers.doEncode(item, depth + 1);
		}
	};
}

const int64Min = -(2n ** 63n);
const uint64Max = (2n ** 64n) - 1n;

/**
A value from json-read.ts as the library writes it: {"$ext"} as ExtData, a map with its keys in
order as a Map. The library wraps a bigint beyond 64 bits (2^64 went as 0): such a value is
refused instead, as are CBOR's forms ({"$tag"}, {"$simple"}, {"$undefined"}).
*/
function msgpackValue(value: unknown, library: typeof Msgpack): unknown {
	if (typeof value === 'bigint') {
		if (value < int64Min || value > uint64Max) {
			throw new RangeError(`${value} is beyond MessagePack's 64-bit integers`);
		}

		return value;
	}

	if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof JsonDate) {
		return value;
	}

	if (value instanceof JsonExtension) {
		return new library.ExtData(value.type, value.data);
	}

	if (value instanceof JsonTagged || value instanceof JsonSimple || value === jsonUndefined) {
		throw new TypeError(`it has no ${value instanceof JsonTagged ? 'tags' : (value instanceof JsonSimple ? 'simple values' : 'undefined')}${value === jsonUndefined ? '' : `: ${formName(value as JsonTagged | JsonSimple)}`}`);
	}

	if (Array.isArray(value)) {
		return value.map(item => msgpackValue(item, library));
	}

	const entries = value instanceof Map ? [...(value as Map<unknown, unknown>)] : exactEntries(value);
	return new Map(entries.map(([key, item]) => [msgpackValue(key, library), msgpackValue(item, library)]));
}
