/*
wsterm's `$` forms: how JSON says what it has no word for, both ways (json-view.ts writes them,
json-read.ts reads them back for --encode). Each form is an object with exactly these keys:

  {"$bytes": base64}  {"$float": "NaN"}  {"$date": RFC 3339}  {"$map": [[key, value], ...]}
  {"$set": [...]}  {"$undefined": true}  {"$simple": N}  {"$tag": N, "value": ...}
  {"$ext": N, "data": {"$bytes": ...}}

A decoded map with exactly one of these key sets is written as {"$map": [...]}, so that no two
different values print the same. The classes here are what --encode reads a form into, before a
codec makes its library's value of it (cbor.ts, msgpack.ts): JSON's reading knows no library.
*/

/** The key sets of the forms, sorted and joined by a comma. */
const formKeys = new Set(['$bytes', '$float', '$date', '$map', '$set', '$undefined', '$simple', '$tag,value', '$ext,data']);

/** The keys of a map are exactly those of a `$` form (so it must be written as {"$map": ...}). */
export function isFormShaped(keys: readonly unknown[]): boolean {
	return keys.length <= 2 && keys.every(key => typeof key === 'string') && formKeys.has([...keys as string[]].sort().join(','));
}

/**
An object's exact form for display, when it differs from the value hooks get: a msgpack map with
integer keys (hooks get an object, the view a Map that keeps 1 and "1" apart and the order), a
timestamp with nanoseconds (hooks get a Date).
*/
export const shownAs = Symbol('wsterm.shownAs');

/** An object that may carry its display form. */
export type WithShownAs = {[shownAs]?: unknown};

/** A form a codec's decoder made (written as its fields, never escaped as a user map would be). */
export class JsonForm {
	constructor(readonly fields: Readonly<Record<string, unknown>>) {}
}

/** {"$date": text}: a time as RFC 3339 text, checked when read. */
export class JsonDate {
	constructor(readonly text: string) {}
}

/** {"$tag": N, "value": ...}: a CBOR tag. */
export class JsonTagged {
	constructor(readonly tag: number | bigint, readonly value: unknown) {}
}

/** {"$ext": N, "data": bytes}: a msgpack extension type. */
export class JsonExtension {
	constructor(readonly type: number, readonly data: Uint8Array) {}
}

/** {"$simple": N}: a CBOR simple value. */
export class JsonSimple {
	constructor(readonly value: number) {}
}

/** {"$undefined": true} (a reviver cannot give undefined itself: it would delete the key). */
export const jsonUndefined = Object.freeze({undefined: true});

/** A form --encode read, named for an error line: `{"$tag":1,...}`. */
export function formName(value: JsonTagged | JsonExtension | JsonSimple | JsonDate): string {
	if (value instanceof JsonTagged) {
		return `{"$tag":${value.tag},...}`;
	}

	if (value instanceof JsonExtension) {
		return `{"$ext":${value.type},...}`;
	}

	return value instanceof JsonSimple ? `{"$simple":${value.value}}` : `{"$date":${JSON.stringify(value.text)}}`;
}
