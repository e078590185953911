import assert from 'node:assert/strict';
import {test} from 'node:test';
import {closeProblem, describeCloseCode, isCleanClose, isSendableCloseCode} from '../source/connection/close-codes.js';

test('only codes a close frame may carry are sendable', () => {
	for (const code of [1000, 1001, 1003, 1007, 1014, 3000, 4000, 4999]) {
		assert.ok(isSendableCloseCode(code), String(code));
	}

	for (const code of [0, 999, 1004, 1005, 1006, 1015, 2000, 2999, 5000, 1000.5, Number.NaN]) {
		assert.ok(!isSendableCloseCode(code), String(code));
	}
});

test('closeProblem checks the code and the reason length in bytes', () => {
	assert.equal(closeProblem(1000, 'bye'), undefined);
	assert.match(closeProblem(1006) ?? '', /cannot be sent/);
	assert.equal(closeProblem(4000, 'x'.repeat(123)), undefined);
	assert.match(closeProblem(4000, 'é'.repeat(62)) ?? '', /124 bytes; at most 123/);
});

test('clean closes and names', () => {
	assert.ok(isCleanClose(1000) && isCleanClose(1001) && isCleanClose(1005));
	assert.ok(!isCleanClose(1006) && !isCleanClose(4000));
	assert.equal(describeCloseCode(1009), '1009 (message too big)');
	assert.equal(describeCloseCode(4321), '4321');
});
