/*
Templates and saved messages in-process: --var's variables, the template stage, and a pipe run
with --message from a ProfileContext built here (the loading of profiles is another part).
*/
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {after, describe, test} from 'node:test';
import {clientOptionsFromCommandLine} from '../source/cli/client-options.js';
import {parseCommandLine} from '../source/cli/command-line.js';
import {flagTable} from '../source/cli/flags.js';
import {loadStages} from '../source/cli/load-stages.js';
import {benchTemplates, savedMessagesToSend, savedPipeMessages} from '../source/cli/template-options.js';
import {buildMessageSet, readMessages} from '../source/load/messages.js';
import {buildTarget} from '../source/connection/connect-options.js';
import {Connection} from '../source/connection/connection.js';
import {PipelineMessage} from '../source/pipeline/message.js';
import {createPipeline} from '../source/pipeline/pipeline.js';
import {runPipe} from '../source/pipe/run.js';
import {noProfile, type ProfileContext} from '../source/profiles/context.js';
import {templateStage} from '../source/profiles/template-stage.js';
import {mergeVars, varsFromFlags} from '../source/profiles/vars.js';
import {systemClock} from '../source/shared/clock.js';
import {startRecordingEcho, type TestServer} from './helpers/servers.js';

const profile: ProfileContext = {
	...noProfile,
	profile: {name: 'staging', file: '/project/wsterm.toml'},
	vars: new Map([['room', 'lobby'], ['user', 'ann']]),
	savedMessages: new Map([
		['subscribe', '{"op":"subscribe","room":"{{room}}","seq":{{$seq}}}'],
		['ping', '{"op":"ping","seq":{{$seq}}}'],
		['broken', '{"op":"{{nope}}"}'],
	]),
};

