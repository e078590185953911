import assert from 'node:assert/strict';
import {test} from 'node:test';
import {completeCommand, expandHome, parseBinary, parseInput} from '../source/session/slash-commands.js';

test('plain text is sent; //text sends text that begins with a slash', () => {
	assert.deepEqual(parseInput('hello'), {type: 'send', text: 'hello'});
	assert.deepEqual(parseInput('//etc/passwd'), {type: 'send', text: '/etc/passwd'});
	assert.deepEqual(parseInput(' /not a command'), {type: 'send', text: ' /not a command'});
});

test('commands and their arguments', () => {
	assert.deepEqual(parseInput('/ping'), {type: 'command', command: {name: 'ping', payload: undefined}});
	assert.deepEqual(parseInput('/ping hello there'), {type: 'command', command: {name: 'ping', payload: 'hello there'}});
	assert.deepEqual(parseInput('/close'), {type: 'command', command: {name: 'close', code: 1000, reason: ''}});
	assert.deepEqual(parseInput('/close 4000 bye now'), {type: 'command', command: {name: 'close', code: 4000, reason: 'bye now'}});
	assert.deepEqual(parseInput('/reconnect'), {type: 'command', command: {name: 'reconnect'}});
	assert.deepEqual(parseInput('/file ./a b.json'), {type: 'command', command: {name: 'file', path: './a b.json'}});
	assert.deepEqual(parseInput('/json'), {type: 'command', command: {name: 'json'}});
	assert.deepEqual(parseInput('/filter error 42'), {type: 'command', command: {name: 'filter', text: 'error 42'}});
	assert.deepEqual(parseInput('/filter'), {type: 'command', command: {name: 'filter', text: ''}});
	assert.deepEqual(parseInput('/clear'), {type: 'command', command: {name: 'clear'}});
	assert.deepEqual(parseInput('/save out.jsonl'), {type: 'command', command: {name: 'save', path: 'out.jsonl', overwrite: false}});
	assert.deepEqual(parseInput('/save! "my session.jsonl"'), {type: 'command', command: {name: 'save', path: 'my session.jsonl', overwrite: true}});
	assert.deepEqual(parseInput('/file \'~/a b.json\''), {type: 'command', command: {name: 'file', path: '~/a b.json'}});
	assert.deepEqual(parseInput('/empty'), {type: 'command', command: {name: 'empty'}});
	assert.deepEqual(parseInput('/help'), {type: 'command', command: {name: 'help'}});
	assert.deepEqual(parseInput('/quit'), {type: 'command', command: {name: 'quit'}});
});

test('bad close codes and reasons are errors before anything is sent', () => {
	for (const line of ['/close abc', '/close 1005', '/close 1006', '/close 999', '/close 5000', '/close 2000', '/close 1000.5', `/close 1000 ${'x'.repeat(124)}`]) {
		const parsed = parseInput(line);
		assert.equal(parsed.type, 'error', line);
	}

	assert.match((parseInput('/close abc') as {message: string}).message, /must be a number/);
	assert.match((parseInput('/close 1006') as {message: string}).message, /cannot be sent/);
	assert.match((parseInput(`/close 1000 ${'é'.repeat(62)}`) as {message: string}).message, /124 bytes/);
});

test('unknown commands, missing arguments and extra arguments are errors', () => {
	assert.match((parseInput('/nope') as {message: string}).message, /unknown command \/nope/);
	assert.equal(parseInput('/file').type, 'error');
	assert.equal(parseInput('/save').type, 'error');
	assert.equal(parseInput('/json please').type, 'error');
	assert.equal(parseInput(`/ping ${'x'.repeat(126)}`).type, 'error');
});

test('binary data from hex or base64', () => {
	assert.deepEqual(parseBinary('68 69 0a'), Buffer.from('hi\n'));
	assert.deepEqual(parseBinary('0x6869'), Buffer.from('hi'));
	assert.deepEqual(parseBinary('de:ad:BE:EF'), Buffer.from([0xDE, 0xAD, 0xBE, 0xEF]));
	assert.deepEqual(parseBinary('base64:aGk='), Buffer.from('hi'));
	assert.equal(typeof parseBinary('6'), 'string');
	assert.equal(typeof parseBinary('zz'), 'string');
	assert.equal(typeof parseBinary(''), 'string');
	assert.equal(typeof parseBinary('base64:***'), 'string');
	assert.equal(typeof parseBinary('base64:'), 'string');
	const parsed = parseInput('/binary 00 ff');
	assert.equal(parsed.type, 'command');
	assert.deepEqual(parsed.type === 'command' && parsed.command.name === 'binary' ? [...parsed.command.data] : [], [0, 255]);
	assert.equal(parseInput('/binary xyz').type, 'error');
});

test('~ at the start of a path is the home directory', () => {
	assert.equal(expandHome('~/a.json', '/home/me'), '/home/me/a.json');
	assert.equal(expandHome('~', '/home/me'), '/home/me');
	assert.equal(expandHome('a~/b', '/home/me'), 'a~/b');
	assert.equal(expandHome('~other/b', '/home/me'), '~other/b');
});

test('Tab completes slash commands as far as they agree', () => {
	assert.deepEqual(completeCommand('/pi'), {text: '/ping ', choices: ['/ping']});
	assert.deepEqual(completeCommand('/sa'), {text: '/save', choices: ['/save', '/save!']});
	assert.deepEqual(completeCommand('/c'), {text: '/cl', choices: ['/close', '/clear']});
	assert.deepEqual(completeCommand('/zz'), {text: '/zz', choices: []});
	assert.deepEqual(completeCommand('hello'), {text: 'hello', choices: []});
	assert.deepEqual(completeCommand('/ping x'), {text: '/ping x', choices: []});
});
