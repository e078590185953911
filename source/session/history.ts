/*
Input history: what was sent, newest last, browsed with up/down and searched with Ctrl-R.
The state is a value changed by `historyReducer`; reading and writing the file are separate
functions so that the reducer can be tested without a disk.
*/
import {chmod, mkdir, open, readFile, rename, rm, stat} from 'node:fs/promises';
import {dirname, join} from 'node:path';

/** Most entries kept, in memory and in the file. */
export const historyLimit = 1000;
/** Longest entry kept: a pasted megabyte does not belong in a history file. */
export const historyEntryLimit = 64 * 1024;

export type History = {
	/** Oldest first. */
	readonly entries: readonly string[];
	/** The entry being shown while browsing; undefined: not browsing. */
	readonly index: number | undefined;
	/** What was typed before browsing started, given back when browsing goes past the newest. */
	readonly draft: string;
};

export type HistoryAction =
	| {readonly type: 'add'; readonly text: string}
	| {readonly type: 'previous'; readonly current: string}
	| {readonly type: 'next'}
	| {readonly type: 'reset'};

export function createHistory(entries: readonly string[] = [], limit = historyLimit): History {
	return {entries: entries.slice(-limit), index: undefined, draft: ''};
}

export function historyReducer(state: History, action: HistoryAction, limit = historyLimit): History {
	switch (action.type) {
		case 'add': {
			const {text} = action;
			// Blank lines, huge pastes and a repeat of the last entry add nothing.
			if (text.trim() === '' || text.length > historyEntryLimit || state.entries.at(-1) === text) {
				return {...state, index: undefined, draft: ''};
			}

			const entries = [...state.entries, text];
			return {entries: entries.length > limit ? entries.slice(-limit) : entries, index: undefined, draft: ''};
		}

		case 'previous': {
			if (state.entries.length === 0 || state.index === 0) {
				return state;
			}

			if (state.index === undefined) {
				return {...state, index: state.entries.length - 1, draft: action.current};
			}

			return {...state, index: state.index - 1};
		}

		case 'next': {
			if (state.index === undefined) {
				return state;
			}

			return state.index + 1 >= state.entries.length
				? {...state, index: undefined}
				: {...state, index: state.index + 1};
		}

		case 'reset': {
			return state.index === undefined ? state : {...state, index: undefined, draft: ''};
		}
	}
}

/** The text to put in the input line for the current browsing position. */
export function historyText(state: History): string {
	return state.index === undefined ? state.draft : state.entries[state.index] ?? '';
}

/**
The index of the newest entry older than `before` that contains `query` (case-insensitive),
or undefined. Ctrl-R again passes the last match as `before` to go further back.
*/
export function searchHistory(entries: readonly string[], query: string, before = entries.length): number | undefined {
	const needle = query.toLowerCase();
	for (let index = Math.min(before, entries.length) - 1; index >= 0; index--) {
		if (entries[index]!.toLowerCase().includes(needle)) {
			return index;
		}
	}

	return undefined;
}

/** `$XDG_STATE_HOME/wsterm/history`, or `~/.local/state/wsterm/history`; undefined without a home. */
export function historyPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
	const state = env.XDG_STATE_HOME;
	if (state !== undefined && state.startsWith('/')) {
		return join(state, 'wsterm', 'history');
	}

	return env.HOME === undefined || env.HOME === '' ? undefined : join(env.HOME, '.local', 'state', 'wsterm', 'history');
}

/**
One entry a line, as a JSON string, so that multi-line entries survive. Lines that do not parse
(a damaged file) are skipped; a missing file is an empty history.
*/
export function parseHistoryFile(content: string, limit = historyLimit): string[] {
	const entries: string[] = [];
	for (const line of content.split('\n')) {
		if (line === '') {
			continue;
		}

		try {
			const entry: unknown = JSON.parse(line);
			if (typeof entry === 'string' && entries.at(-1) !== entry) {
				entries.push(entry);
			}
		} catch {}
	}

	return entries.slice(-limit);
}

