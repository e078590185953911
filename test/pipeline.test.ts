/*
The message pipeline: stage order both ways, async stages keeping the order, a stage's own sends
entering after it, exit after what was passed on, backpressure; and what it costs when no stage
is asked for (nothing of hooks, the recorder or the loader in pipe mode's static import graph).
*/
import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {createMessage, createPipeline, type PipelineEvent, type PipelineMessage, type PipelineSink, type StageFactory} from '../source/pipeline/index.js';

const sourceDirectory = fileURLToPath(new URL('../source', import.meta.url));

/** Files reached from `entry` by static imports (type-only imports left out, as they are erased). */
function staticGraph(entry: string): Set<string> {
	const seen = new Set<string>();
	const visit = (path: string): void => {
		if (seen.has(path)) {
			return;
		}

		seen.add(path);
		const text = readFileSync(path, 'utf8');
		for (const match of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gm)) {
			if (match[1] !== undefined) {
				continue;
			}

			const base = resolve(dirname(path), match[2]!.replace(/\.js$/, ''));
			const file = ['.ts', '.tsx'].map(extension => base + extension).find(candidate => existsSync(candidate));
			assert.ok(file, `${relative(sourceDirectory, path)} imports ${match[2]}, which is not there`);
			visit(file);
		}
	};

	visit(entry);
	return new Set([...seen].map(path => relative(sourceDirectory, path)));
}

test('without the flags, pipe mode loads nothing of the hooks, the recorder or the stage loader (all dynamic imports)', () => {
	const graph = staticGraph(join(sourceDirectory, 'cli', 'main.ts'));
	for (const entry of ['pipe/run.ts', 'connection/connection.ts']) {
		for (const file of staticGraph(join(sourceDirectory, entry))) {
			graph.add(file);
		}
	}

	assert.ok(graph.has(join('pipe', 'run.ts')) && graph.has(join('pipeline', 'pipeline.ts')), [...graph].join(' '));
	const loaded = [...graph].filter(file => /^(automation\/|replay\/|cli\/load-stages)/.test(file));
	assert.deepEqual(loaded, []);
	// The one place that loads them, each only when its flag is given.
	const loader = readFileSync(join(sourceDirectory, 'cli', 'load-stages.ts'), 'utf8');
	assert.match(loader, /import\('\.\.\/automation\/index\.js'\)/);
	assert.match(loader, /import\('\.\.\/replay\/recorder\.js'\)/);
	assert.match(readFileSync(join(sourceDirectory, 'cli', 'main.ts'), 'utf8'), /import\('\.\/load-stages\.js'\)/);
});

type Log = string[];

function sink(log: Log, transmitted: PipelineMessage[] = []): PipelineSink {
	return {
		deliver(message) {
			log.push(`deliver ${message.text ?? ''}${message.badge === undefined ? '' : ` [${message.badge}]`}`);
		},
		event(event: PipelineEvent) {
			log.push(`event ${event.type}${event.type === 'exit' ? ` ${event.code}` : ''}`);
		},
		transmit(message) {
			transmitted.push(message);
			log.push(`transmit ${message.text ?? ''}`);
			return true;
		},
		close(code) {
			log.push(`close ${code}`);
		},
		log(line) {
			log.push(`log ${line}`);
		},
		error(line) {
			log.push(`error ${line}`);
		},
	};
}

/** A stage that notes each message as it passes, optionally after a delay. */
function noting(name: string, log: Log, {delay, tap = false}: {delay?: (text: string) => number; tap?: boolean} = {}): StageFactory {
	const wait = async (text: string): Promise<void> => new Promise(resolve => {
		setTimeout(resolve, delay!(text));
	});
	return () => ({
		name,
		tap,
		receive(message, next) {
			if (delay === undefined) {
				log.push(`${name} in ${message.text}`);
				next(message);
				return undefined;
			}

			return wait(message.text!).then(() => {
				log.push(`${name} in ${message.text}`);
				next(message);
			});
		},
		send(message, next) {
			log.push(`${name} out ${message.text}`);
			next(message);
		},
		event(event) {
			log.push(`${name} event ${event.type}`);
		},
	});
}

