import {spawn, type ChildProcess} from 'node:child_process';
import {closeSync, openSync, readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** The built CLI, as users run it. */
export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** The newest modification time of a file below `directory`. */
function newestChange(directory: string): number {
	return Math.max(0, ...readdirSync(directory, {withFileTypes: true}).map(entry => {
		const path = join(directory, entry.name);
		return entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs;
	}));
}

/**
Refuses to test a dist/ built before the last change to source/ (a CLI test after editing
source/ would otherwise test stale code and pass or fail for the wrong reason).
*/
export function assertFreshBuild(): void {
	let built: number;
	try {
		built = statSync(cliPath).mtimeMs;
	} catch {
		throw new Error('dist/cli.js is missing: run `npm run build` before the CLI tests (npm test does)');
	}

	const changed = newestChange(fileURLToPath(new URL('../../source', import.meta.url)));
	if (changed > built) {
		throw new Error('dist/ is older than source/: run `npm run build` before the CLI tests (npm test does), or they test stale code');
	}
}

// A CLI or terminal test file checks at once; any other test that starts the CLI checks then.
if (/\.(?:cli|tmux)\.test\.tsx?$/.test(process.argv[1] ?? '')) {
	assertFreshBuild();
}

export type CliResult = {
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	readonly stdout: string;
	readonly stderr: string;
	readonly stdoutBytes: Buffer;
};

export type CliRun = {
	readonly child: ChildProcess;
	readonly result: Promise<CliResult>;
};

/**
Where the CLI's stdout goes: a pipe the test reads (the default); /dev/full, where every write
fails with ENOSPC; or a pipe whose reader goes away at once (`| head -c 0`) or after the first
chunk (`| head -1`), so that writes fail with EPIPE.
*/
export type StdoutTo = 'pipe' | 'dev-full' | 'reader-gone' | 'reader-gone-after-first-chunk';

/** Starts the built CLI with `args`; `input` (if any) is written to its stdin, which is then closed. */
export function startCli(args: readonly string[], {input, env, cwd, timeout = 30_000, stdoutTo = 'pipe'}: {
	input?: string | Buffer;
	env?: NodeJS.ProcessEnv;
	/** The directory the CLI runs in (profiles: the nearest wsterm.toml is looked for from there). */
	cwd?: string;
	timeout?: number;
	stdoutTo?: StdoutTo;
} = {}): CliRun {
	assertFreshBuild();
	const full = stdoutTo === 'dev-full' ? openSync('/dev/full', 'w') : undefined;
	const child = spawn(process.execPath, [cliPath, ...args], {
		// No proxy from the machine's environment (lower-case names are read first, as curl does).
		env: {...process.env, NO_PROXY: '*', no_proxy: '', HTTP_PROXY: '', http_proxy: '', HTTPS_PROXY: '', https_proxy: '', ALL_PROXY: '', all_proxy: '', ...env},
		stdio: ['pipe', full ?? 'pipe', 'pipe'],
		...(cwd === undefined ? {} : {cwd}),
	});
	if (full !== undefined) {
		// The child has its own copy.
		closeSync(full);
	}

	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	if (stdoutTo === 'reader-gone') {
		child.stdout!.destroy();
	}

	child.stdout?.on('data', (chunk: Buffer) => {
		stdout.push(chunk);
		if (stdoutTo === 'reader-gone-after-first-chunk') {
			child.stdout!.destroy();
		}
	});
	child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
	child.stdin!.on('error', () => undefined);
	if (input !== undefined) {
		child.stdin!.end(input);
	}

	const killer = setTimeout(() => child.kill('SIGKILL'), timeout);
	const result = new Promise<CliResult>(resolve => {
		child.on('close', (code, signal) => {
			clearTimeout(killer);
			const stdoutBytes = Buffer.concat(stdout);
			resolve({code, signal, stdout: stdoutBytes.toString(), stderr: Buffer.concat(stderr).toString(), stdoutBytes});
		});
	});
	return {child, result};
}

/** Runs the built CLI to the end. */
export async function runCli(args: readonly string[], options: Parameters<typeof startCli>[1] = {}): Promise<CliResult> {
	return startCli(args, {input: '', ...options}).result;
}
