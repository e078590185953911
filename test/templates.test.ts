import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {expandTemplate, hasVariables, sequence, type TemplateScope, variableNames} from '../source/profiles/template.js';

const scope = (vars: Record<string, string> = {}, env: Record<string, string> = {}): TemplateScope => ({
	vars: new Map(Object.entries(vars)),
	env,
	nextSeq: sequence(),
	wallNow: () => Date.UTC(2026, 11, 7, 3, 4, 5, 678),
});

describe('templates', () => {
	test('variables, the environment and built-ins are filled in; spaces inside the braces are allowed', () => {
		const result = expandTemplate('{{token}} {{ env.HOME_DIR }} {{$timestamp}} {{$isoTime}}', scope({token: 't0k'}, {HOME_DIR: '/h'}));
		assert.deepEqual(result, {text: `t0k /h ${Date.UTC(2026, 11, 7, 3, 4, 5, 678)} 2026-12-07T03:04:05.678Z`});
	});

	test('$seq counts each use in a run; $uuid is a fresh v4 UUID; $randomInt is 0 to 1000', () => {
		const run = scope();
		assert.deepEqual(expandTemplate('{{$seq}},{{$seq}}', run), {text: '1,2'});
		assert.deepEqual(expandTemplate('{{$seq}}', run), {text: '3'});
		const [first, second] = ['{{$uuid}}', '{{$uuid}}'].map(text => (expandTemplate(text, run) as {text: string}).text);
		assert.match(first!, /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/);
		assert.notEqual(first, second);
		const number = Number((expandTemplate('{{$randomInt}}', run) as {text: string}).text);
		assert.ok(Number.isInteger(number) && number >= 0 && number <= 1000);
	});

	test('a name that is not defined is named, never replaced by an empty string', () => {
		assert.deepEqual(expandTemplate('a {{known}} {{unknown}} {{other}}', scope({known: 'k'})), {undefinedName: 'unknown'});
		assert.deepEqual(expandTemplate('{{env.NOT_SET}}', scope()), {undefinedName: 'env.NOT_SET'});
		assert.deepEqual(expandTemplate('{{$nope}}', scope()), {undefinedName: '$nope'});
	});

	test('text that only looks like braces is left as it is; a value is not expanded again', () => {
		for (const text of ['{{"a":1}}', '{{', '}} {{ }}', '{"a":{"b":1}}']) {
			assert.equal(hasVariables(text), false, text);
			assert.deepEqual(expandTemplate(text, scope()), {text});
		}

		assert.deepEqual(expandTemplate('{{a}}', scope({a: '{{b}}', b: 'no'})), {text: '{{b}}'});
		assert.deepEqual(variableNames('{{a}} {{ b }} {{a}} {{env.X}}'), ['a', 'b', 'env.X']);
	});
});
