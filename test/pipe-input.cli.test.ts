/*
Pipe mode's input from the command line and from stdin, as users give it: -x arguments whose bytes
are not UTF-8, stdin that is not something to read messages from. The built CLI as a child process.
*/
import assert from 'node:assert/strict';
import {execFile, spawn} from 'node:child_process';
import {once} from 'node:events';
import {closeSync, mkdtempSync, openSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {after, before, describe, test} from 'node:test';
import {promisify} from 'node:util';
import {cliPath} from './helpers/cli.js';
import {startServer, type TestServer} from './helpers/servers.js';

/** A server that keeps each message it receives as it came (bytes, and whether binary), and echoes it. */
async function startByteRecorder(): Promise<TestServer & {readonly received: Array<{readonly data: Buffer; readonly isBinary: boolean}>}> {
	const received: Array<{data: Buffer; isBinary: boolean}> = [];
	const server = await startServer({onConnection(socket) {
		socket.on('message', (data, isBinary) => {
			received.push({data: data as Buffer, isBinary});
			socket.send(data, {binary: isBinary});
		});
	}});
	return Object.assign(server, {received});
}

/**
The CLI run by bash, so that its arguments can hold bytes that are not UTF-8 (`$'a\xffb'`):
Node would encode every argument given to spawn as UTF-8.
*/
async function runWithRawArguments(shellArguments: string): Promise<{code: number; stdout: string; stderr: string}> {
	try {
		const {stdout, stderr} = await promisify(execFile)('bash', ['-c', `"${process.execPath}" "${cliPath}" ${shellArguments} </dev/null`], {encoding: 'utf8', env: {...process.env, NO_PROXY: '*'}});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const {code, stdout, stderr} = error as {code: number; stdout: string; stderr: string};
		return {code, stdout, stderr};
	}
}

describe('-x arguments that are not UTF-8', () => {
	let server: Awaited<ReturnType<typeof startByteRecorder>>;
	before(async () => {
		server = await startByteRecorder();
	});
	after(async () => server.close());

	test('with --binary, the bytes go as they are (-x and --execute=)', {skip: process.platform !== 'linux'}, async () => {
		server.received.length = 0;
		const result = await runWithRawArguments(`${server.url} --binary -x $'a\\xffb' --execute=$'\\xfe' -n 2`);
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(server.received, [{data: Buffer.from([0x61, 0xFF, 0x62]), isBinary: true}, {data: Buffer.from([0xFE]), isBinary: true}]);
	});

	test('without --binary, the invalid bytes are replaced, with a note as for stdin\'s lines', async () => {
		server.received.length = 0;
		const result = await runWithRawArguments(`${server.url} -x ok -x $'a\\xffb' -n 2`);
		assert.equal(result.code, 0);
		assert.equal(result.stderr, 'wsterm: -x message 2 is not valid UTF-8: invalid bytes replaced with U+FFFD (--binary sends bytes as they are)\n');
		assert.deepEqual(server.received, [{data: Buffer.from('ok'), isBinary: false}, {data: Buffer.from('a\uFFFDb'), isBinary: false}]);
	});

	test('a U+FFFD typed as such is sent without a note', async () => {
		server.received.length = 0;
		const result = await runWithRawArguments(`${server.url} -x 'a\uFFFDb' -n 1`);
		assert.equal(result.code, 0);
		assert.equal(result.stderr, '');
		assert.deepEqual(server.received, [{data: Buffer.from('a\uFFFDb'), isBinary: false}]);
	});
});

test('a directory as stdin (wsterm URL < dir) is a usage error: exit 2, one line, no connection', async () => {
	const server = await startServer();
	const directory = openSync(mkdtempSync(`${tmpdir()}/wsterm-stdin-`), 'r');
	try {
		const child = spawn(process.execPath, [cliPath, server.url], {env: {...process.env, NO_PROXY: '*'}, stdio: [directory, 'pipe', 'pipe']});
		let stderr = '';
		child.stderr!.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		const [code] = await once(child, 'close') as [number | null];
		assert.equal(code, 2);
		assert.equal(stderr, 'wsterm: stdin is a directory: give messages on stdin from a file or a pipe (wsterm URL < FILE), or with -x\n');
		assert.equal(server.requests.length, 0);
	} finally {
		closeSync(directory);
		await server.close();
	}
});
