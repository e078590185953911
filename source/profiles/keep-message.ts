/*
The session's `/keep NAME`: a message saved as `[profiles.PROFILE.messages]`'s NAME in the user's
own config file (never the project's wsterm.toml). The file is a person's, with their comments and
layout: the entry is written into its text (a line added or replaced), not by rewriting the whole
file from its parsed value (which would drop the comments), and the result is parsed and compared
with what was there before, so that a file it cannot edit that way is left as it is, with a reason.
*/
import {mkdir, readFile, rename, stat, writeFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {parse} from 'smol-toml';

/** A key as TOML writes it: bare when it can be, else quoted. */
function tomlKey(key: string): string {
	return /^[\w-]+$/.test(key) ? key : basicString(key);
}

/** TOML's basic string ("..."): backslash, quote and control characters escaped. */
function basicString(text: string): string {
	const escapes: Record<string, string> = {'\\': '\\\\', '"': '\\"', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r'};
	return `"${text.replaceAll(/[\\"\u0000-\u001F\u007F]/g, char => escapes[char] ?? `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`)}"`;
}

/** A message as a TOML string: a literal one ('...', JSON reads as written) when it can be, else a basic one. */
function tomlString(text: string): string {
	return /['\u0000-\u0008\u000A-\u001F\u007F]/.test(text) ? basicString(text) : `'${text}'`;
}

function escapeRegExp(text: string): string {
	return text.replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&');
}

/** A key of a dotted path, written any of the ways TOML allows: bare (when it can be), "quoted", 'literal'. */
function keyPattern(key: string): string {
	const quoted = escapeRegExp(key);
	return `(?:${/^[\w-]+$/.test(key) ? `${quoted}|` : ''}"${quoted}"|'${quoted}')`;
}

/** The value at `path` in a parsed TOML document, or undefined. */
function valueAt(document: unknown, path: readonly string[]): unknown {
	let value = document;
	for (const key of path) {
		value = typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
	}

	return value;
}

/** `document` without the message at `profiles.PROFILE.messages.NAME` (for comparing before and after). */
function withoutMessage(document: Record<string, unknown>, profile: string, name: string): unknown {
	const copy = structuredClone(document);
	const messages = valueAt(copy, ['profiles', profile, 'messages']);
	if (typeof messages === 'object' && messages !== null) {
		delete (messages as Record<string, unknown>)[name];
		if (Object.keys(messages).length === 0) {
			delete (valueAt(copy, ['profiles', profile]) as Record<string, unknown>)['messages'];
		}
	}

	const profiles = valueAt(copy, ['profiles']) as Record<string, unknown> | undefined;
	if (profiles?.[profile] !== undefined && Object.keys(profiles[profile] as object).length === 0) {
		delete profiles[profile];
	}

	if (profiles !== undefined && Object.keys(profiles).length === 0) {
		delete copy['profiles'];
	}

	return copy;
}

function parseToml(text: string, what: string): Record<string, unknown> {
	try {
		return parse(text) as Record<string, unknown>;
	} catch (error) {
		throw new Error(`${what} is not valid TOML (${(error as Error).message.split('\n')[0]!}): fix it first`, {cause: error});
	}
}

/** The comment at the end of a `key = value` line (` # why`), kept when its value is replaced; '' for none. */
function trailingComment(line: string): string {
	for (let hash = line.indexOf('#'); hash !== -1; hash = line.indexOf('#', hash + 1)) {
		try {
			// The first # after which the line before it is a whole TOML entry starts the comment (a # in a string does not).
			parse(line.slice(0, hash));
			return ` ${line.slice(hash).trimEnd()}`;
		} catch {}
	}

	return '';
}

/** What to write by hand, as valid TOML for the way the file writes profile `profile`'s messages. */
function byHand(source: string, profile: string, entry: string): string {
	if (/^\s*(?:messages|"messages"|'messages')\s*=\s*\{/m.test(source)) {
		return `add ${entry} inside the braces of profile ${profile}'s messages = { ... } by hand (after a comma)`;
	}

	if (/^\s*(?:messages|"messages"|'messages')\s*\./m.test(source)) {
		return `add messages.${entry} under [profiles.${tomlKey(profile)}] by hand`;
	}

	return `add ${entry} under [profiles.${tomlKey(profile)}.messages] by hand`;
}

/**
The text of a config file with `message` kept as `[profiles.PROFILE.messages]`'s NAME: the line
replaced if NAME is there, else added at the end of that table, else the table added at the end
of the file. Throws (an Error with a reason) when the file is not TOML, or the edit would change
anything else (the messages written another way, as an inline table).
*/
export function withKeptMessage(source: string, file: string, profile: string, name: string, message: string): string {
	const before = parseToml(source, file);
	const eol = source.includes('\r\n') ? '\r\n' : '\n';
	const lines = source === '' ? [] : source.split(/\r?\n/);
	const entry = `${tomlKey(name)} = ${tomlString(message)}`;
	const header = new RegExp(`^\\s*\\[\\s*${keyPattern('profiles')}\\s*\\.\\s*${keyPattern(profile)}\\s*\\.\\s*${keyPattern('messages')}\\s*\\]\\s*(?:#.*)?$`);
	const start = lines.findIndex(line => header.test(line));
	if (start === -1) {
		while (lines.length > 0 && lines.at(-1)!.trim() === '') {
			lines.pop();
		}

		lines.push(...lines.length === 0 ? [] : [''], `[${tomlKey('profiles')}.${tomlKey(profile)}.messages]`, entry, '');
	} else {
		const next = lines.findIndex((line, index) => index > start && /^\s*\[/.test(line));
		const end = next === -1 ? lines.length : next;
		const keyLine = new RegExp(`^\\s*${keyPattern(name)}\\s*=`);
		const existing = lines.findIndex((line, index) => index > start && index < end && keyLine.test(line));
		if (existing === -1) {
			let last = end - 1;
			while (last > start && lines[last]!.trim() === '') {
				last--;
			}

			lines.splice(last + 1, 0, entry);
		} else {
			lines[existing] = `${entry}${trailingComment(lines[existing]!)}`;
		}
	}

	const text = lines.join(eol);
	let after: Record<string, unknown> | undefined;
	try {
		after = parse(text) as Record<string, unknown>;
	} catch {}

	if (after === undefined || valueAt(after, ['profiles', profile, 'messages', name]) !== message || !isDeepStrictEqual(withoutMessage(after, profile, name), withoutMessage(before, profile, name))) {
		throw new Error(`cannot add the message to ${file} without changing the rest (are profile ${profile}'s messages written another way there?): ${byHand(source, profile, entry)}`);
	}

	return text;
}

/**
Keeps `message` as NAME among profile PROFILE's saved messages in `file` (the user's config.toml),
creating the file (mode 0600) and its directory if they are missing; the rest of the file stays as
it was. Resolves with whether NAME was there before; rejects with an Error saying why not.
*/
export async function keepMessage(file: string, profile: string, name: string, message: string): Promise<'added' | 'replaced'> {
	let source = '';
	let mode = 0o600;
	try {
		source = await readFile(file, 'utf8');
		mode = (await stat(file)).mode & 0o777;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw new Error(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {cause: error});
		}
	}

	const had = valueAt(parseToml(source, file), ['profiles', profile, 'messages', name]) !== undefined;
	const text = withKeptMessage(source, file, profile, name, message);
	// Written beside it, then renamed over it: a failure half-way leaves the file as it was.
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		await mkdir(dirname(file), {recursive: true, mode: 0o700});
		await writeFile(temporary, text, {mode});
		await rename(temporary, file);
	} catch (error) {
		throw new Error(`cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {cause: error});
	}

	return had ? 'replaced' : 'added';
}
