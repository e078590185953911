/*
The session's saved messages with a profile built here (loading profiles is another part): /send,
/messages, /keep and Tab, decided (session/) and in the App (ink-testing-library, a real ws server,
the template stage in its pipeline); and --template for typed messages.
*/
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import {render} from 'ink-testing-library';
import {Connection, systemClock} from '../source/connection/connection.js';
import {noProfile, type ProfileContext} from '../source/profiles/context.js';
import {templateStage} from '../source/profiles/template-stage.js';
import {type CommandEffects, processLine} from '../source/session/command-processor.js';
import {keyCommand} from '../source/session/key-commands.js';
import {readKeys, keyReader} from '../source/session/key-splitter.js';
import {SessionMessagePath} from '../source/session/message-path.js';
import {createPrompt, promptReducer} from '../source/session/prompt.js';
import {lastTypedMessage} from '../source/session/saved-messages.js';
import {completeCommand, parseInput} from '../source/session/slash-commands.js';
import App from '../source/ui/App.js';
import {startRecordingEcho} from './helpers/servers.js';
import {tick} from './helpers/ui-session.js';

const temporary = mkdtempSync(join(tmpdir(), 'wsterm-saved-'));

const profile: ProfileContext = {
	...noProfile,
	profile: {name: 'staging', file: '/project/wsterm.toml'},
	vars: new Map([['room', 'lobby']]),
	savedMessages: new Map([
		['subscribe', '{"op":"subscribe","room":"{{room}}","seq":{{$seq}}}'],
		['subtract', '{"op":"sub"}'],
		['ping', 'ping {{$seq}}'],
	]),
	userConfigFile: join(temporary, 'config', 'wsterm', 'config.toml'),
};

