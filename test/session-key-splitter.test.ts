import assert from 'node:assert/strict';
import {test} from 'node:test';
import {type KeyEvent, keyReader, readKeys} from '../source/session/key-splitter.js';
import {keyAction} from '../source/session/key-bindings.js';

/** Each event as a short name: text as itself, keys as their action (or `?`), pastes as [paste ...]. */
function names(...inputs: string[]): string[] {
	let state = keyReader;
	const out: string[] = [];
	for (const input of inputs) {
		const read = readKeys(state, input);
		state = read.state;
		out.push(...read.events.map((event: KeyEvent) => event.type === 'key' ? keyAction(event.key) ?? '?' : (event.type === 'paste' ? `[paste ${event.text}]` : event.text)));
	}

	return out;
}

test('every key of a chunk acts as itself', () => {
	assert.deepEqual(names('abc\u0003'), ['abc', 'quit']);
	assert.deepEqual(names('abcd\u007F\u007F'), ['abcd', 'backspace', 'backspace']);
	assert.deepEqual(names('hello\rwor'), ['hello', 'send', 'wor']);
	assert.deepEqual(names('one\r\ntwo'), ['one', 'send', 'two']);
	assert.deepEqual(names('a\u0001b\u0005\u0017\u000B\u0015'), ['a', 'home', 'b', 'end', 'delete-word', 'delete-to-end', 'delete-to-start']);
	assert.deepEqual(names('x\ty\u0000\u001C'), ['x', 'complete', 'y']);
});

test('escape sequences: arrows with modifiers, Delete apart from Backspace, Alt keys', () => {
	assert.deepEqual(names('\u001B[A', '\u001B[1;2A', '\u001B[1;5D', '\u001BOB', '\u001B[3~', '\u007F', '\u001B\u007F', '\u001Bb', '\u001B\r', '\u001B', '\u001B[5~', '\u001B[F', '\u001B[1;5F', '\u001B[Z'), [
		'history-previous', 'scroll-line-up', 'word-left', 'history-next', 'delete', 'backspace', 'delete-word', 'word-left', 'newline', 'scroll-to-end', 'scroll-page-up', 'end', 'scroll-to-end', '?',
	]);
});

test('a bracketed paste is one event, across reads, whatever it holds', () => {
	assert.deepEqual(names('\u001B[200~', 'one\rtwo', '\r', '\u001B[A', '\u0003', '\u001B[201~', 'x'), ['[paste one\rtwo\r\u001B[A\u0003]', 'x']);
});

test('Esc then a control key in one read is two keys; Esc with a printable key, Enter or Backspace is Alt', () => {
	// ink's parser hands `ESC x` over as one event whatever x is: Esc, Ctrl-E, Ctrl-U typed
	// together arrive as '\u001B\u0005' and then '\u0015'.
	assert.deepEqual(names('\u001B\u0005', '\u0015'), ['scroll-to-end', 'end', 'delete-to-start']);
	assert.deepEqual(names('\u001B\u0003'), ['scroll-to-end', 'quit']);
	assert.deepEqual(names('\u001B\u0012'), ['scroll-to-end', 'history-search']);
	assert.deepEqual(names('\u001B\t'), ['scroll-to-end', 'complete']);
	// Two Escs are two Escs.
	assert.deepEqual(names('\u001B\u001B'), ['scroll-to-end', 'scroll-to-end']);
	// Alt-combinations: Alt-B, Alt-F, Alt-Enter, Alt-Backspace (DEL, or BS from some terminals).
	assert.deepEqual(names('\u001Bb', '\u001Bf', '\u001B\r', '\u001B\u007F', '\u001B\b'), ['word-left', 'word-right', 'newline', 'delete-word', 'delete-word']);
});
