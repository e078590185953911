/*
--encode protobuf: a JSON value as the plain object protobufjs's fromObject takes, checked by the
proto3 JSON mapping's rules on the way. protobufjs's own fromObject makes do with what it is given
("abc" becomes 0, 1.5 becomes 1, an unknown enum name the default, "yes" true, -1 in a uint32
4294967295): here each of those is a ProtobufJsonError naming the field and why, and the line is not
sent. Well-known types take their canonical JSON (a Timestamp's RFC 3339 text, a Struct's plain
object, a BoolValue's plain bool, an Any's "@type"); field names are lowerCamelCase or the .proto's.
*/
import type protobuf from 'protobufjs';
import {scalarValue, ScalarError, shown} from './protobuf-scalars.js';
import {durationParts, fieldMaskPaths, type SecondsAndNanos, timestampParts, wellKnownTypes} from './protobuf-well-known.js';

/** A value a field cannot hold: the message names the field. */
export class ProtobufJsonError extends TypeError {
	override name = 'ProtobufJsonError';
}

type JsonObject = Record<string, unknown>;

/** The types nested in a message, and how deep: for an error's field path and the depth bound. */
type Where = {readonly path: string; readonly depth: number};

/** Nested messages at most (protobufjs's own bound is 100). */
const maxDepth = 100;

/** `value` as the plain object `type.fromObject` takes; throws a ProtobufJsonError. */
export function messageObject(type: protobuf.Type, value: unknown, where: Where = {path: '', depth: 0}): JsonObject {
	if (where.depth > maxDepth) {
		throw new ProtobufJsonError(`field "${where.path}": nested too deeply`);
	}

	const name = fullName(type);
	if (wellKnownTypes.has(name)) {
		return wellKnownObject(type, value, where);
	}

	if (!isPlainObject(value)) {
		throw new ProtobufJsonError(`${where.path === '' ? `a ${name} is a JSON object` : `field "${where.path}" (${name}): ${shown(value)} is not an object`}`);
	}

	const object: JsonObject = {};
	const oneofs = new Map<string, string>();
	for (const [key, item] of Object.entries(value)) {
		const field = fieldOf(type, key);
		const path = where.path === '' ? key : `${where.path}.${key}`;
		if (Object.hasOwn(object, field.name)) {
			throw new ProtobufJsonError(`field "${path}" is given twice`);
		}

		if (item === null && fullName(field.resolvedType) !== 'google.protobuf.Value' && fullName(field.resolvedType) !== 'google.protobuf.NullValue') {
			// null: the field is not set (its default).
			continue;
		}

		const oneof = field.partOf?.name;
		if (oneof !== undefined) {
			const other = oneofs.get(oneof);
			if (other !== undefined) {
				throw new ProtobufJsonError(`fields "${other}" and "${key}" are both of oneof "${oneof}": give one`);
			}

			oneofs.set(oneof, key);
		}

		object[field.name] = fieldValue(field, item, {path, depth: where.depth});
	}

	for (const field of type.fieldsArray) {
		if (field.required && !Object.hasOwn(object, field.name)) {
			const path = where.path === '' ? field.name : `${where.path}.${field.name}`;
			throw new ProtobufJsonError(`field "${path}" (${kindOf(field)}) is required`);
		}
	}

	return object;
}

/** The field a key names: as protobufjs names it (lowerCamelCase), or the .proto's snake_case. */
function fieldOf(type: protobuf.Type, key: string): protobuf.Field {
	const field = type.fields[key] ?? type.fields[key.replaceAll(/_([a-z\d])/g, (_match, letter: string) => letter.toUpperCase())];
	if (field === undefined || !Object.hasOwn(type.fields, field.name)) {
		throw new ProtobufJsonError(`${fullName(type)} has no field "${key}"`);
	}

	return field;
}

