/*
Pipe-mode benchmark: 100,000 lines round trip through an echo server, wsterm at plain EOF (its
default ending: linger until every reply is back) against a minimal ws script (the floor), in the
same run; then wsterm's peak RSS for 1,000,000 lines of 1 byte, of `seq 1 1000000` and of 50 bytes.
Run: npm run bench:pipe  (after npm run build). Targets: ratio <= 1.10, peak RSS < 100 MB.
*/
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, openSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const cli = here('../dist/cli.js');
const floor = here('./pipe-floor.mjs');
const rounds = Number(process.env.ROUNDS ?? 5);

async function startEchoServer(): Promise<{url: string; stop: () => void}> {
	const child = spawn(process.execPath, [here('./echo-server.mjs')], {stdio: ['ignore', 'pipe', 'inherit']});
	const [chunk] = await once(child.stdout!, 'data') as [Buffer];
	return {url: chunk.toString().trim(), stop: () => child.kill()};
}

const directory = mkdtempSync(join(tmpdir(), 'wsterm-bench-'));

/** A file of `count` lines made by `line`. */
function linesFile(name: string, count: number, line: (index: number) => string): string {
	const path = join(directory, `${name}.txt`);
	const lines: string[] = [];
	for (let index = 0; index < count; index++) {
		lines.push(line(index));
	}

	writeFileSync(path, `${lines.join('\n')}\n`);
	return path;
}

// About 50 bytes each.
const jsonLine = (index: number): string => `{"seq":${index},"payload":"message number ${index}"}`;

type Run = {readonly ms: number; readonly peakRssMb: number; readonly lines: number};

/** Runs a command with stdin from `input`, counts stdout lines, samples peak RSS from /proc. */
async function measure(args: readonly string[], input: string): Promise<Run> {
	const started = performance.now();
	const child = spawn(process.execPath, args, {stdio: [openSync(input, 'r'), 'pipe', 'inherit']});
	let lines = 0;
	child.stdout!.on('data', (chunk: Buffer) => {
		for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) {
			lines++;
		}
	});
	let peakKb = 0;
	const sample = (): void => {
		try {
			const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
			peakKb = Math.max(peakKb, Number(match?.[1] ?? 0));
		} catch {}
	};

	const sampler = setInterval(sample, 20);
	const [code] = await once(child, 'exit') as [number];
	clearInterval(sampler);
	if (code !== 0) {
		throw new Error(`${args.join(' ')} exited with ${code}`);
	}

	return {ms: performance.now() - started, peakRssMb: peakKb / 1024, lines};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

const server = await startEchoServer();
try {
	const small = linesFile('100k', 100_000, jsonLine);
	const wstermTimes: number[] = [];
	const floorTimes: number[] = [];
	for (let round = 0; round < rounds; round++) {
		// Alternate, so that drift in the machine's speed hits both alike.
		const a = await measure([cli, server.url], small);
		const b = await measure([floor, server.url], small);
		if (a.lines !== 100_000 || b.lines !== 100_000) {
			throw new Error(`lost lines: wsterm ${a.lines}, floor ${b.lines}`);
		}

		wstermTimes.push(a.ms);
		floorTimes.push(b.ms);
	}

	const wsterm = median(wstermTimes);
	const bare = median(floorTimes);
	console.log(`100,000 lines round trip, eof mode (median of ${rounds}):`);
	console.log(`  wsterm pipe mode  ${wsterm.toFixed(0)} ms`);
	console.log(`  bare ws script    ${bare.toFixed(0)} ms`);
	console.log(`  ratio             ${(wsterm / bare).toFixed(2)}x  (target <= 1.10x)`);

	console.log('1,000,000 lines round trip, wsterm (target: peak RSS < 100 MB each):');
	for (const [name, line] of [['1 B', () => 'a'], ['seq', (index: number) => String(index + 1)], ['50 B', jsonLine]] as const) {
		const big = await measure([cli, server.url], linesFile(name.replace(' ', ''), 1_000_000, line));
		if (big.lines !== 1_000_000) {
			throw new Error(`lost lines: ${big.lines} of 1,000,000 came back`);
		}

		console.log(`  ${`${name} lines`.padEnd(11)} ${big.ms.toFixed(0).padStart(6)} ms, peak RSS ${big.peakRssMb.toFixed(1)} MB`);
	}
} finally {
	server.stop();
}
