/* `wsterm bench` as a child process (the built CLI), for the bench's CLI tests: cli.ts's startCli with `bench` first. */
import {type CliResult, type CliRun, startCli, type StdoutTo} from './cli.js';

export type BenchRun = CliRun;

/** Starts `wsterm bench ARGS`; `input` (if any) is written to its stdin, which is then closed. */
export function startBenchCli(args: readonly string[], {input, timeout = 30_000, stdoutTo}: {input?: string; timeout?: number; stdoutTo?: StdoutTo} = {}): BenchRun {
	return startCli(['bench', ...args], {input: input ?? '', timeout, ...(stdoutTo === undefined ? {} : {stdoutTo})});
}

/** Runs `wsterm bench ARGS` to the end. */
export async function runBenchCli(args: readonly string[], options: Parameters<typeof startBenchCli>[1] = {}): Promise<CliResult> {
	return startBenchCli(args, options).result;
}
