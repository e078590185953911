/*
The interactive session's root: the message pane, the status bar and the input area, laid out in
the terminal. What happens lives elsewhere: the state in session/ (the reducer, the prompt, what
keys and slash commands do, as pure functions), and the hooks here that connect them to the
connection, the keys and the clock (use-*.ts).
*/
import {Box, useStdout} from 'ink';
import {useCallback, useEffect, useMemo, useReducer} from 'react';
import type {Clock, Connection} from '../connection/connection.js';
import type {Codec} from '../codecs/types.js';
import {escapeControl} from '../shared/escape-text.js';
import type {NoticeKind} from '../session/command-processor.js';
import {frameLayout} from '../session/frame-layout.js';
import {createEntryLayout} from '../session/message-format.js';
import type {SessionMessagePath} from '../session/message-path.js';
import {createSession, type SessionEvent, sessionReducer, shownEntries, startingSession} from '../session/session.js';
import InputArea from './InputArea.js';
import MessagePane from './MessagePane.js';
import StatusBar from './StatusBar.js';
import type {Paint} from './colors.js';
import {useCommands} from './use-commands.js';
import {useConnectionEvents} from './use-connection-events.js';
import {useDecoding} from './use-decoding.js';
import {usePrompt} from './use-prompt.js';
import {useReconnectCountdown} from './use-reconnect-countdown.js';
import {useSessionExit} from './use-session-exit.js';
import {useSessionKeys} from './use-session-keys.js';
import {useTerminalSize} from './use-terminal-size.js';
import {useOpenRow} from './use-open-row.js';
import type {OpenInPager} from './pager.js';
import {useSavedMessages} from './use-saved-messages.js';
import type {ProfileContext} from '../profiles/context.js';

/** The rows of the start: the notes, then where it connects. */
function startNotes(notes: readonly string[], url: string, urlNote: string | undefined): string[] {
	return [...notes, `connecting to ${url}${urlNote === undefined ? '' : ` (${urlNote})`}; /help lists commands and keys`];
}

type Props = {
	/** The connection to show and send through; the caller has called (or will call) `connect()`. */
	readonly connection: Connection;
	/** The URL for the status bar (no password). */
	readonly url: string;
	/** Said next to the URL, e.g. that it is the built-in echo server. */
	readonly urlNote?: string | undefined;
	/** One-line notes shown first. */
	readonly notes?: readonly string[] | undefined;
	/** Entries kept in the pane (--scrollback). */
	readonly scrollback: number;
	/** Input history to start with, oldest first. */
	readonly history?: readonly string[] | undefined;
	/** Called with each entry added to the history (to append it to the file); undefined: history is not kept. */
	readonly onHistoryAdd?: ((entry: string) => Promise<void>) | undefined;
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
	readonly frameInterval?: number | undefined;
	/** Hands over the connection's events from before the session was drawn (see start.ts). */
	readonly takeBacklog?: ((options?: {readonly keepListening?: boolean}) => readonly SessionEvent[]) | undefined;
	/** When the connection was started (the backlog's events came after it): the time of the start's rows. */
	readonly startedAt?: number | undefined;
	/** The -I messages the connection sends on every open (shown as sent, saved by /save). */
	readonly initialMessages?: readonly string[] | undefined;
	/** Ctrl-L: forget what is on the screen, so that the next frame paints all of it. */
	readonly onRedraw?: (() => void) | undefined;
	/** The message pipeline (hooks, codecs, recorder): what is sent and received goes through it. */
	readonly messagePath?: SessionMessagePath | undefined;
	/** /decode NAME: loads a codec. */
	readonly loadDecoder?: ((name: string) => Promise<Codec>) | undefined;
	/** /decode NAME in a session without a pipeline: one with a codec stage decoding with NAME. */
	readonly createDecodingMessagePath?: ((name: string) => Promise<SessionMessagePath>) | undefined;
	/** `/save`'s `open` record: the URL without credentials. */
	readonly recordUrl?: string | undefined;
	/** --protocol: its stage is in the pipeline (for /emit and the status bar). */
	readonly protocol?: string | undefined;
	/** What the status bar calls --protocol when the server picked one of these subprotocols. */
	readonly protocolLabels?: Readonly<Record<string, string>> | undefined;
	/** /open: shows a row in the pager, the terminal handed over meanwhile. */
	readonly openInPager?: OpenInPager | undefined;
	/** The profile: its saved messages (/send, /messages) and the user's config file (/keep). */
	readonly profile?: ProfileContext | undefined;
};

