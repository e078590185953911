/*
The input area as one value: the line being edited, the history it can browse, and a Ctrl-R
search when one is open. One reducer, so that keys arriving faster than React renders (a paste,
a fast typist) each see the state the previous one left.
*/
import {createHistory, type History, historyReducer, historyText, searchHistory} from './history.js';
import {editLine, type EditAction, emptyLine, type LineEditor} from './line-editor.js';

export type Search = {
	readonly query: string;
	/** The history index of the match shown; undefined: no match. */
	readonly match: number | undefined;
};

export type Prompt = {
	readonly line: LineEditor;
	readonly history: History;
	readonly search: Search | undefined;
};

export type PromptAction =
	| {readonly type: 'edit'; readonly edit: EditAction}
	| {readonly type: 'history-previous'}
	| {readonly type: 'history-next'}
	/** Opens the search, or goes to the next older match when it is open. */
	| {readonly type: 'search'}
	| {readonly type: 'search-edit'; readonly edit: EditAction}
	/** Puts the match into the line and closes the search. */
	| {readonly type: 'search-accept'}
	| {readonly type: 'search-cancel'}
	/** The line was submitted: remember it (when `remember`) and start a new one. */
	| {readonly type: 'submitted'; readonly text: string; readonly remember: boolean};

export function createPrompt(history: readonly string[] = []): Prompt {
	return {line: emptyLine, history: createHistory(history), search: undefined};
}

function find(history: History, query: string, before?: number): number | undefined {
	return query === '' ? undefined : searchHistory(history.entries, query, before);
}

export function promptReducer(state: Prompt, action: PromptAction): Prompt {
	switch (action.type) {
		case 'edit': {
			const line = editLine(state.line, action.edit);
			return line === state.line ? state : {...state, line};
		}

		case 'history-previous':
		case 'history-next': {
			// In a multi-line draft, Up and Down move between its lines first.
			const moved = editLine(state.line, {type: action.type === 'history-previous' ? 'up' : 'down'});
			if (moved !== state.line) {
				return {...state, line: moved};
			}

			const history = historyReducer(state.history, action.type === 'history-previous'
				? {type: 'previous', current: state.line.text}
				: {type: 'next'});
			return history === state.history ? state : {...state, history, line: editLine(state.line, {type: 'set', text: historyText(history)})};
		}

		case 'search': {
			if (state.search === undefined) {
				return {...state, search: {query: '', match: undefined}};
			}

			const older = find(state.history, state.search.query, state.search.match);
			return older === undefined ? state : {...state, search: {...state.search, match: older}};
		}

		case 'search-edit': {
			if (state.search === undefined) {
				return state;
			}

			const query = editLine({text: state.search.query, cursor: state.search.query.length}, action.edit).text;
			return {...state, search: {query, match: find(state.history, query)}};
		}

		case 'search-accept': {
			const match = state.search?.match;
			const text = match === undefined ? state.line.text : state.history.entries[match] ?? '';
			return {...state, search: undefined, line: editLine(state.line, {type: 'set', text})};
		}

		case 'search-cancel': {
			return state.search === undefined ? state : {...state, search: undefined};
		}

		case 'submitted': {
			const history = action.remember
				? historyReducer(state.history, {type: 'add', text: action.text})
				: historyReducer(state.history, {type: 'reset'});
			return {line: emptyLine, history, search: undefined};
		}
	}
}
