/*
What the stuck-hook watchdog (source/automation/watchdog.ts) costs per message: 100,000 received
messages through the hooks stage with a trivial onMessage, in process, without the watchdog and
with it, alternating rounds in one run (and which goes first). Prints the median CPU nanoseconds per message of each and the
difference. Run: node --import tsx bench/hooks-overhead.ts (ROUNDS=N, MESSAGES=N to change).
*/
import {createMessage} from '../source/pipeline/message.js';
import {createPipeline} from '../source/pipeline/pipeline.js';
import {hooksStage} from '../source/automation/stage.js';
import type {HookConfig} from '../source/automation/index.js';
import {HookWatchdog} from '../source/automation/watchdog.js';
import {processIo} from '../source/shared/io.js';

const rounds = Number(process.env.ROUNDS ?? 11);
const count = Number(process.env.MESSAGES ?? 100_000);

const script: HookConfig['script'] = {
	file: {path: 'bench.mjs', absolute: '/bench.mjs', url: 'file:///bench.mjs', role: 'client'},
	hooks: {
		onMessage(message) {
			return message.isBinary ? null : undefined;
		},
	},
};

/** Nanoseconds per message for `count` messages through a fresh pipeline holding the hooks stage. */
function run(config: HookConfig): number {
	let delivered = 0;
	const pipeline = createPipeline([hooksStage(config, {url: 'ws://bench/'})], {
		deliver() {
			delivered++;
		},
		event: () => undefined,
		transmit: () => true,
		close: () => undefined,
		log: () => undefined,
		error(line) {
			throw new Error(line);
		},
	});
	const messages = Array.from({length: count}, (_, index) => createMessage(`message ${index}`, false));
	// CPU time rather than wall time: on a machine shared with other jobs, wall time mostly measures them.
	const started = process.cpuUsage();
	for (const message of messages) {
		pipeline.receive(message);
	}

	const {user, system} = process.cpuUsage(started);
	const elapsed = (user + system) * 1000;
	if (delivered !== count) {
		throw new Error(`delivered ${delivered} of ${count}`);
	}

	return elapsed / count;
}

function median(values: readonly number[]): number {
	const sorted = values.toSorted((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

const watchdog = new HookWatchdog(processIo(), 'bench.mjs');
const plain: HookConfig = {role: 'client', rules: [], script};
const watched: HookConfig = {...plain, watch: watchdog};
// Warm up both paths before measuring.
run(plain);
run(watched);
const before: number[] = [];
const after: number[] = [];
for (let round = 0; round < rounds; round++) {
	// Each side goes first every other round, so that neither always pays for the other's garbage.
	if (round % 2 === 0) {
		before.push(run(plain));
		after.push(run(watched));
	} else {
		after.push(run(watched));
		before.push(run(plain));
	}
}

await watchdog.stop();
const [withoutWatch, withWatch] = [median(before), median(after)];
console.log(`${count} messages through a trivial onMessage, median of ${rounds} rounds:`);
console.log(`  without the watchdog: ${withoutWatch.toFixed(0)} ns per message`);
console.log(`  with the watchdog:    ${withWatch.toFixed(0)} ns per message`);
console.log(`  cost: ${(withWatch - withoutWatch).toFixed(0)} ns per message (${((withWatch / withoutWatch - 1) * 100).toFixed(1)}%)`);