describe('/send, /messages, /keep: parsed and decided', () => {
	test('parsed: /send NAME, /messages, /keep NAME [message]; a missing name is an error', () => {
		assert.deepEqual(parseInput('/send subscribe'), {type: 'command', command: {name: 'send', message: 'subscribe'}});
		assert.deepEqual(parseInput('/messages'), {type: 'command', command: {name: 'messages'}});
		assert.deepEqual(parseInput('/keep hi'), {type: 'command', command: {name: 'keep', message: 'hi', text: undefined}});
		assert.deepEqual(parseInput('/keep hi {"a": 1}  x'), {type: 'command', command: {name: 'keep', message: 'hi', text: '{"a": 1}  x'}});
		assert.equal(parseInput('/send').type, 'error');
		assert.equal(parseInput('/keep').type, 'error');
		assert.equal(parseInput('/messages x').type, 'error');
	});

	test('Tab after /send completes the names as far as they agree, and lists them when it cannot go further', () => {
		const names = [...profile.savedMessages.keys()];
		assert.deepEqual(completeCommand('/send p', undefined, names), {text: '/send ping', choices: ['ping']});
		assert.deepEqual(completeCommand('/send s', undefined, names), {text: '/send sub', choices: ['subscribe', 'subtract']});
		assert.deepEqual(completeCommand('/send sub', undefined, names), {text: '/send sub', choices: ['subscribe', 'subtract']});
		assert.deepEqual(completeCommand('/send x', undefined, names), {text: '/send x', choices: []});
		assert.deepEqual(completeCommand('/mes'), {text: '/messages ', choices: ['/messages']});
		const [tab] = readKeys(keyReader, '\t').events;
		const typed = promptReducer(createPrompt(), {type: 'edit', edit: {type: 'insert', text: '/send su'}});
		assert.deepEqual(keyCommand(tab!, {prompt: typed, protocol: undefined, savedNames: names, pageLines: 1}), {type: 'prompt', action: {type: 'edit', edit: {type: 'set', text: '/send sub'}}});
		const choices = keyCommand(tab!, {prompt: promptReducer(createPrompt(), {type: 'edit', edit: {type: 'insert', text: '/send sub'}}), protocol: undefined, savedNames: names, pageLines: 1});
		assert.deepEqual(choices, {type: 'notice', text: 'subscribe  subtract'});
	});

	function effects(overrides: Partial<CommandEffects> = {}) {
		const notices: string[] = [];
		const sent: string[] = [];
		const kept: string[] = [];
		const all: CommandEffects & {submitted: () => void} = {
			connection: {state: 'open', ping: () => undefined, reconnect() {}},
			protocol: undefined,
			columns: 80,
			now: () => 0,
			dispatch() {},
			notice(kind, text) {
				notices.push(`${kind}: ${text}`);
			},
			send: () => true,
			close: () => undefined,
			async sendFile() {},
			async save() {},
			open() {},
			async switchDecoder() {},
			quit() {},
			saved: {profile: 'staging', messages: profile.savedMessages},
			sendSaved(text) {
				sent.push(text);
				return true;
			},
			async keep(name, text) {
				kept.push(`${name}=${text}`);
			},
			history: () => ['hello {{$seq}}', '/send ping', '//slashed'],
			submitted() {},
			...overrides,
		};
		return {all, notices, sent, kept};
	}

	test('/send NAME sends the saved message as written (the stage fills it in); an unknown name lists the known ones; no profile says one is needed', () => {
		const run = effects();
		processLine('/send subscribe', run.all);
		processLine('/send nope', run.all);
		assert.deepEqual(run.sent, [profile.savedMessages.get('subscribe')]);
		assert.deepEqual(run.notices, ['error: /send: no saved message nope (its messages: subscribe, subtract, ping)']);
		const none = effects({saved: {profile: undefined, messages: new Map()}});
		processLine('/send ping', none.all);
		processLine('/keep ping', none.all);
		processLine('/messages', none.all);
		assert.deepEqual(none.sent, []);
		assert.deepEqual(none.kept, []);
		assert.match(none.notices[0]!, /^error: \/send: saved messages come with a profile: start wsterm with one \(wsterm @NAME/);
		assert.match(none.notices[1]!, /^error: \/keep saves into a profile: start wsterm with one/);
		assert.match(none.notices[2]!, /^info: no saved messages: saved messages come with a profile/);
	});

	test('/messages lists each name and its text; /keep keeps the message given, else the last one typed', () => {
		const run = effects();
		processLine('/messages', run.all);
		assert.deepEqual(run.notices, [`info: saved messages of profile staging (/send NAME sends one):
  subscribe  {"op":"subscribe","room":"{{room}}","seq":{{$seq}}}
  subtract   {"op":"sub"}
  ping       ping {{$seq}}`]);
		processLine('/keep a {"x":1}', run.all);
		processLine('/keep b', run.all);
		assert.deepEqual(run.kept, ['a={"x":1}', 'b=/slashed']);
		assert.equal(lastTypedMessage(['hello', '/help', '/json'], undefined), 'hello');
		const nothing = effects({history: () => ['/help']});
		processLine('/keep b', nothing.all);
		assert.deepEqual(nothing.notices, ['error: /keep: no message typed yet: type one first, or give it: /keep NAME MESSAGE']);
	});
});

describe('the App with a profile', () => {
	const cleanups: Array<() => Promise<void> | void> = [];
	after(async () => {
		for (const cleanup of cleanups.reverse()) {
			await cleanup();
		}
	});

	async function until(check: () => boolean, what: string, frame: () => string): Promise<void> {
		for (let attempt = 0; attempt < 300 && !check(); attempt++) {
			await tick(10);
		}

		assert.ok(check(), `timed out waiting for ${what}; frame:\n${frame()}`);
	}

	async function app(every: boolean, context: ProfileContext) {
		const server = await startRecordingEcho();
		const connection = new Connection({url: server.url, displayUrl: server.url, protocols: [], options: {}});
		const stage = templateStage({every, vars: context.vars, env: {}, wallNow: () => 0});
		const messagePath = new SessionMessagePath(connection, [stage], Date.now);
		const instance = render(<App connection={connection} url={server.url} scrollback={100} reconnect={false} color={false} clock={systemClock} now={Date.now} messagePath={messagePath} profile={context} frameInterval={10} onExit={() => undefined}/>);
		cleanups.push(async () => {
			instance.unmount();
			instance.cleanup();
			connection.removeAllListeners();
			connection.terminate();
			await server.close();
		});
		connection.connect();
		const frame = (): string => instance.lastFrame() ?? '';
		await until(() => frame().includes(' open '), 'the open', frame);
		const submit = async (text: string): Promise<void> => {
			instance.stdin.write(text);
			await tick(10);
			instance.stdin.write('\r');
			await tick(10);
		};

		return {server, frame, submit, until: async (check: () => boolean, what: string) => until(check, what, frame)};
	}

	test('/send sends a saved message filled in; a typed {{room}} goes as typed without --template; /keep saves the last one typed, and /send sends it', async () => {
		const {server, frame, submit, until} = await app(false, profile);
		await submit('/send subscribe');
		await until(() => server.received.length === 1, 'the saved message');
		assert.deepEqual(server.received, ['{"op":"subscribe","room":"lobby","seq":1}']);
		await until(() => frame().includes('> {"op":"subscribe","room":"lobby","seq":1}'), 'its sent row');
		await submit('typed {{room}} {{$seq}}');
		await until(() => server.received.length === 2, 'the typed message');
		assert.equal(server.received[1], 'typed {{room}} {{$seq}}');
		await submit('/keep mine');
		await until(() => frame().includes('kept mine in'), 'the /keep row');
		assert.equal(readFileSync(profile.userConfigFile!, 'utf8'), '[profiles.staging.messages]\nmine = \'typed {{room}} {{$seq}}\'\n');
		await submit('/send mine');
		await until(() => server.received.length === 3, 'the kept message');
		assert.equal(server.received[2], 'typed lobby 2');
		await submit('/send nope');
		await until(() => frame().includes('no saved message nope'), 'the error row');
		assert.match(frame(), /its messages: subscribe, subtract, ping, mine/);
	});

	test('--template (every message): a typed message is filled in; one naming an undefined variable is an error row, not sent', async () => {
		const {server, frame, submit, until} = await app(true, {...noProfile, vars: new Map([['room', 'ops']])});
		await submit('{{nope}}');
		await submit('{{room}} {{$seq}}');
		await until(() => server.received.length === 1, 'the typed message');
		assert.deepEqual(server.received, ['ops 1']);
		await until(() => frame().includes('not sent: {{nope}} is not defined (--var nope=VALUE sets it): {{nope}}'), 'the error row');
		await submit('/keep x');
		await until(() => frame().includes('/keep saves into a profile'), 'the /keep error row');
	});
});
