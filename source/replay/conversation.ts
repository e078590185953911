/*
A recorded conversation as replay, check and `serve --replay` see it: the data messages both
ways, in order, with their times. Pings, pongs and closes are left out: ws answers pings itself,
and a replay ends with its own close.
*/

/** One data message of a recording. */
export type RecordedMessage = {
	/** `out`: sent by the client that was recorded; `in`: sent by the server. */
	readonly dir: 'in' | 'out';
	/** Wall-clock milliseconds. */
	readonly time: number;
	readonly isBinary: boolean;
	readonly data: Buffer;
};

export type Conversation = {
	/** The URL the recording connected to, if it says. */
	readonly url?: string;
	/** The subprotocol the server chose, if any. */
	readonly protocol?: string;
	/** When the connection opened (wall-clock milliseconds), if the recording says. */
	readonly openedAt?: number;
	readonly messages: readonly RecordedMessage[];
};

/**
The conversation cut at each outgoing message: what the server said before the first one
(`greeting`), then each outgoing message with the incoming ones recorded after it, up to the
next outgoing one.
*/
export type Steps = {
	readonly greeting: readonly RecordedMessage[];
	readonly exchanges: ReadonlyArray<{readonly sent: RecordedMessage; readonly replies: readonly RecordedMessage[]}>;
};

export function steps(conversation: Conversation): Steps {
	const greeting: RecordedMessage[] = [];
	const exchanges: Array<{sent: RecordedMessage; replies: RecordedMessage[]}> = [];
	for (const message of conversation.messages) {
		if (message.dir === 'out') {
			exchanges.push({sent: message, replies: []});
		} else {
			(exchanges.at(-1)?.replies ?? greeting).push(message);
		}
	}

	return {greeting, exchanges};
}

/** The time the recording's offsets count from: the open if recorded, else the first message. */
export function startTime(conversation: Conversation): number {
	return conversation.openedAt ?? conversation.messages[0]?.time ?? 0;
}

/**
The longest delay a timer takes (2^31-1 ms, 24.8 days): Node fires a longer one after 1 ms, with a
TimeoutOverflowWarning. A recording's gap may be longer: its timer waits this long, then again.
*/
export const longestTimerDelay = (2 ** 31) - 1;

/** A delay as a timer may take it: at least 0, at most longestTimerDelay (the caller waits again for the rest). */
export function timerDelay(ms: number): number {
	return Math.min(Math.max(0, ms), longestTimerDelay);
}
