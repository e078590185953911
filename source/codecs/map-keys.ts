/*
Map keys a JavaScript object would change: a number key becomes a string (so 1 and "1" become one
key), and an integer-like string key ("1") moves before the others. A decoder (msgpack's
mapKeyConverter) or a reader of JSON (json-read.ts) marks such keys while it builds objects;
plainObjects then gives each object that had one the keys hooks expect (strings, as before) and,
as its shownAs, a Map of its exact entries, which the display and the encoders read.
*/
import {randomUUID} from 'node:crypto';
import {shownAs, type WithShownAs} from './json-forms.js';

/** Keys marked while one value is built; the marker holds a random part no network text will have. */
export class MarkedKeys {
	/** Some key was marked since the last reset: the value needs plainObjects. */
	seen = false;
	readonly #marker = `\u0000wsterm-${randomUUID()}:`;

	/** A map key as the object's property name: marked when the object would change it. */
	readonly convert = (key: unknown): string => {
		if (typeof key === 'string') {
			return isIndexLike(key) ? this.#mark(`s${key}`) : key;
		}

		if (typeof key === 'number' || typeof key === 'bigint') {
			return this.#mark(`${typeof key === 'number' ? 'n' : 'b'}${key}`);
		}

		throw new TypeError(`The type of key must be string or number but ${typeof key}`);
	};

	reset(): void {
		this.seen = false;
	}

	/** The key a property name stands for: the marked key, or the name itself. */
	key(name: string): unknown {
		if (!name.startsWith(this.#marker)) {
			return name;
		}

		const text = name.slice(this.#marker.length + 1);
		switch (name[this.#marker.length]) {
			case 'n': {
				return Number(text);
			}

			case 'b': {
				return BigInt(text);
			}

			default: {
				return text;
			}
		}
	}

	isMarked(name: string): boolean {
		return name.startsWith(this.#marker);
	}

	#mark(text: string): string {
		this.seen = true;
		return `${this.#marker}${text}`;
	}
}

export function markedKeys(): MarkedKeys {
	return new MarkedKeys();
}

/** A string a JavaScript object puts before its other keys (an array index). */
export function isIndexLike(key: string): boolean {
	// Most keys start with a letter: the first character answers for them, before any pattern.
	const first = key.codePointAt(0) ?? 0;
	return first >= 0x30 && first <= 0x39 && /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < (2 ** 32) - 1;
}

/**
`value` with each object holding marked keys made plain (string keys; of two keys that say the
same, the last) and given its exact entries as shownAs; nested values too. Arrays and objects
without marks are changed in place.
*/
export function plainObjects(value: unknown, keys: MarkedKeys): unknown {
	if (Array.isArray(value)) {
		for (const [index, item] of value.entries()) {
			value[index] = plainObjects(item, keys);
		}

		return value;
	}

	if (value instanceof Map) {
		return new Map([...(value as Map<unknown, unknown>)].map(([key, item]) => [plainObjects(key, keys), plainObjects(item, keys)]));
	}

	if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
		return value;
	}

	const object = value as Record<string, unknown>;
	const names = Object.keys(object);
	if (!names.some(name => keys.isMarked(name))) {
		for (const name of names) {
			object[name] = plainObjects(object[name], keys);
		}

		return object;
	}

	const entries = names.map(name => [keys.key(name), plainObjects(object[name], keys)] as [unknown, unknown]);
	const plain: Record<string, unknown> & WithShownAs = {};
	for (const [key, item] of entries) {
		plain[String(key)] = item;
	}

	plain[shownAs] = new Map(entries);
	return plain;
}

/** An object's entries in their exact order and types: its shownAs Map's, else its own. */
export function exactEntries(object: object): Array<[unknown, unknown]> {
	const shown = (object as WithShownAs)[shownAs];
	return shown instanceof Map ? [...(shown as Map<unknown, unknown>)] : Object.entries(object);
}
