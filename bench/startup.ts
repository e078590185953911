/*
Start-up benchmark: a one-shot run, `wsterm URL -x hello -n 1`, against a minimal node+ws script
doing the same (bench/oneshot-floor.mjs), alternating, against a local echo server in its own
process. Prints the medians and the ratio. Run: npm run bench:startup (after npm run build).
WSTERM_BASELINE=path/to/other/dist/cli.js times another build in the same rounds, side by side.
Target: ratio <= 1.15.

On Linux it also prints the CPU time each run took (user + system, the mean over the runs, from
the children's times in /proc/self/stat): on a machine shared with other jobs, wall time mostly
measures the others, CPU time much less so.
*/
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 21);
// Another build to time (an older checkout's dist/cli.js, say); this one by default.
const cli = process.env.WSTERM_CLI ?? here('../dist/cli.js');
// A build to time side by side with it, in the same alternating rounds (before and after a change).
const baseline = process.env.WSTERM_BASELINE;

async function startEchoServer(): Promise<{url: string; stop: () => void}> {
	const child = spawn(process.execPath, [here('./echo-server.mjs')], {stdio: ['ignore', 'pipe', 'inherit']});
	const [chunk] = await once(child.stdout!, 'data') as [Buffer];
	return {url: chunk.toString().trim(), stop: () => child.kill()};
}

/** CPU milliseconds used by the children waited for so far (cutime + cstime); undefined off Linux. */
function childrenCpu(): number | undefined {
	try {
		const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
		// Fields 16 and 17 of the file (cutime, cstime), counted from field 3 here, in ticks of 10 ms.
		return (Number(fields[13]) + Number(fields[14])) * 10;
	} catch {
		return undefined;
	}
}

const cpu = new Map<string, number>();

/** Milliseconds from spawn to exit; the run must print the echo and exit 0. Adds its CPU time to `cpu` under `name`. */
async function time(args: readonly string[], name = ''): Promise<number> {
	const cpuBefore = childrenCpu();
	const started = performance.now();
	const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit']});
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	const [code] = await once(child, 'exit') as [number];
	const ms = performance.now() - started;
	if (cpuBefore !== undefined) {
		cpu.set(name, (cpu.get(name) ?? 0) + childrenCpu()! - cpuBefore);
	}

	if (code !== 0 || output !== 'hello\n') {
		throw new Error(`${args.join(' ')} exited with ${code}, printed ${JSON.stringify(output)}`);
	}

	return ms;
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

const server = await startEchoServer();
try {
	const wsterm: number[] = [];
	const floor: number[] = [];
	const nodeOnly: number[] = [];
	const before: number[] = [];
	// One warm-up each, not counted: the first run pays for the disk cache.
	await time([cli, server.url, '-x', 'hello', '-n', '1']);
	await time([here('./oneshot-floor.mjs'), server.url]);
	if (baseline !== undefined) {
		await time([baseline, server.url, '-x', 'hello', '-n', '1']);
	}

	for (let round = 0; round < rounds; round++) {
		// Alternate, so that drift in the machine's load hits both alike.
		wsterm.push(await time([cli, server.url, '-x', 'hello', '-n', '1'], 'wsterm'));
		if (baseline !== undefined) {
			before.push(await time([baseline, server.url, '-x', 'hello', '-n', '1'], 'baseline'));
		}

		floor.push(await time([here('./oneshot-floor.mjs'), server.url], 'floor'));
		const started = performance.now();
		await once(spawn(process.execPath, ['-e', '0']), 'exit');
		nodeOnly.push(performance.now() - started);
	}

	const [a, b, c] = [median(wsterm), median(floor), median(nodeOnly)];
	console.log(`one-shot start-up, median of ${rounds} alternating runs:`);
	console.log(`  wsterm URL -x hello -n 1   ${a.toFixed(0)} ms`);
	console.log(`  node+ws script             ${b.toFixed(0)} ms`);
	console.log(`  node -e 0                  ${c.toFixed(0)} ms`);
	console.log(`  ratio                      ${(a / b).toFixed(2)}x  (target <= 1.15x)`);
	if (cpu.has('wsterm') && cpu.has('floor')) {
		const [x, y] = [cpu.get('wsterm')! / rounds, cpu.get('floor')! / rounds];
		console.log(`CPU time per run (user + system, mean of ${rounds}):`);
		console.log(`  wsterm ${x.toFixed(0)} ms, node+ws script ${y.toFixed(0)} ms, ratio ${(x / y).toFixed(2)}x`);
	}

	if (baseline !== undefined) {
		const [x, y] = [median(before), cpu.get('baseline')];
		console.log(`side by side with WSTERM_BASELINE (${baseline}), in the same rounds:`);
		console.log(`  wall: ${x.toFixed(0)} ms, ratio to the node+ws script ${(x / b).toFixed(2)}x; this build / it ${(a / x).toFixed(2)}x`);
		if (y !== undefined && cpu.has('wsterm')) {
			console.log(`  CPU: ${(y / rounds).toFixed(0)} ms per run; this build / it ${(cpu.get('wsterm')! / y).toFixed(2)}x`);
		}
	}
} finally {
	server.stop();
}
