import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {admit, chooseSubprotocol, offeredSubprotocols, type Admission, type AdmissionPolicy, type Handshake, type ServerState} from '../source/serve/admission.js';

const open: AdmissionPolicy = {path: '/', origins: [], subprotocols: []};
const idle: ServerState = {closing: false, connected: 0};
const plain: Handshake = {url: '/', origin: undefined, subprotocols: undefined};
const accepted: Admission = {accepted: true};

function refused(status: number, reason: string): Admission {
	return {accepted: false, status, reason};
}

type Case = {
	readonly name: string;
	readonly handshake?: Partial<Handshake>;
	readonly policy?: Partial<AdmissionPolicy>;
	readonly state?: Partial<ServerState>;
	readonly expected: Admission;
};

const cases: readonly Case[] = [
	{name: 'anything, with the defaults', expected: accepted},
	{name: 'no request target reads as /', handshake: {url: undefined}, expected: accepted},
	{name: 'the served path, with a query string', handshake: {url: '/ws?token=1'}, policy: {path: '/ws'}, expected: accepted},
	{name: 'another path: 404', handshake: {url: '/other?x=1'}, policy: {path: '/ws'}, expected: refused(404, 'path /other (serving /ws)')},
	{name: 'a path that looks like a host stays a path', handshake: {url: '//evil.example/ws'}, policy: {path: '/ws'}, expected: refused(404, 'path //evil.example/ws (serving /ws)')},
	{name: 'a path with control characters is escaped in the reason', handshake: {url: '/a\u001B[2Jb'}, expected: refused(404, 'path /a\\e[2Jb (serving /)')},
	{name: 'shutting down: 503 before anything else', handshake: {url: '/nowhere'}, state: {closing: true}, expected: refused(503, 'server shutting down')},
	{name: 'an allowed origin', handshake: {origin: 'http://localhost:3000'}, policy: {origins: ['http://localhost:3000']}, expected: accepted},
	{name: 'origins compare case-insensitively', handshake: {origin: 'HTTP://LOCALHOST:3000'}, policy: {origins: ['http://localhost:3000']}, expected: accepted},
	{name: 'another origin: 403', handshake: {origin: 'http://evil.example'}, policy: {origins: ['http://localhost:3000']}, expected: refused(403, 'origin http://evil.example not allowed')},
	{name: 'no Origin header passes an allowlist (not a browser)', policy: {origins: ['http://localhost:3000']}, expected: accepted},
	{name: 'any origin with no allowlist', handshake: {origin: 'http://evil.example'}, expected: accepted},
	{name: 'the path is checked before the origin', handshake: {url: '/x', origin: 'http://evil.example'}, policy: {origins: ['http://a.example']}, expected: refused(404, 'path /x (serving /)')},
	{name: 'under the connection limit', policy: {maxConnections: 2}, state: {connected: 1}, expected: accepted},
	{name: 'at the connection limit: 503', policy: {maxConnections: 2}, state: {connected: 2}, expected: refused(503, 'already 2 connections (--max-connections)')},
	{name: 'no limit when none is set', state: {connected: 100_000}, expected: accepted},
	{name: 'the origin is checked before the limit', handshake: {origin: 'http://evil.example'}, policy: {origins: ['http://a.example'], maxConnections: 1}, state: {connected: 1}, expected: refused(403, 'origin http://evil.example not allowed')},
	{name: 'an accepted subprotocol among those offered', handshake: {subprotocols: 'x, graphql-ws'}, policy: {subprotocols: ['graphql-ws']}, expected: accepted},
	{name: 'no subprotocol offered when some are required: 400', policy: {subprotocols: ['one', 'two']}, expected: refused(400, 'no subprotocol offered (accepting one, two)')},
	{name: 'only other subprotocols offered: 400', handshake: {subprotocols: 'a,b'}, policy: {subprotocols: ['one']}, expected: refused(400, 'subprotocol a, b not accepted (accepting one)')},
	{name: 'an empty header offers nothing', handshake: {subprotocols: ' , '}, policy: {subprotocols: ['one']}, expected: refused(400, 'no subprotocol offered (accepting one)')},
	{name: 'the limit is checked before the subprotocol', policy: {maxConnections: 1, subprotocols: ['one']}, state: {connected: 1}, expected: refused(503, 'already 1 connections (--max-connections)')},
];

describe('serve admission', () => {
	for (const {name, handshake, policy, state, expected} of cases) {
		test(name, () => {
			assert.deepEqual(admit({...plain, ...handshake}, {...open, ...policy}, {...idle, ...state}), expected);
		});
	}
});

describe('serve subprotocols', () => {
	test('the offered names, trimmed, in order, empty ones left out', () => {
		assert.deepEqual(offeredSubprotocols(undefined), []);
		assert.deepEqual(offeredSubprotocols(' a ,b,, c'), ['a', 'b', 'c']);
	});

	test('the answer: the first offered that is accepted, any with no list, false with none', () => {
		assert.equal(chooseSubprotocol(new Set(['a', 'b']), []), 'a');
		assert.equal(chooseSubprotocol(new Set(['a', 'b']), ['b']), 'b');
		assert.equal(chooseSubprotocol(new Set(['a']), ['b']), false);
		assert.equal(chooseSubprotocol(new Set(), []), false);
	});
});