test('received messages go through the stages in order, sent ones in reverse, a tap last both ways', () => {
	const log: Log = [];
	const pipeline = createPipeline([noting('recorder', log, {tap: true}), noting('codec', log), noting('hooks', log)], sink(log));
	assert.deepEqual(pipeline.names, ['codec', 'hooks', 'recorder']);
	pipeline.receive(createMessage(Buffer.from('a'), false));
	pipeline.send(createMessage('b', false));
	pipeline.event({type: 'ping', payload: Buffer.alloc(0)});
	assert.deepEqual(log, [
		'codec in a', 'hooks in a', 'recorder in a', 'deliver a',
		'hooks out b', 'codec out b', 'recorder out b', 'transmit b',
		'codec event ping', 'hooks event ping', 'recorder event ping', 'event ping',
	]);
});

test('an async stage keeps the order of messages and events; settled() waits for all of them', async () => {
	const log: Log = [];
	const pipeline = createPipeline([noting('slow', log, {delay: text => (Number(text) % 2 === 0 ? 5 : 0)}), noting('after', log)], sink(log));
	for (let index = 0; index < 10; index++) {
		pipeline.receive(createMessage(Buffer.from(String(index)), false));
	}

	pipeline.event({type: 'close', code: 1000, reason: '', byUs: false, willReconnect: false});
	await pipeline.settled();
	assert.deepEqual(log.filter(line => line.startsWith('deliver') || line.startsWith('event')), [
		...Array.from({length: 10}, (_, index) => `deliver ${index}`),
		'event close',
	]);
});

test('a stage\'s own sends enter the outgoing path after it; exit comes after what it passed on; annotations reach the consumer', () => {
	const log: Log = [];
	const answering: StageFactory = link => ({
		name: 'answering',
		receive(message, next) {
			next(message.annotate({badge: 'json'}));
			link.send(createMessage(`re ${message.text!}`, false));
			link.exit(7);
		},
	});
	const pipeline = createPipeline([noting('codec', log), answering, noting('recorder', log, {tap: true})], sink(log));
	pipeline.receive(createMessage(Buffer.from('q'), false));
	assert.deepEqual(log, [
		'codec in q', 'recorder in q', 'deliver q [json]',
		'codec out re q', 'recorder out re q', 'transmit re q',
		'event exit 7',
	]);
});

test('backpressure: receive() and send() return false beyond maxPending waiting in a stage, and true again once settled', async () => {
	let release: () => void = () => undefined;
	const gate = new Promise<void>(resolve => {
		release = resolve;
	});
	const blocking: StageFactory = () => ({
		name: 'blocking',
		async receive(message, next) {
			await gate;
			next(message);
		},
		async send(message, next) {
			await gate;
			next(message);
		},
	});
	const log: Log = [];
	const pipeline = createPipeline([blocking], sink(log), {maxPending: 3});
	const received = [1, 2, 3, 4].map(index => pipeline.receive(createMessage(Buffer.from(String(index)), false)));
	const sent = [1, 2, 3].map(index => pipeline.send(createMessage(String(index), false)));
	assert.deepEqual(received, [true, true, false, false]);
	assert.deepEqual(sent, [true, true, false]);
	assert.equal(pipeline.sending, 3);
	release();
	await pipeline.settled();
	assert.equal(pipeline.sending, 0);
	// Each direction in its own order (the two directions do not wait for each other).
	assert.deepEqual(log.filter(line => line.startsWith('deliver')), ['deliver 1', 'deliver 2', 'deliver 3', 'deliver 4']);
	assert.deepEqual(log.filter(line => line.startsWith('transmit')), ['transmit 1', 'transmit 2', 'transmit 3']);
	assert.equal(pipeline.receive(createMessage(Buffer.from('5'), false)), true);
});

