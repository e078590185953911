/*
What a key does in the session, decided from the key and the input area alone: an edit of the
prompt, a send, a quit, a scroll, a redraw, or a note (Tab's choices); and, once a quit is under
way, that only Ctrl-C and Ctrl-D still do something (they quit at once). The UI (ui/use-session-keys.ts)
carries it out; deciding here keeps that a switch over outcomes, testable without a terminal.
*/
import {type KeyAction, keyAction} from './key-bindings.js';
import type {KeyEvent} from './key-splitter.js';
import type {EditAction} from './line-editor.js';
import type {Prompt, PromptAction} from './prompt.js';
import {completeCommand} from './slash-commands.js';

export type KeyCommand =
	| {readonly type: 'prompt'; readonly action: PromptAction}
	/** Enter: the line is submitted (a message, or a slash command). */
	| {readonly type: 'submit'}
	| {readonly type: 'quit'}
	/** An info row (Tab's choices, when the line does not decide between them). */
	| {readonly type: 'notice'; readonly text: string}
	/** Ctrl-L: paint the whole screen again. */
	| {readonly type: 'redraw'}
	/** Scroll the pane by `lines` (negative: back). */
	| {readonly type: 'scroll'; readonly lines: number}
	| {readonly type: 'scroll-to-end'};

export type KeyContext = {
	readonly prompt: Prompt;
	/** --protocol, for the commands Tab offers. */
	readonly protocol: string | undefined;
	/** The profile's saved messages' names, which Tab offers after `/send `. */
	readonly savedNames?: readonly string[];
	/** Lines a page scrolls (the pane's height less one, kept in view). */
	readonly pageLines: number;
};

const editActions: Partial<Record<KeyAction, EditAction>> = {
	left: {type: 'left'},
	right: {type: 'right'},
	'word-left': {type: 'word-left'},
	'word-right': {type: 'word-right'},
	home: {type: 'home'},
	end: {type: 'end'},
	backspace: {type: 'backspace'},
	delete: {type: 'delete'},
	'delete-word': {type: 'delete-word'},
	'delete-to-start': {type: 'delete-to-start'},
	'delete-to-end': {type: 'delete-to-end'},
	newline: {type: 'insert', text: '\n'},
};

const prompt = (action: PromptAction): KeyCommand => ({type: 'prompt', action});

/** Keys while the Ctrl-R search is open: they edit, accept or leave it. */
function searchKey(action: KeyAction | undefined): KeyCommand | undefined {
	if (action === 'send') {
		return prompt({type: 'search-accept'});
	}

	if (action === 'scroll-to-end' || action === 'quit') {
		return prompt({type: 'search-cancel'});
	}

	if (action === 'history-search') {
		return prompt({type: 'search'});
	}

	if (action === 'backspace' || action === 'delete-word' || action === 'delete-to-start') {
		return prompt({type: 'search-edit', edit: {type: action}});
	}

	return undefined;
}

/** Tab: the line completed as a slash command, or the choices when it stays as it is. */
function complete(text: string, protocol: string | undefined, savedNames: readonly string[] | undefined): KeyCommand | undefined {
	const completion = completeCommand(text, protocol, savedNames);
	if (completion.text !== text) {
		return prompt({type: 'edit', edit: {type: 'set', text: completion.text}});
	}

	return completion.choices.length > 1 ? {type: 'notice', text: completion.choices.join('  ')} : undefined;
}

/**
A row said with what a key does, where the key table's first words would mislead: Ctrl-C in a
Ctrl-R search leaves the search (as in a shell), not the session; the row says so, so that a line
typed next is not sent by surprise.
*/
export function keyNote(event: KeyEvent, prompt: Prompt): string | undefined {
	return event.type === 'key' && prompt.search !== undefined && keyAction(event.key) === 'quit' ? 'left the search; Ctrl-C again exits' : undefined;
}

/**
What `event` does while the session closes after a quit: Ctrl-C or Ctrl-D again quits at once
(without waiting for the peer's answer to the close); every other key does nothing.
*/
export function quittingKeyCommand(event: KeyEvent): KeyCommand | undefined {
	const action = event.type === 'key' ? keyAction(event.key) : undefined;
	return action === 'quit' || action === 'quit-or-delete' ? {type: 'quit'} : undefined;
}

/** What `event` does now; undefined: nothing. */
export function keyCommand(event: KeyEvent, {prompt: current, protocol, savedNames, pageLines}: KeyContext): KeyCommand | undefined {
	if (event.type !== 'key') {
		// A paste (bracketed) is one draft whatever it holds, sent only on Enter.
		const edit: EditAction = {type: 'insert', text: event.text};
		return prompt(current.search === undefined ? {type: 'edit', edit} : {type: 'search-edit', edit});
	}

	const action = keyAction(event.key);
	if (current.search !== undefined) {
		return searchKey(action);
	}

	switch (action) {
		case undefined: {
			return undefined;
		}

		case 'send': {
			return {type: 'submit'};
		}

		case 'quit': {
			return {type: 'quit'};
		}

		case 'quit-or-delete': {
			return current.line.text === '' ? {type: 'quit'} : prompt({type: 'edit', edit: {type: 'delete'}});
		}

		case 'history-previous':
		case 'history-next': {
			return prompt({type: action});
		}

		case 'history-search': {
			return prompt({type: 'search'});
		}

		case 'complete': {
			return complete(current.line.text, protocol, savedNames);
		}

		case 'redraw': {
			return {type: 'redraw'};
		}

		case 'scroll-line-up':
		case 'scroll-line-down': {
			return {type: 'scroll', lines: action === 'scroll-line-up' ? -1 : 1};
		}

		case 'scroll-page-up':
		case 'scroll-page-down': {
			return {type: 'scroll', lines: action === 'scroll-page-up' ? -pageLines : pageLines};
		}

		case 'scroll-to-end': {
			return {type: 'scroll-to-end'};
		}

		default: {
			const edit = editActions[action];
			return edit === undefined ? undefined : prompt({type: 'edit', edit});
		}
	}
}
