/* `wsterm bench` as a child process (the built CLI), for the bench's CLI tests. */
import {spawn, type ChildProcess} from 'node:child_process';
import {assertFreshBuild, cliPath, type CliResult} from './cli.js';

/** The command line that runs `wsterm bench ARGS`. */
const benchCommand = (args: readonly string[]): string[] => [cliPath, 'bench', ...args];

export type BenchRun = {
	readonly child: ChildProcess;
	readonly result: Promise<CliResult>;
};

/** Starts `wsterm bench ARGS`; `input` (if any) is written to its stdin, which is then closed. */
export function startBenchCli(args: readonly string[], {input, timeout = 30_000}: {input?: string; timeout?: number} = {}): BenchRun {
	assertFreshBuild();
	const child = spawn(process.execPath, benchCommand(args), {
		env: {...process.env, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: ''},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
	child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
	child.stdin!.on('error', () => undefined);
	child.stdin!.end(input ?? '');
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

/** Runs `wsterm bench ARGS` to the end. */
export async function runBenchCli(args: readonly string[], options: Parameters<typeof startBenchCli>[1] = {}): Promise<CliResult> {
	return startBenchCli(args, options).result;
}
