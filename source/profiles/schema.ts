/*
A profile table checked: its keys are the client's long flag names (the caller gives their types,
from cli/'s flag table, so profiles/ knows no flag), plus `url`, `headers`, `vars`, `messages` and
`template`. An unknown key or a value of the wrong type is a UsageError naming the profile, the
key and the file. Nothing is expanded here (resolve.ts does that).
*/
import {UsageError} from '../shared/exit-codes.js';
import {describeValue, isTable, type ProfileTable, readVars} from './files.js';

/** What a flag key takes: true or false; a string; a number (or a string); one string or an array of them. */
export type KeyType = 'boolean' | 'string' | 'number' | 'strings';

/** The flag keys a profile may hold (long names, `ping-interval`), with their types. */
export type ProfileSchema = ReadonlyMap<string, KeyType>;

export type FlagValue = boolean | string | readonly string[];

/** A profile as written, checked: strings still hold their `{{…}}`. */
export type ProfileDefinition = {
	readonly name: string;
	readonly file: string;
	readonly url?: string;
	/** `headers`, in the file's order: [name, value]. */
	readonly headers: ReadonlyArray<readonly [string, string]>;
	/** The flag keys given, in the file's order: [long name, value]. */
	readonly options: ReadonlyArray<readonly [string, FlagValue]>;
	readonly vars: ReadonlyMap<string, string>;
	readonly messages: ReadonlyMap<string, string>;
	readonly template: boolean;
};

/** The keys every profile may hold besides the flags. */
export const ownKeys = ['url', 'headers', 'vars', 'messages', 'template'] as const;

function flagValue(key: string, type: KeyType, value: unknown, where: string): FlagValue {
	const wrong = (wanted: string): UsageError => new UsageError(`${where}: ${key} takes ${wanted}, not ${describeValue(value)}`);
	switch (type) {
		case 'boolean': {
			if (typeof value !== 'boolean') {
				throw wrong('true or false');
			}

			return value;
		}

		case 'number': {
			if (typeof value === 'number' || typeof value === 'string') {
				return String(value);
			}

			throw wrong('a number');
		}

		case 'string': {
			if (typeof value !== 'string') {
				throw wrong('a string');
			}

			return value;
		}

		default: {
			if (typeof value === 'string') {
				return [value];
			}

			if (!Array.isArray(value) || !value.every(item => typeof item === 'string')) {
				throw wrong('a string or an array of strings');
			}

			return value as string[];
		}
	}
}

/** A table of strings (`headers`, `messages`). */
function stringTable(key: string, value: unknown, where: string): Array<[string, string]> {
	if (!isTable(value)) {
		throw new UsageError(`${where}: ${key} is a table of NAME = "value", not ${describeValue(value)}`);
	}

	return Object.entries(value).map(([name, text]) => {
		if (typeof text !== 'string') {
			throw new UsageError(`${where}: ${key}.${name} takes a string, not ${describeValue(text)}`);
		}

		return [name, text];
	});
}

/** `headers`: a table of strings whose keys are header names (an HTTP token), so that a mistake names the profile. */
function headerTable(value: unknown, where: string): Array<[string, string]> {
	const headers = stringTable('headers', value, where);
	const wrong = headers.find(([name]) => !/^[!#$%&'*+.^`|~\w-]+$/.test(name));
	if (wrong !== undefined) {
		throw new UsageError(`${where}: headers has ${JSON.stringify(wrong[0])}, which is no header name (letters, digits and !#$%&'*+-.^_\`|~, no spaces)`);
	}

	return headers;
}

/** How a profile is named in its error lines. */
export function profileWhere(name: string, file: string): string {
	return `profile ${name} (${file})`;
}

/** The saved messages (`[profiles.NAME.messages]`) of `file`'s profile `name`, alone: the rest of its table is not read. */
export function readSavedMessages(name: string, file: string, table: ProfileTable): Map<string, string> {
	return table.messages === undefined ? new Map() : new Map(stringTable('messages', table.messages, profileWhere(name, file)));
}

/** The profile `name` of `file`, checked against `schema`. */
export function readDefinition(name: string, file: string, table: ProfileTable, schema: ProfileSchema): ProfileDefinition {
	const where = profileWhere(name, file);
	const options: Array<readonly [string, FlagValue]> = [];
	let definition: Omit<ProfileDefinition, 'options'> = {name, file, headers: [], vars: new Map(), messages: new Map(), template: false};
	for (const [key, value] of Object.entries(table)) {
		switch (key) {
			case 'url': {
				definition = {...definition, url: flagValue(key, 'string', value, where) as string};
				break;
			}

			case 'headers': {
				definition = {...definition, headers: headerTable(value, where)};
				break;
			}

			case 'vars': {
				definition = {...definition, vars: readVars(value, where)};
				break;
			}

			case 'messages': {
				definition = {...definition, messages: new Map(stringTable(key, value, where))};
				break;
			}

			case 'template': {
				definition = {...definition, template: flagValue(key, 'boolean', value, where) as boolean};
				break;
			}

			default: {
				const type = schema.get(key);
				if (type === undefined) {
					throw new UsageError(`${where}: unknown key "${key}" (a profile takes the client's long flag names, see wsterm --help, and url, headers, vars, messages, template)`);
				}

				options.push([key, flagValue(key, type, value, where)]);
			}
		}
	}

	return {...definition, options};
}
