/*
--protocol graphql-ws against Apollo's legacy server (subscriptions-transport-ws 0.11, whose
subprotocol is also named `graphql-ws`), as its users start it: SubscriptionServer.create with
graphql 16's execute and subscribe on an HTTP server's path. wsterm offers both subprotocols and
speaks the one the server picks: start/data/error/complete/stop here.
*/
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';
import {after, describe, test} from 'node:test';
import {execute, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, GraphQLString, subscribe} from 'graphql';
import {SubscriptionServer} from 'subscriptions-transport-ws';
import type {WebSocket} from 'ws';
import {runCli} from './helpers/cli.js';

const raw = new GraphQLScalarType({name: 'Raw'});

/** Queries (hello, big: numbers a JSON.stringify cannot write, broken), a mutation and a subscription. */
const schema = new GraphQLSchema({
	query: new GraphQLObjectType({
		name: 'Query',
		fields: {
			hello: {type: GraphQLString, args: {name: {type: GraphQLString}}, resolve: (_root, {name}: {name?: string}) => `hello ${name ?? 'world'}`},
			big: {type: new GraphQLList(raw), resolve: () => ['RAW:9007199254740993', 'RAW:1.10']},
			broken: {type: GraphQLString, resolve() {
				throw new Error('resolver failed');
			}},
		},
	}),
	mutation: new GraphQLObjectType({
		name: 'Mutation',
		fields: {
			add: {type: GraphQLInt, args: {a: {type: new GraphQLNonNull(GraphQLInt)}, b: {type: new GraphQLNonNull(GraphQLInt)}}, resolve: (_root, {a, b}: {a: number; b: number}) => a + b},
		},
	}),
	subscription: new GraphQLObjectType({
		name: 'Subscription',
		fields: {
			count: {
				type: GraphQLInt,
				args: {to: {type: GraphQLInt}, every: {type: GraphQLInt}},
				async * subscribe(_root, {to, every}: {to: number; every?: number}) {
					for (let index = 1; index <= to; index++) {
						await sleep(every ?? 10);
						yield {count: index};
					}
				},
			},
		},
	}),
});

type LegacyServer = {
	readonly url: string;
	/** Every message the server received, as text. */
	readonly received: string[];
	/** connection_init's payloads. */
	readonly inits: unknown[];
};

const closers: Array<() => Promise<void>> = [];
after(async () => Promise.all(closers.map(async close => close())));

