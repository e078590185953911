/*
What the protocols send carries the user's number tokens as typed: 9007199254740993, 1.10, -0 and
1e400 are not rounded through JSON.parse (to 9007199254740992, 1.1, 0 and null). Each test reads
the text the server received.
*/
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {after, describe, test} from 'node:test';
import {GraphQLError, GraphQLList, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, GraphQLString} from 'graphql';
import {useServer} from 'graphql-ws/use/ws';
import {Server, type Socket} from 'socket.io';
import {WebSocketServer} from 'ws';
import {encodeExact, memberText, parseExact, plainJson, serverJson, stringifyExact} from '../source/protocols/exact-json.js';
import {idKey, parseBatch, parseLine, responseLine} from '../source/protocols/jsonrpc.js';
import {parseLine as graphqlLine} from '../source/protocols/graphql-ws.js';
import * as engineIo from 'engine.io-parser';
import * as socketIo from 'socket.io-parser';
import {PipelineMessage} from '../source/pipeline/message.js';
import type {StageLink} from '../source/pipeline/stage.js';
import {jsonRpcStage} from '../source/protocols/jsonrpc.js';
import {socketIoStage} from '../source/protocols/socketio.js';
import {shownMessage} from '../source/session/message-path.js';
import {runCli} from './helpers/cli.js';
import {fakeClock} from './helpers/fake-clock.js';
import {startRecordingEcho, startServer, type TestServer} from './helpers/servers.js';

const numbers = '9007199254740993,1.10,-0,1e400';
const closers: Array<() => Promise<void>> = [];
after(async () => Promise.all(closers.map(async close => close())));

async function recordingEcho(): Promise<TestServer & {readonly received: string[]}> {
	const server = await startRecordingEcho();
	closers.push(async () => server.close());
	return server;
}

describe('exact-json', () => {
	test('parseExact and stringifyExact keep number tokens; plainJson gives JSON.parse values', () => {
		const text = `{"a":[${numbers}],"b":{"c":2.50}}`;
		assert.equal(stringifyExact(parseExact(text)), text);
		assert.deepEqual(plainJson(parseExact(text)), JSON.parse(text));
		assert.ok(Object.is((plainJson(parseExact('-0')) as number), -0));
		// A key given twice keeps its last value, as with JSON.parse.
		assert.deepEqual(plainJson(parseExact('{"a":1,"a":2}')), {a: 2});
		// JSON.parse's error message.
		assert.throws(() => parseExact('[1,]'), (error: Error) => error.message === (() => {
			try {
				JSON.parse('[1,]');
			} catch (parseError) {
				return (parseError as Error).message;
			}

			return '';
		})());
	});

	test('every number token survives parseExact and stringifyExact, whichever parse it took; plain values are not copied', () => {
		const tokens = ['1.10', '-0', '-0.0', '1e400', '1E3', '9007199254740993', '0.0000001', '1234567890.1234567', '100', '0.5', '101.25', '-7', '123456789012.345', '0.000001', '1e-7'];
		for (const token of tokens) {
			const text = `{"jsonrpc":"2.0","v":[${token}]}`;
			assert.equal(stringifyExact(parseExact(text)), text, token);
		}

		// A bounded sample of random tokens: integers, fractions and exponents of every size.
		const random = (digits: number): string => Array.from({length: digits}, () => String(Math.floor(Math.random() * 10))).join('').replace(/^0+(?=\d)/, '');
		for (let index = 0; index < 2000; index++) {
			const fraction = index % 3 === 0 ? '' : `.${random(1 + (index % 20))}`;
			const exponent = index % 5 === 0 ? `e${index % 2 === 0 ? '-' : ''}${random(2)}` : '';
			const token = `${index % 2 === 0 ? '-' : ''}${random(1 + (index % 25))}${fraction}${exponent}`;
			const text = `[${token}]`;
			assert.equal(stringifyExact(parseExact(text)), text, token);
		}

		const plain = parseExact('{"jsonrpc":"2.0","id":7,"result":{"x":101.25,"list":[1,2]}}');
		assert.equal(plainJson(plain), plain);
	});

	test('memberText finds a member\'s value as written; serverJson keeps one-line text, else escapes control characters', () => {
		const text = String.raw`{"id":"1","x":{"payload":[1]},"pay\\load":"}","payload":{"s":"\u009b\"{"} ,"type":"next"}`;
		assert.equal(memberText(text, 'payload'), String.raw`{"s":"\u009b\"{"} `);
		assert.equal(memberText(text, 'pay\\load'), '"}"');
		assert.equal(memberText('{"a":1}', 'payload'), undefined);
		assert.equal(serverJson(String.raw` "\u009b\/"`, 'unused'), String.raw`"\u009b\/"`);
		// Over two lines: written again, the raw control character escaped.
		assert.equal(serverJson('[\n"a"]', ['a\u009B']), String.raw`["a\u009b"]`);
	});

	test('encodeExact writes each number token into a JSON.stringify text', () => {
		const value = parseExact(`["x",${numbers},{"n":1.0}]`);
		assert.equal(encodeExact(replacer => `42${JSON.stringify(value, replacer)}`), `42["x",${numbers},{"n":1.0}]`);
		// A string that looks like a placeholder stays a string.
		const tricky = parseExact('["wsterm0x0","wsterm1x0",1.50]');
		assert.equal(encodeExact(replacer => JSON.stringify(tricky, replacer)), '["wsterm0x0","wsterm1x0",1.50]');
		assert.equal(encodeExact(replacer => JSON.stringify({s: 'no numbers'}, replacer)), '{"s":"no numbers"}');
	});

	test('jsonrpc line parsers keep tokens; ids compare exactly', () => {
		assert.equal(stringifyExact(parseLine(`add [${numbers}]`)), `{"method":"add","params":[${numbers}]}`);
		assert.throws(() => parseLine('add 5'), /array \[\.\.\.\] or object/);
		assert.equal(stringifyExact(responseLine(`{"id":7,"result":[${numbers}]}`)), `{"jsonrpc":"2.0","id":7,"result":[${numbers}]}`);
		assert.equal(parseBatch('[{"method":"a","id":9007199254740993},{"method":"a","id":9007199254740992}]').length, 2);
		assert.notEqual(idKey(parseExact('9007199254740993')), idKey(parseExact('9007199254740992')));
		assert.equal(idKey(parseExact('3')), idKey(3));
		assert.notEqual(idKey(3), idKey('3'));
		assert.equal(stringifyExact(graphqlLine('{"query":"{ a }","variables":{"big":9007199254740993}}')), '{"query":"{ a }","variables":{"big":9007199254740993}}');
	});
});

