import {useCallback, useMemo, useState} from 'react';
import type {NoticeKind} from '../session/command-processor.js';
import type {SavedMessages} from '../session/saved-messages.js';
import type {ProfileContext} from '../profiles/context.js';

const none: ReadonlyMap<string, string> = new Map();

export type SavedMessagesHandle = {
	/** The profile's saved messages, with those /keep added in this session. */
	readonly saved: SavedMessages;
	/** /keep: writes the message into the user's config file, then adds it here. */
	readonly keep: (name: string, text: string) => Promise<void>;
};

/**
A profile's saved messages for /send, /messages and Tab, and /keep's writing of the user's config
file (profiles/keep-message.ts, loaded only when /keep is used).
*/
export function useSavedMessages(profile: ProfileContext | undefined, notice: (kind: NoticeKind, text: string) => void): SavedMessagesHandle {
	const [messages, setMessages] = useState(() => profile?.savedMessages ?? none);
	const name = profile?.profile?.name;
	const saved = useMemo(() => ({profile: name, messages}), [name, messages]);
	const file = profile?.userConfigFile;
	const keep = useCallback(async (message: string, text: string) => {
		if (name === undefined || file === undefined) {
			notice('error', '/keep: there is no user config file to save into (set HOME or XDG_CONFIG_HOME)');
			return;
		}

		try {
			const {keepMessage} = await import('../profiles/keep-message.js');
			const how = await keepMessage(file, name, message, text);
			setMessages(current => new Map([...current, [message, text]]));
			notice('info', `${how === 'added' ? 'kept' : 'replaced'} ${message} in ${file} ([profiles.${name}.messages]): /send ${message} sends it`);
		} catch (error) {
			notice('error', `/keep: ${(error as Error).message}`);
		}
	}, [name, file, notice]);
	return {saved, keep};
}
