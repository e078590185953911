/*
`wsterm serve`: the options serve-options.ts checked, the hooks (--reply, --script) and the
recorded answers (--replay) loaded before listening, then serve/run.ts.
*/
import type {ResponderFactory} from '../replay/responder.js';
import {processIo} from '../shared/io.js';
import type {ParsedLine} from './flags.js';
import {type ServeChoices, serveChoicesFromCommandLine} from './serve-options.js';

/** --replay FILE: each client is answered as the recorded server did, in the subprotocol it chose. */
async function replayResponder({file, pace, entry}: NonNullable<ServeChoices['replay']>): Promise<{respond: ResponderFactory; preferredSubprotocol?: string}> {
	const [{readConversation}, {createResponderFactory}, {systemClock}] = await Promise.all([
		import('../replay/read-conversation.js'), import('../replay/responder.js'), import('../connection/connection.js'),
	]);
	const conversation = readConversation(file, entry);
	const respond = createResponderFactory(conversation, {pace, clock: systemClock});
	return conversation.protocol === undefined || conversation.protocol === '' ? {respond} : {respond, preferredSubprotocol: conversation.protocol};
}

export async function runServeMode(line: ParsedLine): Promise<number> {
	const {options, hooks: hookFlags, replay} = serveChoicesFromCommandLine(line);
	// Loaded only when asked for; a bad rule or a script that does not load exits 2 before listening.
	const hooks = hookFlags === undefined ? undefined : await import('./load-stages.js').then(async ({loadServeHooks}) => loadServeHooks(hookFlags));
	const replaying = replay === undefined ? {} : await replayResponder(replay);
	const {runServe} = await import('../serve/run.js');
	return runServe({...options, ...(hooks === undefined ? {} : {hooks}), ...replaying}, processIo());
}
