import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtempSync, readFileSync} from 'node:fs';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {after, describe, test} from 'node:test';
import {GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString} from 'graphql';
// Its name says hook to the react-hooks lint rule: it is graphql-ws's server.
import {useServer as graphqlWsServer} from 'graphql-ws/use/ws';
import {WebSocketServer} from 'ws';
import {plainJson} from '../source/protocols/exact-json.js';
import {withProtocolSubprotocol} from '../source/cli/pipeline-options.js';
import {operationKind} from '../source/protocols/graphql-document.js';
import {parseLine} from '../source/protocols/graphql-ws.js';
import {runCli, startCli} from './helpers/cli.js';

/** A schema with a query and a subscription; `count`'s last value may come after a long pause. */
function schema(lastDelay: number): GraphQLSchema {
	return new GraphQLSchema({
		query: new GraphQLObjectType({
			name: 'Query',
			fields: {
				hello: {type: GraphQLString, args: {name: {type: GraphQLString}}, resolve: (_root, {name}: {name?: string}) => `hello ${name ?? 'world'}`},
				broken: {type: GraphQLString, resolve() {
					throw new Error('resolver failed');
				}},
			},
		}),
		subscription: new GraphQLObjectType({
			name: 'Subscription',
			fields: {
				count: {
					type: GraphQLInt,
					args: {to: {type: GraphQLInt}},
					async * subscribe(_root, {to}: {to: number}) {
						for (let index = 1; index <= to; index++) {
							await sleep(index === to ? lastDelay : 10);
							yield {count: index};
						}
					},
				},
			},
		}),
	});
}

type Server = {url: string; inits: unknown[]; received: string[]; drop: () => void; close: () => Promise<void>};
const servers: Server[] = [];
after(async () => Promise.all(servers.map(async server => server.close())));

