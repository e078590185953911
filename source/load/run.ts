/*
load/: `wsterm bench URL`, a load and latency test that pairs every reply with its request.
  run.ts         runBench: sets the run up, prints the report, says the exit code
  options.ts     BenchOptions (cli/load-options.ts builds them from the flags)
  load-run.ts    the connections, the pace (closed loop, or open-loop.ts's schedule), the end
  load-socket.ts  one connection: a plain ws client, its requests waiting (pending.ts)
  match.ts       pairing a reply with its request (echo, --match PATH, any, JSON-RPC, graphql-ws and Socket.IO ids)
  messages.ts    the message set and what each request carries
  protocol-session.ts  a --protocol's handshake and pings on each connection (graphql-session.ts,
                 socketio-session.ts), loaded only when its protocol is asked for
  stats.ts       the counts and the HDR histograms; report.ts, live.ts, hist-log.ts print them
It may import shared/, connection/ (connect options, ws, connect failures) and, loaded only when
asked for, protocols/ (JSON-RPC, GraphQL and Socket.IO lines, exact JSON, no protocol library), and
profiles/ (a profile's secrets kept out of what it prints); never ui/, ink or react, nor the pipeline: per
message it does only what the measure needs.
*/
import {readFileSync} from 'node:fs';
import {buildTarget} from '../connection/connect-options.js';
import {redactor} from '../profiles/redact.js';
import {exitCodes, UsageError} from '../shared/exit-codes.js';
import {interruptGraceMs, onInterrupt} from '../shared/interrupt.js';
import type {Io} from '../shared/io.js';
import {writeStdout} from '../shared/stdout-loss.js';
import {HistLog} from './hist-log.js';
import {LiveLine} from './live.js';
import {LoadRun, type RunEnd} from './load-run.js';
import {createMatcher} from './match.js';
import {buildMessageSet, readMessages} from './messages.js';
import type {BenchOptions, MatchRule} from './options.js';
import {brokenThresholds, grouped, reportJson, reportTable} from './report.js';
import type {ProtocolSessions} from './protocol-session.js';
import {LoadStats} from './stats.js';

export type {BenchOptions} from './options.js';

export type BenchIo = Pick<Io, 'stdin' | 'stdout' | 'stderr' | 'signals' | 'env' | 'clock'>;

/** How long the connections get to close with 1000 at the end before they are dropped. */
const closeGraceMs = 2000;