/**
Apollo's SubscriptionServer on 127.0.0.1 (path /graphql). Its text goes out with each "RAW:token"
string written as that number token (as a server whose JSON keeps them would send); `extra` is a
message of its own sent after the server's first `data`.
*/
async function legacyServer({keepAlive, onConnect, extra}: {keepAlive?: number; onConnect?: (payload: unknown) => boolean; extra?: string} = {}): Promise<LegacyServer> {
	const http = createServer();
	http.listen(0, '127.0.0.1');
	await once(http, 'listening');
	const received: string[] = [];
	const inits: unknown[] = [];
	const subscriptions = SubscriptionServer.create({
		schema,
		execute,
		subscribe,
		...(keepAlive === undefined ? {} : {keepAlive}),
		onConnect(payload: unknown) {
			inits.push(payload);
			return onConnect?.(payload) ?? true;
		},
	}, {server: http, path: '/graphql'});
	// Before the SubscriptionServer's own listener: sees each socket first.
	(subscriptions.server as unknown as {prependListener(event: 'connection', listener: (socket: WebSocket) => void): void}).prependListener('connection', socket => {
		socket.on('message', (data: Buffer) => received.push(data.toString()));
		const send = socket.send.bind(socket);
		let sentExtra = false;
		socket.send = ((data: string, ...rest: unknown[]) => {
			send(data.replaceAll(/"RAW:([^"]+)"/g, '$1'), ...rest as []);
			if (extra !== undefined && !sentExtra && data.includes('"type":"data"')) {
				sentExtra = true;
				send(extra);
			}
		}) as typeof socket.send;
	});
	closers.push(async () => {
		subscriptions.close();
		await new Promise(resolve => {
			http.close(resolve);
		});
	});
	return {url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`, received, inits};
}

function types(received: readonly string[]): string[] {
	return received.map(text => (JSON.parse(text) as {type: string}).type);
}

describe('--protocol graphql-ws against Apollo\'s legacy server (subscriptions-transport-ws)', () => {
	test('queries, a mutation, a subscription and errors; ka is not shown; -v names the protocol spoken', async () => {
		const server = await legacyServer({keepAlive: 30});
		const result = await runCli([server.url, '--protocol', 'graphql-ws', '-v', '--init', '{"token":"t1"}'], {
			input: 'subscription { count(to: 3) }\nmutation { add(a: 1, b: 2) }\n{"query":"query Q($n: String) { hello(name: $n) }","variables":{"n":"ann"}}\n{ broken }\n{ nope }\nquery {\n',
		});
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stderr, /^wsterm: graphql-ws: the server speaks subscriptions-transport-ws \(Apollo's legacy protocol, subprotocol graphql-ws\)$/m);
		assert.doesNotMatch(result.stderr, /"type"|not a graphql/);
		const lines = result.stdout.trim().split('\n');
		assert.deepEqual(lines.filter(line => !line.includes('errors') && !line.startsWith('error:')).toSorted(), [
			'{"data":{"add":3}}',
			'{"data":{"count":1}}',
			'{"data":{"count":2}}',
			'{"data":{"count":3}}',
			'{"data":{"hello":"hello ann"}}',
		]);
		// A resolver's error and a document that does not validate are `data` with errors; one that does not parse is an `error` message.
		assert.ok(lines.some(line => line.startsWith('{"errors":[{"message":"resolver failed"') && line.endsWith('"data":{"broken":null}}')), result.stdout);
		assert.ok(lines.some(line => line.startsWith('{"errors":[{"message":"Cannot query field \\"nope\\" on type \\"Query\\"."')), result.stdout);
		assert.ok(lines.includes('error: query { => {"message":"Syntax Error: Expected Name, found <EOF>."}'), result.stdout);
		assert.deepEqual(server.inits, [{token: 't1'}]);
		const sent = types(server.received);
		assert.equal(sent[0], 'connection_init');
		assert.deepEqual(sent.slice(1), Array.from({length: 6}, () => 'start'));
	});

	test('-s graphql-ws names the subprotocol the legacy server takes: the same protocol is spoken, and an error ends its operation', async () => {
		const {url} = await legacyServer();
		const result = await runCli([url, '--protocol', 'graphql-ws', '-s', 'graphql-ws'], {input: '{ hello }\nquery {\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stderr, '');
		assert.deepEqual(result.stdout.trim().split('\n').toSorted(), ['error: query { => {"message":"Syntax Error: Expected Name, found <EOF>."}', '{"data":{"hello":"hello world"}}']);
	});

	test('a data payload keeps the server\'s number tokens (plain and --jsonl); a result for an unknown id says so', async () => {
		const {url} = await legacyServer({extra: '{"id":"99","type":"data","payload":{"data":{"x":1.10}}}'});
		const result = await runCli([url, '--protocol', 'graphql-ws', '-n', '2', '-w', '5'], {input: '{ big }\n'});
		assert.equal(result.stderr, '');
		assert.deepEqual(result.stdout.trim().split('\n'), ['{"data":{"big":[9007199254740993,1.10]}}', '(unknown id "99") {"data":{"x":1.10}}']);
		const jsonl = await runCli([url, '--protocol', 'graphql-ws', '-n', '1', '-w', '5', '--jsonl'], {input: '{ big }\n'});
		assert.match(jsonl.stdout, /"codec":"graphql-ws","id":"1","decoded":\{"data":\{"big":\[9007199254740993,1\.10\]\}\}\}\n/);
	});

	test('a run that ends with a subscription in flight stops it', async () => {
		const server = await legacyServer();
		const result = await runCli([server.url, '--protocol', 'graphql-ws', '-n', '2'], {input: 'subscription { count(to: 50, every: 50) }\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, '{"data":{"count":1}}\n{"data":{"count":2}}\n');
		await sleep(100);
		assert.deepEqual(server.received.map(text => JSON.parse(text) as unknown).slice(1), [
			{id: '1', type: 'start', payload: {query: 'subscription { count(to: 50, every: 50) }'}},
			{id: '1', type: 'stop'},
		]);
	});

	test('a server that refuses connection_init: connection_error\'s message, exit 1 (never connected)', async () => {
		const {url} = await legacyServer({onConnect: () => false});
		const result = await runCli([url, '--protocol', 'graphql-ws'], {input: '{ hello }\n'});
		assert.equal(result.code, 1);
		assert.equal(result.stdout, '');
		assert.match(result.stderr, /^wsterm: the graphql-ws server refused connection_init: Prohibited connection!/);
	});

	test('concurrent subscriptions: once two are in flight at once, each of their result lines starts with its operation id', async () => {
		const {url} = await legacyServer();
		const result = await runCli([url, '--protocol', 'graphql-ws'], {input: 'subscription { count(to: 2, every: 100) }\nsubscription { count(to: 2, every: 100) }\n'});
		assert.equal(result.code, 0, result.stderr);
		assert.deepEqual(result.stdout.trim().split('\n').toSorted(), [
			'[1] {"data":{"count":1}}',
			'[1] {"data":{"count":2}}',
			'[2] {"data":{"count":1}}',
			'[2] {"data":{"count":2}}',
		]);
	});
});