/** The graphql-ws package's server on a real ws server on 127.0.0.1. */
async function graphqlServer({lastDelay = 10, keepAlive = 12_000, protocolPing, onConnect, after: extra}: {
	lastDelay?: number;
	keepAlive?: number;
	protocolPing?: number;
	onConnect?: (payload: unknown) => boolean;
	/** A message of its own the server sends after the first of its messages of `type`. */
	after?: {type: string; message: string};
} = {}): Promise<Server> {
	const wss = new WebSocketServer({host: '127.0.0.1', port: 0, path: '/graphql'});
	await once(wss, 'listening');
	if (extra !== undefined) {
		// Registered before useServer's listener, so that its sends go through this one.
		wss.on('connection', socket => {
			const send = socket.send.bind(socket);
			let sent = false;
			socket.send = ((data: string, ...rest: unknown[]) => {
				send(data, ...rest as []);
				if (!sent && data.includes(`"type":"${extra.type}"`)) {
					sent = true;
					send(extra.message);
				}
			}) as typeof socket.send;
		});
	}

	const inits: unknown[] = [];
	const received: string[] = [];
	wss.on('connection', socket => {
		socket.on('message', (data: Buffer) => received.push(data.toString()));
	});
	graphqlWsServer({
		schema: schema(lastDelay),
		onConnect(context) {
			inits.push(context.connectionParams);
			return onConnect?.(context.connectionParams) ?? true;
		},
	}, wss, keepAlive);
	if (protocolPing !== undefined) {
		// The protocol's own ping (not a WebSocket ping frame), once the operation is under way.
		wss.on('connection', socket => {
			setTimeout(() => {
				socket.send('{"type":"ping","payload":{"n":1}}');
			}, protocolPing);
		});
	}

	const server = {
		url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`,
		inits,
		received,
		drop() {
			// No close frame: a drop, as a network would do it.
			for (const client of wss.clients) {
				client.terminate();
			}
		},
		async close() {
			for (const client of wss.clients) {
				client.terminate();
			}

			await new Promise(resolve => {
				wss.close(resolve);
			});
		},
	};
	servers.push(server);
	return server;
}

describe('--protocol graphql-ws against the graphql-ws server', () => {
	test('a query and a subscription: each next payload is a line; the run ends once every operation completed', async () => {
		// The subscription's last value comes 2.5 s after the others: longer than --linger's default quiet time.
		const {url} = await graphqlServer({lastDelay: 2500});
		const result = await runCli([url, '--protocol', 'graphql-ws'], {
			input: 'subscription { count(to: 3) }\n{"query":"query Q($n: String) { hello(name: $n) }","variables":{"n":"ann"},"operationName":"Q"}\n{ hello }\n',
		});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		const lines = result.stdout.trim().split('\n');
		assert.deepEqual(lines.toSorted(), [
			'{"data":{"count":1}}',
			'{"data":{"count":2}}',
			'{"data":{"count":3}}',
			'{"data":{"hello":"hello ann"}}',
			'{"data":{"hello":"hello world"}}',
		]);
		assert.equal(lines.at(-1), '{"data":{"count":3}}', 'the run waited for the subscription to complete');
	});

	test('a result for an operation id never sent says so, as JSON-RPC\'s unknown ids do', async () => {
		// After the server's own `next`: one for id 99, which wsterm never subscribed.
		const {url} = await graphqlServer({after: {type: 'next', message: '{"id":"99","type":"next","payload":{"data":{"x":1}}}'}});
		const result = await runCli([url, '--protocol', 'graphql-ws', '-n', '2', '-w', '5'], {input: '{ hello }\n'});
		assert.equal(result.stderr, '');
		assert.deepEqual(result.stdout.trim().split('\n').toSorted(), ['(unknown id "99") {"data":{"x":1}}', '{"data":{"hello":"hello world"}}']);
	});

	test('the subprotocol is offered, --init is connection_init\'s payload, pings are answered, --record keeps the frames', async () => {
		// keepAlive: WebSocket pings every 50 ms (the connection answers them); protocolPing: a graphql-ws ping after 100 ms.
		const {url, inits} = await graphqlServer({lastDelay: 400, keepAlive: 50, protocolPing: 100});
		const record = join(mkdtempSync(join(tmpdir(), 'wsterm-graphql-')), 'run.jsonl');
		const result = await runCli([url, '--protocol', 'graphql-ws', '--init', '{"token":"t1"}', '--record', record, '--jsonl'], {input: 'subscription { count(to: 2) }\n'});
		assert.equal(result.stderr, '');
		assert.equal(result.code, 0);
		assert.deepEqual(inits, [{token: 't1'}]);
		const records = result.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>).filter(item => item.dir === 'in');
		assert.deepEqual(records.map(item => [item.codec, item.id, item.decoded]), [['graphql-ws', '1', {data: {count: 1}}], ['graphql-ws', '1', {data: {count: 2}}]]);
		const frames = readFileSync(record, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {dir: string; type: string; data?: string; protocol?: string});
		assert.equal(frames[0]!.protocol, 'graphql-transport-ws');
		const sent = frames.filter(frame => frame.dir === 'out' && frame.type === 'text').map(frame => JSON.parse(frame.data!) as {type: string});
		assert.deepEqual(sent[0], {type: 'connection_init', payload: {token: 't1'}});
		assert.deepEqual(sent[1], {type: 'subscribe', id: '1', payload: {query: 'subscription { count(to: 2) }'}});
		assert.ok(sent.some(message => message.type === 'pong'), 'the ping was answered');
		assert.ok(frames.some(frame => frame.dir === 'in' && frame.type === 'text' && (JSON.parse(frame.data!) as {type: string}).type === 'complete'), 'complete recorded');
	});

	test('errors stand out: an error message, and a next with errors; -n counts results', async () => {
		const {url} = await graphqlServer();
		const result = await runCli([url, '--protocol', 'graphql-ws'], {input: '{ nope }\n{ broken }\n'});
		assert.equal(result.code, 0);
		const lines = result.stdout.trim().split('\n').toSorted();
		assert.equal(lines.length, 2);
		assert.match(lines[1]!, /^\{"data":\{"broken":null\},"errors":\[\{"message":"resolver failed"/);
		assert.match(lines[0]!, /^error: \{ nope \} => \[\{"message":"Cannot query field \\"nope\\" on type \\"Query\\"\."/);

		const counted = await runCli([url, '--protocol', 'graphql-ws', '-n', '2'], {input: 'subscription { count(to: 5) }\n'});
		assert.equal(counted.code, 0);
		assert.equal(counted.stdout, '{"data":{"count":1}}\n{"data":{"count":2}}\n');
	});

	test('a server that refuses connection_init: the close code and reason, exit 1 (never connected)', async () => {
		const {url} = await graphqlServer({onConnect: () => false});
		const result = await runCli([url, '--protocol', 'graphql-ws'], {input: '{ hello }\n'});
		assert.equal(result.code, 1);
		assert.match(result.stderr, /4403/);
		assert.equal(result.stdout, '');
	});

	test('--reconnect: the operations in flight at a drop are subscribed again, with their ids', async () => {
		const server = await graphqlServer({lastDelay: 1500});
		const run = startCli([server.url, '--protocol', 'graphql-ws', '--reconnect'], {input: 'subscription { count(to: 3) }\n'});
		let firstLine = false;
		run.child.stdout!.on('data', () => {
			if (!firstLine) {
				firstLine = true;
				server.drop();
			}
		});
		const result = await run.result;
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, '{"data":{"count":1}}\n{"data":{"count":1}}\n{"data":{"count":2}}\n{"data":{"count":3}}\n');
		assert.deepEqual(server.inits, [undefined, undefined]);
	});

	test('concurrent subscriptions carry their ids; -v names the protocol spoken; a run that ends with one in flight completes it', async () => {
		const server = await graphqlServer({lastDelay: 100});
		const result = await runCli([server.url, '--protocol', 'graphql-ws', '-v'], {input: 'subscription { count(to: 2) }\nsubscription { count(to: 2) }\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stderr, /^wsterm: graphql-ws: the server speaks graphql-transport-ws$/m);
		assert.deepEqual(result.stdout.trim().split('\n').toSorted(), ['[1] {"data":{"count":1}}', '[1] {"data":{"count":2}}', '[2] {"data":{"count":1}}', '[2] {"data":{"count":2}}']);

		const ended = await graphqlServer({lastDelay: 5000});
		const counted = await runCli([ended.url, '--protocol', 'graphql-ws', '-n', '1'], {input: 'subscription { count(to: 2) }\n'});
		assert.equal(counted.stdout, '{"data":{"count":1}}\n');
		await sleep(100);
		assert.deepEqual(ended.received.slice(-1).map(text => JSON.parse(text) as unknown), [{type: 'complete', id: '1'}]);
	});

	test('usage errors: --init without graphql-ws, --init not an object, a JSON line without query', async () => {
		const {url} = await graphqlServer();
		const wrong = await runCli([url, '--init', '{}']);
		assert.equal(wrong.code, 2);
		assert.equal(wrong.stderr, 'wsterm: --init goes with --protocol graphql-ws\n');
		const notObject = await runCli([url, '--protocol', 'graphql-ws', '--init', '[1]']);
		assert.equal(notObject.code, 2);
		assert.match(notObject.stderr, /--init takes a JSON object/);
		const line = await runCli([url, '--protocol', 'graphql-ws'], {input: '{"variables":{}}\n{ hello }\n'});
		assert.equal(line.code, 2);
		assert.match(line.stderr, /^wsterm: not sent: a JSON line needs a "query" string: \{"variables":\{\}\}\n$/);
		assert.equal(line.stdout, '{"data":{"hello":"hello world"}}\n');
	});
});

describe('graphql-ws parts', () => {
	test('parseLine: a document, its short form, a JSON object', () => {
		assert.deepEqual(plainJson(parseLine('{ hello }')), {query: '{ hello }'});
		assert.deepEqual(plainJson(parseLine(' query { a } ')), {query: 'query { a }'});
		assert.deepEqual(plainJson(parseLine('{"query":"{ a }","variables":{"x":1}}')), {query: '{ a }', variables: {x: 1}});
		assert.throws(() => parseLine('   '), /empty line/);
		assert.throws(() => parseLine('{"query":"{ a }","variables":[1]}'), /"variables" must be a JSON object/);
	});

	test('operationKind: the top-level keyword of the operation run, not a field of that name', () => {
		assert.equal(operationKind({query: '{ subscription { id } }'}), 'query');
		assert.equal(operationKind({query: 'subscription { count }'}), 'subscription');
		assert.equal(operationKind({query: '# subscription\n mutation M($x: Int = 1) @d(s: "subscription {") { a }'}), 'mutation');
		assert.equal(operationKind({query: 'fragment F on S { a } subscription S { ...F }'}), 'subscription');
		const two = 'query A { a } subscription B { b }';
		assert.equal(operationKind({query: two, operationName: 'B'}), 'subscription');
		assert.equal(operationKind({query: two, operationName: 'A'}), 'query');
		assert.equal(operationKind({query: two, operationName: 'C'}), undefined);
	});

	test('the subprotocols offered: -s\'s first, then graphql-ws and graphql-transport-ws', () => {
		assert.deepEqual(withProtocolSubprotocol({protocol: 'graphql-ws', subprotocol: []}), ['graphql-ws', 'graphql-transport-ws']);
		assert.deepEqual(withProtocolSubprotocol({protocol: 'graphql-ws', subprotocol: ['graphql-transport-ws']}), ['graphql-transport-ws', 'graphql-ws']);
	});
});
