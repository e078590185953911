/*
Input history: what was sent, newest last, browsed with up/down and searched with Ctrl-R.
The state is a value changed by `historyReducer`; reading and writing the file are separate
functions so that the reducer can be tested without a disk.
*/
import {mkdir, readFile, rename, writeFile} from 'node:fs/promises';
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

export async function loadHistory(path: string, limit = historyLimit): Promise<string[]> {
	try {
		return parseHistoryFile(await readFile(path, 'utf8'), limit);
	} catch {
		return [];
	}
}

/**
Rewrites the file with `entries` (already bounded). Written to a temporary file and renamed, so
that two sessions exiting together leave one whole file; private, since messages can hold tokens.
*/
export async function saveHistory(path: string, entries: readonly string[]): Promise<void> {
	await mkdir(dirname(path), {recursive: true, mode: 0o700});
	const temporary = `${path}.${process.pid}.tmp`;
	await writeFile(temporary, formatHistoryFile(entries), {mode: 0o600});
	await rename(temporary, path);
}
