import assert from 'node:assert/strict';
import {test} from 'node:test';
import {endAnchor, isAtEnd, type Rows, scrollBy, visibleEntries} from '../source/session/scroll-window.js';

function rows(...heights: number[]): Rows {
	return {count: heights.length, heightOf: index => heights[index]!};
}

test('the window shows the newest lines, cutting the top entry', () => {
	const list = rows(1, 3, 1, 2);
	assert.deepEqual(visibleEntries(list, endAnchor(list), 4), [
		{index: 1, from: 2, to: 3},
		{index: 2, from: 0, to: 1},
		{index: 3, from: 0, to: 2},
	]);
});

test('a short list fits whole; an empty one shows nothing', () => {
	const list = rows(1, 1);
	assert.deepEqual(visibleEntries(list, endAnchor(list), 10), [{index: 0, from: 0, to: 1}, {index: 1, from: 0, to: 1}]);
	assert.deepEqual(visibleEntries(rows(), {index: 0, cut: 0}, 10), []);
});

test('scrolling back by lines crosses entries and stops at the top', () => {
	const list = rows(2, 2, 2, 2);
	const end = endAnchor(list);
	assert.deepEqual(scrollBy(list, end, -1, 3), {index: 3, cut: 1});
	assert.deepEqual(scrollBy(list, end, -3, 3), {index: 2, cut: 1});
	// 8 lines, window 3: at most 5 lines back, with entry 0's first line at the top.
	const top = scrollBy(list, end, -100, 3);
	assert.deepEqual(top, {index: 1, cut: 1});
	assert.deepEqual(visibleEntries(list, top, 3), [{index: 0, from: 0, to: 2}, {index: 1, from: 0, to: 1}]);
	assert.equal(isAtEnd(list, top), false);
});

test('scrolling forward returns to the live end and no further', () => {
	const list = rows(2, 2, 2, 2);
	const back = scrollBy(list, endAnchor(list), -5, 3);
	const forward = scrollBy(list, back, 2, 3);
	assert.deepEqual(forward, {index: 2, cut: 1});
	const end = scrollBy(list, back, 100, 3);
	assert.ok(isAtEnd(list, end));
});

test('a list shorter than the window cannot scroll', () => {
	const list = rows(1, 1);
	assert.deepEqual(scrollBy(list, endAnchor(list), -5, 10), endAnchor(list));
});

test('a frame asks for the heights of the visible entries only', () => {
	let asked = 0;
	const list: Rows = {count: 100_000, heightOf() {
		asked++;
		return 1;
	}};
	visibleEntries(list, endAnchor(list), 20);
	assert.ok(asked <= 21, `asked ${asked} heights`);
	asked = 0;
	scrollBy(list, endAnchor(list), -10, 20);
	// A few passes over the window and the distance moved, never the whole list.
	assert.ok(asked <= 3 * (20 + 10), `asked ${asked} heights`);
});
