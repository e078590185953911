/*
`wsterm profiles`: every profile of the project's wsterm.toml and the user's config.toml, with its
URL and its file, secrets as *** (profiles/list.ts).
*/
import {placesLooked, readProfileFiles} from '../profiles/files.js';
import {profileListing} from '../profiles/list.js';
import {exitCodes, UsageError} from '../shared/exit-codes.js';
import type {Io} from '../shared/io.js';
import {writeStdout} from '../shared/stdout-loss.js';
import type {ParsedLine} from './flags.js';
import {varsFromFlags} from '../profiles/vars.js';
import {profileSchema, type ProfileWorld} from './profile-line.js';

export async function runProfilesMode(line: ParsedLine, world: ProfileWorld, io: Pick<Io, 'stdout' | 'stderr'>): Promise<number> {
	if (line.input[1] !== undefined) {
		throw new UsageError(`wsterm profiles takes no argument, not "${line.input[1]}"`);
	}

	const option = [...line.typed.entries()].find(([name]) => name !== 'var')?.[1];
	if (option !== undefined) {
		throw new UsageError(`${option} does not apply to wsterm profiles (it takes --var only)`);
	}

	const files = await readProfileFiles(world);
	const scope = {cliVars: varsFromFlags(line.flags.var, line.named('var')), env: world.env, wallNow: world.wallNow, userConfigFile: undefined};
	// Waited for: the process exits right after, before a failed write would be heard of.
	const loss = await writeStdout(io.stdout, profileListing(files, profileSchema(), scope, placesLooked(world)));
	if (loss?.failureLine !== undefined) {
		io.stderr.write(`wsterm: ${loss.failureLine}\n`);
		return exitCodes.outputFailed;
	}

	return exitCodes.ok;
}