/** A stage's link that keeps nothing: these tests read what the stage passes to `next`. */
const link: StageLink = {receive() {}, send() {}, close() {}, drop() {}, exit() {}, log() {}, error(line) {
	throw new Error(line);
}};

describe('the session\'s sent row shows the numbers as typed', () => {
	test('jsonrpc', () => {
		const sent: PipelineMessage[] = [];
		const stage = jsonRpcStage({clock: fakeClock()})(link);
		void stage.send!(new PipelineMessage(`add [${numbers}]`, false), message => sent.push(message));
		assert.equal(shownMessage(sent[0]!).data.toString(), `{"jsonrpc":"2.0","id":1,"method":"add","params":[${numbers}]}`);
	});

	test('socketio: the arguments, while the frame carries them too and hooks\' decoded is plain', async () => {
		const sent: PipelineMessage[] = [];
		const stage = socketIoStage({namespace: '/', clock: fakeClock()}, {engineIo, socketIo})(link);
		stage.receive!(new PipelineMessage('40{"sid":"a"}', false), () => undefined);
		await stage.send!(new PipelineMessage(`["echo",${numbers}]`, false), message => sent.push(message));
		assert.equal(sent[0]!.text, `420["echo",${numbers}]`);
		assert.equal(shownMessage(sent[0]!).data.toString(), `["echo",${numbers}]`);
		assert.deepEqual(sent[0]!.decoded, JSON.parse(`["echo",${numbers.replace('1e400', '0')}]`).with(4, Number.POSITIVE_INFINITY));
	});
});

