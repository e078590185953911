import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {
	createHistory, formatHistoryFile, type History, historyPath, historyReducer, historyText,
	appendHistory, loadHistory, parseHistoryFile, searchHistory,
} from '../source/session/history.js';

function add(history: History, ...texts: string[]): History {
	return texts.reduce((state, text) => historyReducer(state, {type: 'add', text}), history);
}

test('consecutive duplicates are folded, blanks are not kept', () => {
	const history = add(createHistory(), 'a', 'a', 'b', '  ', '', 'a');
	assert.deepEqual(history.entries, ['a', 'b', 'a']);
});

test('the history is bounded, oldest dropped first', () => {
	const history = ['1', '2', '3', '4'].reduce((state, text) => historyReducer(state, {type: 'add', text}, 3), createHistory());
	assert.deepEqual(history.entries, ['2', '3', '4']);
	assert.deepEqual(createHistory(['1', '2', '3'], 2).entries, ['2', '3']);
});

test('previous and next browse, and give back the draft past the newest', () => {
	let history = add(createHistory(), 'first', 'second');
	history = historyReducer(history, {type: 'previous', current: 'draft'});
	assert.equal(historyText(history), 'second');
	history = historyReducer(history, {type: 'previous', current: 'second'});
	assert.equal(historyText(history), 'first');
	const atOldest = historyReducer(history, {type: 'previous', current: 'first'});
	assert.equal(atOldest, history);
	history = historyReducer(history, {type: 'next'});
	assert.equal(historyText(history), 'second');
	history = historyReducer(history, {type: 'next'});
	assert.equal(history.index, undefined);
	assert.equal(historyText(history), 'draft');
});

test('search finds the newest match, then older ones, case-insensitively', () => {
	const entries = ['subscribe btc', 'ping', 'Subscribe eth', 'other'];
	assert.equal(searchHistory(entries, 'subscribe'), 2);
	assert.equal(searchHistory(entries, 'subscribe', 2), 0);
	assert.equal(searchHistory(entries, 'subscribe', 0), undefined);
	assert.equal(searchHistory(entries, 'nothing'), undefined);
});

test('the path follows XDG_STATE_HOME, else ~/.local/state', () => {
	assert.equal(historyPath({XDG_STATE_HOME: '/state', HOME: '/home/u'}), '/state/wsterm/history');
	assert.equal(historyPath({HOME: '/home/u'}), '/home/u/.local/state/wsterm/history');
	// A relative XDG path is invalid by the spec and ignored.
	assert.equal(historyPath({XDG_STATE_HOME: 'relative', HOME: '/home/u'}), '/home/u/.local/state/wsterm/history');
	assert.equal(historyPath({}), undefined);
});

test('the file keeps multi-line entries and skips damaged lines', () => {
	const content = `${formatHistoryFile(['one', 'two\nlines'])}not json\n${formatHistoryFile(['two\nlines', 'three'])}`;
	assert.deepEqual(parseHistoryFile(content), ['one', 'two\nlines', 'three']);
	assert.deepEqual(parseHistoryFile(content, 2), ['two\nlines', 'three']);
});

test('entries are appended to a private file in a new directory and read back', async () => {
	const directory = mkdtempSync(join(tmpdir(), 'wsterm-history-'));
	const path = join(directory, 'state', 'wsterm', 'history');
	await appendHistory(path, 'a');
	await appendHistory(path, 'b\nc');
	assert.deepEqual(await loadHistory(path), {entries: ['a', 'b\nc']});
	assert.equal(statSync(path).mode & 0o777, 0o600);
	assert.equal(readFileSync(path, 'utf8'), '"a"\n"b\\nc"\n');
	assert.deepEqual(await loadHistory(join(directory, 'missing')), {entries: []});
	writeFileSync(path, 'garbage');
	assert.deepEqual(await loadHistory(path), {entries: []});
});

test('two sessions at once keep every line either entered', async () => {
	const directory = mkdtempSync(join(tmpdir(), 'wsterm-history-'));
	const path = join(directory, 'history');
	const one = Array.from({length: 50}, (_, index) => `one ${index}`);
	const two = Array.from({length: 50}, (_, index) => `two ${index}`);
	await Promise.all([
		(async () => {
			for (const entry of one) {
				await appendHistory(path, entry);
			}
		})(),
		(async () => {
			for (const entry of two) {
				await appendHistory(path, entry);
			}
		})(),
	]);
	const {entries} = await loadHistory(path);
	assert.deepEqual(entries.filter(entry => entry.startsWith('one')), one);
	assert.deepEqual(entries.filter(entry => entry.startsWith('two')), two);
});

test('a history that cannot be read says why; lines that do not parse are never deleted', async () => {
	const directory = mkdtempSync(join(tmpdir(), 'wsterm-history-'));
	// The state directory is a file.
	writeFileSync(join(directory, 'wsterm'), 'not a directory');
	const blocked = join(directory, 'wsterm', 'history');
	assert.match((await loadHistory(blocked)).problem ?? '', /ENOTDIR/);
	await assert.rejects(appendHistory(blocked, 'x'));

	const path = join(directory, 'history');
	writeFileSync(path, '"old"\n{damaged\n');
	await appendHistory(path, 'new');
	assert.equal(readFileSync(path, 'utf8'), '"old"\n{damaged\n"new"\n');
	// Compaction (a file over twice the limit) keeps the newest entries and every damaged line.
	writeFileSync(path, `${formatHistoryFile(['a', 'b', 'c', 'd'])}{damaged\n${formatHistoryFile(['e', 'f'])}`);
	assert.deepEqual((await loadHistory(path, 2)).entries, ['e', 'f']);
	assert.equal(readFileSync(path, 'utf8'), '{damaged\n"e"\n"f"\n');
});

test('an existing history file at 644 in a 755 directory is made 600 and 700 by the next append', async () => {
	const directory = join(mkdtempSync(join(tmpdir(), 'wsterm-history-')), 'wsterm');
	mkdirSync(directory);
	chmodSync(directory, 0o755);
	const file = join(directory, 'history');
	writeFileSync(file, '"old"\n');
	chmodSync(file, 0o644);
	await appendHistory(file, 'new');
	assert.equal(readFileSync(file, 'utf8'), '"old"\n"new"\n');
	assert.equal(statSync(file).mode & 0o777, 0o600);
	assert.equal(statSync(directory).mode & 0o777, 0o700);
});
