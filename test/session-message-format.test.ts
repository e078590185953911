import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createEntryLayout, entryLines, formatTime, searchableText} from '../source/session/message-format.js';
import {rowToOpen, writeRow} from '../source/session/open-row.js';
import type {Entry} from '../source/session/session.js';

const row = (entry: Entry): string => entryLines(entry, {width: 100, prettyJson: false}).map(line => line.map(segment => segment.text).join('')).join('\n');

test('a ping or pong payload that is not UTF-8 is hex, in the words pipe mode uses; text has its controls made visible', () => {
	const binary: Entry = {seq: 1, time: 0, dir: 'in', kind: 'ping', bytes: Buffer.from([0x00, 0xFF, 0x9B]), size: 3};
	assert.match(row(binary), /< ping \[binary 3 B\] 00 ff 9b$/);
	assert.doesNotMatch(row(binary), /\uFFFD/);
	assert.match(searchableText(binary, false), /ping \[binary 3 B\] 00 ff 9b/);
	const pong: Entry = {seq: 1, time: 0, dir: 'in', kind: 'pong', bytes: Buffer.from([0xC3, 0x28]), size: 2, rtt: 1.5};
	assert.match(row(pong), /< pong \[binary 2 B\] c3 28 \(1\.5 ms\)$/);
	const text: Entry = {seq: 1, time: 0, dir: 'out', kind: 'ping', bytes: Buffer.from('hi\u001B[2J\u0000'), size: 7};
	assert.match(row(text), /> ping hi\\e\[2J\\0$/);
});

const rows = (entry: Entry, width: number, prettyJson = false): string[] => entryLines(entry, {width, prettyJson}).map(line => line.map(segment => segment.text).join(''));
const columns = (text: string): number => [...text].length;

test('wsterm\'s own rows wrap at spaces, never inside a word; network text wraps at the columns', () => {
	const words = 'unknown command /foo: /help lists the commands; Up brings the line back to fix it';
	const notice: Entry = {seq: 1, time: 0, dir: 'local', kind: 'error', text: words, size: 0};
	for (const width of [30, 40, 50, 80]) {
		const shown = rows(notice, width);
		for (const line of shown) {
			assert.ok(columns(line) <= width, `${width}: ${line}`);
		}

		// The words as written, each whole on one row.
		assert.equal(shown.map(line => line.replace(/^\d\d:\d\d:\d\d\.\d{3} \* error |^ +/, '').trim()).join(' '), words, `${width}:\n${shown.join('\n')}`);
	}

	const message: Entry = {seq: 1, time: 0, dir: 'in', kind: 'text', text: 'the quick brown fox jumps over the lazy dog', size: 43};
	const shown = rows(message, 40);
	assert.match(shown[0]!, /^\d\d:\d\d:\d\d\.\d{3} < the quick brown fox jumps$/);
	assert.equal(shown[1], `${' '.repeat(15)} over the lazy dog`, 'network text is cut at the columns, spaces kept');
});

test('continuation rows use the width past their indent; at 20 columns they start at column 0 and use all 20', () => {
	const message: Entry = {seq: 1, time: 0, dir: 'in', kind: 'text', text: 'x'.repeat(100), size: 100};
	const wide = rows(message, 50);
	assert.equal(columns(wide[0]!), 50);
	assert.match(wide[1]!, /^ {15}x{35}$/);
	const narrow = rows(message, 20);
	assert.equal(columns(narrow[0]!), 20);
	assert.equal(narrow[1], 'x'.repeat(20), 'no indent, and the whole width');
	assert.equal(narrow.join('').replaceAll(/[^x]/g, '').length, 100, 'nothing lost');

	// A badge that leaves no room on the first row: the content starts on the next one.
	const notice: Entry = {seq: 1, time: 0, dir: 'local', kind: 'info', text: 'connecting to ws://127.0.0.1:35319/ (built-in echo server); /help lists commands and keys', size: 0};
	const shown = rows(notice, 20);
	assert.ok(shown.length <= 8, shown.join('\n'));
	for (const line of shown) {
		assert.ok(columns(line) <= 20, line);
	}

	assert.match(shown.join('\n'), /^connecting to /m, 'the words start below the prefix');
});

test('/json: nesting deeper than a third of the width stops indenting and says how deep it is', () => {
	let text = '"deep value"';
	for (let depth = 0; depth < 30; depth++) {
		text = `{"k${depth}":${text}}`;
	}

	const message: Entry = {seq: 1, time: 0, dir: 'in', kind: 'text', text, size: text.length};
	const shown = rows(message, 60, true);
	const indents = shown.slice(1).map(line => /^ */.exec(line)![0].length);
	assert.ok(Math.max(...indents) <= 15 + Math.floor((60 - 15) / 3), `the indent stops growing:\n${shown.join('\n')}`);
	for (const line of shown) {
		assert.ok(columns(line) <= 60, line);
	}

	// The deepest rows say their depth where the indent stops.
	assert.match(shown.join('\n'), /30»"deep value"|29»"k0": "deep value"|»"k0": "deep value"/);
	assert.match(shown.join('\n'), /\d+»"k0": "deep value"/);
	assert.equal(shown.filter(line => /"deep value"/.test(line)).length, 1, 'the value is on one row, not wrapped at a few columns');
});

test('/open: the row the pane cut short is the one opened, and it is written whole, a binary one\'s hex dump counting on past 64 KiB', () => {
	const layout = createEntryLayout({width: 100, prettyJson: false});
	const short: Entry = {seq: 1, time: 0, dir: 'in', kind: 'text', text: 'short', size: 5};
	const long: Entry = {seq: 2, time: 0, dir: 'in', kind: 'text', text: 'x'.repeat(100_000), size: 100_000};
	const after: Entry = {seq: 3, time: 0, dir: 'out', kind: 'text', text: 'after', size: 5};
	assert.equal(layout.cut(long), true);
	assert.equal(layout.cut(short), false);
	assert.match(rows(long, 100).at(-1)!, /^ {15}… cut at 500 rows \(97\.7 KiB\): \/open shows it all$/);
	const narrow = rows(long, 30).slice(500);
	assert.deepEqual(narrow, ['… cut at 500 rows (97.7 KiB):', '/open shows it all'], 'the mark wraps at words, within the width');
	assert.equal(rowToOpen([short, long, after], {follow: true}, layout, 20), long, 'the cut one, though not the lowest');
	assert.equal(rowToOpen([short, after], {follow: true}, layout, 20), after, 'else the lowest');
	assert.equal(rowToOpen([], {follow: true}, layout, 20), undefined);

	let written = '';
	writeRow(long, false, text => {
		written += text;
	});
	assert.equal(written, `${formatTime(0)} < text 97.7 KiB\n${'x'.repeat(100_000)}\n`);

	const bytes = Buffer.alloc(70 * 1024, 0x41);
	const binary: Entry = {seq: 4, time: 0, dir: 'in', kind: 'binary', bytes, size: bytes.length};
	assert.equal(layout.cut(binary), true);
	const pieces: string[] = [];
	writeRow(binary, false, text => {
		pieces.push(text);
	});
	const lines = pieces.join('').split('\n');
	assert.equal(lines[0], `${formatTime(0)} < binary 70 KiB`);
	assert.equal(lines.length, 1 + (bytes.length / 16) + 1);
	assert.match(lines[1 + 4096]!, /^00010000 {2}41 41 /, 'the row at 64 KiB has its own offset');
	assert.ok(pieces.length > 2, 'written in pieces');
});
