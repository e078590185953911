/*
The command line: argv in, a mode run, an exit code out (bin.ts loads this once it listens for
signals; the build bundles it into dist/main.cjs, meow included).

  flags.ts           the flag table (every mode's options) and which mode each belongs to
  command-line.ts    argv parsed against it (meow), each option as typed for error lines
  numbers.ts         the one reader of numeric flag values (decimal only)
  help.ts            the --help text
  client-options.ts, pipeline-options.ts, serve-options.ts, replay-options.ts
                     one pure builder per mode: flags in, options out, a UsageError for a mistake
  prepare-client.ts  a client run up to connecting: options, the files flags name
                     (flag-files.ts), the target
  profile-line.ts    @NAME / --profile: the profile's keys as options, merged with the line's
  profiles-mode.ts   wsterm profiles
  main.ts            here: which mode runs; pipe mode and the session, with their stages
                     (the one file that loads ui/ and load-stages.ts for them)
  serve-mode.ts, replay-mode.ts
                     wsterm serve and wsterm replay's runs
  load-stages.ts     the pipeline's stages and serve's hooks, each loaded only when asked for

cli/ may import every other folder; none imports cli/ but pipeline/index.ts, which re-exports
loadStages. What a mode needs beyond its options is loaded with import() when it runs, so that a
one-shot pipe run reads little at start (npm run bench:startup).
*/
import {readFileSync} from 'node:fs';
import {setFlagsFromString} from 'node:v8';
import type {DecoderSwitch} from '../codecs/stage.js';
import type {StageFactory} from '../pipeline/stage.js';
import {exitCodes, isUsageError} from '../shared/exit-codes.js';
import {protocolLabels} from '../protocols/names.js';
import type {SessionOptions} from '../ui/start.js';
import type {ClientOptions} from './client-options.js';
import {parseCommandLine} from './command-line.js';
import {executeMessages} from './flag-files.js';
import {flagTable} from './flags.js';
import type {StageFlags} from './pipeline-options.js';
import {type PreparedClient, prepareClient, withShownStderr} from './prepare-client.js';
import {type ProfileWorld, readTextFile, withProfile} from './profile-line.js';
import {redact} from '../profiles/redact.js';
import {systemClock} from '../shared/clock.js';
import {savedPipeMessages} from './template-options.js';
import {processIo} from '../shared/io.js';
import {writeStdout} from '../shared/stdout-loss.js';

/** A profile's secrets, kept out of the error lines too (see profiles/). */
let shownSecrets: readonly string[] = [];

function profileWorld(): ProfileWorld {
	return {
		// Read only when a profile is looked for: a run without one works in a directory deleted under it.
		get cwd() {
			try {
				return process.cwd();
			} catch {
				// Deleted: looked for from where the shell says it was, as the shell itself goes on.
				const {PWD} = process.env;
				if (PWD?.startsWith('/') === true) {
					return PWD;
				}

				throw new Error('the current directory no longer exists, so wsterm.toml cannot be looked for from it');
			}
		},
		env: process.env,
		readText: readTextFile,
		wallNow: systemClock.wallNow,
	};
}

function note(line: string): void {
	process.stderr.write(`wsterm: ${line}\n`);
}

/**
The one way a client connection (pipe mode, the session) gets its stages: those `wanted`, for
`url`, loaded here. The session passes a decoder switch, so that /decode can turn decoding on and
off: it then always has a codec stage.
*/
async function connectionStages(wanted: StageFlags, url: string, onNote: (line: string) => void, decoderSwitch?: DecoderSwitch): Promise<StageFactory[]> {
	const {loadStages} = await import('./load-stages.js');
	return loadStages({...wanted, ...(decoderSwitch === undefined ? {} : {codec: {...wanted.codec, decoderSwitch}}), url, note: onNote, io: processIo()});
}

/** The session's pipeline, when a pipeline flag is given; without one, nothing is loaded and there is no pipeline. */
async function sessionStages(options: ClientOptions, url: string | undefined): Promise<Pick<SessionOptions, 'stages' | 'decoder' | 'stageNotes' | 'codecOptions' | 'protocol' | 'protocolLabels'>> {
	const wanted = options.stages;
	if (wanted === undefined) {
		return {};
	}

	const decoder: DecoderSwitch = {current: undefined};
	// stderr until the session is drawn, then an error row (see ui/start.ts).
	const stageNotes = {to: note};
	const stages = await connectionStages(wanted, url ?? 'ws://127.0.0.1/', line => {
		stageNotes.to(line);
	}, decoder);
	const codecOptions = {
		proto: wanted.codec?.proto ?? [],
		...(wanted.codec?.type === undefined ? {} : {type: wanted.codec.type}),
		...(wanted.codec?.maxPayload === undefined ? {} : {maxPayload: wanted.codec.maxPayload}),
	};
	return {stages, decoder, stageNotes, codecOptions, ...(wanted.protocol === undefined ? {} : {protocol: wanted.protocol.name, protocolLabels: protocolLabels[wanted.protocol.name] ?? {}})};
}

