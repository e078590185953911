import assert from 'node:assert/strict';
import {test} from 'node:test';
import {jsonTokens, layoutJson} from '../source/shared/json-tokens.js';
import {jsonSegments} from '../source/session/message-format.js';

const shown = (text: string, pretty: boolean): string | undefined => jsonSegments(text, pretty)?.map(segment => segment.text).join('');

test('numbers, escapes and duplicate keys are shown exactly as they came, compact and pretty', () => {
	const text = '{"big": 9007199254740993, "huge": 12345678901234567890123, "money": 1.10, "zero": -0, "e": 1E+2, "a": 1, "a": 2, "s": "\\u00e9\\n\\"x\\""}';
	assert.equal(shown(text, false), '{"big":9007199254740993,"huge":12345678901234567890123,"money":1.10,"zero":-0,"e":1E+2,"a":1,"a":2,"s":"\\u00e9\\n\\"x\\""}');
	assert.equal(shown(text, true), [
		'{',
		'  "big": 9007199254740993,',
		'  "huge": 12345678901234567890123,',
		'  "money": 1.10,',
		'  "zero": -0,',
		'  "e": 1E+2,',
		'  "a": 1,',
		'  "a": 2,',
		'  "s": "\\u00e9\\n\\"x\\""',
		'}',
	].join('\n'));
});

test('pretty layout matches JSON.stringify for ordinary values, empty containers included', () => {
	for (const value of [{a: [1, 2, {b: null}], c: {}, d: [], e: 'x'}, [[]], [{}], [1]]) {
		const text = JSON.stringify(value);
		assert.equal(shown(text, true), JSON.stringify(value, undefined, 2));
		assert.equal(shown(JSON.stringify(value, undefined, 4), false), text);
	}
});

test('what is not one JSON object or array is not JSON here', () => {
	for (const text of ['', '42', '"s"', '{', '{"a":}', '{"a" 1}', '[1,]', '[1 2]', '{"a":1}x', '{}{}', '[01]', '{"a":1,}', '{1:2}', '["\u0001"]', '[1.]', '[}', '{]']) {
		assert.equal(jsonTokens(text), undefined, text);
	}

	assert.deepEqual(jsonTokens(' [ ] ')?.map(token => token.kind), ['open', 'close']);
	assert.equal(layoutJson(jsonTokens('{"k":[true]}')!, false).map(([text]) => text).join(''), '{"k":[true]}');
});
