import {isUtf8} from 'node:buffer';
import {readFile, stat} from 'node:fs/promises';
import {homedir} from 'node:os';
import {Box, useStdout} from 'ink';
import {useCallback, useEffect, useMemo, useReducer, useRef, useState} from 'react';
import {type Command, commandHelp, completeCommand, expandHome, parseInput, protocolCommands} from '../session/slash-commands.js';
import type {Clock, Connection} from '../connection/connection.js';
import {escapeControl, formatBytes, plural} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import {writePrivateFile} from '../session/history.js';
import {formatRecord} from '../shared/event-record.js';
import {type KeyAction, keyAction, keyBindings} from '../session/key-bindings.js';
import type {KeyEvent} from '../session/key-splitter.js';
import type {EditAction} from '../session/line-editor.js';
import {createEntryLayout} from '../session/message-format.js';
import {createPrompt, type Prompt, type PromptAction, promptReducer} from '../session/prompt.js';
import {createSession, type SessionEvent, sessionReducer, sessionRecords, shownEntries} from '../session/session.js';
import InputArea, {inputHeight} from './InputArea.js';
import MessagePane from './MessagePane.js';
import StatusBar from './StatusBar.js';
import {useConnectionEvents} from './use-connection-events.js';
import type {SessionPipe} from '../session/message-path.js';
import type {Codec} from '../codecs/types.js';
import {useKeys} from './use-keys.js';
import {useTerminalSize} from './use-terminal-size.js';

/** Messages typed while not connected that may wait for the connection. */
export const maxPending = 1000;
/** Largest file `/file` sends. */
export const maxFileBytes = 16 * 1024 * 1024;

type Props = {
	/** The connection to show and send through; the caller has called (or will call) `connect()`. */
	readonly connection: Connection;
	/** The URL for the status bar (no password). */
	readonly url: string;
	/** Said next to the URL, e.g. that it is the built-in echo server. */
	readonly urlNote?: string;
	/** One-line notes shown first. */
	readonly notes?: readonly string[];
	/** Entries kept in the pane (--scrollback). */
	readonly scrollback: number;
	/** Input history to start with, oldest first. */
	readonly history?: readonly string[];
	/** Called with each entry added to the history (to append it to the file); undefined: history is not kept. */
	readonly onHistoryAdd?: (entry: string) => Promise<void>;
	/** Messages typed while reconnecting wait for the connection (--reconnect). */
	readonly reconnect: boolean;
	readonly color: boolean;
	/** Timers (batching, countdowns). */
	readonly clock: Clock;
	/** Wall-clock milliseconds, for times on the rows. */
	readonly now: () => number;
	/** Called once when the session is over, with the exit code and how many typed messages were never sent. */
	readonly onExit: (code: number, unsent: number) => void;
	/** Milliseconds between batches of connection events (one frame). */
	readonly frameInterval?: number;
	/** Hands over the connection's events from before the session was drawn (see session-start.ts). */
	readonly takeBacklog?: () => readonly SessionEvent[];
	/** When the connection was started (the backlog's events came after it): the time of the start's rows. */
	readonly startedAt?: number;
	/** The -I messages the connection sends on every open (shown as sent, saved by /save). */
	readonly initialMessages?: readonly string[];
	/** Ctrl-L: forget what is on the screen, so that the next frame paints all of it. */
	readonly onRedraw?: () => void;
	/** The message pipeline (hooks, codecs, recorder): what is sent and received goes through it. */
	readonly pipe?: SessionPipe;
	/** /decode NAME: loads a codec. */
	readonly loadDecoder?: (name: string) => Promise<Codec>;
	/** /decode NAME in a session without a pipeline: one with a codec stage decoding with NAME. */
	readonly createDecodingPipe?: (name: string) => Promise<SessionPipe>;
	/** `/save`'s `open` record: the URL without credentials. */
	readonly recordUrl?: string;
	/** --protocol: its stage is in the pipeline (for /emit and the status bar). */
	readonly protocol?: string;
};

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wordWrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line !== '' && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else {
			line = line === '' ? word : `${line} ${word}`;
		}
	}

	return [...lines, line];
}

