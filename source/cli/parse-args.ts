/*
The command line, parsed by node:util's parseArgs (no package to load at start). Its tokens keep
each option as typed, so that errors name `-Z` or `--no-check`, not a normalised name.
*/
import {parseArgs} from 'node:util';
import {UsageError} from '../shared/exit-codes.js';

/** One option of the flag table, meow-style: the key is the camelCase long name. */
export type FlagSpec = {
	readonly type: 'string' | 'boolean';
	readonly shortFlag?: string;
	readonly isMultiple?: boolean;
	readonly default?: boolean | readonly string[];
};

type FlagValue<Spec extends FlagSpec> = Spec['type'] extends 'boolean'
	? boolean
	: Spec['isMultiple'] extends true ? string[] : string | undefined;

export type FlagValues<Specs extends Record<string, FlagSpec>> = {
	-readonly [Name in keyof Specs]: FlagValue<Specs[Name]>;
};

export type CommandLine<Specs extends Record<string, FlagSpec>> = {
	/** `--help` or `-h` appeared anywhere before `--`: nothing else was checked. */
	readonly help: boolean;
	readonly version: boolean;
	/** The arguments that are not options, in order. */
	readonly input: readonly string[];
	readonly flags: FlagValues<Specs>;
	/** Each option given, as the user first typed it (`-n`, `--count`, `--no-history`). */
	readonly typed: ReadonlyMap<keyof Specs, string>;
};

export function kebab(name: string): string {
	return name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

function camel(name: string): string {
	return name.replaceAll(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** Parses `args` (argv without node and the script) against the flag table. */
export function parseCommandLine<Specs extends Record<string, FlagSpec>>(args: readonly string[], specs: Specs): CommandLine<Specs> {
	const options: Record<string, {type: 'string' | 'boolean'; short?: string; multiple?: boolean}> = {
		help: {type: 'boolean', short: 'h'},
		version: {type: 'boolean'},
	};
	for (const [name, spec] of Object.entries(specs)) {
		options[kebab(name)] = {type: spec.type, ...(spec.shortFlag === undefined ? {} : {short: spec.shortFlag})};
	}

	// Not strict: an unknown option becomes a token that is reported below as typed, and a string
	// option takes the next argument even when it starts with a dash (`-x -hello`).
	const {tokens} = parseArgs({args: [...args], options, strict: false, allowPositionals: true, tokens: true});
	const optionTokens = tokens.filter(token => token.kind === 'option');
	const help = optionTokens.some(token => token.name === 'help');
	const version = optionTokens.some(token => token.name === 'version');
	const flags: Record<string, unknown> = {};
	for (const [name, spec] of Object.entries(specs)) {
		flags[name] = spec.isMultiple === true ? [...(spec.default as readonly string[] | undefined ?? [])] : spec.default;
	}

	const typed = new Map<keyof Specs, string>();
	const input = tokens.flatMap(token => token.kind === 'positional' ? [token.value] : []);
	if (help || version) {
		return {help, version, input, flags: flags as FlagValues<Specs>, typed};
	}

	for (const token of optionTokens) {
		const negated = token.rawName.startsWith('--no-') && !(token.name in options);
		const name = negated ? camel(token.name.slice(3)) : camel(token.name);
		const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
		if (spec === undefined || (negated && spec.type !== 'boolean')) {
			throw new UsageError(`unknown option ${token.rawName} (see wsterm --help)`);
		}

		if (spec.type === 'boolean') {
			if (token.value !== undefined) {
				throw new UsageError(`${token.rawName} takes no value, not "${token.value}"`);
			}

			flags[name] = !negated;
		} else if (token.value === undefined) {
			throw new UsageError(`${token.rawName} needs a value`);
		} else if (spec.isMultiple === true) {
			(flags[name] as string[]).push(token.value);
		} else if (typed.has(name) && flags[name] !== token.value) {
			// Last-one-wins would hide a mistake (`--protocol jsonrpc --protocol stomp`).
			throw new UsageError(`${typed.get(name)!} given twice, with "${String(flags[name])}" and "${token.value}": give it once`);
		} else {
			flags[name] = token.value;
		}

		if (!typed.has(name)) {
			typed.set(name, token.rawName);
		}
	}

	return {help, version, input, flags: flags as FlagValues<Specs>, typed};
}
