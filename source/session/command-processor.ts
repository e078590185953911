/*
The slash command processor: what a submitted line does (slash-commands.ts parses it), carried out
through the effects the UI hands over. Nothing here renders, reads files or holds state; the UI
(ui/use-commands.ts) gives it the connection and the session's effects, and tests can give it theirs.
*/
import type {Connection} from '../connection/connection.js';
import {helpText} from './help-text.js';
import {keepSaved, listSaved, type SavedMessageEffects, sendSaved} from './saved-messages.js';
import {type Command, emitLine, parseInput, protocolCommands} from './slash-commands.js';
import type {SessionAction} from './state.js';

export type NoticeKind = 'info' | 'error';

/** What the commands act on (/send, /messages and /keep: SavedMessageEffects). */
export type CommandEffects = SavedMessageEffects & {
	readonly connection: Pick<Connection, 'state' | 'ping' | 'reconnect'>;
	/** --protocol's name: some commands need one. */
	readonly protocol: string | undefined;
	/** Columns of the pane, for /help. */
	readonly columns: number;
	/** Wall-clock milliseconds, for the rows' times. */
	readonly now: () => number;
	readonly dispatch: (action: SessionAction) => void;
	/** A row said by wsterm itself. */
	readonly notice: (kind: NoticeKind, text: string) => void;
	/** Sends a typed message (or refuses it with an error row); true when it was sent or waits. */
	readonly send: (data: string | Buffer, isBinary: boolean) => boolean;
	/** Closes the connection (through the stages); returns why it cannot be. */
	readonly close: (code: number, reason: string) => string | undefined;
	/** /file: sends the file's content. */
	readonly sendFile: (path: string) => Promise<void>;
	/** /save and /save!: writes the session. */
	readonly save: (path: string, overwrite: boolean) => Promise<void>;
	/** /open: a row whole in the pager. */
	readonly open: () => void;
	/** /decode: a codec for the binary messages received from now on; undefined: off. */
	readonly switchDecoder: (name: string | undefined) => Promise<void>;
	readonly quit: () => void;
};

/** Runs one slash command. */
export function runCommand(command: Command, effects: CommandEffects): void {
	const {connection, protocol, notice, dispatch} = effects;
	const needs = protocolCommands[command.name];
	if (needs !== undefined && needs !== protocol) {
		notice('error', `/${command.name} needs --protocol ${needs}${protocol === undefined ? '' : ` (this session speaks ${protocol})`}`);
		return;
	}

	switch (command.name) {
		case 'ping': {
			const payload = connection.ping(command.payload);
			if (payload === undefined) {
				notice('error', `no ping: the connection is ${connection.state}`);
			} else {
				dispatch({type: 'ping-sent', payload, time: effects.now()});
			}

			break;
		}

		case 'close': {
			if (connection.state === 'closed') {
				notice('error', 'the connection is already closed');
				break;
			}

			const problem = effects.close(command.code, command.reason);
			if (problem !== undefined) {
				notice('error', problem);
			}

			break;
		}

		case 'reconnect': {
			connection.reconnect();
			break;
		}

		case 'binary': {
			effects.send(command.data, true);
			break;
		}

		case 'file': {
			void effects.sendFile(command.path);
			break;
		}

		case 'json': {
			dispatch({type: 'toggle-json'});
			break;
		}

		case 'filter': {
			dispatch({type: 'filter', text: command.text});
			break;
		}

		case 'clear': {
			dispatch({type: 'clear'});
			break;
		}

		case 'open': {
			effects.open();
			break;
		}

		case 'save': {
			void effects.save(command.path, command.overwrite);
			break;
		}

		case 'empty': {
			effects.send('', false);
			break;
		}

		case 'emit': {
			// Exactly the line typing the event's JSON array sends, its numbers as typed.
			effects.send(emitLine(command.event, command.args), false);
			break;
		}

		case 'decode': {
			void effects.switchDecoder(command.codec);
			break;
		}

		case 'send': {
			sendSaved(command.message, effects);
			break;
		}

		case 'messages': {
			listSaved(effects);
			break;
		}

		case 'keep': {
			keepSaved(command.message, command.text, protocol, effects);
			break;
		}

		case 'help': {
			notice('info', helpText(effects.columns));
			break;
		}

		case 'quit': {
			effects.quit();
			break;
		}
	}
}

/**
A submitted line: sent as a message, run as a command, or refused with an error row. `submitted`
clears the input (remembering the line in the history, except /quit).
*/
export function processLine(text: string, effects: CommandEffects & {readonly submitted: (text: string, remember: boolean) => void}): void {
	const parsed = parseInput(text, {protocol: effects.protocol});
	// A mistyped command or a refused line leaves the input too, and goes to the history (Up
	// brings it back to fix): left in the input, the next keys typed would be glued to it.
	if (parsed.type === 'error') {
		effects.submitted(text, true);
		effects.notice('error', parsed.message);
		return;
	}

	if (parsed.type === 'send') {
		effects.send(parsed.text, false);
		effects.submitted(text, true);
		return;
	}

	effects.submitted(text, parsed.command.name !== 'quit');
	runCommand(parsed.command, effects);
}
