import {spawn, type ChildProcess} from 'node:child_process';
import {fileURLToPath} from 'node:url';

/** The built CLI, as users run it. */
export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

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
export function startCli(args: readonly string[], {input, env, timeout = 30_000}: {
	input?: string | Buffer;
	env?: NodeJS.ProcessEnv;
	timeout?: number;
} = {}): CliRun {
	const child = spawn(process.execPath, [cliPath, ...args], {
		env: {...process.env, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: '', ...env},
		stdio: ['pipe', 'pipe', 'pipe'],
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
