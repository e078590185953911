/* The parts of pipe mode on their own: input splitting, -x's typed bytes, the ending rules, output writing. */
import assert from 'node:assert/strict';
import {PassThrough, Writable} from 'node:stream';
import {test} from 'node:test';
import {escapeJsonControl} from '../source/shared/escape-text.js';
import {ArgumentBytes} from '../source/pipe/argument-bytes.js';
import {EndingRules, type EndReason} from '../source/pipe/ending.js';
import {MessageSplitter} from '../source/pipe/input.js';
import {OutputWriter, writeMessage} from '../source/pipe/output.js';
import {fakeClock} from './helpers/fake-clock.js';

function split(chunks: readonly string[], options = {separator: 10, stripCr: true}): string[] {
	const messages: string[] = [];
	const splitter = new MessageSplitter(options, message => {
		messages.push(message.toString('latin1'));
		return true;
	});
	for (const chunk of chunks) {
		splitter.push(Buffer.from(chunk, 'latin1'));
	}

	splitter.end();
	return messages;
}

test('MessageSplitter: lines across chunks, CRLF split between chunks, empty lines, a last line without LF', () => {
	assert.deepEqual(split(['on', 'e\r', '\ntwo\n\n', 'thr', 'ee']), ['one', 'two', '', 'three']);
	assert.deepEqual(split(['a\r\n\r\n']), ['a', '']);
});

test('MessageSplitter: binary and NUL-separated input keep every CR', () => {
	assert.deepEqual(split(['a\r\nb\r'], {separator: 10, stripCr: false}), ['a\r', 'b\r']);
	assert.deepEqual(split(['a\r\n\0b\0'], {separator: 0, stripCr: false}), ['a\r\n', 'b']);
});

test('MessageSplitter: when the sink is full, the rest of the chunk waits for pump()', () => {
	const messages: string[] = [];
	let room = 2;
	const splitter = new MessageSplitter({separator: 10, stripCr: true}, message => {
		messages.push(message.toString());
		return --room > 0;
	});
	assert.equal(splitter.push(Buffer.from('1\n2\n3\n4\n5')), false);
	assert.deepEqual(messages, ['1', '2']);
	assert.equal(splitter.holding, true);
	room = 10;
	assert.equal(splitter.pump(), true);
	assert.equal(splitter.holding, false);
	assert.deepEqual(messages, ['1', '2', '3', '4']);
	splitter.end();
	assert.deepEqual(messages, ['1', '2', '3', '4', '5']);
});

/** The tests' fake clock, and fire(): moves it on until every timer now pending has fired; returns their delays. */
function manualClock(): {clock: ConstructorParameters<typeof EndingRules>[1]; fire: () => number[]} {
	const clock = fakeClock();
	const pending = new Map<NodeJS.Timeout, number>();
	return {
		clock: {
			setTimeout(callback, ms) {
				const timer = clock.setTimeout(() => {
					pending.delete(timer);
					callback();
				}, ms);
				pending.set(timer, ms);
				return timer;
			},
			clearTimeout(timer) {
				pending.delete(timer);
				clock.clearTimeout(timer);
			},
		},
		fire() {
			const delays = [...pending.values()];
			clock.advance(Math.max(0, ...delays));
			return delays;
		},
	};
}

function rules(options: ConstructorParameters<typeof EndingRules>[0]): {rules: EndingRules; ends: EndReason[]; fire: () => number[]} {
	const ends: EndReason[] = [];
	const {clock, fire} = manualClock();
	return {rules: new EndingRules(options, clock, reason => ends.push(reason)), ends, fire};
}

test('EndingRules, plain EOF: closes once as many came back as were sent', () => {
	const {rules: ending, ends, fire} = rules({});
	ending.messageReceived(1, 3);
	ending.allSent(1, 3);
	assert.deepEqual(ends, []);
	ending.messageReceived(2, 3);
	ending.messageReceived(3, 3);
	assert.deepEqual(ends, ['replies']);
	assert.deepEqual(fire(), []);
});

test('EndingRules, plain EOF: closes after --linger seconds without a message, each message restarting the wait', () => {
	const {rules: ending, ends, fire} = rules({linger: 1.5});
	ending.allSent(0, 2);
	ending.messageReceived(1, 2);
	assert.deepEqual(ends, []);
	assert.deepEqual(fire(), [1500]);
	assert.deepEqual(ends, ['quiet']);
	const zero = rules({linger: 0});
	zero.rules.allSent(0, 1);
	assert.deepEqual(zero.ends, ['quiet']);
});

test('EndingRules, -n: the Nth message ends the run before the input has; fewer is exit 5', () => {
	const {rules: ending, ends} = rules({count: 2});
	ending.messageReceived(1, 100);
	assert.equal(ending.exitCode(1), 5);
	ending.messageReceived(2, 100);
	assert.deepEqual(ends, ['count']);
	assert.equal(ending.exitCode(2), 0);
});

test('EndingRules, -w: SEC after the input is sent; -w -1 never; -n alone waits', () => {
	const wait = rules({wait: 0.3, count: 5});
	wait.rules.allSent(0, 1);
	assert.deepEqual(wait.fire(), [300]);
	assert.deepEqual(wait.ends, ['wait']);
	for (const options of [{wait: -1}, {count: 5}]) {
		const never = rules(options);
		never.rules.allSent(0, 1);
		never.rules.messageReceived(1, 1);
		assert.deepEqual(never.fire(), []);
		assert.deepEqual(never.ends, []);
	}
});

