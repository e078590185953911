import assert from 'node:assert/strict';
import {test} from 'node:test';
import {editLine, type EditAction, type LineEditor} from '../source/session/line-editor.js';

// `|` marks the cursor.
function parse(marked: string): LineEditor {
	const cursor = marked.indexOf('|');
	return {text: marked.slice(0, cursor) + marked.slice(cursor + 1), cursor};
}

function show({text, cursor}: LineEditor): string {
	return `${text.slice(0, cursor)}|${text.slice(cursor)}`;
}

const cases: Array<[before: string, action: EditAction, after: string]> = [
	['|', {type: 'insert', text: 'hi'}, 'hi|'],
	['a|c', {type: 'insert', text: 'b'}, 'ab|c'],
	['|', {type: 'insert', text: 'one\r\ntwo\rthree'}, 'one\ntwo\nthree|'],
	['ab|', {type: 'left'}, 'a|b'],
	['|ab', {type: 'left'}, '|ab'],
	['a|b', {type: 'right'}, 'ab|'],
	['ab|', {type: 'right'}, 'ab|'],
	['x|😀', {type: 'right'}, 'x😀|'],
	['x😀|', {type: 'left'}, 'x|😀'],
	['x😀|', {type: 'backspace'}, 'x|'],
	['e\u0301|x', {type: 'left'}, '|e\u0301x'],
	['|e\u0301x', {type: 'right'}, 'e\u0301|x'],
	['ae\u0301|', {type: 'backspace'}, 'a|'],
	['a|👍🏽b', {type: 'right'}, 'a👍🏽|b'],
	['a👍🏽|b', {type: 'left'}, 'a|👍🏽b'],
	['a👍🏽|b', {type: 'backspace'}, 'a|b'],
	['a|👍🏽b', {type: 'delete'}, 'a|b'],
	['a|🇫🇷b', {type: 'delete'}, 'a|b'],
	['one\ntw|o', {type: 'up'}, 'on|e\ntwo'],
	['o|ne\ntwo', {type: 'up'}, 'o|ne\ntwo'],
	['one|\nt', {type: 'down'}, 'one\nt|'],
	['one\nt|wo', {type: 'down'}, 'one\nt|wo'],
	['漢字|\nabcde', {type: 'down'}, '漢字\nabcd|e'],
	['漢字\nab|c', {type: 'up'}, '漢|字\nabc'],
	['hello big world|', {type: 'word-left'}, 'hello big |world'],
	['hello big |world', {type: 'word-left'}, 'hello |big world'],
	['|hello big', {type: 'word-right'}, 'hello| big'],
	['hello| big', {type: 'word-right'}, 'hello big|'],
	['one\ntw|o', {type: 'home'}, 'one\n|two'],
	['on|e\ntwo', {type: 'end'}, 'one|\ntwo'],
	['ab|c', {type: 'backspace'}, 'a|c'],
	['|abc', {type: 'backspace'}, '|abc'],
	['a|bc', {type: 'delete'}, 'a|c'],
	['abc|', {type: 'delete'}, 'abc|'],
	['say hello |world', {type: 'delete-word'}, 'say |world'],
	['{"a": 1|}', {type: 'delete-word'}, '{"a": |}'],
	['one two|three', {type: 'delete-to-start'}, '|three'],
	['one\n|two', {type: 'delete-to-start'}, 'one|two'],
	['one |two', {type: 'delete-to-end'}, 'one |'],
	['one|\ntwo', {type: 'delete-to-end'}, 'one|two'],
	['old|', {type: 'set', text: 'new text'}, 'new text|'],
];

for (const [before, action, after] of cases) {
	test(`${action.type}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`, () => {
		assert.equal(show(editLine(parse(before), action)), after);
	});
}

test('an edit that changes nothing returns the same state', () => {
	const state = parse('|abc');
	assert.equal(editLine(state, {type: 'left'}), state);
	assert.equal(editLine(state, {type: 'backspace'}), state);
});