test('with no stages a message goes straight through, and send() says what the connection said', () => {
	const log: Log = [];
	const pipeline = createPipeline([], {...sink(log), transmit: () => false});
	pipeline.receive(createMessage(Buffer.from('x'), false));
	assert.deepEqual(log, ['deliver x']);
	assert.equal(pipeline.send(createMessage('y', false)), false);
	assert.equal(pipeline.sending, 0);
});

/** Timers that fire only when the test says. */
function fakeTimers(): {setTimeout: (callback: () => void, ms: number) => NodeJS.Timeout; clearTimeout: (timer: NodeJS.Timeout) => void; pending: Array<{callback: () => void; ms: number}>} {
	const pending: Array<{callback: () => void; ms: number}> = [];
	return {
		pending,
		setTimeout(callback, ms) {
			const timer = {callback, ms};
			pending.push(timer);
			return timer as unknown as NodeJS.Timeout;
		},
		clearTimeout(timer) {
			const index = pending.indexOf(timer as unknown as {callback: () => void; ms: number});
			if (index !== -1) {
				pending.splice(index, 1);
			}
		},
	};
}

/** A stage that says goodbye on closing and holds the close until `answered` is called. */
function sayingGoodbye(_log: Log): {factory: StageFactory; answered: () => void} {
	let answered = (): void => undefined;
	return {
		answered: () => {
			answered();
		},
		factory: link => ({
			name: 'protocol',
			async closing() {
				link.send(createMessage('goodbye', false));
				return new Promise<void>(resolve => {
					answered = resolve;
				});
			},
		}),
	};
}

test('closing: with no stage that holds it, the close comes at once, in the call', () => {
	const log: Log = [];
	const pipeline = createPipeline([noting('codec', log)], sink(log), {clock: fakeTimers()});
	pipeline.closing(() => log.push('closed'));
	assert.deepEqual(log, ['closed']);
	const none: Log = [];
	createPipeline([], sink(none)).closing(() => none.push('closed'));
	assert.deepEqual(none, ['closed']);
});

test('closing: a stage\'s goodbye goes through the stages below it, and its answer lets the close go', async () => {
	const log: Log = [];
	const timers = fakeTimers();
	const goodbye = sayingGoodbye(log);
	const pipeline = createPipeline([noting('codec', log), goodbye.factory, noting('hooks', log)], sink(log), {clock: timers});
	pipeline.closing(() => log.push('closed'));
	assert.deepEqual(log, ['codec out goodbye', 'transmit goodbye']);
	assert.deepEqual(timers.pending.map(timer => timer.ms), [1000]);
	goodbye.answered();
	await pipeline.settled();
	await new Promise(resolve => {
		setImmediate(resolve);
	});
	assert.deepEqual(log, ['codec out goodbye', 'transmit goodbye', 'closed']);
	assert.deepEqual(timers.pending, [], 'the bound is cleared');
});

test('closing: an answer that never comes holds the close only until the closing timeout', async () => {
	const log: Log = [];
	const timers = fakeTimers();
	const goodbye = sayingGoodbye(log);
	const pipeline = createPipeline([goodbye.factory], sink(log), {clock: timers, closingTimeout: 250});
	pipeline.closing(() => log.push('closed'));
	await new Promise(resolve => {
		setImmediate(resolve);
	});
	assert.deepEqual(log, ['transmit goodbye']);
	assert.equal(timers.pending.length, 1);
	assert.equal(timers.pending[0]!.ms, 250);
	timers.pending[0]!.callback();
	assert.deepEqual(log, ['transmit goodbye', 'closed']);
	goodbye.answered();
	await new Promise(resolve => {
		setImmediate(resolve);
	});
	assert.deepEqual(log, ['transmit goodbye', 'closed'], 'closed once');
});
