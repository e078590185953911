/*
The profile files: where they are, read and parsed. The project's `wsterm.toml` (the current
directory or the nearest parent) comes first, then the user's `$XDG_CONFIG_HOME/wsterm/config.toml`.
Files are read through a function passed in (cli/ gives the real one), and smol-toml is loaded
only here, when a file is read: a run that asks for no profile never reaches this module's work.
*/
import {dirname, join} from 'node:path';
import {UsageError} from '../shared/exit-codes.js';

/** A file's text, or undefined when there is no such file (any other failure throws). */
export type ReadText = (path: string) => string | undefined;

/** A profile table as the file wrote it, checked later (schema.ts) when it is used or listed. */
export type ProfileTable = Readonly<Record<string, unknown>>;

export type ProfileFile = {
	readonly path: string;
	/** The file's `[vars]`. */
	readonly vars: ReadonlyMap<string, string>;
	/** `[profiles.NAME]` by name, in the file's order. */
	readonly profiles: ReadonlyMap<string, ProfileTable>;
};

export type Places = {
	/** Where the nearest wsterm.toml is looked for first. */
	readonly cwd: string;
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly readText: ReadText;
};

export const projectFileName = 'wsterm.toml';

/** The user's config file: `$XDG_CONFIG_HOME/wsterm/config.toml`, else `~/.config/wsterm/config.toml`; only a path, nothing is read. */
export function userConfigPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
	const home = env.HOME ?? env.USERPROFILE;
	const configHome = env.XDG_CONFIG_HOME === undefined || env.XDG_CONFIG_HOME === '' ? (home === undefined ? undefined : join(home, '.config')) : env.XDG_CONFIG_HOME;
	return configHome === undefined ? undefined : join(configHome, 'wsterm', 'config.toml');
}

/** The nearest wsterm.toml from `cwd` upwards, with its text. */
function projectFile({cwd, readText}: Places): {readonly path: string; readonly text: string} | undefined {
	for (let directory = cwd; ; directory = dirname(directory)) {
		const path = join(directory, projectFileName);
		const text = readText(path);
		if (text !== undefined) {
			return {path, text};
		}

		if (dirname(directory) === directory) {
			return undefined;
		}
	}
}

/** What a TOML value is, for error lines. */
export function describeValue(value: unknown): string {
	if (Array.isArray(value)) {
		return 'an array';
	}

	if (value instanceof Date) {
		return 'a date';
	}

	return typeof value === 'object' && value !== null ? 'a table' : `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${JSON.stringify(value)}`;
}

export function isTable(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A table of variables (`[vars]`, a profile's `vars`): strings, numbers and booleans, as text. */
export function readVars(table: unknown, where: string): Map<string, string> {
	if (!isTable(table)) {
		throw new UsageError(`${where}: vars is a table of NAME = "value", not ${describeValue(table)}`);
	}

	return new Map(Object.entries(table).map(([name, value]) => {
		if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
			throw new UsageError(`${where}: vars.${name} takes a string, not ${describeValue(value)}`);
		}

		return [name, String(value)];
	}));
}

/** A file's text parsed; a TOML mistake is a UsageError naming the file, line and column. */
async function parseFile(path: string, text: string): Promise<ProfileFile> {
	const {parse, TomlError} = await import('smol-toml');
	let document: Record<string, unknown>;
	try {
		document = parse(text);
	} catch (error) {
		if (error instanceof TomlError) {
			const [reason] = error.message.replace(/^Invalid TOML document: /, '').split('\n');
			throw new UsageError(`${path}:${error.line}:${error.column}: ${reason!} (not valid TOML)`);
		}

		throw error;
	}

	for (const key of Object.keys(document)) {
		if (key !== 'vars' && key !== 'profiles') {
			throw new UsageError(`${path}: unknown key "${key}" (a profile file holds [vars] and [profiles.NAME] tables)`);
		}
	}

	const profiles = document.profiles ?? {};
	if (!isTable(profiles) || !Object.values(profiles).every(profile => isTable(profile))) {
		throw new UsageError(`${path}: profiles holds tables, [profiles.NAME]`);
	}

	return {
		path,
		vars: document.vars === undefined ? new Map() : readVars(document.vars, `${path}: [vars]`),
		profiles: new Map(Object.entries(profiles) as Array<[string, ProfileTable]>),
	};
}

/** The files that exist, the project's first; a mistake in one is a UsageError. */
export async function readProfileFiles(places: Places): Promise<ProfileFile[]> {
	const project = projectFile(places);
	const userPath = userConfigPath(places.env);
	const userText = userPath === undefined ? undefined : places.readText(userPath);
	const found = [project, userText === undefined ? undefined : {path: userPath!, text: userText}];
	return Promise.all(found.filter(file => file !== undefined).map(async file => parseFile(file.path, file.text)));
}

/** Where profiles were looked for, for a line that says none was found. */
export function placesLooked(places: Pick<Places, 'cwd' | 'env'>): string {
	const user = userConfigPath(places.env);
	return `${projectFileName} in ${places.cwd} or above${user === undefined ? '' : `, ${user}`}`;
}
