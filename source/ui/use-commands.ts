import {homedir} from 'node:os';
import {type Dispatch, useCallback} from 'react';
import type {Connection} from '../connection/connection.js';
import {type CommandEffects, type NoticeKind, processLine} from '../session/command-processor.js';
import {readMessageFile, saveRecords} from '../session/file-commands.js';
import type {SessionMessagePath} from '../session/message-path.js';
import {checkSend} from '../session/outgoing.js';
import type {PromptHandle} from './use-prompt.js';
import {sessionRecords} from '../session/session.js';
import type {Session, SessionAction} from '../session/state.js';
import type {SessionExit} from './use-session-exit.js';
import type {SavedMessagesHandle} from './use-saved-messages.js';

type Options = {
	readonly connection: Connection;
	readonly messagePath: SessionMessagePath | undefined;
	readonly session: Pick<Session, 'entries' | 'link' | 'opens'>;
	readonly dispatch: Dispatch<SessionAction>;
	readonly notice: (kind: NoticeKind, text: string) => void;
	readonly now: () => number;
	/** --reconnect: messages typed while reconnecting wait for the connection. */
	readonly reconnect: boolean;
	readonly protocol: string | undefined;
	/** Columns of the pane, for /help. */
	readonly columns: number;
	/** `/save`'s `open` record: the URL without credentials. */
	readonly recordUrl: string | undefined;
	readonly switchDecoder: CommandEffects['switchDecoder'];
	/** /open: a row whole in the pager. */
	readonly open: CommandEffects['open'];
	readonly exit: Pick<SessionExit, 'quit' | 'closeConnection'>;
	readonly prompt: Pick<PromptHandle, 'current' | 'act'>;
	/** The profile's saved messages (/send, /messages, /keep). */
	readonly savedMessages: SavedMessagesHandle;
};

/** Sends a typed message (through the pipeline when there is one), or says why it is not sent. */
function useSend({connection, messagePath, reconnect, dispatch, notice, now}: Pick<Options, 'connection' | 'messagePath' | 'reconnect' | 'dispatch' | 'notice' | 'now'>) {
	return useCallback((data: string | Buffer, isBinary: boolean, template = false): boolean => {
		if (template && messagePath === undefined) {
			// A session with a profile always has the template stage (cli/template-options.ts).
			notice('error', 'not sent: saved messages need a profile');
			return false;
		}

		const check = checkSend({state: connection.state, reconnect, queuedMessages: connection.queuedMessages, held: messagePath?.sending ?? 0});
		if (check.refused !== undefined) {
			notice('error', check.refused);
			return false;
		}

		if (messagePath === undefined) {
			connection.send(data, isBinary);
			dispatch({type: 'sent', data, isBinary, pending: check.waiting, time: now(), stats: {...connection.stats}});
		} else {
			// Its row comes from the pipeline, as it goes out (after onSend and --encode).
			messagePath.send(data, isBinary, template);
			dispatch({type: 'scroll-to-end'});
		}

		return true;
	}, [connection, reconnect, notice, now, messagePath, dispatch]);
}

/** Enter: the line in the input sent as a message, or run as a slash command (session/command-processor.ts). */
export function useCommands(options: Options): () => void {
	const {connection, session, dispatch, notice, now, protocol, columns, recordUrl, switchDecoder, open, exit, prompt} = options;
	const send = useSend(options);
	const sendFile = useCallback(async (typed: string) => {
		const file = await readMessageFile(typed, homedir());
		if (file.problem === undefined) {
			send(file.data, file.isBinary);
		} else {
			notice('error', file.problem);
		}
	}, [notice, send]);

	const save = useCallback(async (typed: string, overwrite: boolean) => {
		const open = recordUrl === undefined ? undefined : {url: recordUrl, protocol: session.link.protocol, opens: session.opens, time: now()};
		const {kind, text} = await saveRecords(typed, overwrite, sessionRecords(session.entries, open), homedir());
		notice(kind, text);
	}, [session.entries, session.link.protocol, session.opens, recordUrl, now, notice]);

	const {quit, closeConnection} = exit;
	const {current, act} = prompt;
	const {saved, keep} = options.savedMessages;
	const sendSaved = useCallback((text: string) => send(text, false, true), [send]);
	const history = useCallback(() => current().history.entries, [current]);
	return useCallback(() => {
		const {text} = current().line;
		if (text === '') {
			return;
		}

		processLine(text, {
			connection, protocol, columns, now, dispatch, notice, send, sendFile, save, switchDecoder, open, quit,
			close: closeConnection, saved, sendSaved, keep, history,
			submitted(line, remember) {
				act({type: 'submitted', text: line, remember});
			},
		});
	}, [connection, protocol, columns, now, dispatch, notice, send, sendFile, save, switchDecoder, open, quit, closeConnection, saved, sendSaved, keep, history, current, act]);
}
