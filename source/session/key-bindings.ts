/*
Every key of the session in one table: what it does, how `/help` names it, and how to recognise
it from what ink's useInput reports. The first binding that matches wins.
*/

/** The parts of ink's `Key` (and the input string) that the bindings look at. */
export type KeyPress = {
	readonly input: string;
	readonly ctrl: boolean;
	readonly meta: boolean;
	readonly shift: boolean;
	readonly return: boolean;
	readonly escape: boolean;
	readonly backspace: boolean;
	readonly delete: boolean;
	readonly upArrow: boolean;
	readonly downArrow: boolean;
	readonly leftArrow: boolean;
	readonly rightArrow: boolean;
	readonly pageUp: boolean;
	readonly pageDown: boolean;
	readonly home: boolean;
	readonly end: boolean;
	readonly tab: boolean;
};

export type KeyAction =
	| 'send'
	| 'newline'
	| 'quit'
	| 'quit-or-delete'
	| 'left'
	| 'right'
	| 'word-left'
	| 'word-right'
	| 'home'
	| 'end'
	| 'backspace'
	| 'delete'
	| 'complete'
	| 'redraw'
	| 'delete-word'
	| 'delete-to-start'
	| 'delete-to-end'
	| 'history-previous'
	| 'history-next'
	| 'history-search'
	| 'scroll-line-up'
	| 'scroll-line-down'
	| 'scroll-page-up'
	| 'scroll-page-down'
	| 'scroll-to-end';

export type KeyBinding = {
	readonly action: KeyAction;
	/** The keys as `/help` and the readme name them. */
	readonly keys: string;
	readonly description: string;
	readonly matches: (key: KeyPress) => boolean;
};

const ctrl = (letter: string) => (key: KeyPress): boolean => key.ctrl && !key.meta && key.input === letter;
const plain = (key: KeyPress): boolean => !key.ctrl && !key.meta && !key.shift;

export const keyBindings: readonly KeyBinding[] = [
	{action: 'newline', keys: 'Alt-Enter, Ctrl-J', description: 'new line in the message', matches: key => (key.return && key.meta) || key.input === '\n'},
	{action: 'send', keys: 'Enter', description: 'send the message or run the command', matches: key => key.return},
	{action: 'quit', keys: 'Ctrl-C', description: 'close with 1000 and exit (again: at once, without waiting for the peer); in a Ctrl-R search: leave the search', matches: ctrl('c')},
	{action: 'quit-or-delete', keys: 'Ctrl-D', description: 'on an empty line: exit; else delete forward', matches: ctrl('d')},
	{action: 'history-search', keys: 'Ctrl-R', description: 'search the history (again: older match)', matches: ctrl('r')},
	{action: 'scroll-line-up', keys: 'Shift-Up', description: 'scroll back one line', matches: key => key.upArrow && (key.shift || key.meta)},
	{action: 'scroll-line-down', keys: 'Shift-Down', description: 'scroll forward one line', matches: key => key.downArrow && (key.shift || key.meta)},
	{action: 'scroll-page-up', keys: 'PageUp', description: 'scroll back one page', matches: key => key.pageUp},
	{action: 'scroll-page-down', keys: 'PageDown', description: 'scroll forward one page', matches: key => key.pageDown},
	{action: 'scroll-to-end', keys: 'Esc, Ctrl-End', description: 'back to the live end', matches: key => key.escape || (key.end && key.ctrl)},
	{action: 'history-previous', keys: 'Up, Ctrl-P', description: 'line above; on the first line: previous message from the history', matches: key => (key.upArrow && plain(key)) || ctrl('p')(key)},
	{action: 'history-next', keys: 'Down, Ctrl-N', description: 'line below; on the last line: next message from the history', matches: key => (key.downArrow && plain(key)) || ctrl('n')(key)},
	{action: 'word-left', keys: 'Ctrl-Left, Alt-B', description: 'back one word', matches: key => (key.leftArrow && (key.ctrl || key.meta)) || (key.meta && key.input === 'b')},
	{action: 'word-right', keys: 'Ctrl-Right, Alt-F', description: 'forward one word', matches: key => (key.rightArrow && (key.ctrl || key.meta)) || (key.meta && key.input === 'f')},
	{action: 'left', keys: 'Left, Ctrl-B', description: 'cursor left', matches: key => key.leftArrow || ctrl('b')(key)},
	{action: 'right', keys: 'Right, Ctrl-F', description: 'cursor right', matches: key => key.rightArrow || ctrl('f')(key)},
	{action: 'home', keys: 'Home, Ctrl-A', description: 'start of the line', matches: key => key.home || ctrl('a')(key)},
	{action: 'end', keys: 'End, Ctrl-E', description: 'end of the line', matches: key => key.end || ctrl('e')(key)},
	{action: 'delete-word', keys: 'Ctrl-W, Alt-Backspace', description: 'delete the word before the cursor', matches: key => ctrl('w')(key) || (key.meta && (key.backspace || key.delete))},
	{action: 'delete-to-start', keys: 'Ctrl-U', description: 'delete to the start of the line', matches: ctrl('u')},
	{action: 'delete-to-end', keys: 'Ctrl-K', description: 'delete to the end of the line', matches: ctrl('k')},
	{action: 'backspace', keys: 'Backspace', description: 'delete the character before the cursor', matches: key => key.backspace},
	{action: 'delete', keys: 'Delete', description: 'delete the character under the cursor', matches: key => key.delete},
	{action: 'complete', keys: 'Tab', description: 'complete a /command', matches: key => key.tab && !key.shift},
	{action: 'redraw', keys: 'Ctrl-L', description: 'redraw the screen', matches: ctrl('l')},
];

/** The action bound to a key press, or undefined for text (and keys nobody bound). */
export function keyAction(key: KeyPress): KeyAction | undefined {
	return keyBindings.find(binding => binding.matches(key))?.action;
}
