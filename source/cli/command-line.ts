/*
The command line, parsed by meow against a flag table (flags.ts).

meow reads argv as yargs-parser does, which is not how this command has always read it: a string
option does not take a next argument that starts with a dash (`-x -hello`), `-nv` is -n and -v
rather than -n "v", a boolean takes a "true" or "false" that follows it, `--x="a"` loses its
quotes, and nothing says how an option was typed, which every error line names (`-Z`,
`--no-check`). So a thin pass (readTokens) first reads argv the POSIX way, as node:util's
parseArgs does: a string option takes the next argument whatever it is. It checks each option
against the table and notes how it was typed, then hands meow the options given, spelled so
that both readings agree (`--name value`, `--name=-value`, `--name`, `--no-name`); meow gives
their values, typed, and the others take the table's defaults. meow's help, version,
unknown-flag report and process title are kept out (see flagValues).
*/
import meow, {type AnyFlag, type AnyFlags, type TypedFlags} from 'meow';
import {UsageError} from '../shared/exit-codes.js';
import {camel, kebab, longName} from './flag-names.js';

export type CommandLine<Specs extends AnyFlags> = {
	/** `--help` or `-h` appeared anywhere before `--`: nothing else was checked. */
	readonly help: boolean;
	readonly version: boolean;
	/** The arguments that are not options, in order. */
	readonly input: readonly string[];
	readonly flags: TypedFlags<Specs>;
	/** Each option given, as the user first typed it (`-n`, `--count`, `--no-history`). */
	readonly typed: ReadonlyMap<keyof Specs, string>;
	/** An option as typed, else its long name (`--count`): for error lines. */
	readonly named: (name: keyof Specs & string) => string;
};

type Token =
	| {readonly kind: 'option'; readonly name: string; readonly rawName: string; readonly value?: string}
	| {readonly kind: 'positional'; readonly value: string};

/**
argv as options and arguments, by parseArgs' rules: `--` ends the options; `-abc` is `-a -b -c`
unless one of them takes a value, which is then the rest (`-vn3`: -v, -n 3); a string option
takes the next argument, dash or not; `--name=value` and `-nVALUE` carry theirs.
*/
function readTokens(args: readonly string[], takesValue: (name: string) => boolean, longOf: (short: string) => string): Token[] {
	const tokens: Token[] = [];
	const rest = [...args];
	for (let arg = rest.shift(); arg !== undefined; arg = rest.shift()) {
		if (arg === '--') {
			tokens.push(...rest.map(value => ({kind: 'positional', value}) as const));
			break;
		}

		if (arg.length >= 2 && arg.startsWith('-') && arg[1] !== '-') {
			const name = longOf(arg[1]!);
			if (arg.length === 2) {
				const value = takesValue(name) ? rest.shift() : undefined;
				tokens.push({kind: 'option', name, rawName: arg, ...(value === undefined ? {} : {value})});
			} else if (takesValue(name)) {
				tokens.push({kind: 'option', name, rawName: arg.slice(0, 2), value: arg.slice(2)});
			} else {
				rest.unshift(...shortGroup(arg, takesValue, longOf));
			}
		} else if (arg.length > 2 && arg.startsWith('--')) {
			const equals = arg.includes('=', 3) ? arg.indexOf('=') : -1;
			const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
			const value = equals === -1 ? (takesValue(name) ? rest.shift() : undefined) : arg.slice(equals + 1);
			tokens.push({kind: 'option', name, rawName: `--${name}`, ...(value === undefined ? {} : {value})});
		} else {
			tokens.push({kind: 'positional', value: arg});
		}
	}

	return tokens;
}

/** `-abc` as `-a -b -c`; a short option that takes a value takes the rest of the group (`-vn3`: -v -n3). */
function shortGroup(arg: string, takesValue: (name: string) => boolean, longOf: (short: string) => string): string[] {
	const expanded: string[] = [];
	for (let index = 1; index < arg.length; index++) {
		if (!takesValue(longOf(arg[index]!)) || index === arg.length - 1) {
			expanded.push(`-${arg[index]!}`);
		} else {
			expanded.push(`-${arg.slice(index)}`);
			break;
		}
	}

	return expanded;
}

