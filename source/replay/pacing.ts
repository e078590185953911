/*
When a replay sends each recorded outgoing message, and when it is done:
- `reply`: each message goes once the replies recorded after the previous one (or, for the first,
  the greeting recorded before it) have arrived, or once `replyTimeoutMs` has passed waiting.
- `recorded`: each message goes at its recorded offset from the open.
- `fast`: all at once.
Done comes once everything is sent and the replies recorded after the last message have arrived
(in `reply`; in the others, as many messages as the recording received), or after the timeout.
*/
import type {Clock} from '../connection/connection.js';
import {type Conversation, type RecordedMessage, startTime, steps} from './conversation.js';

export type Pace = 'reply' | 'recorded' | 'fast';

export const paces: readonly Pace[] = ['reply', 'recorded', 'fast'];

export type PacerOptions = {
	readonly pace: Pace;
	/** Longest wait for the replies to one message (and, at the end, for the rest). */
	readonly replyTimeoutMs: number;
	readonly clock: Clock;
};

export type PacerEvents = {
	/** Send this message now; `index` counts outgoing messages from 0. */
	readonly send: (message: RecordedMessage, index: number) => void;
	/** Waiting gave up: `missing` replies had not arrived; `before` is the index about to be sent, undefined at the end. */
	readonly timeout?: (missing: number, before: number | undefined) => void;
	/** All sent and the replies are in (or the wait timed out). Called once. */
	readonly done: () => void;
};

export type Pacer = {
	/** The connection is open: start sending. */
	start(): void;
	/** A message arrived. */
	received(): void;
	/** Stops every timer; nothing more is sent. */
	stop(): void;
};

export function createPacer(conversation: Conversation, {pace, replyTimeoutMs, clock}: PacerOptions, events: PacerEvents): Pacer {
	const {greeting, exchanges} = steps(conversation);
	const totalIncoming = conversation.messages.filter(message => message.dir === 'in').length;
	const origin = startTime(conversation);
	const lastOffset = (conversation.messages.at(-1)?.time ?? origin) - origin;
	/** Replies recorded after outgoing message `index - 1` (the greeting for 0). */
	const expectedBefore = (index: number): number => (index === 0 ? greeting : exchanges[index - 1]!.replies).length;
	let next = 0;
	let receivedSinceSend = 0;
	let receivedTotal = 0;
	let startedAt = 0;
	let timer: NodeJS.Timeout | undefined;
	let stopped = false;

	const clearTimer = (): void => {
		if (timer !== undefined) {
			clock.clearTimeout(timer);
			timer = undefined;
		}
	};

	const sendNext = (): void => {
		clearTimer();
		const index = next++;
		receivedSinceSend = 0;
		events.send(exchanges[index]!.sent, index);
	};

	const finish = (): void => {
		if (!stopped) {
			stopped = true;
			clearTimer();
			events.done();
		}
	};

	const repliesIn = (): boolean => pace === 'reply'
		? receivedSinceSend >= expectedBefore(exchanges.length)
		: receivedTotal >= totalIncoming;

	const checkEnd = (): void => {
		if (stopped || next < exchanges.length) {
			return;
		}

		if (repliesIn()) {
			finish();
			return;
		}

		if (timer === undefined) {
			// In `recorded`, the server may have talked on for a while after the last message.
			const recordedEnd = pace === 'recorded' ? startedAt + lastOffset - clock.now() : 0;
			timer = clock.setTimeout(() => {
				timer = undefined;
				events.timeout?.(pace === 'reply' ? expectedBefore(exchanges.length) - receivedSinceSend : totalIncoming - receivedTotal, undefined);
				finish();
			}, Math.max(0, recordedEnd) + replyTimeoutMs);
		}
	};

	const advanceOnReplies = (): void => {
		while (!stopped && next < exchanges.length && receivedSinceSend >= expectedBefore(next)) {
			sendNext();
		}

		if (stopped || next >= exchanges.length) {
			checkEnd();
			return;
		}

		timer ??= clock.setTimeout(() => {
			timer = undefined;
			events.timeout?.(expectedBefore(next) - receivedSinceSend, next);
			sendNext();
			advanceOnReplies();
		}, replyTimeoutMs);
	};

	const advanceOnSchedule = (): void => {
		while (!stopped && next < exchanges.length) {
			const delay = startedAt + (exchanges[next]!.sent.time - origin) - clock.now();
			if (delay > 0) {
				timer = clock.setTimeout(() => {
					timer = undefined;
					advanceOnSchedule();
				}, delay);
				return;
			}

			sendNext();
		}

		checkEnd();
	};

	return {
		start() {
			startedAt = clock.now();
			if (pace === 'reply') {
				advanceOnReplies();
			} else if (pace === 'recorded') {
				advanceOnSchedule();
			} else {
				while (next < exchanges.length) {
					sendNext();
				}

				checkEnd();
			}
		},
		received() {
			receivedTotal++;
			receivedSinceSend++;
			if (stopped) {
				return;
			}

			if (pace === 'reply') {
				advanceOnReplies();
			} else {
				checkEnd();
			}
		},
		stop() {
			stopped = true;
			clearTimer();
		},
	};
}
