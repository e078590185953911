/*
`--var NAME=VALUE` (repeatable) as the variables it sets, and the variables a run's templates see:
the files' and the profile's (ProfileContext.vars), with --var's over them.
*/
import {UsageError} from '../shared/exit-codes.js';

/** A variable's name, as `{{name}}` can use it (template.ts's rule); `env.` names the environment. */
const variableName = /^[A-Za-z_][\w.-]*$/;

/**
--var's values as variables, later ones winning; `flag` is --var as typed, for the error line.
A value without `=`, or with a name `{{name}}` could not use, is a usage error.
*/
export function varsFromFlags(values: readonly string[], flag = '--var'): Map<string, string> {
	const vars = new Map<string, string>();
	for (const value of values) {
		const separator = value.indexOf('=');
		const name = separator === -1 ? '' : value.slice(0, separator);
		if (!variableName.test(name)) {
			throw new UsageError(`${flag} takes NAME=VALUE (a name of letters, digits, _, - and ., not starting with a digit), not "${value}"`);
		}

		if (name.startsWith('env.')) {
			throw new UsageError(`${flag} ${name}: {{env.NAME}} is the environment's NAME; give another name`);
		}

		vars.set(name, value.slice(separator + 1));
	}

	return vars;
}

/** The variables a run's templates see: `profileVars` (the files', the profile's), then `flagVars` (--var's) over them. */
export function mergeVars(profileVars: ReadonlyMap<string, string>, flagVars: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
	return flagVars.size === 0 ? profileVars : new Map([...profileVars, ...flagVars]);
}