/** A field's value: a list, a map or one element. */
function fieldValue(field: protobuf.Field, value: unknown, where: Where): unknown {
	if (field.map) {
		const {keyType} = field as unknown as protobuf.MapField;
		if (!isPlainObject(value)) {
			throw new ProtobufJsonError(`field "${where.path}" (map<${keyType}, ${kindOf(field)}>): ${shown(value)} is not an object`);
		}

		return Object.fromEntries(Object.entries(value).map(([key, item]) => {
			const path = `${where.path}[${JSON.stringify(key)}]`;
			return [mapKey(keyType, key, path), element(field, item, {path, depth: where.depth})];
		}));
	}

	if (field.repeated) {
		if (!Array.isArray(value)) {
			throw new ProtobufJsonError(`field "${where.path}" (repeated ${kindOf(field)}): ${shown(value)} is not an array`);
		}

		return value.map((item, index) => element(field, item, {path: `${where.path}[${index}]`, depth: where.depth}));
	}

	return element(field, value, where);
}

/** A map's key (always a string in JSON) as its type has it. */
function mapKey(keyType: string, key: string, path: string): string {
	if (keyType === 'string') {
		return key;
	}

	if (keyType === 'bool') {
		if (key !== 'true' && key !== 'false') {
			throw new ProtobufJsonError(`field "${path}": the key ${JSON.stringify(key)} is not true or false`);
		}

		return key;
	}

	try {
		return String(scalarValue(keyType, key));
	} catch (error) {
		throw new ProtobufJsonError(`field "${path}": the key (${keyType}) ${(error as Error).message}`);
	}
}

/** One element of a field (a list's item, a map's value, or the field's one value). */
function element(field: protobuf.Field, value: unknown, where: Where): unknown {
	if (value === null && (field.repeated || field.map) && fullName(field.resolvedType) !== 'google.protobuf.Value') {
		throw new ProtobufJsonError(`field "${where.path}" (${kindOf(field)}): null is not allowed in a list or map`);
	}

	const resolved = field.resolvedType;
	if (resolved !== null && 'fields' in resolved) {
		return messageObject(resolved as protobuf.Type, value, {path: where.path, depth: where.depth + 1});
	}

	try {
		return resolved === null ? scalarValue(field.type, value) : enumValue(resolved as protobuf.Enum, value);
	} catch (error) {
		if (error instanceof ScalarError) {
			throw new ProtobufJsonError(`field "${where.path}" (${kindOf(field)}): ${error.message}`);
		}

		throw error;
	}
}

/** An enum's value: a name it has, or a number (any 32-bit one for an open enum, proto3's; one it has for proto2's). */
function enumValue(type: protobuf.Enum, value: unknown): number {
	if (value === null && fullName(type) === 'google.protobuf.NullValue') {
		return 0;
	}

	if (typeof value === 'string') {
		const number = Object.hasOwn(type.values, value) ? type.values[value] : undefined;
		if (number === undefined) {
			throw new ScalarError(`${shown(value)} is not a value of the enum`);
		}

		return number;
	}

	if (typeof value !== 'number' && typeof value !== 'bigint') {
		throw new ScalarError(`${shown(value)} is not a name or number of the enum`);
	}

	const number = Number(scalarValue('int32', value));
	const closed = (type as unknown as {_features?: {enum_type?: string}})._features?.enum_type === 'CLOSED';
	if (closed && !Object.values(type.values).includes(number)) {
		throw new ScalarError(`${number} is not a value of the enum`);
	}

	return number;
}

/** A well-known type from its canonical JSON. */
function wellKnownObject(type: protobuf.Type, value: unknown, where: Where): JsonObject {
	const name = fullName(type);
	try {
		switch (name) {
			case 'google.protobuf.Timestamp': {
				return longParts(timestampParts(value));
			}

			case 'google.protobuf.Duration': {
				return longParts(durationParts(value));
			}

			case 'google.protobuf.FieldMask': {
				return {paths: fieldMaskPaths(value)};
			}

			case 'google.protobuf.Struct': {
				if (!isPlainObject(value)) {
					throw new ScalarError(`${shown(value)} is not an object`);
				}

				return {fields: Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonValue(item, `${where.path}.${key}`)]))};
			}

			case 'google.protobuf.Value': {
				return jsonValue(value, where.path);
			}

			case 'google.protobuf.ListValue': {
				if (!Array.isArray(value)) {
					throw new ScalarError(`${shown(value)} is not an array`);
				}

				return {values: value.map((item, index) => jsonValue(item, `${where.path}[${index}]`))};
			}

			case 'google.protobuf.Any': {
				return anyObject(type, value, where);
			}

			case 'google.protobuf.Empty': {
				if (!isPlainObject(value) || Object.keys(value).length > 0) {
					throw new ScalarError(`${shown(value)} is not {}`);
				}

				return {};
			}

			default: {
				// The wrappers: the plain value of their one field.
				return {value: scalarValue(type.fields.value!.type, value)};
			}
		}
	} catch (error) {
		if (error instanceof ScalarError) {
			throw new ProtobufJsonError(where.path === '' ? `a ${name}: ${error.message}` : `field "${where.path}" (${name}): ${error.message}`);
		}

		throw error;
	}
}

