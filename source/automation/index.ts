/*
The hooks capability's one interface: `loadHooks` turns the flags into a config once (before
connecting: a bad rule or a script that does not load is a usage error), and `hooksStage` makes
the hooks a stage of a connection's message pipeline (source/pipeline/: read its index.ts for
how a consumer drives a pipeline). This folder is loaded with a dynamic import, and only when one
of the flags is given (by cli/load-stages.ts for clients, by cli/main.ts for serve), so that it
costs nothing otherwise. It imports pipeline/ (the stage interface and runner), shared/ and
connection/close-codes.ts; nothing imports it statically but types (types.ts is the published
file of hook types: its names and shapes are a contract).

- A client (pipe mode, the session): `loadStages({hooks: flags, ...})` gives the factories;
  `createPipeline(factories, sink)` once per run, so one runner (and `ctx.state`) lives across
  reconnects. The sink's deliver() gets each received message with `shown` (hooks' outcome:
  undefined as usual, null hidden but counted, a message to show instead); ctx.exit and the
  --until message arrive as the event {type: 'exit', code} after that message is delivered;
  ctx.log and hook errors as sink.log / sink.error lines.
- serve: `createServeHooks(config, {clock})` runs one pipeline per client (serve.ts), with serve's
  answer (echo, broadcast, --replay's recording) as the consumer.
- Timers (ctx.setTimeout, ctx.setInterval, serve's reload) run on the Clock given (hooksStage's and
  createServeHooks' `clock`), the system's by default.
*/
import {processIo} from '../shared/io.js';
import {parsePattern, parseReplyRule} from './rules.js';
import {importHooks, scriptFile, type Role} from './script.js';
import type {HookConfig} from './runner.js';
import {HookWatchdog, type WatchdogIo} from './watchdog.js';

export type {Handled, HookConfig} from './runner.js';
export {createServeHooks, type ServeClientHooks, type ServeHooksRunning, type ServeHooksSetup, type ServePeer} from './serve.js';

export type HookFlags = {
	readonly role: Role;
	/** `--reply` values, `PATTERN => TEXT`. */
	readonly reply: readonly string[];
	/** `--until PATTERN` (client only). */
	readonly until?: string;
	/** `--script FILE`. */
	readonly script?: string;
};

export type LoadOptions = {
	/**
	The process's signals, stderr and stdin, which a stuck hook's watchdog takes over (watchdog.ts), and its clock;
	the process's own by default. false: no watchdog (the tests' in-process runs).
	*/
	readonly io?: WatchdogIo | false;
};

/** Checks the rules and loads the script. Throws UsageError (exit code 2) with one line. */
export async function loadHooks(flags: HookFlags, {io = processIo()}: LoadOptions = {}): Promise<HookConfig> {
	const rules = flags.reply.map(rule => parseReplyRule(rule));
	const until = flags.until === undefined ? undefined : parsePattern('--until', flags.until);
	let script: HookConfig['script'];
	if (flags.script !== undefined) {
		const file = scriptFile(flags.script, flags.role);
		script = {file, hooks: await importHooks(file)};
	}

	// Only a script can get stuck: rules never loop.
	const watch = script === undefined || io === false ? undefined : new HookWatchdog(io, script.file.path);
	return {
		role: flags.role,
		rules,
		...(until === undefined ? {} : {until}),
		...(script === undefined ? {} : {script}),
		...(watch === undefined ? {} : {watch}),
	};
}
export {hooksStage} from './stage.js';
