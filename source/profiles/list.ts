/*
`wsterm profiles`: every profile, its URL and the file it comes from, one line each, its secrets
shown as `***`. A profile defined in both files is listed once, from the project's file (the one
that wins). Pure: the files are already read.
*/
import {isUsageError} from '../shared/exit-codes.js';
import type {ProfileFile} from './files.js';
import {redact, redactUrlPassword} from './redact.js';
import {resolveDefinition, type ResolveScope} from './resolve.js';
import {type ProfileSchema, readDefinition} from './schema.js';
import {expandWhatCan, sequence, variableNames} from './template.js';

type Row = {readonly name: string; readonly url: string; readonly file: string};

/** A profile's URL as shown: its variables filled in where they can be (else as written), no secrets. */
function shownUrl(name: string, file: ProfileFile, schema: ProfileSchema, scope: ResolveScope): string {
	const definition = readDefinition(name, file.path, file.profiles.get(name)!, schema);
	if (definition.url === undefined) {
		return '(no url)';
	}

	try {
		// The URL alone: a header's {{env.TOKEN}} not set here does not keep it from being filled in.
		const {url, context} = resolveDefinition({...definition, headers: [], options: []}, file.vars, scope);
		return redactUrlPassword(redact(url!, context.secrets));
	} catch (error) {
		// A variable not set here ({{env.TOKEN}} in another shell) still lists the profile, with the others filled in.
		if (isUsageError(error)) {
			const vars = new Map([...file.vars, ...definition.vars, ...scope.cliVars]);
			const filled = expandWhatCan(definition.url, {vars, env: scope.env, nextSeq: sequence(), wallNow: scope.wallNow});
			const fromEnvironment = variableNames(definition.url).filter(variable => variable.startsWith('env.')).flatMap(variable => scope.env[variable.slice('env.'.length)] ?? []);
			return redactUrlPassword(redact(filled, fromEnvironment));
		}

		throw error;
	}
}

/** The listing's text; `looked` says where files were looked for when there is none. */
export function profileListing(files: readonly ProfileFile[], schema: ProfileSchema, scope: ResolveScope, looked: string): string {
	const rows: Row[] = [];
	const seen = new Set<string>();
	for (const file of files) {
		for (const name of file.profiles.keys()) {
			if (!seen.has(name)) {
				seen.add(name);
				rows.push({name, url: shownUrl(name, file, schema, scope), file: file.path});
			}
		}
	}

	if (rows.length === 0) {
		return files.length === 0 ? `no profiles: no file found (looked for ${looked})\n` : `no profiles in ${files.map(file => file.path).join(', ')}\n`;
	}

	const nameWidth = Math.max(...rows.map(row => row.name.length));
	const urlWidth = Math.max(...rows.map(row => row.url.length));
	return rows.map(row => `${row.name.padEnd(nameWidth)}  ${row.url.padEnd(urlWidth)}  ${row.file}\n`).join('');
}