describe('--var', () => {
	test('NAME=VALUE pairs, later ones winning; the value may hold = and be empty', () => {
		assert.deepEqual([...varsFromFlags(['a=1', 'b=x=y', 'a=2', 'c=', 'my.name-2=v'])], [['a', '2'], ['b', 'x=y'], ['c', ''], ['my.name-2', 'v']]);
	});

	test('a value without =, or a name {{name}} cannot use, is a usage error naming the flag', () => {
		for (const value of ['room', '=x', '1a=x', 'a b=x', '$seq=1']) {
			assert.throws(() => varsFromFlags([value], '--var'), {name: 'UsageError', message: `--var takes NAME=VALUE (a name of letters, digits, _, - and ., not starting with a digit), not "${value}"`});
		}

		assert.throws(() => varsFromFlags(['env.HOME=x']), {name: 'UsageError', message: /^--var env\.HOME: \{\{env\.NAME\}\} is the environment's NAME/});
	});

	test('--var wins over the profile\'s variables', () => {
		assert.deepEqual([...mergeVars(profile.vars, varsFromFlags(['room=ops']))], [['room', 'ops'], ['user', 'ann']]);
	});
});

describe('the template stage', () => {
	function run(every: boolean, messages: readonly PipelineMessage[]): {sent: string[]; errors: string[]; refused: number} {
		const sent: string[] = [];
		const errors: string[] = [];
		let refused = 0;
		const pipeline = createPipeline([templateStage({every, vars: profile.vars, env: {HOME: '/h'}, wallNow: () => 0, onRefused: () => refused++})], {
			deliver() {},
			event() {},
			transmit(message) {
				sent.push(message.isBinary ? `binary ${message.data.toString()}` : message.text!);
			},
			close() {},
			log() {},
			error(line) {
				errors.push(line);
			},
		});
		for (const message of messages) {
			pipeline.send(message);
		}

		return {sent, errors, refused};
	}

	const text = (value: string): PipelineMessage => new PipelineMessage(value, false);
	const saved = (value: string): PipelineMessage => new PipelineMessage(value, false).annotate({template: true});

	test('every text message (--template): variables filled in, binary messages as they are, an undefined name refused', () => {
		const result = run(true, [text('{{user}} {{$seq}}'), new PipelineMessage(Buffer.from('{{user}}'), true), text('{{nope}} {{user}}'), text('{{env.HOME}} {{$seq}} {{$isoTime}}')]);
		assert.deepEqual(result.sent, ['ann 1', 'binary {{user}}', '/h 2 1970-01-01T00:00:00.000Z']);
		assert.deepEqual(result.errors, ['not sent: {{nope}} is not defined (--var nope=VALUE sets it): {{nope}} {{user}}']);
		assert.equal(result.refused, 1);
	});

	test('without every, only saved messages are templates: a typed {{user}} goes as typed', () => {
		const result = run(false, [text('{{user}}'), saved('{{user}} {{$seq}}'), saved('{{$nope}}')]);
		assert.deepEqual(result.sent, ['{{user}}', 'ann 1']);
		assert.deepEqual(result.errors, ['not sent: {{$nope}} is not a built-in ($uuid, $seq, $timestamp, $isoTime, $randomInt): {{$nope}}']);
	});

	test('a refused line is quoted short, its control characters escaped', () => {
		const result = run(true, [text(`{{nope}}\u001B[2J${'x'.repeat(80)}`)]);
		assert.equal(result.errors[0], `not sent: {{nope}} is not defined (--var nope=VALUE sets it): {{nope}}\\e[2J${'x'.repeat(48)}...`);
	});
});

describe('--message with a profile (pipe mode)', () => {
	const servers: TestServer[] = [];
	after(async () => Promise.all(servers.map(async server => server.close())));

	function options(args: readonly string[], context: ProfileContext = profile) {
		return clientOptionsFromCommandLine(parseCommandLine(args, flagTable), {terminal: false, onRefused() {}, profile: context});
	}

	test('sends the saved messages in turn, expanded with the profile\'s variables (--var wins), then -x\'s; stdin is not read', async () => {
		const server = await startRecordingEcho();
		servers.push(server);
		const client = options([server.url, '--message', 'subscribe', '--message', 'ping', '--var', 'room=ops', '-x', '{{room}} as typed', '--linger', '0']);
		assert.deepEqual(client.savedMessages, [profile.savedMessages.get('subscribe'), profile.savedMessages.get('ping')]);
		assert.equal(client.stages?.template?.every, false);
		const stages = await loadStages({...client.stages!, url: server.url, note() {}, io: {env: {}, clock: systemClock}});
		const {target} = await buildTarget(server.url, client.connect, () => Buffer.alloc(0));
		const stdin = new PassThrough();
		stdin.end('not sent\n');
		const code = await runPipe(new Connection(target, client.connection), {
			...client.pipe,
			readStdin: false,
			execute: [...savedPipeMessages(client.savedMessages), {data: '{{room}} as typed', isBinary: false}],
			stages,
		}, {stdin, stdout: new PassThrough().resume(), stderr: new PassThrough().resume(), signals: new EventEmitter(), clock: systemClock});
		assert.equal(code, 0);
		assert.deepEqual(server.received, ['{"op":"subscribe","room":"ops","seq":1}', '{"op":"ping","seq":2}', '{{room}} as typed']);
	});

	test('--message makes a pipe-mode run, as -x does', () => {
		assert.equal(clientOptionsFromCommandLine(parseCommandLine(['ws://a', '--message', 'ping'], flagTable), {terminal: true, onRefused() {}, profile}).mode, 'pipe');
	});

	test('an unknown name is a usage error listing the names known; without a profile, it says one is needed', () => {
		assert.throws(() => options(['ws://a', '--message', 'nope']), {name: 'UsageError', message: '--message nope: profile staging has no message nope (its messages: subscribe, ping, broken)'});
		assert.throws(() => options(['ws://a', '--message', 'ping'], noProfile), {name: 'UsageError', message: /^--message ping: saved messages come with a profile: wsterm @NAME --message ping/});
		assert.throws(() => options(['ws://a', '--message', 'ping'], {...profile, savedMessages: new Map()}), {name: 'UsageError', message: '--message ping: profile staging has no message ping (it has no [profiles.staging.messages])'});
	});

	test('the template stage is loaded only when a message can be a template', () => {
		assert.equal(options(['ws://a', '-x', 'hi']).stages, undefined);
		assert.equal(options(['ws://a', '-x', 'hi', '--var', 'a=1']).stages, undefined);
		assert.equal(options(['ws://a', '-x', 'hi', '--template']).stages?.template?.every, true);
		assert.equal(options(['ws://a', '-x', 'hi'], {...profile, template: true}).stages?.template?.every, true);
		assert.deepEqual([...options(['ws://a', '-x', 'hi', '--template', '--var', 'room=ops']).stages!.template!.vars], [['room', 'ops'], ['user', 'ann']]);
	});
});

test('wsterm bench: --message\'s saved messages come first and are filled in at each send; -x\'s go as given without --template', async () => {
	const line = parseCommandLine(['bench', 'ws://a', '--message', 'ping', '-x', '{{room}}'], flagTable);
	const templates = benchTemplates(line, profile, {env: {}, clock: systemClock});
	const raw = await readMessages(line.flags.execute, false, new PassThrough(), () => Buffer.alloc(0), savedMessagesToSend(line, profile));
	const set = await buildMessageSet(raw, {kind: 'any'}, templates);
	assert.deepEqual([set.payload(0, 0), set.payload(0, 1), set.payload(1, 2)].map(String), ['{"op":"ping","seq":1}', '{"op":"ping","seq":2}', '{{room}}']);
	assert.equal(benchTemplates(parseCommandLine(['bench', 'ws://a', '-x', 'a'], flagTable), profile, {env: {}, clock: systemClock}), undefined);
});

test('the template stage is the first a message to send meets: hooks (--reply) come before it in incoming order, so onSend sees the message filled in', async () => {
	const stages = await loadStages({
		hooks: {role: 'client', reply: ['ping => pong']},
		template: {every: true, vars: new Map([['a', '1']])},
		url: 'ws://127.0.0.1/',
		note() {},
		io: {env: {}, clock: systemClock},
	});
	const sent: string[] = [];
	const pipeline = createPipeline(stages, {deliver() {}, event() {}, transmit: message => void sent.push(message.text!), close() {}, log() {}, error() {}});
	assert.deepEqual(pipeline.names, ['hooks', 'template']);
	pipeline.send(new PipelineMessage('{{a}}', false));
	await pipeline.settled();
	assert.deepEqual(sent, ['1']);
});
