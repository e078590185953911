import type {Codec} from './types.js';

// int64/uint64 as bigint both ways, so that no integer is rounded.
const options = {useBigInt64: true} as const;

/** The Encoder's number writers: private in its types, the only way to reach how it writes one number. */
type NumberWriters = {
	encodeNumber(value: number): void;
	encodeNumberAsFloat(value: number): void;
};

/** MessagePack (@msgpack/msgpack). Maps become objects: their keys must be strings or numbers. */
export async function createMsgpackCodec(): Promise<Codec> {
	const {decode, Encoder} = await import('@msgpack/msgpack');
	const encoder = new Encoder(options);
	// The library writes every safe integer as an int, -0 too, where it becomes 0: -0 goes as the float it is.
	const writers = encoder as unknown as NumberWriters;
	const encodeNumber = writers.encodeNumber.bind(encoder);
	writers.encodeNumber = value => {
		if (Object.is(value, -0)) {
			writers.encodeNumberAsFloat(value);
		} else {
			encodeNumber(value);
		}
	};

	return {
		name: 'msgpack',
		shows: 'json',
		decode: bytes => decode(bytes, options),
		encode(value) {
			checkIntegers(value);
			return encoder.encode(value);
		},
	};
}

const int64Min = -(2n ** 63n);
const uint64Max = (2n ** 64n) - 1n;

/** The library wraps a bigint beyond 64 bits (2^64 went as 0): such a value is refused instead. */
function checkIntegers(value: unknown): void {
	if (typeof value === 'bigint') {
		if (value < int64Min || value > uint64Max) {
			throw new RangeError(`${value} is beyond MessagePack's 64-bit integers`);
		}
	} else if (Array.isArray(value)) {
		for (const item of value) {
			checkIntegers(item);
		}
	} else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
		for (const item of Object.values(value)) {
			checkIntegers(item);
		}
	}
}