/**
The /help list for a pane `columns` wide: two columns where they fit, else each description under
its keys, wrapped at words so that it lines up whatever the width.
*/
export function helpText(columns: number): string {
	const rows = [...commandHelp, ...keyBindings.map(binding => [binding.keys, binding.description] as const)];
	const width = Math.max(...rows.map(([usage]) => usage.length));
	// Rows after the first start under the content (column 15) when the pane has room for it.
	const room = columns - 15 >= 20 ? columns - 15 : columns;
	const twoColumns = room >= 2 + width + 2 + 30;
	const line = ([usage, description]: readonly [string, string]): string[] => twoColumns
		? wordWrap(description, room - width - 4).map((part, index) => `  ${(index === 0 ? usage : '').padEnd(width)}  ${part}`)
		: [`  ${usage}`, ...wordWrap(description, room - 6).map(part => `      ${part}`)];
	return [
		'commands:',
		...commandHelp.flatMap(row => line(row)),
		'keys:',
		...keyBindings.flatMap(binding => line([binding.keys, binding.description])),
	].join('\n');
}

const editActions: Partial<Record<KeyAction, EditAction>> = {
	left: {type: 'left'},
	right: {type: 'right'},
	'word-left': {type: 'word-left'},
	'word-right': {type: 'word-right'},
	home: {type: 'home'},
	end: {type: 'end'},
	backspace: {type: 'backspace'},
	delete: {type: 'delete'},
	'delete-word': {type: 'delete-word'},
	'delete-to-start': {type: 'delete-to-start'},
	'delete-to-end': {type: 'delete-to-end'},
	newline: {type: 'insert', text: '\n'},
};

