import assert from 'node:assert/strict';
import {test} from 'node:test';
import stringWidth from 'string-width';
import {inputView, type InputRow} from '../source/session/input-view.js';

const show = (text: string): string => text.replaceAll('\u001B', '^[');
const line = (row: InputRow): string => `${row.prefix}${row.before}${row.cursor === undefined ? '' : `[${row.cursor}]`}${row.after}`;
const view = (text: string, cursor: number, width: number, maxLines = 5): string[] => inputView(text, cursor, {width, maxLines, show}).map(row => line(row));

test('a short line is shown whole, the cursor where it is', () => {
	assert.deepEqual(view('hello', 2, 20), ['> he[l]lo']);
	assert.deepEqual(view('hello', 5, 20), ['> hello[]']);
});

test('in a line longer than the screen the cursor stays in view, with … where the line is cut', () => {
	const text = 'abcdefghijklmnopqrstuvwxyz0123456789';
	assert.deepEqual(view(text, 0, 12), ['> [a]bcdefghi…']);
	assert.deepEqual(view(text, 36, 12), ['> …3456789[]']);
	assert.deepEqual(view(text, 18, 12), ['> …lmnopqr[s]…']);
	for (let cursor = 0; cursor <= text.length; cursor++) {
		const [row] = inputView(text, cursor, {width: 12, maxLines: 1, show});
		assert.notEqual(row!.cursor, undefined);
		assert.equal(row!.cursor, text[cursor] ?? '');
		const shown = row!.prefix + row!.before + (row!.cursor === '' ? ' ' : row!.cursor) + row!.after;
		assert.ok(stringWidth(shown) <= 12, `${cursor}: ${shown}`);
	}
});

test('wide characters and clusters are cut whole, by columns', () => {
	const text = '漢字漢字漢字漢字漢字漢字';
	for (let cursor = 0; cursor <= text.length; cursor++) {
		const [row] = inputView(text, cursor, {width: 11, maxLines: 1, show});
		const shown = row!.prefix + row!.before + (row!.cursor === '' ? ' ' : row!.cursor!) + row!.after;
		assert.ok(stringWidth(shown) <= 11, `${cursor}: ${shown}`);
		assert.equal(row!.cursor, text[cursor] ?? '');
	}

	assert.deepEqual(view('👍🏽👍🏽👍🏽', 8, 20), ['> 👍🏽👍🏽[👍🏽]']);
});

test('a draft taller than the area shows the cursor line, and marks hidden lines', () => {
	const text = 'one\ntwo\nthree\nfour\nfive';
	assert.deepEqual(view(text, text.length, 20, 2), ['↑ four', '  five[]']);
	assert.deepEqual(view(text, 0, 20, 2), ['> [o]ne', '↓ two']);
	assert.deepEqual(view(text, 8, 20, 1), ['↕ [t]hree']);
	assert.deepEqual(view(text, 8, 20, 3), ['> one', '  two', '↓ [t]hree']);
	assert.deepEqual(view(text, 14, 20, 3), ['↑ two', '  three', '↓ [f]our']);
});

test('control characters are shown made visible and counted as shown', () => {
	assert.deepEqual(view('a\u001Bb', 3, 20), ['> a^[b[]']);
});
