import type {Codec} from './types.js';

/** CBOR (cbor2). Maps with keys other than strings come out as Map; known tags as their values (Date, bigint ...). */
export async function createCborCodec(): Promise<Codec> {
	const {decode, encode, Simple, Tag} = await import('cbor2');
	return {
		name: 'cbor',
		shows: 'json',
		decode: bytes => decode(bytes),
		encode: value => encode(value),
		// Tags the library does not know, and simple values, as `{"$tag": N, "value": ...}` and `{"$simple": N}`.
		jsonView(value) {
			if (value instanceof Tag) {
				return {$tag: Number(value.tag), value: value.contents};
			}

			return value instanceof Simple ? {$simple: value.value} : undefined;
		},
	};
}