function longParts({seconds, nanos}: SecondsAndNanos): JsonObject {
	return {seconds: seconds.toString(), nanos};
}

/** Any JSON value as a google.protobuf.Value's object. */
function jsonValue(value: unknown, path: string): JsonObject {
	if (value === null) {
		return {nullValue: 0};
	}

	if (typeof value === 'number' || typeof value === 'bigint') {
		const number = Number(value);
		if (!Number.isFinite(number)) {
			throw new ScalarError(`${shown(value)} cannot be a google.protobuf.Value (NaN and Infinity are not JSON)`);
		}

		return {numberValue: number};
	}

	if (typeof value === 'string') {
		return {stringValue: value};
	}

	if (typeof value === 'boolean') {
		return {boolValue: value};
	}

	if (value instanceof Uint8Array) {
		// {"$bytes": ...} read as bytes: in a Struct it is the object it was written as.
		return {structValue: {fields: {$bytes: {stringValue: Buffer.from(value).toString('base64')}}}};
	}

	if (Array.isArray(value)) {
		return {listValue: {values: value.map((item, index) => jsonValue(item, `${path}[${index}]`))}};
	}

	return {structValue: {fields: Object.fromEntries(Object.entries(value as JsonObject).map(([key, item]) => [key, jsonValue(item, `${path}.${key}`)]))}};
}

/**
An Any: "@type" names the message (its type URL), the other keys are its fields, or for a
well-known type, "value" its canonical JSON. A type not in the --proto files can come back as
wsterm prints it: {"@type": URL, "value": {"$bytes": ...}}, the message's bytes.
*/
function anyObject(anyType: protobuf.Type, value: unknown, where: Where): JsonObject {
	if (!isPlainObject(value)) {
		throw new ScalarError(`${shown(value)} is not an object`);
	}

	const {'@type': url, ...rest} = value;
	if (url === undefined && Object.keys(rest).length === 0) {
		return {};
	}

	if (typeof url !== 'string' || !url.includes('/')) {
		throw new ScalarError('an Any needs "@type", a type URL such as "type.googleapis.com/package.Message"');
	}

	const inner = lookupType(anyType, url.slice(url.lastIndexOf('/') + 1));
	if (inner === undefined) {
		const keys = Object.keys(rest);
		if (keys.length === 1 && rest.value instanceof Uint8Array) {
			return {type_url: url, value: rest.value};
		}

		throw new ScalarError(`"@type" names ${shown(url)}, a type not in the --proto files`);
	}

	const json = wellKnownTypes.has(fullName(inner)) ? ('value' in rest ? rest.value : {}) : rest;
	const object = messageObject(inner, json, {path: where.path === '' ? '(Any)' : where.path, depth: where.depth + 1});
	return {type_url: url, value: inner.encode(inner.fromObject(object)).finish()};
}

/** A message type by full name from the root `type` belongs to (protobufjs's lookup), or undefined. */
export function lookupType(type: protobuf.Type, name: string): protobuf.Type | undefined {
	try {
		const found = type.root.lookup(name);
		return found !== null && 'fields' in found ? found as protobuf.Type : undefined;
	} catch {
		return undefined;
	}
}

/** A type's full name without protobufjs's leading dot. */
export function fullName(type: protobuf.ReflectionObject | null): string {
	return type === null ? '' : type.fullName.replace(/^\./, '');
}

/** How an error line names a field's type: int32, t.Kind, t.Inner. */
function kindOf(field: protobuf.Field): string {
	return field.resolvedType === null ? field.type : fullName(field.resolvedType);
}

function isPlainObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