export function formatHistoryFile(entries: readonly string[]): string {
	return entries.map(entry => `${JSON.stringify(entry)}\n`).join('');
}

export type LoadedHistory = {
	/** Oldest first, at most `limit`. */
	readonly entries: string[];
	/** Why the file could not be read (a missing file is no problem: an empty history). */
	readonly problem?: string;
};

/** Reads the history file; a file this long is compacted first (see compactHistory). */
export async function loadHistory(path: string, limit = historyLimit): Promise<LoadedHistory> {
	let content: string;
	try {
		content = await readFile(path, 'utf8');
	} catch (error) {
		const {code, message} = error as NodeJS.ErrnoException;
		return code === 'ENOENT' ? {entries: []} : {entries: [], problem: message};
	}

	const lines = content.split('\n').filter(line => line !== '');
	if (lines.length > limit * 2) {
		await compactHistory(path, content, lines, limit).catch(() => undefined);
	}

	return {entries: parseHistoryFile(content, limit)};
}

/**
Adds one entry at the end of the file. Appending (never rewriting) means two sessions at once
both keep every line, and a line this version cannot read stays in the file. Private, since
messages can hold tokens.
*/
export async function appendHistory(path: string, entry: string): Promise<void> {
	const directory = dirname(path);
	await mkdir(directory, {recursive: true, mode: 0o700});
	// mkdir's mode counts only for a directory it makes (and passes through the umask).
	await chmod(directory, 0o700);
	await writePrivateFile(path, formatHistoryFile([entry]), 'a');
}

export type HistoryWriter = {
	/** Appends `entry` after the writes before it; rejects when this one fails. */
	readonly add: (entry: string) => Promise<void>;
	/** Resolves once every write asked for so far is over, failed or not. */
	readonly settled: () => Promise<void>;
};

/** Writes entries to the history file one at a time, in order (a session says once if one fails). */
export function createHistoryWriter(path: string): HistoryWriter {
	let settled: Promise<void> = Promise.resolve();
	return {
		async add(entry) {
			const write = settled.then(async () => appendHistory(path, entry));
			settled = write.catch(() => undefined);
			return write;
		},
		settled: async () => settled,
	};
}

/**
Writes a file readable by you alone, whether or not it existed: open's mode counts only for a file
it creates, so an existing one is chmodded through the open handle before anything is written.
`flag` as in fs.open: `a` appends, `w` replaces, `wx` refuses an existing file (EEXIST).
*/
export async function writePrivateFile(path: string, data: string, flag: 'a' | 'w' | 'wx'): Promise<void> {
	const handle = await open(path, flag, 0o600);
	try {
		await handle.chmod(0o600);
		await handle.writeFile(data);
	} finally {
		await handle.close();
	}
}

/**
Keeps the file from growing without bound: the newest `limit` entries, and every line that does
not parse (it may be a newer version's, or worth saving by hand), written to a temporary file and
renamed over the old one, but only if no session appended in the meantime (it is tried again at
the next start).
*/
async function compactHistory(path: string, content: string, lines: readonly string[], limit: number): Promise<void> {
	const parses = (line: string): boolean => {
		try {
			return typeof JSON.parse(line) === 'string';
		} catch {
			return false;
		}
	};

	let keep = limit;
	const kept: string[] = [];
	for (let index = lines.length - 1; index >= 0; index--) {
		const line = lines[index]!;
		if (!parses(line)) {
			kept.push(line);
		} else if (keep > 0) {
			kept.push(line);
			keep--;
		}
	}

	const temporary = `${path}.${process.pid}.tmp`;
	await writePrivateFile(temporary, `${kept.reverse().join('\n')}\n`, 'w');
	if ((await stat(path)).size === Buffer.byteLength(content)) {
		await rename(temporary, path);
	} else {
		await rm(temporary, {force: true});
	}
}
