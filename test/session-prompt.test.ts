import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createPrompt, type Prompt, type PromptAction, promptReducer} from '../source/session/prompt.js';

function run(prompt: Prompt, ...actions: PromptAction[]): Prompt {
	return actions.reduce(promptReducer, prompt);
}

const type = (text: string): PromptAction => ({type: 'edit', edit: {type: 'insert', text}});

test('submitting remembers the line and starts a new one', () => {
	const prompt = run(createPrompt(), type('hello'), {type: 'submitted', text: 'hello', remember: true});
	assert.equal(prompt.line.text, '');
	assert.deepEqual(prompt.history.entries, ['hello']);
});

test('up and down browse the history and keep the draft', () => {
	let prompt = run(createPrompt(['one', 'two']), type('dra'), {type: 'history-previous'});
	assert.equal(prompt.line.text, 'two');
	assert.equal(prompt.line.cursor, 3);
	prompt = run(prompt, {type: 'history-previous'}, {type: 'history-previous'});
	assert.equal(prompt.line.text, 'one');
	prompt = run(prompt, {type: 'history-next'}, {type: 'history-next'});
	assert.equal(prompt.line.text, 'dra');
});

test('up and down move between the lines of a multi-line draft before they recall history', () => {
	let prompt = run(createPrompt(['old']), type('first\nsecond\nthird'), {type: 'history-previous'});
	assert.deepEqual(prompt.line, {text: 'first\nsecond\nthird', cursor: 'first\nsecond'.length - 1});
	prompt = run(prompt, {type: 'history-previous'});
	assert.deepEqual(prompt.line, {text: 'first\nsecond\nthird', cursor: 5});
	prompt = run(prompt, {type: 'history-next'});
	assert.equal(prompt.line.cursor, 'first\nsecon'.length);
	prompt = run(prompt, {type: 'history-previous'}, {type: 'history-previous'});
	assert.equal(prompt.line.text, 'old');
});

test('Ctrl-R finds matches as the query grows, goes older, and accepts', () => {
	let prompt = run(createPrompt(['sub btc', 'ping', 'sub eth']), {type: 'search'});
	assert.deepEqual(prompt.search, {query: '', match: undefined});
	prompt = run(prompt, {type: 'search-edit', edit: {type: 'insert', text: 'sub'}});
	assert.equal(prompt.search?.match, 2);
	prompt = run(prompt, {type: 'search'});
	assert.equal(prompt.search?.match, 0);
	// No older match: it stays.
	assert.equal(run(prompt, {type: 'search'}).search?.match, 0);
	prompt = run(prompt, {type: 'search-accept'});
	assert.equal(prompt.search, undefined);
	assert.equal(prompt.line.text, 'sub btc');
});

test('a cancelled search leaves the line alone', () => {
	const prompt = run(createPrompt(['abc']), type('typed'), {type: 'search'}, {type: 'search-edit', edit: {type: 'insert', text: 'a'}}, {type: 'search-cancel'});
	assert.equal(prompt.line.text, 'typed');
	assert.equal(prompt.search, undefined);
});
