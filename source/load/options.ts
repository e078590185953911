/*
What `wsterm bench` was asked to do, checked (cli/load-options.ts builds it from the flags).
Only types and defaults here: no code that runs a load.
*/
import type {ConnectFlags} from '../connection/connect-options.js';
import type {ProfileContext} from '../profiles/context.js';

/** How a received message is paired with the request it answers. */
export type MatchRule =
	/** A reply is a message equal, byte for byte, to a request still waiting (an echo); anything else is a push. */
	| {readonly kind: 'echo'}
	/** The next message received answers the oldest request still waiting on that connection. */
	| {readonly kind: 'any'}
	/** Each copy sent carries a fresh sequence number at `path` (JSON keys); a reply holds it there. */
	| {readonly kind: 'path'; readonly path: readonly string[]}
	/** JSON-RPC 2.0: each message is a request (`method [params]` or an object), paired by its id; error responses count as errors. */
	| {readonly kind: 'jsonrpc'}
	/**
	graphql-transport-ws: each message is an operation, sent as `subscribe` with its sequence number
	as id; its reply is the first `next` or `error` with that id. `initJson`: connection_init's
	payload (--init), as JSON text.
	*/
	| {readonly kind: 'graphql-ws'; readonly initJson?: string}
	/**
	Socket.IO 4: each message is an event (`["name", args...]`) emitted in `namespace` with its
	sequence number as ack id; its reply is that ack. `authJson`: CONNECT's payload (--auth), as JSON text.
	`givenPath`: the path was given (--socketio-path, an engine URL); without it wsterm chose
	/socket.io/, and a failure to connect may mean the server listens on another.
	*/
	| {readonly kind: 'socketio'; readonly namespace: string; readonly authJson?: string; readonly givenPath?: true};

/** When each connection sends. */
export type Pace =
	/** Closed loop: `window` requests in flight on each connection; the next goes when one is settled. */
	| {readonly kind: 'closed'; readonly window: number}
	/** Open loop: `rate` messages a second in all, on a schedule; latency counts from each one's scheduled time. */
	| {readonly kind: 'open'; readonly rate: number};

/** How much to send: for a time, or a number of messages in all. */
export type Amount =
	| {readonly kind: 'duration'; readonly ms: number}
	| {readonly kind: 'messages'; readonly count: number};

/** The CI thresholds: any one broken makes the exit code 4. */
export type Thresholds = {
	readonly maxP99Ms?: number;
	/** Errors, unanswered requests and failed connections together. */
	readonly maxErrors?: number;
	readonly minRate?: number;
};

export type BenchOptions = {
	/** As the user typed it (buildTarget normalises it). */
	readonly url: string;
	readonly connect: ConnectFlags;
	readonly connections: number;
	/** Connections open spread over this time (0: all at once). */
	readonly rampMs: number;
	readonly amount: Amount;
	/** The -x values as given (`@FILE` is a file's content, `@@text` is `@text`); empty: stdin's lines are the messages. */
	readonly execute: readonly string[];
	readonly binary: boolean;
	readonly pace: Pace;
	readonly match: MatchRule;
	/** A request with no reply after this long is unanswered. */
	readonly timeoutMs: number;
	/** One JSON object on stdout instead of the table. */
	readonly json: boolean;
	/** Write the latency histogram to this file in HdrHistogram's log format. */
	readonly histFile?: string;
	readonly thresholds: Thresholds;
	/** The profile used (`wsterm bench @NAME`): its secrets are never printed; none without one. */
	readonly profile?: ProfileContext;
	/** --message's saved messages, as written (templates), sent before -x's; with them, stdin is not read. */
	readonly savedMessages?: readonly string[];
	/** --template (or saved messages): variables filled in at each send; undefined: messages go as given. */
	readonly templates?: MessageTemplates;
};

/**
Filling in a message's variables at each send (`{{$seq}}` differs each time). cli/ builds it with
profiles/' template engine and hands it in: load/ has none of its own.
*/
export type MessageTemplates = {
	/** Every text message is a template (--template); else only the saved ones. */
	readonly every: boolean;
	readonly hasVariables: (text: string) => boolean;
	/** Whether the message differs at each send (a built-in such as {{$seq}}), not only fixed variables. */
	readonly varies: (text: string) => boolean;
	/** The message with its variables filled in, new values each call. */
	readonly expand: (text: string) => string;
	/** Why the message cannot be filled in (a variable not defined), checked once before the run; undefined: it can. */
	readonly problem: (text: string) => string | undefined;
	/** The message filled in once for a check before the run, leaving the run's counters ({{$seq}}) as they are. */
	readonly sample: (text: string) => string;
};

export const benchDefaults = {
	connections: 1,
	window: 1,
	timeoutSeconds: 10,
	connectTimeoutSeconds: 10,
} as const;