describe('--protocol jsonrpc sends numbers as typed', () => {
	test('a request, a response object and a batch', async () => {
		const server = await recordingEcho();
		const input = [
			`add [${numbers}]`,
			`{"id":7,"result":[${numbers}]}`,
			`[{"method":"a","id":1.0,"params":{"x":2.50}},{"method":"b","params":[-0]}]`,
		].join('\n');
		const result = await runCli([server.url, '--protocol', 'jsonrpc', '-w', '1'], {input: `${input}\n`});
		assert.equal(result.stderr, '');
		assert.deepEqual(server.received, [
			`{"jsonrpc":"2.0","id":1,"method":"add","params":[${numbers}]}`,
			`{"jsonrpc":"2.0","id":7,"result":[${numbers}]}`,
			'[{"jsonrpc":"2.0","method":"a","id":1.0,"params":{"x":2.50}},{"jsonrpc":"2.0","method":"b","params":[-0]}]',
		]);
	});

	test('ids 9007199254740993 and 9007199254740992 are two requests, each paired with its own response', async () => {
		const received: string[] = [];
		const server = await startServer({onConnection(socket) {
			socket.on('message', (data: Buffer) => {
				const text = data.toString();
				received.push(text);
				const id = /"id":(\d+)/.exec(text)![1]!;
				// Answered in reverse order, each result naming its id's token.
				setTimeout(() => {
					socket.send(`{"jsonrpc":"2.0","id":${id},"result":"for ${id}"}`);
				}, id.endsWith('3') ? 200 : 0);
			});
		}});
		closers.push(async () => server.close());
		const result = await runCli([server.url, '--protocol', 'jsonrpc', '-n', '2', '-w', '5'], {input: '{"method":"a","id":9007199254740993}\n{"method":"b","id":9007199254740992}\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(received, ['{"jsonrpc":"2.0","method":"a","id":9007199254740993}', '{"jsonrpc":"2.0","method":"b","id":9007199254740992}']);
		assert.deepEqual(result.stdout.trim().split('\n'), [
			'b => {"jsonrpc":"2.0","id":9007199254740992,"result":"for 9007199254740992"}',
			'a => {"jsonrpc":"2.0","id":9007199254740993,"result":"for 9007199254740993"}',
		]);
	});

	test('a batch of responses is split with each response\'s numbers as received', async () => {
		const server = await startServer({onConnection(socket) {
			socket.on('message', () => {
				socket.send(`[{"jsonrpc":"2.0","id":1,"result":[${numbers}]}]`);
			});
		}});
		closers.push(async () => server.close());
		const result = await runCli([server.url, '--protocol', 'jsonrpc', '-n', '1', '-w', '5'], {input: '[{"method":"a","id":1}]\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.stdout, `a => {"jsonrpc":"2.0","id":1,"result":[${numbers}]}\n`);
	});
});

describe('--protocol socketio sends numbers as typed', () => {
	test('an event\'s arguments reach the socket.io server as typed', async () => {
		const http = createServer();
		const io = new Server(http, {transports: ['websocket']});
		const packets: string[] = [];
		io.engine.on('connection', (socket: {on: (event: 'packet', listener: (packet: {type: string; data?: unknown}) => void) => void}) => {
			socket.on('packet', packet => {
				if (packet.type === 'message') {
					packets.push(String(packet.data));
				}
			});
		});
		io.on('connection', socket => {
			socket.on('echo', (...args: unknown[]) => {
				(args.pop() as (...values: unknown[]) => void)(...args);
			});
		});
		http.listen(0, '127.0.0.1');
		await once(http, 'listening');
		closers.push(async () => {
			await io.close();
		});
		const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
		const result = await runCli([url, '--protocol', 'socketio', '--auth', '{"token":9007199254740993,"v":1.10}', '-n', '1', '-w', '5'], {input: `["echo",${numbers},{"f":2.50}]\n`});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(packets.filter(packet => packet.startsWith('2')), [`20["echo",${numbers},{"f":2.50}]`]);
		// --auth's payload, in the namespace CONNECT, as typed too.
		assert.deepEqual(packets.filter(packet => packet.startsWith('0')), ['0{"token":9007199254740993,"v":1.10}']);
	});
});

describe('--protocol graphql-ws sends numbers as typed', () => {
	test('variables reach the graphql-ws server as typed', async () => {
		const wss = new WebSocketServer({host: '127.0.0.1', port: 0});
		await once(wss, 'listening');
		const received: string[] = [];
		wss.on('connection', socket => {
			socket.on('message', (data: Buffer) => received.push(data.toString()));
		});
		useServer({schema: new GraphQLSchema({query: new GraphQLObjectType({name: 'Query', fields: {hello: {type: GraphQLString, resolve: () => 'hi'}}})})}, wss);
		closers.push(async () => new Promise(resolve => {
			wss.close(() => resolve());
		}));
		const line = `{"query":"{ hello }","variables":{"big":9007199254740993,"f":1.10,"z":-0,"e":1e400}}`;
		const result = await runCli([`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, '--protocol', 'graphql-ws', '--init', '{"token":9007199254740993}', '-n', '1', '-w', '5'], {input: `${line}\n`});
		assert.equal(result.stderr, '');
		assert.equal(result.stdout, '{"data":{"hello":"hi"}}\n');
		assert.deepEqual(received.filter(text => text.includes('"connection_init"')), ['{"type":"connection_init","payload":{"token":9007199254740993}}']);
		assert.deepEqual(received.filter(text => text.includes('"subscribe"')), [
			'{"type":"subscribe","id":"1","payload":{"query":"{ hello }","variables":{"big":9007199254740993,"f":1.10,"z":-0,"e":1e400}}}',
		]);
	});
});

/** The socket.io package's server; `onSocket` gets each socket that joined namespace '/'. */
async function socketIoServer(onSocket: (socket: Socket) => void): Promise<string> {
	const http = createServer();
	const io = new Server(http, {transports: ['websocket']});
	io.on('connection', onSocket);
	http.listen(0, '127.0.0.1');
	await once(http, 'listening');
	closers.push(async () => {
		await io.close();
	});
	return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/**
A Socket.IO packet written raw on the server's Engine.IO socket, as a server in a language whose
JSON keeps big integers and decimals (Java, Python) writes it: socket.io's own encoder (JSON.stringify)
cannot make these tokens.
*/
function writeRaw(socket: Socket, data: string | Buffer): void {
	(socket.conn as unknown as {write: (data: string | Buffer) => void}).write(data);
}

const bigEvent = '["big",9007199254740993,1.10,{"id":12345678901234567890}]';

describe('received numbers are shown as the server sent them', () => {
	test('socketio: an event, a binary event and an ack print the server\'s tokens (plain and --jsonl decoded)', async () => {
		const url = await socketIoServer(socket => {
			socket.conn.on('packet', (packet: {type: string; data?: unknown}) => {
				// The ack of the event wsterm emits, with its id.
				const asked = packet.type === 'message' ? /^2(\d+)\["ask"/.exec(String(packet.data)) : null;
				if (asked !== null) {
					writeRaw(socket, `3${asked[1]}[9007199254740993]`);
				}
			});
			writeRaw(socket, `2${bigEvent}`);
			writeRaw(socket, '51-["bin",{"_placeholder":true,"num":0},1e400,-0]');
			writeRaw(socket, Buffer.from([1, 2, 3]));
		});
		const result = await runCli([url, '--protocol', 'socketio', '-n', '3', '-w', '5'], {input: '["ask"]\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(result.stdout.trim().split('\n').sort(), [
			'["bin",{"$bytes":"AQID"},1e400,-0]',
			bigEvent,
			'ack "ask" => [9007199254740993]',
		].sort());
		const jsonl = await runCli([url, '--protocol', 'socketio', '-n', '2', '-w', '5', '--jsonl'], {input: ''});
		assert.equal(jsonl.stderr, '');
		const decoded = jsonl.stdout.trim().split('\n').filter(line => line.includes('"decoded"')).map(line => /"decoded":(.*)\}$/.exec(line)?.[1]);
		assert.deepEqual(decoded, [bigEvent, '["bin",{"$bytes":"AQID"},1e400,-0]']);
	});

	test('socketio: the session\'s row of a received event keeps the tokens; hooks\' decoded is plain', () => {
		const received: PipelineMessage[] = [];
		const stage = socketIoStage({namespace: '/', clock: fakeClock()}, {engineIo, socketIo})(link);
		stage.receive!(new PipelineMessage('40{"sid":"a"}', false), () => undefined);
		stage.receive!(new PipelineMessage(`42${bigEvent}`, false), message => received.push(message));
		assert.equal(shownMessage(received[0]!).data.toString(), bigEvent);
		assert.deepEqual(received[0]!.decoded, JSON.parse(bigEvent));
	});

	test('graphql-ws: a next payload and an error print the server\'s tokens', async () => {
		const wss = new WebSocketServer({host: '127.0.0.1', port: 0});
		await once(wss, 'listening');
		// Registered before useServer's: the graphql-ws server's text, with each "RAW:token" string written as that number token (as a server whose JSON keeps them would send).
		wss.on('connection', socket => {
			const send = socket.send.bind(socket);
			socket.send = ((data: string, ...rest: unknown[]) => send(data.replaceAll(/"RAW:([^"]+)"/g, '$1'), ...rest as [])) as typeof socket.send;
		});
		const raw = new GraphQLScalarType({name: 'Raw'});
		useServer({
			schema: new GraphQLSchema({query: new GraphQLObjectType({name: 'Query', fields: {
				big: {type: new GraphQLList(raw), resolve: () => ['RAW:9007199254740993', 'RAW:1.10', 'RAW:12345678901234567890']},
			}})}),
			// An operation whose document says `refused` gets an `error` message, a number in its extensions.
			onSubscribe: (_context, _id, payload) => payload.query.includes('refused') ? [new GraphQLError('refused', {extensions: {limit: 'RAW:9007199254740993'}})] : undefined,
		}, wss);
		closers.push(async () => new Promise(resolve => {
			wss.close(() => resolve());
		}));
		const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
		const result = await runCli([url, '--protocol', 'graphql-ws', '-n', '2', '-w', '5'], {input: '{ big }\nquery refused { big }\n'});
		assert.deepEqual(result.stdout.trim().split('\n').sort(), [
			'error: query refused { big } => [{"message":"refused","extensions":{"limit":9007199254740993}}]',
			'{"data":{"big":[9007199254740993,1.10,12345678901234567890]}}',
		]);
		const jsonl = await runCli([url, '--protocol', 'graphql-ws', '-n', '1', '-w', '5', '--jsonl'], {input: '{ big }\n'});
		assert.match(jsonl.stdout, /"decoded":\{"data":\{"big":\[9007199254740993,1\.10,12345678901234567890\]\}\}\}\n/);
	});
});

/** A string as a server may escape it: é, a slash, the C1 control CSI and an emoji, each written as escapes. */
const escapedString = String.raw`"\u00e9\/\u009b\ud83d\ude00"`;

describe('received strings are shown with the server\'s own escapes', () => {
	test('socketio: an event and an ack keep the server\'s text (plain and --jsonl decoded); no escaped control character comes out raw', async () => {
		const url = await socketIoServer(socket => {
			socket.conn.on('packet', (packet: {type: string; data?: unknown}) => {
				const asked = packet.type === 'message' ? /^2(\d+)\["ask"/.exec(String(packet.data)) : null;
				if (asked !== null) {
					writeRaw(socket, `3${asked[1]}[${escapedString}]`);
				}
			});
			writeRaw(socket, `2["s",${escapedString}]`);
		});
		const result = await runCli([url, '--protocol', 'socketio', '-n', '2', '-w', '5'], {input: '["ask"]\n'});
		assert.equal(result.stderr, '');
		assert.deepEqual(result.stdout.trim().split('\n').sort(), [`["s",${escapedString}]`, `ack "ask" => [${escapedString}]`].sort());
		const jsonl = await runCli([url, '--protocol', 'socketio', '-n', '1', '-w', '5', '--jsonl'], {input: ''});
		assert.equal(jsonl.stderr, '');
		const decoded = jsonl.stdout.trim().split('\n').filter(line => line.includes('"decoded"')).map(line => /"decoded":(.*)\}$/.exec(line)?.[1]);
		assert.deepEqual(decoded, [`["s",${escapedString}]`]);
	});

	test('graphql-ws: a next payload keeps the server\'s text (plain and --jsonl decoded)', async () => {
		const wss = new WebSocketServer({host: '127.0.0.1', port: 0, handleProtocols: () => 'graphql-transport-ws'});
		await once(wss, 'listening');
		// A graphql-transport-ws server in a few lines: its `next` written by hand, with the string's escapes.
		wss.on('connection', socket => {
			socket.on('message', data => {
				const message = JSON.parse(data.toString()) as {type: string; id?: string};
				if (message.type === 'connection_init') {
					socket.send('{"type":"connection_ack"}');
				} else if (message.type === 'subscribe') {
					socket.send(`{"id":${JSON.stringify(message.id)},"type":"next","payload":{"data":{"s":${escapedString}}}}`);
					socket.send(`{"id":${JSON.stringify(message.id)},"type":"complete"}`);
				}
			});
		});
		closers.push(async () => new Promise(resolve => {
			wss.close(() => resolve());
		}));
		const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
		const result = await runCli([url, '--protocol', 'graphql-ws', '-n', '1', '-w', '5'], {input: '{ s }\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.stdout, `{"data":{"s":${escapedString}}}\n`);
		const jsonl = await runCli([url, '--protocol', 'graphql-ws', '-n', '1', '-w', '5', '--jsonl'], {input: '{ s }\n'});
		assert.ok(jsonl.stdout.includes(`"decoded":{"data":{"s":${escapedString}}}}\n`), jsonl.stdout);
	});
});
