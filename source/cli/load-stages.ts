/*
Which stages a connection gets, from what the command line asked for (pipeline-options.ts), and
serve's hooks. Each stage's code is loaded here, with a dynamic import, only when it is asked
for: without the flags, none of it is read at start-up. Called before connecting (or listening),
so that a bad rule, a script that does not load or a file that cannot be written is a usage
error (exit 2) before anything happens.
*/
import type {HookFlags, ServeHooksSetup} from '../automation/index.js';
import type {ProtocolChoices} from '../protocols/index.js';
import type {CodecChoices} from '../codecs/stage.js';
import type {StageFactory} from '../pipeline/stage.js';
import type {TemplateChoices} from '../profiles/template-stage.js';
import {type Io, processIo} from '../shared/io.js';

export type StageChoices = {
	/** `--decode`, `--encode` (with `--proto`, `--type`; left out when none is given). */
	readonly codec?: CodecChoices;
	/** `--protocol` and its flags. */
	readonly protocol?: ProtocolChoices;
	/** `--reply`, `--until`, `--script` (left out when none is given). */
	readonly hooks?: HookFlags;
	/** `--record FILE`. */
	readonly record?: string;
	/** `--template`, `--var`, a profile's template and saved messages (left out when none can be sent). */
	readonly template?: TemplateChoices;
	/** The environment and clock of {{env.NAME}} and {{$timestamp}} (the process's by default). */
	readonly io?: Pick<Io, 'env' | 'clock'>;
	/** The URL connected to (credentials are left out of what stages see). */
	readonly url: string;
	/** A line on stderr (the recorder could not write). */
	readonly note: (line: string) => void;
};

/** The stage factories, from the connection outwards (see index.ts for the order). */
export async function loadStages(choices: StageChoices): Promise<StageFactory[]> {
	const stages: StageFactory[] = [];
	if (choices.codec !== undefined) {
		const {loadCodecStage} = await import('../codecs/stage.js');
		stages.push(await loadCodecStage(choices.codec));
	}

	if (choices.protocol !== undefined) {
		const {loadProtocolStage} = await import('../protocols/index.js');
		stages.push(await loadProtocolStage({...choices.protocol, hooksFollow: choices.hooks !== undefined}));
	}

	if (choices.hooks === undefined && choices.record === undefined) {
		return withTemplate(stages, choices);
	}

	const {recordedUrl} = await import('../replay/recorder.js');
	const url = recordedUrl(choices.url);
	if (choices.hooks !== undefined) {
		const {hooksStage, loadHooks} = await import('../automation/index.js');
		stages.push(hooksStage(await loadHooks(choices.hooks), {url}));
	}

	await withTemplate(stages, choices);

	if (choices.record !== undefined) {
		const {createRecorder, recorderStage} = await import('../replay/recorder.js');
		const recorder = createRecorder(choices.record, {onError: choices.note});
		stages.push(recorderStage(recorder, {url}));
	}

	return stages;
}

/** The template stage, outermost: what a message becomes is what hooks, the protocol and the codec see. */
async function withTemplate(stages: StageFactory[], {template, io = processIo()}: StageChoices): Promise<StageFactory[]> {
	if (template !== undefined) {
		const {templateStage} = await import('../profiles/template-stage.js');
		stages.push(templateStage({...template, env: io.env, wallNow: () => io.clock.wallNow()}));
	}

	return stages;
}

/** `wsterm serve --reply/--script`: the hooks that answer each client. */
export async function loadServeHooks(flags: HookFlags): Promise<ServeHooksSetup> {
	const {createServeHooks, loadHooks} = await import('../automation/index.js');
	return createServeHooks(await loadHooks(flags));
}
