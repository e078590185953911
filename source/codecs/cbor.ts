import {decode, encode, Simple, Tag} from 'cbor2';
import type {Codec} from './types.js';
import type {JsonViewExtension} from './json-view.js';

/** CBOR (cbor2). Maps with keys other than strings come out as Map; known tags as their values (Date, bigint ...). */
export function createCborCodec(): Codec {
	return {
		name: 'cbor',
		shows: 'json',
		decode: bytes => decode(bytes),
		encode: value => encode(value),
		jsonView: cborJsonView,
	};
}

/** Tags the library does not know, and simple values, as `{"$tag": N, "value": ...}` and `{"$simple": N}`. */
const cborJsonView: JsonViewExtension = value => {
	if (value instanceof Tag) {
		return {$tag: Number(value.tag), value: value.contents};
	}

	if (value instanceof Simple) {
		return {$simple: value.value};
	}

	return undefined;
};
