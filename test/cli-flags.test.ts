import assert from 'node:assert/strict';
import {test} from 'node:test';
import {type ClientOptions, clientOptionsFromCommandLine} from '../source/cli/client-options.js';
import {parseCommandLine} from '../source/cli/command-line.js';
import {flagTable} from '../source/cli/flags.js';
import {replayOptionsFromCommandLine} from '../source/cli/replay-options.js';
import {serveChoicesFromCommandLine} from '../source/cli/serve-options.js';
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

test('values reach meow as typed: quotes kept, a dash value taken, a true after a boolean is an argument', () => {
	const line = parseCommandLine(['-x', '"q"', '--execute="r"', '-x', '-', '--user-agent', '\'ua\'', '--verbose', 'false', '-n', '-1'], specs);
	assert.deepEqual(line.flags.execute, ['"q"', '"r"', '-']);
	assert.equal(line.flags.userAgent, '\'ua\'');
	assert.equal(line.flags.count, '-1');
	assert.equal(line.flags.verbose, true);
	assert.deepEqual(line.input, ['false']);
});

test('flags not given take the table\'s defaults; meow leaves the process title alone', () => {
	const title = process.title;
	const line = parseCommandLine(['-v'], specs);
	assert.deepEqual(line.flags, {execute: [], verbose: true, history: true});
	assert.equal(process.title, title);
});

/** The client's options for `args` (pipe mode: not a terminal), or the UsageError's message. */
function client(args: readonly string[], terminal = false): ClientOptions | string {
	try {
		return clientOptionsFromCommandLine(parseCommandLine(args, flagTable), {terminal, onRefused() {}});
	} catch (error) {
		assert.ok(error instanceof UsageError, String(error));
		return error.message;
	}
}

test('numeric flags are decimal only, in every mode, and the error names the flag as typed', () => {
	assert.equal(client(['ws://a', '-n', '0x2']), '-n takes a whole number of at least 1, not "0x2"');
	assert.equal(client(['ws://a', '--count', '1e1']), '--count takes a whole number of at least 1, not "1e1"');
	assert.equal(client(['ws://a', '--ping-interval', '0x10']), '--ping-interval takes a number of at least 0, not "0x10"');
	assert.equal(client(['ws://a', '-w', ' 2']), '-w takes a number of at least 0, or -1 (until the server closes), not " 2"');
	assert.throws(() => serveChoicesFromCommandLine(parseCommandLine(['serve', '-p', '0x50'], flagTable)), new UsageError('-p takes a whole number from 0 to 65535, not "0x50"'));
	assert.throws(() => serveChoicesFromCommandLine(parseCommandLine(['serve', '--max-connections', '+3'], flagTable)), /--max-connections takes a whole number/);
	assert.throws(() => serveChoicesFromCommandLine(parseCommandLine(['serve', '--ping-interval', '1e1'], flagTable)), /--ping-interval takes a number of seconds/);
	assert.throws(() => replayOptionsFromCommandLine(parseCommandLine(['replay', 'f.jsonl', '--reply-timeout', '0x10'], flagTable)), /--reply-timeout takes a number of seconds above 0, not "0x10"/);
	assert.throws(() => replayOptionsFromCommandLine(parseCommandLine(['replay', 'f.jsonl', '--entry', '2e0'], flagTable)), /--entry takes a whole number/);
});

test('a fraction is still taken where one was: seconds flags', () => {
	const options = client(['ws://a', '--linger', '0.5', '--ping-interval', '.5', '--ping-timeout', '2.', '--close-timeout', '0.25', '--connect-timeout', '1.5']);
	assert.ok(typeof options === 'object', String(options));
	assert.equal(options.pipe.linger, 0.5);
	assert.deepEqual(options.connection, {reconnect: false, pingInterval: 0.5, pingTimeout: 2, closeTimeout: 250});
	assert.equal(options.connect.connectTimeout, 1.5);
	assert.equal((client(['ws://a', '-w', '0.5']) as ClientOptions).pipe.wait, 0.5);
	assert.equal((client(['ws://a', '-w', '-1']) as ClientOptions).pipe.wait, -1);
	assert.equal(serveChoicesFromCommandLine(parseCommandLine(['serve', '--ping-interval', '0.5'], flagTable)).options.pingIntervalMs, 500);
	assert.equal(replayOptionsFromCommandLine(parseCommandLine(['replay', 'f.jsonl', '--reply-timeout', '0.5'], flagTable)).choices.replyTimeoutMs, 500);
	assert.match(String(client(['ws://a', '-n', '1.5'])), /-n takes a whole number/);
});

test('the client\'s options: pipe mode or the session, one --connect-timeout for connecting and the protocol\'s handshake', () => {
	const options = client(['ws://a/x', '--protocol', 'jsonrpc', '--connect-timeout', '2.5', '-x', 'hi']);
	assert.ok(typeof options === 'object', String(options));
	assert.equal(options.mode, 'pipe');
	assert.equal(options.connect.connectTimeout, 2.5);
	assert.equal(options.stages?.protocol?.connectTimeout, 2.5);
	assert.deepEqual(options.execute, ['hi']);
	assert.equal((client(['ws://a']) as ClientOptions).stages, undefined);
	assert.equal((client(['ws://a'], true) as ClientOptions).mode, 'session');
	assert.equal((client(['ws://a', '-n', '1'], true) as ClientOptions).mode, 'pipe');
	assert.match(String(client(['ws://a', '--until', 'x'], true)), /--until ends a pipe-mode run/);
	assert.match(String(client(['--record', 'r.jsonl'], true)), /--record needs a URL/);
	assert.equal(client([]), 'a URL is needed when stdin or stdout is not a terminal: wsterm ws://host:port/path');
	assert.equal(client(['ws://a', '-p', '80']), '-p does not apply to a client connection (did you mean wsterm serve?)');
});

test('routes: the session without a URL refuses them; socketio keeps a ws+unix: URL\'s socket; the flags reach every mode', () => {
	assert.equal(client(['--resolve', 'a:1:127.0.0.1'], true), '--resolve needs a URL (the built-in echo server is reached as it is): wsterm --resolve ... ws://host:port/path');
	const socketio = client(['ws+unix:/run/app.sock:/chat', '--protocol', 'socketio']);
	assert.equal(typeof socketio === 'string' ? socketio : socketio.connectTo, 'ws+unix:/run/app.sock:/socket.io/?EIO=4&transport=websocket');
	const piped = client(['ws://a', '--unix-socket', '/run/app.sock', '--resolve', 'a:80:127.0.0.1', '--connect-to', '::b:'], false);
	assert.deepEqual(typeof piped === 'string' ? piped : [piped.connect.unixSocket, piped.connect.resolve, piped.connect.connectTo], ['/run/app.sock', ['a:80:127.0.0.1'], ['::b:']]);
	assert.equal(replayOptionsFromCommandLine(parseCommandLine(['replay', 'f.jsonl', '--unix-socket', '/s'], flagTable)).connect.unixSocket, '/s');
	assert.equal(client(['ws://a', '--unix-mode', '600']), '--unix-mode does not apply to a client connection (did you mean wsterm serve?)');
	assert.throws(() => serveChoicesFromCommandLine(parseCommandLine(['serve', '--resolve', 'a:1:127.0.0.1'], flagTable)), /--resolve does not apply to wsterm serve/);
});