test('EndingRules: after stop() no timer ends the run', () => {
	const {rules: ending, ends, fire} = rules({wait: 1});
	ending.allSent(0, 1);
	ending.stop();
	fire();
	assert.deepEqual(ends, []);
});

function collect(): {stream: Writable; text: () => string; writes: () => number} {
	const chunks: Buffer[] = [];
	const stream = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			chunks.push(chunk);
			callback();
		},
	});
	return {stream, text: () => Buffer.concat(chunks).toString('latin1'), writes: () => chunks.length};
}

test('OutputWriter: 100,000 one-byte messages leave in a few writes of at most 64 KiB', async () => {
	const {stream, text, writes} = collect();
	const output = new OutputWriter(stream, {onFull() {}, onDrain() {}, onGone() {}});
	const format = {jsonl: false, terminal: false, separator: '\n'} as const;
	for (let index = 0; index < 100_000; index++) {
		writeMessage(output, format, Buffer.from('x'), false, 0);
	}

	await new Promise<void>(resolve => {
		output.finish(resolve);
	});
	assert.equal(text(), 'x\n'.repeat(100_000));
	assert.ok(writes() <= 5, `${writes()} writes`);
});

test('writeMessage: -0 ends messages with NUL; big messages pass whole; --jsonl to a terminal escapes C1, DEL and bidi', async () => {
	const {stream, text} = collect();
	const output = new OutputWriter(stream, {onFull() {}, onDrain() {}, onGone() {}});
	const big = Buffer.alloc(100_000, 'b');
	writeMessage(output, {jsonl: false, terminal: false, separator: '\0'}, Buffer.from('a\nb'), false, 0);
	writeMessage(output, {jsonl: false, terminal: false, separator: '\0'}, big, true, 0);
	writeMessage(output, {jsonl: true, terminal: true, separator: '\n'}, Buffer.from('\u009B31m\u007F\u202Eevil\u001B'), false, 0);
	await new Promise<void>(resolve => {
		output.finish(resolve);
	});
	const [first, second, third] = text().split('\0');
	assert.equal(first, 'a\nb');
	assert.equal(second, big.toString('latin1'));
	assert.equal(third, '{"time":"1970-01-01T00:00:00.000Z","dir":"in","type":"text","size":14,"data":"\\u009b31m\\u007f\\u202eevil\\u001b"}\n');
	assert.equal(JSON.parse(third!).data, '\u009B31m\u007F\u202Eevil\u001B');
});

test('escapeJsonControl leaves other text alone', () => {
	assert.equal(escapeJsonControl('{"a":"héllo 👍"}'), '{"a":"héllo 👍"}');
});

test('OutputWriter: a reader that has gone drops output and says so once', async () => {
	const stream = new PassThrough();
	const gone: string[] = [];
	const output = new OutputWriter(stream, {onFull() {}, onDrain() {}, onGone: loss => gone.push(loss.error.message)});
	stream.emit('error', new Error('EPIPE'));
	stream.emit('error', new Error('again'));
	output.write('dropped');
	await new Promise<void>(resolve => {
		output.finish(resolve);
	});
	assert.deepEqual(gone, ['EPIPE']);
});

test('ArgumentBytes: -x values get their typed bytes back, in order, whole or after an inline option', () => {
	const typed = [Buffer.from('ws://h/'), Buffer.from('-x'), Buffer.from([0xFF]), Buffer.from([0x2D, 0x78, 0xFE]), Buffer.from('--execute=\uFFFD'), Buffer.from([0x2D, 0x2D, 0x65, 0x78, 0x65, 0x63, 0x75, 0x74, 0x65, 0x3D, 0x61, 0xC3])];
	const commandLine = Buffer.concat([Buffer.from('node\0--import\0x\0cli.js\0'), ...typed.flatMap(bytes => [bytes, Buffer.from([0])])]);
	const args = typed.map(bytes => bytes.toString());
	const binary = new ArgumentBytes(args, commandLine);
	assert.deepEqual(binary.message('\uFFFD', true), {data: Buffer.from([0xFF]), isBinary: true});
	assert.deepEqual(binary.message('\uFFFD', true), {data: Buffer.from([0xFE]), isBinary: true});
	// Typed as U+FFFD itself: valid UTF-8, sent as text.
	assert.deepEqual(binary.message('\uFFFD', true), {data: '\uFFFD', isBinary: true});
	assert.deepEqual(binary.message('a\uFFFD', true), {data: Buffer.from([0x61, 0xC3]), isBinary: true});
	const text = new ArgumentBytes(args, commandLine);
	assert.deepEqual(text.message('\uFFFD', false), {data: '\uFFFD', isBinary: false, replacedInvalidUtf8: true});
	assert.deepEqual(text.message('plain', false), {data: 'plain', isBinary: false});
	// A command line that is not the arguments' (a process title changed): they are taken as decoded.
	assert.deepEqual(new ArgumentBytes(args, Buffer.from('wsterm\0')).message('\uFFFD', true), {data: '\uFFFD', isBinary: true});
	assert.deepEqual(new ArgumentBytes(args, undefined).message('\uFFFD', false), {data: '\uFFFD', isBinary: false});
});
