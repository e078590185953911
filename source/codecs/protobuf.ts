import type protobuf from 'protobufjs';
import {type Codec, type CodecOptions, CodecSetupError} from './types.js';

/*
protobuf values follow the proto3 JSON mapping (as grpcurl and the official libraries print them):
field names in lowerCamelCase, 64-bit integers as strings, bytes as base64 strings, enums by name.
--encode takes the same, and also enum numbers, numbers for 64-bit fields and the .proto names.
*/
const toObjectOptions = {longs: String, enums: String, bytes: String, json: true} as const;

/** protobuf (protobufjs): one message type from the given .proto files, both ways. */
export async function createProtobufCodec({proto = [], type}: CodecOptions): Promise<Codec> {
	if (proto.length === 0 || type === undefined) {
		throw new CodecSetupError('protobuf needs the message definitions: --proto FILE.proto (repeatable) and --type package.Message');
	}

	const {default: {Root}} = await import('protobufjs');
	let root: protobuf.Root;
	try {
		root = new Root().loadSync([...proto]);
	} catch (error) {
		throw new CodecSetupError(`--proto: ${(error as Error).message}`);
	}

	let messageType: protobuf.Type;
	try {
		messageType = root.lookupType(type);
	} catch {
		throw new CodecSetupError(`--type ${type}: no such message type in ${proto.join(', ')}`);
	}

	return {
		name: 'protobuf',
		shows: 'json',
		decode: bytes => messageType.toObject(messageType.decode(bytes), toObjectOptions),
		encode(value) {
			if (typeof value !== 'object' || value === null || Array.isArray(value)) {
				throw new TypeError(`a ${type} is a JSON object`);
			}

			// fromObject skips keys it does not know: a typo or a .proto name would send an empty message.
			const message = messageType.fromObject(withFieldNames(messageType, withoutBigInts(value) as Record<string, unknown>));
			const problem = messageType.verify(message);
			if (problem !== null) {
				throw new TypeError(problem);
			}

			return messageType.encode(message).finish();
		},
	};
}

/** Keys as protobufjs names fields (lowerCamelCase; the .proto's snake_case taken too); an unknown key is an error. */
function withFieldNames(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
	const named: Record<string, unknown> = {};
	for (const [key, item] of Object.entries(value)) {
		const name = key in type.fields ? key : key.replaceAll(/_([a-z\d])/g, (_match, letter: string) => letter.toUpperCase());
		const field = type.fields[name];
		if (field === undefined) {
			throw new TypeError(`${type.fullName.replace(/^\./, '')} has no field "${key}"`);
		}

		const nested = field.resolvedType;
		const isMessage = nested !== null && 'fields' in nested;
		named[name] = isMessage && !field.map && item !== null && typeof item === 'object'
			? (Array.isArray(item) ? item.map(element => withNested(nested as protobuf.Type, element)) : withNested(nested as protobuf.Type, item))
			: (isMessage && field.map && item !== null && typeof item === 'object'
				? Object.fromEntries(Object.entries(item).map(([mapKey, element]) => [mapKey, withNested(nested as protobuf.Type, element)]))
				: item);
	}

	return named;
}

function withNested(type: protobuf.Type, value: unknown): unknown {
	return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value)
		? withFieldNames(type, value as Record<string, unknown>)
		: value;
}

/** protobufjs takes 64-bit integers as strings or numbers, not bigint: exact digits as strings. */
function withoutBigInts(value: unknown): unknown {
	if (typeof value === 'bigint') {
		return value.toString();
	}

	if (Array.isArray(value)) {
		return value.map(item => withoutBigInts(item));
	}

	if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutBigInts(item)]));
	}

	return value;
}
