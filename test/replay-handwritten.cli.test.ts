/*
Replay files written by hand: only `dir` and the payload are needed. `time` may be left out (no
wait), `type` follows from the payload, `data` may be a JSON value; a record that is truly wrong
is one line naming the file and line.
*/
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {UsageError} from '../source/shared/exit-codes.js';
import {parseConversation} from '../source/replay/read-conversation.js';
import {runCli} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-fixes-replay-'));

function usageMessage(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		assert.ok(error instanceof UsageError, String(error));
		return error.message;
	}

	assert.fail('no usage error');
}

const handWritten = [
	'{"dir":"out","data":"hello"}',
	'{"dir":"in","data":"hello"}',
	'{"dir":"out","meta":{"data":1},"data":{"op":"sub","id":9007199254740993,"x":-0,"s":"caf\\u00e9"}}',
	'{"dir":"in","data":{"op":"sub","id":9007199254740993,"x":-0,"s":"café"}}',
	'{"dir":"out","base64":"AP8K"}',
	'{"dir":"in","type":"binary","base64":"AP8K"}',
	'',
].join('\n');

describe('a replay file written by hand', () => {
	test('no time, no type: text from "data", binary from "base64"; a JSON value as "data" is sent as written', () => {
		const conversation = parseConversation(handWritten, 'script.jsonl');
		assert.deepEqual(conversation.messages.map(message => [message.dir, message.isBinary, message.isBinary ? message.data.toString('hex') : message.data.toString()]), [
			['out', false, 'hello'],
			['in', false, 'hello'],
			['out', false, '{"op":"sub","id":9007199254740993,"x":-0,"s":"caf\\u00e9"}'],
			['in', false, '{"op":"sub","id":9007199254740993,"x":-0,"s":"café"}'],
			['out', true, '00ff0a'],
			['in', true, '00ff0a'],
		]);
		// No times at all: every message at the start, so --pace recorded waits for nothing.
		assert.deepEqual(new Set(conversation.messages.map(message => message.time)), new Set([0]));
	});

	test('a record without a time comes right after the one before it; those before the first time, at it', () => {
		const conversation = parseConversation([
			'{"dir":"out","data":"a"}',
			'{"dir":"in","data":"b","time":"2026-01-01T00:00:01.000Z"}',
			'{"dir":"out","data":"c"}',
			'{"dir":"in","data":"d","time":"2026-01-01T00:00:03.000Z"}',
			'{"dir":"out","data":"e"}',
		].join('\n'), 'f');
		const second = Date.parse('2026-01-01T00:00:01.000Z');
		assert.deepEqual(conversation.messages.map(message => (message.time - second) / 1000), [0, 0, 0, 2, 2]);
	});

	test('a truly bad record is one line with the file and line number', () => {
		const cases: Array<[string, string]> = [
			['{"dir":"out","data":"a"}\n{"dir":"out","type":"txt","data":"b"}\n', 'f line 2: "type" must be "text" or "binary" (or left out), or "open", "ping", "pong" or "close", not "txt"'],
			['{"dir":"out"}\n', 'f line 1: a message needs "data" (text: a string, or any JSON value, sent as its JSON) or "base64" (binary)'],
			['{"data":"a"}\n', 'f line 1: "dir" must be "out" (sent by the client) or "in" (sent by the server), not missing'],
			['["out","a"]\n', 'f line 1: not a JSON object; expected one wsterm event record per line, such as {"dir":"out","data":"hello"}'],
			['{"dir":"out","type":"binary","data":"a"}\n', 'f line 1: a binary message needs "base64": the bytes in base64, as a string'],
			['{"dir":"out","data":"a","time":12}\n', 'f line 1: "time" is not an ISO 8601 date such as "2024-05-01T12:00:00.000Z": 12 (or leave it out: no wait)'],
		];
		for (const [text, message] of cases) {
			assert.equal(usageMessage(() => parseConversation(text, 'f')), message);
		}

		// A last line written wrong (not cut short) is an error too, not skipped as an unfinished one.
		assert.match(usageMessage(() => parseConversation('{"dir":"out","data":"a"}\n{"dir": out, "data":"b"}', 'f')), /^f line 2: not JSON \(.+\); expected one wsterm event record per line/);
		assert.equal(parseConversation('{"dir":"out","data":"a"}\n{"dir":"out","da', 'f').messages.length, 1);
	});
});

describe('wsterm replay of a hand-written file', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => server.close());

	for (const pace of ['recorded', 'reply']) {
		test(`--pace ${pace} --check against an echo server: everything sent and checked, exit 0`, async () => {
			const path = join(temporary, `script-${pace}.jsonl`);
			writeFileSync(path, handWritten);
			const result = await runCli(['replay', path, server.url, '--pace', pace, '--check', '--jsonl'], {timeout: 20_000});
			assert.equal(result.stderr, 'wsterm: check passed: 3 messages as recorded\n');
			assert.equal(result.code, 0);
			const received = result.stdout.trim().split('\n').map(line => JSON.parse(line) as {dir: string; type: string; data?: string; base64?: string});
			assert.deepEqual(received.filter(record => record.dir === 'in' && (record.type === 'text' || record.type === 'binary')).map(record => record.data ?? record.base64), [
				'hello',
				'{"op":"sub","id":9007199254740993,"x":-0,"s":"caf\\u00e9"}',
				'AP8K',
			]);
		});
	}
});
