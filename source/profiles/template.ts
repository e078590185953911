/*
Variables in text: `{{name}}` (a profile's or --var's), `{{env.NAME}}` (the environment) and the
built-ins `{{$uuid}}`, `{{$seq}}`, `{{$timestamp}}`, `{{$isoTime}}`, `{{$randomInt}}`. A name that
is not defined is an error naming it, never an empty string. Spaces inside the braces are allowed
(`{{ name }}`). Only text between `{{` and `}}` that looks like a name is a variable: `{{` alone,
or JSON such as `{{"a":1}}`, is left as it is.
*/
import {randomInt, randomUUID} from 'node:crypto';

export type TemplateScope = {
	/** Variables by name (a profile's, then --var's: the caller merges them). */
	readonly vars: ReadonlyMap<string, string>;
	readonly env: Readonly<Record<string, string | undefined>>;
	/** The run's counter for {{$seq}}: 1, 2, 3, ... for each use. */
	readonly nextSeq: () => number;
	/** Wall-clock time in ms since the epoch (Clock.wallNow). */
	readonly wallNow: () => number;
};

/** What expanding found: the text, or the first variable that is not defined. */
export type Expanded = {readonly text: string} | {readonly undefinedName: string};

const variable = /{{\s*([$]?[A-Za-z_][\w.-]*)\s*}}/g;

/** Whether `text` holds a variable at all (a cheap test before expanding each message). */
export function hasVariables(text: string): boolean {
	variable.lastIndex = 0;
	return variable.test(text);
}

/** The names `text` uses, in order, each once. */
export function variableNames(text: string): string[] {
	return [...new Set([...text.matchAll(variable)].map(match => match[1]!))];
}

function builtIn(name: string, scope: TemplateScope): string | undefined {
	switch (name) {
		case '$uuid': {
			return randomUUID();
		}

		case '$seq': {
			return String(scope.nextSeq());
		}

		case '$timestamp': {
			return String(Math.trunc(scope.wallNow()));
		}

		case '$isoTime': {
			return new Date(scope.wallNow()).toISOString();
		}

		case '$randomInt': {
			// Postman's range: 0 to 1000.
			return String(randomInt(0, 1001));
		}

		default: {
			return undefined;
		}
	}
}

function valueOf(name: string, scope: TemplateScope): string | undefined {
	if (name.startsWith('$')) {
		return builtIn(name, scope);
	}

	if (name.startsWith('env.')) {
		return scope.env[name.slice('env.'.length)];
	}

	return scope.vars.get(name);
}

/** `text` with its variables replaced; a value is inserted as it is (never expanded again). */
export function expandTemplate(text: string, scope: TemplateScope): Expanded {
	let missing: string | undefined;
	const expanded = text.replaceAll(variable, (whole, name: string) => {
		const value = missing === undefined ? valueOf(name, scope) : undefined;
		missing ??= value === undefined ? name : undefined;
		return value ?? whole;
	});
	return missing === undefined ? {text: expanded} : {undefinedName: missing};
}

/** `text` with the variables that have a value filled in, the others left as written (`wsterm profiles`, in a shell without a profile's token). */
export function expandWhatCan(text: string, scope: TemplateScope): string {
	return text.replaceAll(variable, (whole, name: string) => valueOf(name, scope) ?? whole);
}

/** A {{$seq}} counter starting at 1. */
export function sequence(): () => number {
	let next = 0;
	return () => ++next;
}

const builtInNames = ['$uuid', '$seq', '$timestamp', '$isoTime', '$randomInt'];

/** Why `name` has no value, in a few words for an error line: `{{room}} is not defined (--var room=VALUE sets it)`. */
export function undefinedVariable(name: string): string {
	if (name.startsWith('$')) {
		return `{{${name}}} is not a built-in (${builtInNames.join(', ')})`;
	}

	if (name.startsWith('env.')) {
		return `{{${name}}} is not defined (the environment has no ${name.slice('env.'.length)})`;
	}

	return `{{${name}}} is not defined (--var ${name}=VALUE sets it)`;
}
