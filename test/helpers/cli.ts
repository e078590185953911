import {spawn, type ChildProcess} from 'node:child_process';
import {readdirSync, statSync} from 'node:fs';
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

/** Starts the built CLI with `args`; `input` (if any) is written to its stdin, which is then closed. */
export function startCli(args: readonly string[], {input, env, cwd, timeout = 30_000}: {
	input?: string | Buffer;
	env?: NodeJS.ProcessEnv;
	/** The working directory (where wsterm.toml is looked for); the tests' own by default. */
	cwd?: string;
	timeout?: number;
} = {}): CliRun {
	assertFreshBuild();
	const child = spawn(process.execPath, [cliPath, ...args], {
		env: {...process.env, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: '', ...env},
		stdio: ['pipe', 'pipe', 'pipe'],
		...(cwd === undefined ? {} : {cwd}),
	});
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
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
