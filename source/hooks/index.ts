/*
The hooks capability's one interface: `loadHooks` turns the flags into a config once (before
connecting: a bad rule or a script that does not load is a usage error), `createHookRunner`
makes the stage for each connection. Load this folder with a dynamic import, and only when one
of the flags is given, so that it costs nothing otherwise.

A client consumer (pipe mode, the session), given the config from cli.tsx:
  const hooks = createHookRunner(config, {url: target.displayUrl, sink});  // once, lives across reconnects
  on open:           hooks.open()
  on a message:      if (!hooks.receive(createMessage(data, isBinary))) connection.pause()
                     (resume on hooks.settled()); print or show in sink.deliver(handled)
  to send a message: if (!hooks.send(createMessage(data, isBinary))) stop reading input
                     (resume on the connection's 'drain' or hooks.settled()); sink.send transmits
  on close:          hooks.close({code, reason, byUs}); await hooks.settled() (bounded) before exiting
sink.exit(code) ends the run (ctx.exit, or the --until message was delivered).
*/
import {parsePattern, parseReplyRule} from './rules.js';
import {importHooks, scriptFile, type Role} from './script.js';
import type {HookConfig} from './runner.js';

export {createHookRunner, type Handled, type HookConfig, type HookRunner, type HookSink, type RunnerOptions} from './runner.js';
export {createMessage, PipelineMessage} from '../pipeline/message.js';
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

/** Checks the rules and loads the script. Throws UsageError (exit code 2) with one line. */
export async function loadHooks(flags: HookFlags): Promise<HookConfig> {
	const rules = flags.reply.map(rule => parseReplyRule(rule));
	const until = flags.until === undefined ? undefined : parsePattern('--until', flags.until);
	let script: HookConfig['script'];
	if (flags.script !== undefined) {
		const file = scriptFile(flags.script, flags.role);
		script = {file, hooks: await importHooks(file)};
	}

	return {
		role: flags.role,
		rules,
		...(until === undefined ? {} : {until}),
		...(script === undefined ? {} : {script}),
	};
}
export {hooksStage} from './stage.js';
