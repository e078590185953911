/*
Serve benchmark: `wsterm serve` against a bare ws echo server (bench/echo-server.mjs, the floor),
in the same run, each in its own process, driven by bench/serve-load.mjs in a third. Rows run
alternately, ROUNDS times each, and report the median messages per second and the ratio; then
each server's peak RSS, and wsterm's peak RSS while a client floods it without reading.
Run: node --import tsx bench/serve.ts  (after npm run build). Target: ratio >= 0.95 in every row.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {existsSync, readFileSync} from 'node:fs';
import {cpus} from 'node:os';
import {fileURLToPath} from 'node:url';
import {createRequire} from 'node:module';
import type {WebSocket as WebSocketClass} from 'ws';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 5);
const ms = Number(process.env.MS ?? 2000);

// Servers on one core, the load generator on another: otherwise the scheduler decides whether
// they share a core, and the latency-bound rows swing by 2-4x from run to run.
const pin = existsSync('/usr/bin/taskset') && cpus().length >= 2;

function command(cpu: number, args: readonly string[]): [string, string[]] {
	return pin ? ['/usr/bin/taskset', ['-c', String(cpu), process.execPath, ...args]] : [process.execPath, [...args]];
}

type Server = {readonly name: string; readonly url: string; readonly child: ChildProcess};

async function start(name: string, args: readonly string[]): Promise<Server> {
	const child = spawn(...command(0, args), {stdio: ['ignore', 'pipe', 'ignore']});
	const [chunk] = await once(child.stdout!, 'data') as [Buffer];
	const url = /(wss?:\/\/\S+)/.exec(chunk.toString())?.[1];
	if (url === undefined) {
		throw new Error(`${name} printed ${chunk.toString()}`);
	}

	return {name, url, child};
}

function peakRssMb(pid: number): number {
	const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return Number(match?.[1] ?? 0) / 1024;
}

async function load(url: string, connections: number, inFlight: number, size: number): Promise<number> {
	const child = spawn(...command(1, [here('./serve-load.mjs'), url, String(connections), String(inFlight), String(size), String(ms)]), {stdio: ['ignore', 'pipe', 'inherit']});
	const output: Buffer[] = [];
	child.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
	const [code] = await once(child, 'exit') as [number];
	if (code !== 0) {
		throw new Error(`load generator exited with ${code}`);
	}

	const {messages, seconds} = JSON.parse(Buffer.concat(output).toString()) as {messages: number; seconds: number};
	return messages / seconds;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

const rows = [
	{label: '1 conn ping-pong, 32 B', connections: 1, inFlight: 1, size: 32},
	{label: '1 conn, 64 in flight, 32 B', connections: 1, inFlight: 64, size: 32},
	{label: '100 conns x 8 in flight, 32 B', connections: 100, inFlight: 8, size: 32},
	{label: '4 conns x 4 in flight, 64 KiB', connections: 4, inFlight: 4, size: 64 * 1024},
];

/** A client that sends 256 MiB without reading; returns the server's peak RSS afterwards. */
async function flood(server: Server): Promise<number> {
	const {WebSocket} = createRequire(import.meta.url)('ws') as typeof import('ws');
	const socket: WebSocketClass = new WebSocket(server.url);
	await once(socket, 'open');
	socket.pause();
	const message = Buffer.alloc(1024 * 1024);
	for (let index = 0; index < 256; index++) {
		socket.send(message);
	}

	await new Promise(resolve => setTimeout(resolve, 2000));
	const held = socket.bufferedAmount;
	socket.terminate();
	console.log(`  ${server.name}: the client still holds ${(held / 1024 / 1024).toFixed(0)} of 256 MiB unsent after 2 s`);
	return peakRssMb(server.child.pid!);
}

const wsterm = await start('wsterm serve', [here('../dist/cli.js'), 'serve', '--port', '0']);
const bare = await start('bare ws', [here('./echo-server.mjs')]);
try {
	// Warm both up first: the first seconds of a process (JIT, socket buffers) would skew row 1.
	for (const server of [wsterm, bare]) {
		await load(server.url, 1, 1, 32);
		await load(server.url, 100, 8, 32);
	}

	console.log(`${pin ? 'servers pinned to CPU 0, load generator to CPU 1; ' : ''}messages per second, median of ${rounds} runs of ${ms} ms (higher is better)`);
	console.log(`${'row'.padEnd(32)} ${'wsterm serve'.padStart(12)} ${'bare ws'.padStart(12)}  ratio`);
	for (const row of rows) {
		const ours: number[] = [];
		const floor: number[] = [];
		for (let round = 0; round < rounds; round++) {
			// Alternate, and swap who goes first, so that drift in the machine's speed hits both alike.
			const order = round % 2 === 0 ? [wsterm, bare] : [bare, wsterm];
			for (const server of order) {
				(server === wsterm ? ours : floor).push(await load(server.url, row.connections, row.inFlight, row.size));
			}
		}

		const a = median(ours);
		const b = median(floor);
		console.log(`${row.label.padEnd(32)} ${a.toFixed(0).padStart(12)} ${b.toFixed(0).padStart(12)}  ${(a / b).toFixed(2)}x`);
	}

	console.log(`peak RSS after the rows: wsterm serve ${peakRssMb(wsterm.child.pid!).toFixed(1)} MB, bare ws ${peakRssMb(bare.child.pid!).toFixed(1)} MB`);
	console.log('a client sends 256 MiB and never reads:');
	console.log(`  wsterm serve peak RSS ${(await flood(wsterm)).toFixed(1)} MB`);
	console.log(`  bare ws peak RSS      ${(await flood(bare)).toFixed(1)} MB`);
} finally {
	wsterm.child.kill();
	bare.child.kill();
}
