import assert from 'node:assert/strict';
import {test} from 'node:test';
import {escapeControl, escapeJsonControl, formatBytes, hexBytes, hexDump, plural, shorten} from '../source/shared/escape-text.js';

test('escapeControl makes C0, ESC, DEL, C1 and bidi overrides visible', () => {
	const cases: Array<[string, string]> = [
		['plain text', 'plain text'],
		['\u001B[2J\u001B]0;title\u0007', '\\e[2J\\e]0;title\\x07'],
		['a\rb', 'a\\rb'],
		['tab\there', 'tab\\there'],
		['nul\0', 'nul\\0'],
		['del\u007F', 'del\\x7f'],
		['csi\u009B31m', 'csi\\x9b31m'],
		['\u202Eevil', '\\u{202e}evil'],
		['line\nbreak', 'line\\nbreak'],
		['ünïcödé ✓', 'ünïcödé ✓'],
	];
	for (const [input, expected] of cases) {
		assert.equal(escapeControl(input), expected, JSON.stringify(input));
	}
});

test('escapeControl keeps line feeds and tabs with keepLayout, and nothing else', () => {
	assert.equal(escapeControl('a\nb\tc\u001B[0m\r', {keepLayout: true}), 'a\nb\tc\\e[0m\\r');
});

test('hex helpers', () => {
	assert.equal(hexBytes(Buffer.from('hi\n')), '68 69 0a');
	assert.equal(hexBytes(Buffer.from('abcdef'), 2), '61 62 …');
	assert.deepEqual(hexDump(Buffer.from('0123456789abcdefXY')), [
		'00000000  30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66  0123456789abcdef',
		'00000010  58 59                                            XY',
	]);
	assert.deepEqual(hexDump(Buffer.from([0x1B, 0x00, 0x7F])), ['00000000  1b 00 7f                                         ...']);
});

test('shorten and formatBytes', () => {
	assert.equal(shorten('abcdef', 3), 'abc… (+3 chars)');
	assert.equal(shorten('abc', 3), 'abc');
	assert.equal(formatBytes(512), '512 B');
	assert.equal(formatBytes(1536), '1.5 KiB');
	assert.equal(formatBytes(16 * 1024 * 1024), '16 MiB');
});

test('counts take the singular for one', () => {
	assert.equal(plural(1, 'old row'), '1 old row');
	assert.equal(plural(2, 'old row'), '2 old rows');
	assert.equal(plural(1200, 'logical line'), '1,200 logical lines');
	assert.equal(plural(1, 'queued message was', 'queued messages were'), '1 queued message was');
});

test('invisible format characters are made visible, except those that hold an emoji together', () => {
	const cases: Array<[string, string]> = [
		// A zero-width space, non-joiner or joiner on its own hides in text (and terminals disagree on its width).
		['pay\u200Bpal', 'pay\\u{200b}pal'],
		['a\u200Cb', 'a\\u{200c}b'],
		['a\u200Db', 'a\\u{200d}b'],
		['\u200D👍', '\\u{200d}👍'],
		['👍\u200D', '👍\\u{200d}'],
		['word\u2060joiner', 'word\\u{2060}joiner'],
		['soft\u00ADhyphen', 'soft\\xadhyphen'],
		['\uFEFFbom', '\\u{feff}bom'],
		['line\u2028sep', 'line\\u{2028}sep'],
		['tag\u{E0041}', 'tag\\u{e0041}'],
		// Emoji ZWJ sequences, with skin tones and presentation selectors, and a flag's tag sequence stay whole.
		['family 👨‍👩‍👧 rainbow 🏳️‍🌈 coder 🧑🏽‍💻 runner 🏃‍♂️', 'family 👨‍👩‍👧 rainbow 🏳️‍🌈 coder 🧑🏽‍💻 runner 🏃‍♂️'],
		['flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿!', 'flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿!'],
		['👨‍👩‍👧\u200B', '👨‍👩‍👧\\u{200b}'],
	];
	for (const [input, expected] of cases) {
		assert.equal(escapeControl(input), expected, JSON.stringify(input));
		assert.equal(escapeControl(input, {keepLayout: true}), expected, `keepLayout: ${JSON.stringify(input)}`);
	}
});

test('JSON for a terminal escapes the same characters, still valid JSON', () => {
	const json = JSON.stringify({a: 'pay\u200Bpal\u00AD', family: '👨‍👩‍👧', tag: '\u{E0041}'});
	const escaped = escapeJsonControl(json);
	assert.equal(escaped, String.raw`{"a":"pay\u200bpal\u00ad","family":"👨‍👩‍👧","tag":"\udb40\udc41"}`);
	assert.deepEqual(JSON.parse(escaped), JSON.parse(json));
});
