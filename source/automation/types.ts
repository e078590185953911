/*
The types a hook script sees. They are shipped with the package (package.json `types`), so a
script can say `/** @type {import('wsterm').Hooks} *\/` (or `ServeHooks`) and get completion and
checking. Only types here, so the build ships this very file as dist/automation/types.d.mts: it is
the public contract, and the runner is checked against it.
*/
/// <reference types="node" preserve="true" />

/** A value a hook may return or do later: hooks may be sync or async. */
export type Awaitable<T> = T | Promise<T>;

/** A WebSocket message as hooks see it, received or about to be sent. */
export type HookMessage = {
	/** The payload's bytes. */
	readonly data: Buffer;
	readonly isBinary: boolean;
	/** The payload as text for a text message; undefined for a binary one. */
	readonly text: string | undefined;
	/**
	The text parsed as JSON, or undefined when the message is binary or not JSON. Parsed once.
	With --decode, a binary message that decoded gives its value (gzip and deflate: the text
	inside, parsed).
	*/
	json(): unknown;
	/** With --decode: the value a binary message decoded to (integers beyond 2^53 as bigint, bytes as Uint8Array; protobuf: its JSON mapping). */
	readonly decoded?: unknown | undefined;
	/**
	With --protocol socketio, on an event the server emitted with a callback: answers it with these
	arguments (Buffers go as binary attachments). Call it before onMessage returns (or its promise
	settles): then wsterm answers with no arguments. A second call throws.
	*/
	readonly ack?: ((...args: unknown[]) => void) | undefined;
};

/**
What `ctx.send` and `ctx.broadcast` take: a string is a text message, a Buffer (or any typed
array or ArrayBuffer) a binary one, and anything else is sent as JSON text.
*/
export type Sendable = string | Buffer | ArrayBufferView | ArrayBuffer | unknown;

/** How a connection ended. */
export type HookCloseEvent = {
	readonly code: number;
	readonly reason: string;
	/** wsterm (or a hook's `ctx.close`) closed it, rather than the peer. */
	readonly byUs: boolean;
};

/** An opaque timer handle from `ctx.setTimeout` / `ctx.setInterval`. */
export type HookTimer = {readonly hasRef?: () => boolean};

/** What every context has, in the client and in serve. */
export type BaseContext = {
	/** Sends a message on this connection, through the same path as any other message (shown and recorded like one). */
	send(data: Sendable): void;
	/** Starts the close handshake; the code (default 1000) must be 1000-1003, 1007-1014 or 3000-4999, the reason at most 123 bytes. */
	close(code?: number, reason?: string): void;
	/** Writes a line: stderr in pipe mode, an info row in the session, the server log in serve. */
	log(...values: unknown[]): void;
	/** Yours to keep anything in, for the connection's life (in the client: across reconnects too). */
	readonly state: Record<string, unknown>;
	/** The connection's URL (without credentials). */
	readonly url: string;
	/** Like the global ones, but cleared when the connection closes. */
	setTimeout<A extends unknown[]>(callback: (...args: A) => unknown, ms?: number, ...args: A): HookTimer;
	setInterval<A extends unknown[]>(callback: (...args: A) => unknown, ms?: number, ...args: A): HookTimer;
	clearTimeout(timer: HookTimer | undefined): void;
	clearInterval(timer: HookTimer | undefined): void;
};

/** The context of a client connection (pipe mode and the session). */
export type HookContext = BaseContext & {
	/** Ends the run with this exit code (default 0) once the current message has been shown; in the session it quits. */
	exit(code?: number): void;
};

/** The handshake request of a client of `wsterm serve`. */
export type ServeRequest = {
	/** The request path with its query string, e.g. `/chat?token=abc`. */
	readonly path: string;
	/** The request headers, names lower-cased. */
	readonly headers: Readonly<Record<string, string | string[] | undefined>>;
	readonly remoteAddress: string | undefined;
};

/** The context of one client of `wsterm serve`. */
export type ServeContext = BaseContext & {
	readonly request: ServeRequest;
	/** Sends a message to every other connected client. */
	broadcast(data: Sendable): void;
};

/** A `--script` module for a client connection: export any of these (or a default object holding them). */
export type Hooks = {
	/** The connection opened (again, after a reconnect). */
	onOpen?(ctx: HookContext): Awaitable<void>;
	/**
	A message arrived. Return undefined to show it as usual, null to hide it (still counted and
	recorded), or a string to show instead. Messages are handled one at a time, in order.
	*/
	onMessage?(message: HookMessage, ctx: HookContext): Awaitable<string | null | undefined | void>;
	/** A message is about to be sent: return null to drop it, a string or Buffer to send instead, undefined to send it as it is. */
	onSend?(message: HookMessage, ctx: HookContext): Awaitable<string | Buffer | null | undefined | void>;
	/** The connection closed; timers are cleared after this returns. */
	onClose?(event: HookCloseEvent, ctx: HookContext): Awaitable<void>;
};

/** A `--script` module for `wsterm serve`: one context per client. */
export type ServeHooks = {
	/** A client connected. */
	onConnect?(ctx: ServeContext): Awaitable<void>;
	/**
	A client sent a message. Return undefined for the default (echo, broadcast or a `--reply`),
	null to answer nothing, or a string, Buffer or other value (sent as JSON) to answer with instead.
	*/
	onMessage?(message: HookMessage, ctx: ServeContext): Awaitable<unknown>;
	/** The client is gone. */
	onClose?(event: HookCloseEvent, ctx: ServeContext): Awaitable<void>;
};
