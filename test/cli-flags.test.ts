import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseCommandLine} from '../source/cli/parse-args.js';
import {UsageError} from '../source/shared/exit-codes.js';

const specs = {
	execute: {type: 'string', shortFlag: 'x', isMultiple: true, default: [] as string[]},
	count: {type: 'string', shortFlag: 'n'},
	verbose: {type: 'boolean', shortFlag: 'v', default: false},
	history: {type: 'boolean', default: true},
	userAgent: {type: 'string', shortFlag: 'A'},
} as const;

test('options in any order, grouped short flags, values that start with a dash, -- ends options', () => {
	const line = parseCommandLine(['-vx', '-hello', 'ws://a', '--user-agent=me', '-n3', '--no-history', '--', '-x'], specs);
	assert.deepEqual(line.input, ['ws://a', '-x']);
	assert.deepEqual(line.flags, {execute: ['-hello'], count: '3', verbose: true, history: false, userAgent: 'me'});
	assert.deepEqual([...line.typed], [['verbose', '-v'], ['execute', '-x'], ['userAgent', '--user-agent'], ['count', '-n'], ['history', '--no-history']]);
});

test('--help, -h and --version win over everything else on the line, bad options included', () => {
	assert.equal(parseCommandLine(['ws://a', '-Z', '-h'], specs).help, true);
	assert.equal(parseCommandLine(['serve', '--help'], specs).help, true);
	assert.equal(parseCommandLine(['-n', 'x', '--version'], specs).version, true);
	assert.equal(parseCommandLine(['--', '--help'], specs).help, false);
});

test('mistakes are usage errors that name the option as typed', () => {
	for (const [args, message] of [
		[['-Z'], 'unknown option -Z (see wsterm --help)'],
		[['--no-check'], 'unknown option --no-check (see wsterm --help)'],
		[['--no-count'], 'unknown option --no-count (see wsterm --help)'],
		[['-n'], '-n needs a value'],
		[['--verbose=yes'], '--verbose takes no value, not "yes"'],
	] as const) {
		assert.throws(() => parseCommandLine(args, specs), new UsageError(message));
	}
});