/**
Checks each option against the table (the first mistake is a UsageError naming it as typed) and
collects the values: the last of a boolean, every one of a repeatable option, the one of another.
*/
function checkedOptions<Specs extends AnyFlags>(tokens: readonly Token[], specs: Specs, longNames: ReadonlySet<string>): {values: Map<string, boolean | string[]>; typed: Map<keyof Specs, string>} {
	const values = new Map<string, boolean | string[]>();
	const typed = new Map<keyof Specs, string>();
	for (const token of tokens) {
		if (token.kind !== 'option') {
			continue;
		}

		const negated = token.rawName.startsWith('--no-') && !longNames.has(token.name);
		const name = negated ? camel(token.name.slice(3)) : camel(token.name);
		const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
		if (spec === undefined || (negated && spec.type !== 'boolean')) {
			throw new UsageError(`unknown option ${token.rawName} (see wsterm --help)`);
		}

		const earlier = values.get(name);
		if (spec.type === 'boolean') {
			if (token.value !== undefined) {
				throw new UsageError(`${token.rawName} takes no value, not "${token.value}"`);
			}

			values.set(name, !negated);
		} else if (token.value === undefined) {
			throw new UsageError(`${token.rawName} needs a value`);
		} else if (spec.isMultiple === true || earlier === undefined) {
			values.set(name, [...(earlier as string[] | undefined ?? []), token.value]);
		} else if ((earlier as string[])[0] !== token.value) {
			// Last-one-wins would hide a mistake (`--protocol jsonrpc --protocol stomp`).
			throw new UsageError(`${typed.get(name)!} given twice, with "${(earlier as string[])[0]!}" and "${token.value}": give it once`);
		}

		if (!typed.has(name)) {
			typed.set(name, token.rawName);
		}
	}

	return {values, typed};
}

/** An option's value when it is not given: the table's default, else what meow gives (false, none). */
function defaultValue(spec: AnyFlag): unknown {
	if (spec.default !== undefined) {
		return Array.isArray(spec.default) ? [...spec.default] : spec.default;
	}

	return spec.isMultiple === true ? [] : (spec.type === 'boolean' ? false : undefined);
}

/**
meow's values for options already checked, spelled so that yargs-parser reads each as given: a
value starting with a dash after `=` (else it would not be taken as the value), any other value
as the next argument (after `=`, yargs-parser would strip quotes around it). meow is given only
the options on the line: its set-up work grows with the table (some 10 ms for all of it, at every
start), and the others take the table's defaults. It reads no package.json (pkg), shows no help
or version, and leaves unknown options to checkedOptions. It would also set the process title
from package.json's bin (with no package.json: to "", which blanks the command line ps shows),
so the title is held while it runs; it stays readable after, though setting it then no longer
reaches the system (nothing here or in the packages used sets it).
*/
function flagValues<Specs extends AnyFlags>(specs: Specs, values: ReadonlyMap<string, boolean | string[]>): TypedFlags<Specs> {
	const defaults = Object.entries(specs).flatMap(([name, spec]) => {
		const value = values.has(name) ? undefined : defaultValue(spec);
		return value === undefined ? [] : [[name, value] as const];
	});
	if (values.size === 0) {
		return Object.fromEntries(defaults) as TypedFlags<Specs>;
	}

	const argv = [...values].flatMap(([name, value]) => typeof value === 'boolean'
		? [value ? longName(name) : `--no-${kebab(name)}`]
		: value.flatMap(text => text.startsWith('-') ? [`${longName(name)}=${text}`] : [longName(name), text]));
	const title = Object.getOwnPropertyDescriptor(process, 'title');
	Object.defineProperty(process, 'title', {configurable: true, enumerable: true, get: () => title?.value as unknown, set() {}});
	try {
		const {flags} = meow({
			importMeta: import.meta,
			argv,
			flags: Object.fromEntries([...values.keys()].map(name => [name, specs[name]!])),
			pkg: {},
			help: false,
			description: false,
			autoHelp: false,
			autoVersion: false,
			allowUnknownFlags: true,
		});
		return {...Object.fromEntries(defaults), ...flags} as TypedFlags<Specs>;
	} finally {
		Object.defineProperty(process, 'title', title!);
	}
}

/** Parses `args` (argv without node and the script) against the flag table. */
export function parseCommandLine<Specs extends AnyFlags>(args: readonly string[], specs: Specs): CommandLine<Specs> {
	const longNames = new Set(['help', 'version', ...Object.keys(specs).map(name => kebab(name))]);
	const shortNames = new Map<string, string>([['h', 'help']]);
	for (const [name, spec] of Object.entries(specs)) {
		if (spec.shortFlag !== undefined) {
			shortNames.set(spec.shortFlag, kebab(name));
		}
	}

	const takesValue = (name: string): boolean => longNames.has(name) && specs[camel(name)]?.type === 'string';
	const tokens = readTokens(args, takesValue, short => shortNames.get(short) ?? short);
	const help = tokens.some(token => token.kind === 'option' && token.name === 'help');
	const version = tokens.some(token => token.kind === 'option' && token.name === 'version');
	const input = tokens.flatMap(token => token.kind === 'positional' ? [token.value] : []);
	const {values, typed} = help || version ? {values: new Map(), typed: new Map()} : checkedOptions(tokens, specs, longNames);
	return {
		help,
		version,
		input,
		flags: flagValues(specs, values),
		typed,
		named: name => typed.get(name) ?? longName(name),
	};
}