const noHistory: readonly string[] = [];
const noNotes: readonly string[] = [];

/** The interactive session: message pane, status bar, input line. */
export default function App({
	connection,
	url,
	urlNote,
	notes = noNotes,
	scrollback,
	history = noHistory,
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
	messagePath: givenMessagePath,
	loadDecoder,
	createDecodingMessagePath,
	recordUrl,
	protocol,
	protocolLabels,
	openInPager,
	profile,
}: Props) {
	const {stdout} = useStdout();
	const {columns, rows} = useTerminalSize(stdout);
	// With a backlog (the connection started while the UI loaded), the first state is the start
	// rows and what the connection did meanwhile, so that keys typed during the load meet it.
	const [session, dispatch] = useReducer(sessionReducer, undefined, () => takeBacklog === undefined
		? createSession({limit: scrollback, state: connection.state})
		: startingSession({limit: scrollback, notes: startNotes(notes, url, urlNote), time: startedAt ?? now(), backlog: takeBacklog({keepListening: true}), stats: {...connection.stats}}));
	const notice = useCallback((kind: NoticeKind, text: string) => {
		dispatch({type: 'notice', kind, text, time: now()});
	}, [now]);
	const prompt = usePrompt(history, onHistoryAdd, notice);
	const {messagePath, switchDecoder} = useDecoding({givenMessagePath, loadDecoder, createDecodingMessagePath, notice});
	useConnectionEvents({connection, dispatch, clock, now, interval: frameInterval, initialMessages, takeBacklog, messagePath});

	useEffect(() => {
		if (takeBacklog !== undefined) {
			return;
		}

		// Without a backlog (the UI started the connection itself), the start rows come now.
		const time = startedAt ?? now();
		for (const text of startNotes(notes, url, urlNote)) {
			dispatch({type: 'notice', kind: 'info', text, time});
		}
	// Once, at the start.
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, []);

	const {frameHeight, maxInputLines, paneHeight} = frameLayout(rows, prompt.prompt);
	// Reverse video and bold on a terminal, whatever the colours (ui/colors.ts).
	const paint = useMemo((): Paint => ({color, attributes: stdout.isTTY === true}), [color, stdout]);
	const layout = useMemo(() => createEntryLayout({width: columns, prettyJson: session.prettyJson}), [columns, session.prettyJson]);
	const tick = useReconnectCountdown(session.link, clock, now);
	const exit = useSessionExit({connection, messagePath, session, reconnect, onExit});
	const {open, repaints} = useOpenRow({session, layout, paneHeight, openInPager, notice});
	const savedMessages = useSavedMessages(profile, notice);
	const savedNames = useMemo(() => [...savedMessages.saved.messages.keys()], [savedMessages.saved]);
	const submit = useCommands({connection, messagePath, session, dispatch, notice, now, reconnect, protocol, columns, recordUrl, switchDecoder, open, exit, prompt, savedMessages});
	const redraws = useSessionKeys({quitting: exit.quitting, prompt, submit, quit: exit.quit, dispatch, notice, onRedraw, protocol, savedNames, paneHeight, measure: layout.measure});

	return (
		<Box flexDirection='column' width={columns} height={frameHeight}>
			<MessagePane entries={shownEntries(session)} view={session.view} filter={session.filter} layout={layout} height={paneHeight} color={color}/>
			<StatusBar session={session} url={escapeControl(url)} note={urlNote} protocol={protocolLabels?.[session.link.protocol] ?? protocol} now={tick} width={columns} paint={paint} redraws={redraws + repaints}/>
			<InputArea prompt={prompt.prompt} maxLines={maxInputLines} width={columns} paint={paint}/>
		</Box>
	);
}