/** Both ends are a terminal: the full-screen session (ui/ is loaded here only). */
async function runSession(client: PreparedClient): Promise<number> {
	const {options, built} = client;
	const stages = await sessionStages(options, built?.target.url);
	if (!options.session.color) {
		// The flag is the most explicit choice: it beats a FORCE_COLOR in the environment.
		process.env.NO_COLOR = '1';
		process.env.FORCE_COLOR = '0';
	}

	// Both ends are a terminal, so a person is watching: ink draws only a final frame when
	// it believes it runs in CI, and it reads that once, when it is first imported.
	for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) {
		if (name in process.env) {
			process.env[name] = 'false';
		}
	}

	// The connection opens and the first frame is painted while the UI loads.
	const io = processIo();
	const {startSession} = await import('../ui/start.js');
	const {scrollback, history} = options.session;
	const [started, {runInteractive}] = await Promise.all([
		startSession({target: built?.target, connection: client.connection, scrollback, history, notes: built?.notes ?? [], profile: options.profile, ...stages}, io),
		import('../ui/run.js'),
	]);
	return runInteractive(started, io);
}

/** Pipe mode: stdin's lines (or -x's messages) out, the messages received on stdout. */
async function runPipeMode({options, connection, built}: PreparedClient, executeFlag: string): Promise<number> {
	for (const line of built!.notes) {
		note(line);
	}

	// A million small messages make V8 double its young generation up to 2 x 16 MiB of mostly
	// garbage; kept at its starting size, peak RSS for 1,000,000 lines drops by about 30 MB at
	// the same speed (npm run bench:pipe).
	setFlagsFromString('--semi-space-growth-factor=1');
	const [{Connection}, {runPipe, ArgumentBytes}] = await Promise.all([import('../connection/connection.js'), import('../pipe/run.js')]);
	const executed = executeMessages(options.execute, options.pipe.binary, executeFlag, new ArgumentBytes(process.argv.slice(2)));
	// --message's saved messages first, then -x's.
	const execute = {...executed, messages: [...savedPipeMessages(options.savedMessages), ...executed.messages]};
	// Loaded before connecting: a bad rule, a script that does not load or a --record file that
	// cannot be written exits 2 first.
	const stages = options.stages === undefined ? [] : await connectionStages(options.stages, built!.target.url, note);
	if (options.pipe.verbose) {
		for (const line of execute.notes) {
			note(line);
		}
	}

	return runPipe(new Connection(built!.target, connection), {
		...options.pipe,
		readStdin: execute.messages.length === 0,
		execute: execute.messages,
		stages,
	}, withShownStderr(processIo(), options.profile.secrets));
}

/** --help and --version: `text` on stdout, and the exit code (1 when a full disk lost it: shared/stdout-loss.ts). */
async function printed(text: string): Promise<number> {
	const loss = await writeStdout(process.stdout, text);
	if (loss?.failureLine !== undefined) {
		note(loss.failureLine);
		return exitCodes.outputFailed;
	}

	return exitCodes.ok;
}

async function main(): Promise<number> {
	const line = parseCommandLine(process.argv.slice(2), flagTable);
	if (line.help) {
		const {helpText} = await import('./help.js');
		return printed(helpText());
	}

	if (line.version) {
		const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
		return printed(`${version}\n`);
	}

	if (line.input[0] === 'serve') {
		const {runServeMode} = await import('./serve-mode.js');
		return runServeMode(line);
	}

	if (line.input[0] === 'profiles') {
		const {runProfilesMode} = await import('./profiles-mode.js');
		return runProfilesMode(line, profileWorld(), processIo());
	}

	// @NAME or --profile: the profile's flags merged in (no file is read without one).
	const {line: profiled, profile} = await withProfile(line, profileWorld());
	shownSecrets = profile.secrets;
	if (line.input[0] === 'replay') {
		const {runReplayMode} = await import('./replay-mode.js');
		return runReplayMode(profiled, profile);
	}

	if (line.input[0] === 'bench') {
		const {runBenchMode} = await import('./load-mode.js');
		return runBenchMode(profiled, profile);
	}

	const client = await prepareClient(profiled, profile);
	// A refused line is an error row in the session (its exit code is the session's own); in pipe mode it makes the run exit 2.
	return client.options.mode === 'session' ? runSession(client) : client.exitCode(await runPipeMode(client, line.named('execute')));
}

/** How a run ends: its exit code, or one line for an error (a usage error exits 2). */
function exitWith(error: unknown): never {
	if (isUsageError(error)) {
		process.stderr.write(`wsterm: ${redact(error.message, shownSecrets)}\n`);
		process.exit(exitCodes.usage);
	}

	process.stderr.write(`wsterm: unexpected error: ${redact((error as Error).message ?? String(error), shownSecrets)}\n`);
	process.exit(exitCodes.connectFailed);
}

// No top-level await: the build bundles this as a script (dist/main.cjs) for V8's code cache (bin.ts).
main().then(code => process.exit(code), exitWith);
