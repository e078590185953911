/*
The session's saved messages (a profile's `[profiles.NAME.messages]`): /send NAME, /messages and
/keep NAME, decided here and carried out through the effects the UI hands over (sending, writing
the user's config file).
*/
import {escapeControl} from '../shared/escape-text.js';
import {parseInput} from './slash-commands.js';

/** The profile's saved messages, as the session knows them (/keep adds to them). */
export type SavedMessages = {
	/** The profile's name; undefined: the session has no profile. */
	readonly profile: string | undefined;
	/** By name, as written (templates). */
	readonly messages: ReadonlyMap<string, string>;
};

export type SavedMessageEffects = {
	/** The profile's saved messages; undefined: none (no profile). */
	readonly saved?: SavedMessages | undefined;
	/** /send: sends a saved message as a template (its variables filled in by the template stage). */
	readonly sendSaved?: ((text: string) => boolean) | undefined;
	/** /keep: keeps `text` as the saved message `name` (in the user's config file), then says how it went. */
	readonly keep?: ((name: string, text: string) => Promise<void>) | undefined;
	/** The lines submitted before, oldest first: /keep alone keeps the last message among them. */
	readonly history?: (() => readonly string[]) | undefined;
	readonly notice: (kind: 'info' | 'error', text: string) => void;
};

const noProfile = 'saved messages come with a profile: start wsterm with one (wsterm @NAME; see docs/profiles.md)';

/** The names, for an error line: `subscribe, ping` (or that there are none). */
function known(saved: SavedMessages): string {
	const names = [...saved.messages.keys()];
	return names.length === 0 ? `profile ${saved.profile!} has no saved messages yet (/keep NAME saves one)` : `its messages: ${names.join(', ')}`;
}

/** /send NAME. */
export function sendSaved(name: string, effects: SavedMessageEffects): void {
	const {saved, notice} = effects;
	if (saved?.profile === undefined && (saved?.messages.size ?? 0) === 0) {
		notice('error', `/send: ${noProfile}`);
		return;
	}

	const text = saved!.messages.get(name);
	if (text === undefined || effects.sendSaved === undefined) {
		notice('error', `/send: no saved message ${escapeControl(name)} (${known(saved!)})`);
		return;
	}

	effects.sendSaved(text);
}

/** /messages: one info row, a line for each saved message (its name and text as written, control characters escaped). */
export function listSaved({saved, notice}: SavedMessageEffects): void {
	if (saved === undefined || (saved.profile === undefined && saved.messages.size === 0)) {
		notice('info', `no saved messages: ${noProfile}`);
		return;
	}

	if (saved.messages.size === 0) {
		notice('info', `${known(saved)}`);
		return;
	}

	const width = Math.max(...[...saved.messages.keys()].map(name => name.length));
	const lines = [...saved.messages].map(([name, text]) => `  ${escapeControl(name).padEnd(width)}  ${escapeControl(text)}`);
	notice('info', [`saved messages${saved.profile === undefined ? '' : ` of profile ${saved.profile}`} (/send NAME sends one):`, ...lines].join('\n'));
}

/** The last line of `history` that was sent as a message (not a command), as typed. */
export function lastTypedMessage(history: readonly string[], protocol: string | undefined): string | undefined {
	for (let index = history.length - 1; index >= 0; index--) {
		const parsed = parseInput(history[index]!, {protocol});
		if (parsed.type === 'send') {
			return parsed.text;
		}
	}

	return undefined;
}

/** /keep NAME [message]: `text` undefined keeps the last message typed. */
export function keepSaved(name: string, text: string | undefined, protocol: string | undefined, effects: SavedMessageEffects): void {
	const {saved, notice} = effects;
	if (saved?.profile === undefined || effects.keep === undefined) {
		notice('error', `/keep saves into a profile: start wsterm with one (wsterm @NAME; see docs/profiles.md)`);
		return;
	}

	const kept = text ?? lastTypedMessage(effects.history?.() ?? [], protocol);
	if (kept === undefined) {
		notice('error', '/keep: no message typed yet: type one first, or give it: /keep NAME MESSAGE');
		return;
	}

	void effects.keep(name, kept);
}
