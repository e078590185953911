/*
--decode protobuf: a decoded message as the proto3 JSON mapping writes it. protobufjs's toObject
does the fields (lowerCamelCase names, 64-bit integers as strings, bytes as base64, enums by name,
NaN as "NaN"); the well-known types are written here in their canonical forms: a Timestamp as
RFC 3339 text, a Duration as "1.5s", a FieldMask as "a.b,c", a Struct, Value or ListValue as the
plain JSON it holds, a wrapper as its plain value (a BoolValue false is false, not {}), an Empty as
{}, an Any as {"@type": URL, ...its fields} (or "value" for a well-known type inside). A value the
mapping cannot write (a Timestamp beyond year 9999, an Any whose type is not in the --proto files)
is kept rather than lost: the Timestamp as its seconds and nanos, the Any's message as
{"@type": URL, "value": {"$bytes": ...}}, which --encode reads back.
*/
import type protobuf from 'protobufjs';
import {fullName, lookupType} from './protobuf-from-json.js';
import {durationText, fieldMaskText, timestampText, wellKnownTypes} from './protobuf-well-known.js';

const toObjectOptions = {longs: String, enums: String, bytes: String, json: true} as const;

type JsonObject = Record<string, unknown>;

/** Whether a type holds a well-known type at some depth (then its fields are walked), by type. */
const holdsWellKnown = new WeakMap<protobuf.Type, boolean>();

/** A decoded message as JSON values (json-view writes the Uint8Array of an unknown Any as {"$bytes"}). */
export function messageJson(type: protobuf.Type, message: protobuf.Message): unknown {
	if (wellKnownTypes.has(fullName(type))) {
		return wellKnownJson(type, message);
	}

	const object: JsonObject = type.toObject(message, toObjectOptions);
	if (!holds(type)) {
		return object;
	}

	const fields = message as unknown as Record<string, unknown>;
	for (const key of Object.keys(object)) {
		const field = type.fields[key];
		const nested = field?.resolvedType;
		if (field === undefined || nested === null || nested === undefined || !('fields' in nested) || !holds(nested as protobuf.Type)) {
			continue;
		}

		const json = (item: unknown): unknown => messageJson(nested as protobuf.Type, item as protobuf.Message);
		const value = fields[key];
		object[key] = field.map
			? Object.fromEntries(Object.entries(value as JsonObject).map(([mapKey, item]) => [mapKey, json(item)]))
			: (field.repeated ? (value as unknown[]).map(item => json(item)) : json(value));
	}

	return object;
}

/** The type is a well-known type or holds one in a field, at any depth (worked out once per type). */
function holds(type: protobuf.Type): boolean {
	let result = holdsWellKnown.get(type);
	if (result === undefined) {
		// Every type reachable through message fields (recursive types included), looking for a well-known one.
		const reached = new Set([type]);
		for (const each of reached) {
			for (const field of each.fieldsArray) {
				const nested = field.resolvedType;
				if (nested !== null && 'fields' in nested) {
					reached.add(nested as protobuf.Type);
				}
			}
		}

		result = [...reached].some(each => wellKnownTypes.has(fullName(each)));
		holdsWellKnown.set(type, result);
	}

	return result;
}

/** A well-known type in its canonical JSON. */
function wellKnownJson(type: protobuf.Type, message: protobuf.Message): unknown {
	const fields = message as unknown as Record<string, unknown>;
	switch (fullName(type)) {
		case 'google.protobuf.Timestamp':
		case 'google.protobuf.Duration': {
			const object = type.toObject(message, {...toObjectOptions, defaults: true}) as {seconds: string; nanos: number};
			const parts = {seconds: BigInt(object.seconds), nanos: object.nanos};
			// Out of the mapping's range: as the seconds and nanos it holds, rather than lost.
			return (fullName(type) === 'google.protobuf.Timestamp' ? timestampText(parts) : durationText(parts)) ?? type.toObject(message, toObjectOptions);
		}

		case 'google.protobuf.FieldMask': {
			return fieldMaskText((fields.paths ?? []) as string[]);
		}

		case 'google.protobuf.Struct': {
			return structJson(fields.fields);
		}

		case 'google.protobuf.Value': {
			return valueJson(message);
		}

		case 'google.protobuf.ListValue': {
			return ((fields.values ?? []) as protobuf.Message[]).map(item => valueJson(item));
		}

		case 'google.protobuf.Any': {
			return anyJson(type, fields);
		}

		case 'google.protobuf.Empty': {
			return {};
		}

		default: {
			// The wrappers: their one field, its default when unset (a BoolValue false is false).
			return (type.toObject(message, {...toObjectOptions, defaults: true}) as {value: unknown}).value;
		}
	}
}

function structJson(fields: unknown): JsonObject {
	return Object.fromEntries(Object.entries((fields ?? {}) as Record<string, protobuf.Message>).map(([key, item]) => [key, valueJson(item)]));
}

/** A google.protobuf.Value as the JSON value it holds (null when it holds none). */
function valueJson(value: protobuf.Message): unknown {
	const fields = value as unknown as Record<string, unknown>;
	if (Object.hasOwn(fields, 'numberValue')) {
		const number = fields.numberValue as number;
		// NaN and Infinity are not JSON: as the mapping writes a double, "NaN".
		return Number.isFinite(number) ? number : String(number);
	}

	for (const key of ['stringValue', 'boolValue'] as const) {
		if (Object.hasOwn(fields, key)) {
			return fields[key];
		}
	}

	if (Object.hasOwn(fields, 'structValue')) {
		return structJson((fields.structValue as JsonObject | null)?.fields);
	}

	if (Object.hasOwn(fields, 'listValue')) {
		return (((fields.listValue as JsonObject | null)?.values ?? []) as protobuf.Message[]).map(item => valueJson(item));
	}

	return null;
}

/** An Any: {"@type": URL, ...fields}, or "value" for a well-known type, or the bytes of a type not loaded. */
function anyJson(anyType: protobuf.Type, fields: Record<string, unknown>): JsonObject {
	const url = (fields.type_url ?? '') as string;
	const bytes = (fields.value ?? new Uint8Array()) as Uint8Array;
	if (url === '' && bytes.length === 0) {
		return {};
	}

	const inner = lookupType(anyType, url.slice(url.lastIndexOf('/') + 1));
	if (inner === undefined) {
		return {'@type': url, value: new Uint8Array(bytes)};
	}

	const json = messageJson(inner, inner.decode(bytes));
	return wellKnownTypes.has(fullName(inner)) ? {'@type': url, value: json} : {'@type': url, ...json as JsonObject};
}
