/*
`wsterm profiles`: every profile of the project's wsterm.toml and the user's config.toml, with its
URL and its file, secrets as *** (profiles/list.ts).
*/
import {placesLooked, readProfileFiles} from '../profiles/files.js';
import {profileListing} from '../profiles/list.js';
import {exitCodes, UsageError} from '../shared/exit-codes.js';
import type {Io} from '../shared/io.js';
import type {ParsedLine} from './flags.js';
import {commandLineVars, profileSchema, type ProfileWorld} from './profile-line.js';

export async function runProfilesMode(line: ParsedLine, world: ProfileWorld, io: Pick<Io, 'stdout'>): Promise<number> {
	const unexpected = line.input[1] ?? [...line.typed.entries()].find(([name]) => name !== 'var')?.[1];
	if (unexpected !== undefined) {
		throw new UsageError(`wsterm profiles takes no ${line.input[1] === undefined ? 'option' : 'argument'} but --var, not "${unexpected}"`);
	}

	const files = await readProfileFiles(world);
	const scope = {cliVars: commandLineVars(line.flags.var, line.named('var')), env: world.env, wallNow: world.wallNow, userConfigFile: undefined};
	io.stdout.write(profileListing(files, profileSchema(), scope, placesLooked(world)));
	return exitCodes.ok;
}
