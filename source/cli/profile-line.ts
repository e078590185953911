/*
The command line with its profile: `wsterm @NAME` (or --profile NAME) in the URL's place of any
mode (`wsterm @NAME`, `wsterm replay FILE @NAME`, `wsterm bench @NAME`). The profile's keys become
command-line options, parsed by the same parser as the user's own, and the two are merged: an
option on the command line wins over the profile's (a -H replaces the profile's header of the
same name; a repeatable option given replaces the profile's list). Keys a mode does not take
(--reconnect for bench) are left out for it. Files are read only when a profile is asked for
(profiles/files.ts); --var alone reads none.
*/
import {readFileSync} from 'node:fs';
import {dirname, isAbsolute, join} from 'node:path';
import {noProfile, type ProfileContext} from '../profiles/context.js';
import {type Places, placesLooked, readProfileFiles, type ReadText, userConfigPath} from '../profiles/files.js';
import {findDefinition, type ResolvedProfile, resolveDefinition, type ResolveScope} from '../profiles/resolve.js';
import type {KeyType, ProfileSchema} from '../profiles/schema.js';
import {varsFromFlags} from '../profiles/vars.js';
import {UsageError} from '../shared/exit-codes.js';
import {parseCommandLine} from './command-line.js';
import {kebab, longName} from './flag-names.js';
import {benchOnly, type FlagName, flagTable, notForBench, notForReplay, type ParsedLine, replayOnly, serveOnly} from './flags.js';

/** Flags whose values are numbers: a profile may write them as TOML numbers. */
const numberFlags = new Set<FlagName>(['connectTimeout', 'maxPayload', 'pingInterval', 'pingTimeout', 'maxRetries', 'closeTimeout', 'count', 'wait', 'linger', 'scrollback']);
/** Flags that are no profile key: another mode's, the profile's own choice, and header (a profile has a headers table). */
const notProfileKeys = new Set<FlagName>([...serveOnly, ...replayOnly, ...benchOnly, 'profile', 'var', 'template', 'message', 'header']);

/** Flags that name a file: a profile's relative path is from its file's directory (the project's root), wherever wsterm runs. */
const pathFlags = new Set(['ca', 'cert', 'key', 'initial', 'script', 'record', 'proto']);

/** The profile's file paths made relative to `file`'s directory. */
function withPathsFrom(file: string, {options, ...resolved}: ResolvedProfile): ResolvedProfile {
	const fromFile = (path: string): string => isAbsolute(path) ? path : join(dirname(file), path);
	return {
		...resolved,
		options: options.map(([key, value]) => [key, !pathFlags.has(key) || typeof value === 'boolean' ? value : (typeof value === 'string' ? fromFile(value) : value.map(path => fromFile(path)))] as const),
	};
}

/** The keys a profile may hold, from the flag table: the client's long flag names with their types. */
export function profileSchema(): ProfileSchema {
	return new Map(Object.entries(flagTable).flatMap(([name, spec]): Array<[string, KeyType]> => {
		if (notProfileKeys.has(name as FlagName)) {
			return [];
		}

		const type: KeyType = spec.type === 'boolean' ? 'boolean' : ('isMultiple' in spec ? 'strings' : (numberFlags.has(name as FlagName) ? 'number' : 'string'));
		return [[kebab(name), type]];
	}));
}

/** The mode a command line runs, as far as profiles care: where its URL goes, which flags it leaves out. */
function modeOf(input: readonly string[]): {readonly urlAt: number; readonly leftOut: readonly FlagName[]} | undefined {
	switch (input[0]) {
		case 'serve':
		case 'profiles': {
			return undefined;
		}

		case 'replay': {
			return {urlAt: 2, leftOut: notForReplay};
		}

		case 'bench': {
			return {urlAt: 1, leftOut: notForBench};
		}

		default: {
			return {urlAt: 0, leftOut: []};
		}
	}
}

