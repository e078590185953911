import assert from 'node:assert/strict';
import {test} from 'node:test';
import {entryLines, searchableText} from '../source/session/message-format.js';
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
