/*
A profile made ready for a run: found in the files (the project's first), its `{{…}}` expanded
(template.ts) with the merged variables (`[vars]`, then the profile's `vars`, then --var), and the
values never to print collected. Pure: the files are already read.
*/
import {UsageError} from '../shared/exit-codes.js';
import type {ProfileContext} from './context.js';
import type {ProfileFile} from './files.js';
import {type FlagValue, type ProfileDefinition, profileWhere, type ProfileSchema, readDefinition, readSavedMessages} from './schema.js';
import {expandTemplate, sequence, type TemplateScope, variableNames} from './template.js';

export type ResolveScope = {
	/** `--var NAME=VALUE`, which wins over the files' variables. */
	readonly cliVars: ReadonlyMap<string, string>;
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Wall-clock ms since the epoch, for {{$timestamp}} and {{$isoTime}}. */
	readonly wallNow: () => number;
	readonly userConfigFile: string | undefined;
};

/** A profile's flags with their variables filled in, and what else it gives the run. */
export type ResolvedProfile = {
	readonly url?: string;
	readonly headers: ReadonlyArray<readonly [string, string]>;
	readonly options: ReadonlyArray<readonly [string, FlagValue]>;
	readonly context: ProfileContext;
};

/** Headers whose values are credentials wherever they come from. */
const secretHeaders = new Set(['authorization', 'proxy-authorization', 'cookie']);
/** Keys whose values are URLs: those keep their shape when shown, only the values from the environment (and a password) as ***. */
const urlKeys = new Set(['url', 'proxy']);
/** Flag keys whose values are credentials. */
const secretOptions = new Set(['auth', 'cookie', 'passphrase']);

/** The profile `name` from the first file that has it, checked against `schema`, with the saved messages of the later files' profile `name` over its own. */
export function findDefinition(files: readonly ProfileFile[], name: string, schema: ProfileSchema, looked: string): {readonly definition: ProfileDefinition; readonly file: ProfileFile} {
	const file = files.find(candidate => candidate.profiles.has(name));
	if (file === undefined) {
		const known = [...new Set(files.flatMap(candidate => [...candidate.profiles.keys()]))];
		const where = files.length === 0 ? `: no profile file found (looked for ${looked})` : ` in ${files.map(candidate => candidate.path).join(' or ')}`;
		throw new UsageError(`no profile "${name}"${where}${known.length === 0 ? '' : `; there are ${known.join(', ')}`}`);
	}

	const definition = readDefinition(name, file.path, file.profiles.get(name)!, schema);
	// The user's own messages for the project's profile (what /keep saved there) join the project's, the user's winning.
	const others = files.filter(candidate => candidate !== file && candidate.profiles.has(name));
	const messages = new Map([definition.messages, ...others.map(other => readSavedMessages(name, other.path, other.profiles.get(name)!))].flatMap(table => [...table]));
	return {definition: {...definition, messages}, file};
}

/** The reason a variable has no value, for an error line. */
function undefinedLine(name: string): string {
	if (name.startsWith('env.')) {
		return `uses {{${name}}}, and the environment variable ${name.slice('env.'.length)} is not set`;
	}

	if (name.startsWith('$')) {
		return `uses {{${name}}}, which is no built-in ($uuid, $seq, $timestamp, $isoTime, $randomInt)`;
	}

	return `uses {{${name}}}, which is not defined (define it in [vars] or the profile's vars, or give --var ${name}=VALUE)`;
}

/** The values `text` takes from the environment ({{env.NAME}}). */
function environmentValues(text: string, env: ResolveScope['env']): string[] {
	return variableNames(text).filter(name => name.startsWith('env.')).flatMap(name => {
		const value = env[name.slice('env.'.length)];
		return value === undefined || value === '' ? [] : [value];
	});
}

/** The password of a URL written with one (`wss://user:password@host/`). */
function urlPassword(url: string): string[] {
	try {
		const {password} = new URL(url);
		return password === '' ? [] : [...new Set([password, decodeURIComponent(password)])];
	} catch {
		return [];
	}
}

/** `definition` with its variables filled in; `fileVars` are its file's `[vars]`. */
export function resolveDefinition(definition: ProfileDefinition, fileVars: ReadonlyMap<string, string>, scope: ResolveScope): ResolvedProfile {
	const where = profileWhere(definition.name, definition.file);
	const vars = new Map([...fileVars, ...definition.vars, ...scope.cliVars]);
	const templateScope: TemplateScope = {vars, env: scope.env, nextSeq: sequence(), wallNow: scope.wallNow};
	const secrets: string[] = [];
	const expand = (text: string, key: string, secret = false): string => {
		const expanded = expandTemplate(text, templateScope);
		if ('undefinedName' in expanded) {
			throw new UsageError(`${where}: ${key} ${undefinedLine(expanded.undefinedName)}`);
		}

		const fromEnvironment = environmentValues(text, scope.env);
		// A URL's environment values alone: shown as ws://***.example.com/, not *** for the whole URL.
		const whole = secret || (fromEnvironment.length > 0 && !urlKeys.has(key));
		secrets.push(...fromEnvironment, ...(whole ? [expanded.text] : []));
		return expanded.text;
	};

	const url = definition.url === undefined ? undefined : expand(definition.url, 'url');
	secrets.push(...urlPassword(url ?? ''));
	const headers = definition.headers.map(([name, value]) => [name, expand(value, `headers.${name}`, secretHeaders.has(name.toLowerCase()))] as const);
	const options = definition.options.map(([key, value]) => {
		const secret = secretOptions.has(key);
		const expanded: FlagValue = typeof value === 'boolean' ? value : (typeof value === 'string' ? expand(value, key, secret) : value.map(item => expand(item, key, secret)));
		if (key === 'auth' && typeof expanded === 'string' && expanded.includes(':')) {
			// The password alone too: an error line may show it without the user name.
			secrets.push(expanded.slice(expanded.indexOf(':') + 1));
		}

		return [key, expanded] as const;
	});
	return {
		...(url === undefined ? {} : {url}),
		headers,
		options,
		context: {
			profile: {name: definition.name, file: definition.file},
			vars,
			savedMessages: definition.messages,
			template: definition.template,
			secrets: [...new Set(secrets.filter(secret => secret !== ''))],
			userConfigFile: scope.userConfigFile,
		},
	};
}
