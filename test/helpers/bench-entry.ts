/*
A stand-in for `wsterm bench` until the CLI's mode dispatch takes it: parses argv with
node:util's parseArgs into the flag record cli/bench-options.ts reads, then runs the bench as the
CLI will (a usage error: its line and exit 2). Started only by bench-cli.ts's runBenchCli.
*/
import {parseArgs} from 'node:util';
import {benchOptionsFromFlags} from '../../source/cli/bench-options.js';
import {runBench} from '../../source/load/run.js';
import {exitCodes, UsageError} from '../../source/shared/exit-codes.js';
import {processIo} from '../../source/shared/io.js';

const strings = ['connections', 'ramp', 'duration', 'messages', 'window', 'rate', 'match', 'timeout', 'hist', 'max-p99', 'max-errors', 'min-rate', 'protocol', 'encode', 'user-agent', 'auth', 'ca', 'cert', 'key', 'passphrase', 'proxy', 'connect-timeout', 'max-payload'] as const;
const multiple = ['execute', 'header', 'cookie', 'origin', 'subprotocol'] as const;
const booleans = ['binary', 'json', 'follow-redirects', 'insecure', 'compress'] as const;
const shortFlags: Record<string, string> = {connections: 'c', duration: 'd', messages: 'm', execute: 'x', header: 'H', cookie: 'b', origin: 'o', subprotocol: 's', 'user-agent': 'A', 'follow-redirects': 'L', insecure: 'k'};

function camel(name: string): string {
	return name.replaceAll(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

async function main(): Promise<number> {
	const options: Record<string, {type: 'string' | 'boolean'; multiple?: boolean; short?: string}> = {};
	for (const name of strings) {
		options[name] = {type: 'string'};
	}

	for (const name of multiple) {
		options[name] = {type: 'string', multiple: true};
	}

	for (const name of booleans) {
		options[name] = {type: 'boolean'};
	}

	for (const [name, short] of Object.entries(shortFlags)) {
		options[name]!.short = short;
	}

	let parsed: ReturnType<typeof parseArgs>;
	try {
		parsed = parseArgs({args: process.argv.slice(2), options, allowPositionals: true});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}

	const flags = Object.fromEntries(Object.entries(parsed.values).map(([name, value]) => [camel(name), value]));
	const [mode, url, extra] = parsed.positionals;
	if (mode !== 'bench' || extra !== undefined) {
		throw new UsageError('usage: bench URL [options]');
	}

	return runBench(benchOptionsFromFlags(url, flags), processIo());
}

try {
	process.exitCode = await main();
} catch (error) {
	process.stderr.write(error instanceof UsageError ? `wsterm: ${error.message}\n` : `wsterm: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
	process.exitCode = error instanceof UsageError ? exitCodes.usage : exitCodes.connectFailed;
}
