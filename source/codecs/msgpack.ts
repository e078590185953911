import type {Codec} from './types.js';

// int64/uint64 as bigint both ways, so that no integer is rounded.
const options = {useBigInt64: true} as const;

/** MessagePack (@msgpack/msgpack). Maps become objects: their keys must be strings or numbers. */
export async function createMsgpackCodec(): Promise<Codec> {
	const {decode, encode} = await import('@msgpack/msgpack');
	return {
		name: 'msgpack',
		shows: 'json',
		decode: bytes => decode(bytes, options),
		encode: value => encode(value, options),
	};
}
