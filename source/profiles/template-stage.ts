/*
The template stage (--template, a profile's `template = true`, saved messages): the first stage a
message to send meets, so that hooks, the protocol, the codec and the recorder all see the message
as it goes out. It fills in the variables of each text message (with `every`), or only of those
marked as templates (a saved message: `--message`, `/send`); a message naming a variable that is
not defined is refused: an error line, and not sent. Binary messages go as they are.
*/
import {quote} from '../shared/escape-text.js';
import {PipelineMessage} from '../pipeline/message.js';
import type {StageFactory} from '../pipeline/stage.js';
import {expandTemplate, hasVariables, sequence, undefinedVariable} from './template.js';

/** What the command line (and the profile) asked for. */
export type TemplateChoices = {
	/** Every text message is a template (--template, `template = true`); else only saved messages. */
	readonly every: boolean;
	/** The variables: the profile's and the files', --var's over them. */
	readonly vars: ReadonlyMap<string, string>;
	/** Called for each message refused (an undefined variable), after its error line. */
	readonly onRefused?: () => void;
};

export type TemplateStageOptions = TemplateChoices & {
	/** {{env.NAME}}'s values. */
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Wall-clock ms since the epoch ({{$timestamp}}, {{$isoTime}}). */
	readonly wallNow: () => number;
};

/** The stage; {{$seq}} counts across the pipeline's life (the run, reconnects included). */
export function templateStage({every, vars, onRefused, env, wallNow}: TemplateStageOptions): StageFactory {
	const scope = {vars, env, wallNow, nextSeq: sequence()};
	return link => ({
		name: 'template',
		send(message, next) {
			const text = message.isBinary || !(every || message.template) ? undefined : message.text!;
			if (text === undefined || !hasVariables(text)) {
				next(message);
				return;
			}

			const expanded = expandTemplate(text, scope);
			if ('undefinedName' in expanded) {
				link.error(`not sent: ${undefinedVariable(expanded.undefinedName)}: ${quote(text)}`);
				onRefused?.();
				return;
			}

			next(new PipelineMessage(expanded.text, false));
		},
	});
}
