/*
One row of the session's message pane, as the reducer keeps it (session.ts) and as it is drawn
(message-format.ts). Both of them read it; it reads neither.
*/
export type EntryKind = 'text' | 'binary' | 'ping' | 'pong' | 'close' | 'error' | 'info';

/** How a row stands out: a protocol's error response, or a message it hid. */
export type Emphasis = 'error' | 'quiet';

/** One row of the message pane. */
export type Entry = {
	/** Increases by one per entry over the whole session; identifies the entry when scrolled back. */
	readonly seq: number;
	/** Wall-clock milliseconds. */
	readonly time: number;
	/** `local`: said by wsterm itself (notices, errors). */
	readonly dir: 'in' | 'out' | 'local';
	readonly kind: EntryKind;
	/** A text message, or the words of a notice. */
	readonly text?: string;
	/** A binary message, or a ping/pong payload. */
	readonly bytes?: Buffer;
	/** Payload size in bytes. */
	readonly size: number;
	readonly code?: number;
	readonly reason?: string;
	/** The round trip a pong answered (or a protocol's response: JSON-RPC, a Socket.IO ack), in milliseconds. */
	readonly rtt?: number;
	/** A message typed while not connected: waiting to be sent, or never sent. */
	readonly delivery?: 'pending' | 'unsent' | undefined;
	/** The codec that decoded (or encoded) it: shown before the content. */
	readonly badge?: string;
	/** The bytes on the wire when what is shown is a codec's or a protocol's view of them (/save writes these). */
	readonly wire?: Buffer;
	/** `wire` was a text message (a protocol's frame); else binary. */
	readonly wireText?: true;
	/** A protocol's error response (error: the row stands out), or a message it hid, said in a few words (quiet). */
	readonly emphasis?: Emphasis;
};
