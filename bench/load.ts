/*
Load benchmark: `wsterm bench` against the generators it should come close to, on the same echo
server in the same run: a bare ws generator (bench/load-floor.mjs: the same ping-pong with none of
the matching, histograms or report) and, when Go is installed, a Go one with gorilla/websocket
(bench/go/load.go), the issue's yardstick. The server is the Go echo server (bench/go/echo-server.go)
when Go is there, else a bare ws one (bench/echo-server.mjs); the Go programs are built into a
temporary directory (never committed): Debian's golang-go and golang-github-gorilla-websocket-dev.
Rows run alternately, ROUNDS times each, SEC seconds a run; it prints the median messages per
second and mean latency of each generator, and wsterm's ratio to each.
Run: node --import tsx bench/load.ts  (GO=0 leaves Go out; ROUNDS, SEC, PIN=0). Target: ratio >= 0.5 against Go.
*/
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {cpus, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SEC ?? 3);
const message = 'x'.repeat(32);

// `wsterm bench` as a command line. Until the CLI's dispatch takes `bench`, it is the tests'
// stand-in entry (run with tsx: only start-up is slower); then [here('../dist/cli.js'), 'bench'].
const wstermBench = [here('../dist/cli.js'), 'bench'];

// The server on one core, the generator on the other: otherwise the scheduler decides whether
// they share one, and the figures swing from run to run (PIN=0: unpinned).
const pin = process.env.PIN !== '0' && existsSync('/usr/bin/taskset') && cpus().length >= 2;

function command(cpu: number, program: string, args: readonly string[]): [string, string[]] {
	return pin ? ['/usr/bin/taskset', ['-c', String(cpu), program, ...args]] : [program, [...args]];
}

/** Builds the Go programs into a temporary directory; undefined when Go (or gorilla/websocket) is missing. */
function buildGo(): string | undefined {
	if (process.env.GO === '0' || spawnSync('go', ['version']).status !== 0) {
		return undefined;
	}

	const directory = mkdtempSync(join(tmpdir(), 'wsterm-bench-go-'));
	const env = {...process.env, GO111MODULE: 'off', GOPATH: process.env.GOPATH ?? '/usr/share/gocode', GOCACHE: join(directory, 'cache')};
	for (const name of ['echo-server', 'load']) {
		const built = spawnSync('go', ['build', '-o', join(directory, name), here(`./go/${name}.go`)], {env, encoding: 'utf8'});
		if (built.status !== 0) {
			console.log(`(Go left out: go build ${name}.go failed: ${built.stderr.trim().split('\n')[0]})`);
			rmSync(directory, {recursive: true, force: true});
			return undefined;
		}
	}

	return directory;
}

async function startServer(program: string, args: readonly string[]): Promise<{url: string; child: ChildProcess}> {
	const child = spawn(...command(0, program, args), {stdio: ['ignore', 'pipe', 'inherit']});
	const [chunk] = await once(child.stdout!, 'data') as [Buffer];
	const url = /(ws:\/\/\S+)/.exec(chunk.toString())?.[1];
	if (url === undefined) {
		throw new Error(`the server printed ${chunk.toString()}`);
	}

	return {url, child};
}

type Figures = {readonly perSecond: number; readonly meanMs: number};

async function runGenerator(program: string, args: readonly string[]): Promise<Figures> {
	const child = spawn(...command(1, program, args), {stdio: ['ignore', 'pipe', 'inherit']});
	const output: Buffer[] = [];
	child.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
	const [code] = await once(child, 'exit') as [number];
	if (code !== 0) {
		throw new Error(`${program} ${args.join(' ')} exited with ${code}`);
	}

	const result = JSON.parse(Buffer.concat(output).toString()) as {perSecond: number; meanMs?: number; latencyMs?: {mean: number}};
	return {perSecond: result.perSecond, meanMs: result.meanMs ?? result.latencyMs!.mean};
}

type Row = {readonly label: string; readonly connections: number; readonly window: number};
type Generator = {readonly name: string; readonly run: (url: string, row: Row) => Promise<Figures>};

const goDirectory = buildGo();
const generators: Generator[] = [
	{name: 'wsterm bench', run: async (url, row) => runGenerator(process.execPath, [...wstermBench, url, '-c', String(row.connections), '--window', String(row.window), '-d', String(seconds), '-x', message, '--json'])},
	{name: 'bare ws', run: async (url, row) => runGenerator(process.execPath, [here('./load-floor.mjs'), url, String(row.connections), String(seconds), String(row.window), message])},
	...(goDirectory === undefined ? [] : [{name: 'Go gorilla', run: async (url: string, row: Row) => runGenerator(join(goDirectory, 'load'), [url, String(row.connections), String(seconds), String(row.window), message])}]),
];
const rows: Row[] = [
	{label: '50 conns ping-pong, 32 B', connections: 50, window: 1},
	{label: '1 conn ping-pong, 32 B', connections: 1, window: 1},
	{label: '50 conns x 8 in flight, 32 B', connections: 50, window: 8},
];

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

const server = goDirectory === undefined
	? await startServer(process.execPath, [here('./echo-server.mjs')])
	: await startServer(join(goDirectory, 'echo-server'), []);
try {
	console.log(`server: ${goDirectory === undefined ? 'bare ws' : 'Go gorilla'} echo${pin ? ' on CPU 0, generators on CPU 1' : ''}; median of ${rounds} runs of ${seconds} s; messages a second (mean latency)`);
	console.log(`${'row'.padEnd(30)}${generators.map(generator => generator.name.padStart(22)).join('')}  wsterm/${generators.slice(1).map(generator => generator.name).join(', wsterm/')}`);
	for (const row of rows) {
		const figures = generators.map(() => [] as Figures[]);
		for (let round = 0; round < rounds; round++) {
			// Rotate who goes first, so that drift in the machine's speed hits every generator alike.
			for (let turn = 0; turn < generators.length; turn++) {
				const index = (turn + round) % generators.length;
				figures[index]!.push(await generators[index]!.run(server.url, row));
			}
		}

		const rates = figures.map(list => median(list.map(figure => figure.perSecond)));
		const means = figures.map(list => median(list.map(figure => figure.meanMs)));
		const cells = rates.map((rate, index) => `${rate.toFixed(0)} (${means[index]!.toFixed(2)} ms)`.padStart(22));
		console.log(`${row.label.padEnd(30)}${cells.join('')}  ${rates.slice(1).map(rate => `${(rates[0]! / rate).toFixed(2)}x`).join(', ')}`);
	}
} finally {
	server.child.kill();
	if (goDirectory !== undefined) {
		rmSync(goDirectory, {recursive: true, force: true});
	}
}
