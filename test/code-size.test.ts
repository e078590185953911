/* The house limits: no function over 200 lines, no file over 600 (scripts/code-size.ts measures). */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {fileLimit, measureFiles, measureUnits, unitLimit} from '../scripts/code-size.js';

test(`no function in source/ is over ${unitLimit} lines`, () => {
	assert.deepEqual(measureUnits().filter(unit => unit.lines > unitLimit), []);
});

test(`no file in source/ is over ${fileLimit} lines`, () => {
	assert.deepEqual(measureFiles().filter(file => file.lines > fileLimit), []);
});
