/*
Start-up benchmark: a one-shot run, `wsterm URL -x hello -n 1`, against a minimal node+ws script
doing the same (bench/oneshot-floor.mjs), alternating, against a local echo server in its own
process. Prints the medians and the ratio. Run: npm run bench:startup (after npm run build).
Target: ratio <= 1.15.
*/
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {fileURLToPath} from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 21);
// Another build to compare (an older checkout's dist/cli.js, say); this one by default.
const cli = process.env.WSTERM_CLI ?? here('../dist/cli.js');

async function startEchoServer(): Promise<{url: string; stop: () => void}> {
	const child = spawn(process.execPath, [here('./echo-server.mjs')], {stdio: ['ignore', 'pipe', 'inherit']});
	const [chunk] = await once(child.stdout!, 'data') as [Buffer];
	return {url: chunk.toString().trim(), stop: () => child.kill()};
}

/** Milliseconds from spawn to exit; the run must print the echo and exit 0. */
async function time(args: readonly string[]): Promise<number> {
	const started = performance.now();
	const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit']});
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	const [code] = await once(child, 'exit') as [number];
	const ms = performance.now() - started;
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
	// One warm-up each, not counted: the first run pays for the disk cache.
	await time([cli, server.url, '-x', 'hello', '-n', '1']);
	await time([here('./oneshot-floor.mjs'), server.url]);
	for (let round = 0; round < rounds; round++) {
		// Alternate, so that drift in the machine's load hits both alike.
		wsterm.push(await time([cli, server.url, '-x', 'hello', '-n', '1']));
		floor.push(await time([here('./oneshot-floor.mjs'), server.url]));
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
} finally {
	server.stop();
}