/** The interactive session: message pane, status bar, input line. */
export default function App({
	connection,
	url,
	urlNote,
	notes = [],
	scrollback,
	history = [],
	onHistoryAdd,
	reconnect,
	color,
	clock,
	now,
	onExit,
	frameInterval = 33,
	onRedraw,
	initialMessages,
	takeBacklog,
	startedAt,
	pipe: givenPipe,
	loadDecoder,
	createDecodingPipe,
	recordUrl,
	protocol,
}: Props) {
	// The session's pipeline: from the command line, or made by the first /decode.
	const [madePipe, setMadePipe] = useState<SessionPipe | undefined>(undefined);
	const pipe = givenPipe ?? madePipe;
	const {stdout} = useStdout();
	const {columns, rows} = useTerminalSize(stdout);
	const [session, dispatch] = useReducer(sessionReducer, {limit: scrollback, state: connection.state}, createSession);
	// The prompt lives in a ref as well, so that keys arriving before the next render see the
	// state the previous key left (a fast typist, or Enter right after a paste).
	const promptRef = useRef<Prompt>(createPrompt(history));
	const [prompt, setPrompt] = useState(promptRef.current);
	const [quitting, setQuitting] = useState(false);
	const [tick, setTick] = useState(now);
	const [redraws, setRedraws] = useState(0);
	const exited = useRef(false);

	const historyFailed = useRef(false);
	const act = useCallback((action: PromptAction) => {
		const next = promptReducer(promptRef.current, action);
		if (next !== promptRef.current) {
			const added = next.history.entries.at(-1);
			if (next.history.entries !== promptRef.current.history.entries && added !== undefined && onHistoryAdd !== undefined) {
				onHistoryAdd(added).catch((error: unknown) => {
					// One row, not one per line entered.
					if (!historyFailed.current) {
						historyFailed.current = true;
						dispatch({type: 'notice', kind: 'error', text: `history not saved (${(error as Error).message}); later failures are not reported`, time: now()});
					}
				});
			}

			promptRef.current = next;
			setPrompt(next);
		}
	}, [onHistoryAdd, now]);

	useConnectionEvents({connection, dispatch, clock, now, interval: frameInterval, initialMessages, takeBacklog, pipe});

	const notice = useCallback((kind: 'info' | 'error', text: string) => {
		dispatch({type: 'notice', kind, text, time: now()});
	}, [now]);

	useEffect(() => {
		// The rows of the start, dated when it began: the backlog's events came after, while the UI loaded.
		const time = startedAt ?? now();
		for (const note of notes) {
			dispatch({type: 'notice', kind: 'info', text: note, time});
		}

		dispatch({type: 'notice', kind: 'info', text: `connecting to ${url}${urlNote === undefined ? '' : ` (${urlNote})`}; /help lists commands and keys`, time});
	// Once, at the start.
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, []);

	// The frame stays one line shorter than the terminal: a frame as tall as the terminal makes
	// ink clear the whole screen on every render.
	const frameHeight = Math.max(3, rows - 1);
	// The input grows to 5 lines, and never over the status bar and a line of the pane.
	const maxInputLines = Math.max(1, Math.min(5, frameHeight - 2));
	const inputLines = inputHeight(prompt, maxInputLines);
	const paneHeight = Math.max(1, frameHeight - 1 - inputLines);
	const layout = useMemo(() => createEntryLayout({width: columns, prettyJson: session.prettyJson}), [columns, session.prettyJson]);
	const shown = shownEntries(session);

	// The reconnect countdown: a fresh clock when it starts, then a frame each time the whole
	// seconds left change, so that it says what the row said and reaches 0 when the attempt starts.
	const {state: linkState, reconnectAt} = session.link;
	useEffect(() => {
		if (linkState === 'reconnecting') {
			setTick(now());
		}
	}, [linkState, reconnectAt, now]);
	useEffect(() => {
		if (linkState !== 'reconnecting' || reconnectAt === undefined || reconnectAt <= tick) {
			return;
		}

		const timer = clock.setTimeout(() => {
			setTick(now());
		}, ((reconnectAt - tick) % 1000 || 1000) + 1);
		return () => {
			clock.clearTimeout(timer);
		};
	}, [linkState, reconnectAt, tick, clock, now]);

	const finish = useCallback((code: number, unsent: number) => {
		if (!exited.current) {
			exited.current = true;
			// Lines a protocol still holds were typed while its handshake was not done: never sent,
			// and a session quit then never connected (exit 1, as one quit before the first open).
			const held = pipe?.sending ?? 0;
			onExit(held > 0 && code === exitCodes.ok ? exitCodes.connectFailed : code, unsent + held);
		}
	}, [onExit, pipe]);

	// With --reconnect, a first connection that fails ends the session (exit 1 and the reason on
	// stderr), as in pipe mode: only a connection that was open once is retried.
	const gaveUp = reconnect && !session.opened;
	useEffect(() => {
		if ((quitting || gaveUp) && session.exitCode !== undefined && connection.state === 'closed') {
			finish(session.exitRequest ?? session.exitCode, session.unsent);
		}
	}, [quitting, gaveUp, session.exitCode, session.exitRequest, session.unsent, connection, finish]);

	// Through the pipeline when there is one, so that its stages say goodbye first (STOMP's DISCONNECT).
	const closeConnection = useCallback((code: number, reason = '') => pipe === undefined ? connection.close(code, reason) : pipe.close(code, reason), [connection, pipe]);

	// ctx.exit(code): quit as /quit does, with the hook's code; at once when there is nothing to close.
	useEffect(() => {
		if (session.exitRequest === undefined) {
			return;
		}

		if (connection.state === 'open' || connection.state === 'closing') {
			setQuitting(true);
			if (connection.state === 'open') {
				closeConnection(1000);
			}
		} else {
			finish(session.exitRequest, session.unsent);
		}
	}, [session.exitRequest, session.unsent, connection, closeConnection, finish]);

	const quit = useCallback(() => {
		setQuitting(true);
		if (connection.state !== 'closed' && connection.state !== 'closing') {
			closeConnection(1000);
		}
	}, [connection, closeConnection]);

	const sendMessage = useCallback((data: string | Buffer, isBinary: boolean): boolean => {
		const {state} = connection;
		const waiting = state === 'connecting' || (state === 'reconnecting' && reconnect);
		if (state !== 'open' && !waiting) {
			notice('error', `not sent: the connection is ${state} (${state === 'closed' ? '/reconnect connects again; ' : ''}Up brings the line back)`);
			return false;
		}

		// Lines a protocol holds until its handshake is done (a namespace joined) wait as well, open or not.
		const held = pipe?.sending ?? 0;
		if ((waiting || held > 0) && connection.queuedMessages + held >= maxPending) {
			notice('error', `not sent: ${maxPending} messages already wait for the ${held > 0 ? 'protocol\'s handshake' : 'connection'}`);
			return false;
		}

		if (pipe === undefined) {
			connection.send(data, isBinary);
			dispatch({type: 'sent', data, isBinary, pending: waiting, time: now(), stats: {...connection.stats}});
		} else {
			// Its row comes from the pipeline, as it goes out (after onSend and --encode).
			pipe.send(data, isBinary);
			dispatch({type: 'scroll-to-end'});
		}

		return true;
	}, [connection, reconnect, notice, now, pipe]);

	const sendFile = useCallback(async (typed: string) => {
		const path = expandHome(typed, homedir());
		try {
			const info = await stat(path);
			if (info.size > maxFileBytes) {
				notice('error', `${path} is ${formatBytes(info.size)}; /file sends at most ${formatBytes(maxFileBytes)}`);
				return;
			}

			const data = await readFile(path);
			if (isUtf8(data)) {
				sendMessage(data.toString(), false);
			} else {
				sendMessage(data, true);
			}
		} catch (error) {
			notice('error', `cannot read ${path}: ${(error as Error).message}`);
		}
	}, [notice, sendMessage]);

	const save = useCallback(async (typed: string, overwrite: boolean) => {
		const path = expandHome(typed, homedir());
		const records = sessionRecords(session.entries, recordUrl === undefined ? undefined : {url: recordUrl, protocol: session.link.protocol});
		try {
			// Private like the history, even over an existing file: a session holds what was said.
			await writePrivateFile(path, records.map(record => formatRecord(record)).join(''), overwrite ? 'w' : 'wx');
			notice('info', `saved ${plural(records.length, 'event')} to ${path}`);
		} catch (error) {
			const {code, message} = error as NodeJS.ErrnoException;
			notice('error', code === 'EEXIST' ? `${path} exists; /save! ${typed} replaces it` : `cannot write ${path}: ${message}`);
		}
	}, [session.entries, session.link.protocol, recordUrl, notice]);

	const switchDecoder = useCallback(async (name: string | undefined) => {
		if (pipe?.decoder === undefined || loadDecoder === undefined) {
			if (name === undefined) {
				notice('info', 'decoding is off');
				return;
			}

			if (createDecodingPipe === undefined) {
				notice('error', '/decode is not available here');
				return;
			}

			try {
				// From now on the connection's messages go through a pipeline with a codec stage.
				setMadePipe(await createDecodingPipe(name));
				notice('info', `decoding binary messages as ${name}`);
			} catch (error) {
				notice('error', `/decode ${escapeControl(name)}: ${(error as Error).message}`);
			}

			return;
		}

		if (name === undefined) {
			pipe.decoder.current = undefined;
			notice('info', 'decoding off: binary messages are shown as received');
			return;
		}

		try {
			pipe.decoder.current = await loadDecoder(name);
			notice('info', `decoding binary messages as ${name}`);
		} catch (error) {
			notice('error', `/decode ${escapeControl(name)}: ${(error as Error).message}`);
		}
	}, [pipe, loadDecoder, createDecodingPipe, notice]);

	const runCommand = useCallback((command: Command) => {
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
					dispatch({type: 'ping-sent', payload, time: now()});
				}

				break;
			}

			case 'close': {
				if (connection.state === 'closed') {
					notice('error', 'the connection is already closed');
					break;
				}

				const problem = closeConnection(command.code, command.reason);
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
				sendMessage(command.data, true);
				break;
			}

			case 'file': {
				void sendFile(command.path);
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

			case 'save': {
				void save(command.path, command.overwrite);
				break;
			}

			case 'empty': {
				sendMessage('', false);
				break;
			}

			case 'emit': {
				// Exactly the line typing the event's JSON array sends.
				sendMessage(JSON.stringify([command.event, ...command.args]), false);
				break;
			}

			case 'decode': {
				void switchDecoder(command.codec);
				break;
			}

			case 'help': {
				notice('info', helpText(columns));
				break;
			}

			case 'quit': {
				quit();
				break;
			}
		}
	}, [connection, closeConnection, now, notice, sendMessage, sendFile, save, switchDecoder, quit, columns, protocol]);

	const submit = useCallback(() => {
		const {text} = promptRef.current.line;
		if (text === '') {
			return;
		}

		const parsed = parseInput(text, {protocol});
		// A mistyped command or a refused line leaves the input too, and goes to the history (Up
		// brings it back to fix): left in the input, the next keys typed would be glued to it.
		if (parsed.type === 'error') {
			act({type: 'submitted', text, remember: true});
			notice('error', parsed.message);
			return;
		}

		if (parsed.type === 'send') {
			sendMessage(parsed.text, false);
			act({type: 'submitted', text, remember: true});
			return;
		}

		act({type: 'submitted', text, remember: parsed.command.name !== 'quit'});
		runCommand(parsed.command);
	}, [act, notice, sendMessage, runCommand, protocol]);

	const scroll = useCallback((lines: number) => {
		dispatch({type: 'scroll', lines, height: paneHeight, measure: layout.measure});
	}, [paneHeight, layout]);

	const onKey = useCallback((event: KeyEvent) => {
		if (quitting) {
			return;
		}

		if (event.type !== 'key') {
			// A paste (bracketed) is one draft whatever it holds, sent only on Enter.
			const edit: EditAction = {type: 'insert', text: event.text};
			act(promptRef.current.search === undefined ? {type: 'edit', edit} : {type: 'search-edit', edit});
			return;
		}

		const action = keyAction(event.key);
		if (promptRef.current.search !== undefined) {
			if (action === 'send') {
				act({type: 'search-accept'});
			} else if (action === 'scroll-to-end' || action === 'quit') {
				act({type: 'search-cancel'});
			} else if (action === 'history-search') {
				act({type: 'search'});
			} else if (action === 'backspace' || action === 'delete-word' || action === 'delete-to-start') {
				act({type: 'search-edit', edit: {type: action}});
			}

			return;
		}

		switch (action) {
			case undefined: {
				return;
			}

			case 'send': {
				submit();
				return;
			}

			case 'quit': {
				quit();
				return;
			}

			case 'quit-or-delete': {
				if (promptRef.current.line.text === '') {
					quit();
				} else {
					act({type: 'edit', edit: {type: 'delete'}});
				}

				return;
			}

			case 'history-previous':
			case 'history-next': {
				act({type: action});
				return;
			}

			case 'history-search': {
				act({type: 'search'});
				return;
			}

			case 'complete': {
				const completion = completeCommand(promptRef.current.line.text, protocol);
				if (completion.text === promptRef.current.line.text) {
					if (completion.choices.length > 1) {
						notice('info', completion.choices.join('  '));
					}
				} else {
					act({type: 'edit', edit: {type: 'set', text: completion.text}});
				}

				return;
			}

			case 'redraw': {
				onRedraw?.();
				setRedraws(count => count + 1);
				return;
			}

			case 'scroll-line-up': {
				scroll(-1);
				return;
			}

			case 'scroll-line-down': {
				scroll(1);
				return;
			}

			case 'scroll-page-up': {
				scroll(-Math.max(1, paneHeight - 1));
				return;
			}

			case 'scroll-page-down': {
				scroll(Math.max(1, paneHeight - 1));
				return;
			}

			case 'scroll-to-end': {
				dispatch({type: 'scroll-to-end'});
				return;
			}

			default: {
				const edit = editActions[action];
				if (edit !== undefined) {
					act({type: 'edit', edit});
				}
			}
		}
	}, [quitting, act, submit, quit, scroll, paneHeight, notice, onRedraw, protocol]);

	useKeys(onKey);

	return (
		<Box flexDirection='column' width={columns} height={frameHeight}>
			<MessagePane entries={shown} view={session.view} filter={session.filter} layout={layout} height={paneHeight} color={color}/>
			<StatusBar session={session} url={escapeControl(url)} note={urlNote} protocol={protocol} now={tick} width={columns} color={color} redraws={redraws}/>
			<InputArea prompt={prompt} maxLines={maxInputLines} width={columns} color={color}/>
		</Box>
	);
}