/** The profile's flags as command-line arguments (`--name=value`), but those `leftOut` and those the command line gives. */
function profileArguments({headers, options}: ResolvedProfile, own: ParsedLine, leftOut: ReadonlySet<string>): string[] {
	const args: string[] = [];
	for (const [key, value] of options) {
		const name = key.replaceAll(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase()) as FlagName;
		if (leftOut.has(name) || own.typed.has(name)) {
			continue;
		}

		args.push(...(typeof value === 'boolean' ? [value ? `--${key}` : `--no-${key}`] : (typeof value === 'string' ? [value] : value).map(item => `--${key}=${item}`)));
	}

	const ownHeaders = new Set(own.flags.header.map(header => header.split(':', 1)[0]!.trim().toLowerCase()));
	if (!leftOut.has('header')) {
		args.push(...headers.filter(([name]) => !ownHeaders.has(name.toLowerCase())).map(([name, value]) => `--header=${name}: ${value}`));
	}

	return args;
}

/** `own` with the profile's options it does not give, and `input` (the profile's URL in its place). */
function mergedLine(own: ParsedLine, fromProfile: ParsedLine, input: readonly string[], profileName: string): ParsedLine {
	const flags: Record<string, unknown> = {...own.flags};
	const typed = new Map(own.typed);
	for (const name of fromProfile.typed.keys()) {
		flags[name] = name === 'header' ? [...fromProfile.flags.header, ...own.flags.header] : fromProfile.flags[name];
		if (!typed.has(name)) {
			// Error lines name the profile's key where the value came from it.
			typed.set(name, `${kebab(name)} (profile ${profileName})`);
		}
	}

	return {flags: flags as ParsedLine['flags'], input, typed, named: name => typed.get(name) ?? longName(name)};
}

/** The command line's input with the profile's URL at `urlAt` (for @NAME there, or when no URL is given). */
function inputWithUrl(input: readonly string[], urlAt: number, url: string | undefined, name: string, file: string): string[] {
	const given = input[urlAt];
	if (given !== undefined && !given.startsWith('@')) {
		return [...input];
	}

	if (url === undefined) {
		if (given === undefined) {
			return [...input];
		}

		throw new UsageError(`profile ${name} (${file}) has no url: add url = "ws://host:port/path" to it, or give a URL with --profile ${name}`);
	}

	return input.length < urlAt ? [...input] : [...input.slice(0, urlAt), url, ...input.slice(urlAt + 1)];
}

export type ProfiledLine = {
	readonly line: ParsedLine;
	/** What the run's modes take besides the flags: noProfile's fields with --var's variables without a profile. */
	readonly profile: ProfileContext;
};

export type ProfileWorld = Places & {readonly wallNow: () => number};

/** Reads a file, or undefined when there is none. */
export const readTextFile: ReadText = path => {
	try {
		return readFileSync(path, 'utf8');
	} catch (error) {
		const {code} = error as NodeJS.ErrnoException;
		if (code === 'ENOENT' || code === 'ENOTDIR') {
			return undefined;
		}

		throw new UsageError(`cannot read ${path} (${code ?? (error as Error).message})`);
	}
};

/** `line` with the profile it asks for merged in; without one, `line` as it is. */
export async function withProfile(line: ParsedLine, world: ProfileWorld): Promise<ProfiledLine> {
	const scope: ResolveScope = {cliVars: varsFromFlags(line.flags.var, line.named('var')), env: world.env, wallNow: world.wallNow, userConfigFile: userConfigPath(world.env)};
	const unprofiled: ProfileContext = {...noProfile, vars: scope.cliVars, userConfigFile: scope.userConfigFile};
	const mode = modeOf(line.input);
	const atName = mode === undefined ? undefined : line.input[mode.urlAt]?.match(/^@(.+)$/)?.[1];
	const flagName = line.flags.profile;
	if (atName !== undefined && flagName !== undefined && atName !== flagName) {
		throw new UsageError(`@${atName} and ${line.named('profile')} ${flagName} name two profiles: give one`);
	}

	const name = atName ?? flagName;
	if (mode === undefined || name === undefined) {
		return {line, profile: unprofiled};
	}

	const files = await readProfileFiles(world);
	const schema = profileSchema();
	const {definition, file} = findDefinition(files, name, schema, placesLooked(world));
	const resolved = withPathsFrom(file.path, resolveDefinition(definition, file.vars, scope));
	const fromProfile = parseCommandLine(profileArguments(resolved, line, new Set(mode.leftOut)), flagTable);
	const input = inputWithUrl(line.input, mode.urlAt, resolved.url, name, file.path);
	return {line: mergedLine(line, fromProfile, input, name), profile: resolved.context};
}