function readFlagFile(flag: string, path: string): Buffer {
	try {
		return readFileSync(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UsageError(`${flag}: cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
	}
}

/** The sessions the rule's protocol needs; undefined for a rule with no handshake (echo, --match, jsonrpc). */
async function loadProtocolSessions(rule: MatchRule, timeoutSeconds: number): Promise<ProtocolSessions | undefined> {
	switch (rule.kind) {
		case 'graphql-ws': {
			const {graphqlWsSessions} = await import('./graphql-session.js');
			return {...graphqlWsSessions(rule), timeoutSeconds};
		}

		case 'socketio': {
			const {socketIoSessions} = await import('./socketio-session.js');
			return {...socketIoSessions(rule), timeoutSeconds};
		}

		default: {
			return undefined;
		}
	}
}

function describePace(options: BenchOptions): string {
	const connections = `${grouped(options.connections)} connection${options.connections === 1 ? '' : 's'}`;
	const pace = options.pace.kind === 'open'
		? `open loop at ${grouped(options.pace.rate)} msgs/s`
		: `closed loop, ${grouped(options.pace.window)} in flight each`;
	const amount = options.amount.kind === 'duration' ? `for ${options.amount.ms / 1000} s` : `${grouped(options.amount.count)} messages`;
	return `${connections}, ${pace}, ${amount}`;
}

/**
Runs `wsterm bench`: resolves with the exit code (0; 1 when no connection opened, or when stdout or
the --hist file could not be written (a reader that went away is no failure); 4 when a threshold is broken; 130/143 after SIGINT/SIGTERM, with the report of what was done). Rejects
with a UsageError (exit 2) for what the user must fix before anything is sent: the URL, the
connection flags' files, messages --match or --protocol cannot use, a --hist file.
*/
export async function runBench(options: BenchOptions, io: BenchIo): Promise<number> {
	const built = await buildTarget(options.url, options.connect, path => readFlagFile('--ca/--cert/--key', path), io.env);
	const shown = redactor(options.profile?.secrets ?? []);
	const target = {...built.target, displayUrl: shown(built.target.displayUrl)};
	for (const note of built.notes) {
		io.stderr.write(`wsterm: ${shown(note)}\n`);
	}

	const messages = await buildMessageSet(await readMessages(options.execute, options.binary, io.stdin, readFlagFile, options.savedMessages), options.match, options.templates);
	const histLog = options.histFile === undefined ? undefined : new HistLog(options.histFile, io.clock.wallNow());
	if (histLog?.failureLine !== undefined) {
		// Its header could not be written (a full disk): a measurement nobody could keep.
		histLog.close();
		io.stderr.write(`wsterm: ${histLog.failureLine}\n`);
		return exitCodes.outputFailed;
	}

	const stats = new LoadStats({intervals: histLog !== undefined});
	const sessions = await loadProtocolSessions(options.match, options.connect.connectTimeout);
	const run = new LoadRun(options, {target, clock: io.clock, stats, matcher: createMatcher(options.match, messages.bytes), messages, sessions});
	let signalCode: number | undefined;
	const stopListening = onInterrupt(io.signals, {
		graceful(code) {
			signalCode = code;
			run.interrupt();
		},
		immediate() {
			run.terminateAll();
		},
	}, {clock: io.clock, graceMs: interruptGraceMs});
	const live = io.stderr.isTTY === true ? new LiveLine(io.stderr, io.clock, stats) : undefined;
	const startedAt = io.clock.now();
	const histTimer = histLog === undefined ? undefined : io.clock.setInterval(() => {
		histLog.interval(stats.interval!, (io.clock.now() - startedAt) / 1000);
	}, 1000);
	let end: RunEnd;
	try {
		end = await run.run();
	} finally {
		live?.stop();
		if (histTimer !== undefined) {
			io.clock.clearInterval(histTimer);
		}
	}

	const summary = stats.summary(io.clock.now());
	if (histLog !== undefined) {
		histLog.interval(stats.interval!, (io.clock.now() - startedAt) / 1000);
		histLog.close();
	}

	await run.closeAll(closeGraceMs);
	stopListening();
	// Waited for: the process exits right after, before a failed write would be heard of.
	const stdoutLoss = await writeStdout(io.stdout, shown(options.json ? reportJson(summary) : reportTable(summary, {url: target.displayUrl, pace: describePace(options), late: stats.late})));
	// A reader that went away is no failure (shared/stdout-loss.ts); a full disk, here or for --hist, is.
	const lost = [stdoutLoss?.failureLine, histLog?.failureLine].filter(line => line !== undefined);
	for (const line of lost) {
		io.stderr.write(`wsterm: ${shown(line)}\n`);
	}

	const code = exitCode(end, signalCode, summary, options, run, io, shown);
	return lost.length === 0 || end === 'interrupted' ? code : exitCodes.outputFailed;
}

function exitCode(end: RunEnd, signalCode: number | undefined, summary: ReturnType<LoadStats['summary']>, options: BenchOptions, run: LoadRun, io: BenchIo, shown: (text: string) => string): number {
	if (end === 'interrupted') {
		return signalCode ?? exitCodes.sigint;
	}

	if (end === 'no-connections') {
		io.stderr.write(`wsterm: could not connect: ${shown(run.firstFailure ?? 'no connection opened')}\n`);
		return exitCodes.connectFailed;
	}

	if (summary.connectFailures > 0) {
		io.stderr.write(`wsterm: ${grouped(summary.connectFailures)} of ${grouped(options.connections)} connections failed: ${shown(run.firstFailure ?? 'no reason given')}\n`);
	}

	const broken = brokenThresholds(summary, options.thresholds);
	for (const line of broken) {
		io.stderr.write(`wsterm: threshold broken: ${line}\n`);
	}

	return broken.length > 0 ? exitCodes.expectedMissing : exitCodes.ok;
}
