/*
--template, --var and --message, with the run's profile (ProfileContext): whether messages are
templates, the variables they see, and the saved messages --message sends. Pure: flags and the
profile in, the template stage's choices out (profiles/template-stage.ts fills the variables in).
*/
import type {MessageTemplates} from '../load/options.js';
import type {PipeMessage} from '../pipe/run.js';
import type {ProfileContext} from '../profiles/context.js';
import {expandTemplate, hasVariables, sequence, undefinedVariable, variableNames} from '../profiles/template.js';
import type {TemplateChoices} from '../profiles/template-stage.js';
import {mergeVars, varsFromFlags} from '../profiles/vars.js';
import {UsageError} from '../shared/exit-codes.js';
import type {Io} from '../shared/io.js';
import type {ParsedLine} from './flags.js';

/**
The template stage's choices; undefined when no message of the run can be a template (no
--template, no `template = true`, no --message, and in the session, no profile to /send from), so
that nothing is loaded.
*/
export function templateChoices(line: ParsedLine, profile: ProfileContext, mode: 'session' | 'pipe', onRefused: () => void): TemplateChoices | undefined {
	const {flags, typed, named} = line;
	const vars = mergeVars(profile.vars, varsFromFlags(flags.var, named('var')));
	if (typed.has('template') && flags.binary) {
		throw new UsageError(`${named('template')} fills variables into text messages; --binary sends lines byte for byte: give one of them`);
	}

	const every = flags.template || profile.template;
	const savedMayBeSent = mode === 'pipe' ? flags.message.length > 0 : profile.profile !== undefined || profile.savedMessages.size > 0;
	return every || savedMayBeSent ? {every, vars, onRefused} : undefined;
}

/** --message's saved messages, in the order given, as written (the template stage fills them in). */
export function savedMessagesToSend({flags, named}: ParsedLine, profile: ProfileContext): string[] {
	return flags.message.map(name => {
		const text = profile.savedMessages.get(name);
		if (text !== undefined) {
			return text;
		}

		const flag = `${named('message')} ${name}`;
		if (profile.profile === undefined) {
			throw new UsageError(`${flag}: saved messages come with a profile: wsterm @NAME ${named('message')} ${name} (see docs/profiles.md)`);
		}

		const known = [...profile.savedMessages.keys()];
		throw new UsageError(`${flag}: profile ${profile.profile.name} has no message ${name} (${known.length === 0 ? `it has no [profiles.${profile.profile.name}.messages]` : `its messages: ${known.join(', ')}`})`);
	});
}

/** Pipe mode's messages for --message's saved ones: text, marked as templates. */
export function savedPipeMessages(texts: readonly string[]): PipeMessage[] {
	return texts.map(text => ({data: text, isBinary: false, template: true}));
}

/**
wsterm bench's templates (--template, --message): the template engine as the functions load/
calls at each send; undefined when no message can be a template.
*/
export function benchTemplates(line: ParsedLine, profile: ProfileContext, io: Pick<Io, 'env' | 'clock'>): MessageTemplates | undefined {
	const choices = templateChoices(line, profile, 'pipe', () => undefined);
	if (choices === undefined) {
		return undefined;
	}

	const scope = {vars: choices.vars, env: io.env, wallNow: () => io.clock.wallNow(), nextSeq: sequence()};
	// The check before the run leaves the run's {{$seq}} at 1.
	const checkScope = {...scope, nextSeq: () => 0};
	return {
		every: choices.every,
		hasVariables,
		varies: text => variableNames(text).some(name => name.startsWith('$')),
		expand(text) {
			const expanded = expandTemplate(text, scope);
			return 'text' in expanded ? expanded.text : text;
		},
		sample(text) {
			const expanded = expandTemplate(text, checkScope);
			return 'text' in expanded ? expanded.text : text;
		},
		problem(text) {
			const expanded = expandTemplate(text, checkScope);
			return 'undefinedName' in expanded ? undefinedVariable(expanded.undefinedName) : undefined;
		},
	};
}
