/*
When a replay sends each recorded outgoing message, and when it is done:
- `reply`: each message goes once the replies recorded after the previous one (or, for the first,
  the greeting recorded before it) have arrived, or once `replyTimeoutMs` has passed waiting.
- `recorded`: each message goes at its recorded offset from the open.
- `fast`: all at once.
Done comes once everything is sent and the replies recorded after the last message have arrived
(in `reply`; in the others, as many messages as the recording received), or after the timeout.
*/
import type {Clock} from '../shared/clock.js';
import {type Conversation, type RecordedMessage, startTime, type Steps, steps, timerDelay} from './conversation.js';

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

/** Sends a conversation's outgoing messages at its pace (see the top of this file) and says when it is done. */
export class Pacer {
	private readonly pace: Pace;
	private readonly replyTimeoutMs: number;
	private readonly clock: Clock;
	private readonly greeting: readonly RecordedMessage[];
	private readonly exchanges: Steps['exchanges'];
	/** How many messages the recording received in all. */
	private readonly totalIncoming: number;
	/** The recording's start time, from which its offsets count. */
	private readonly origin: number;
	/** The last recorded message's offset from the start. */
	private readonly lastOffset: number;
	/** The index of the next outgoing message. */
	private next = 0;
	private receivedSinceSend = 0;
	private receivedTotal = 0;
	/** When the connection opened (monotonic). */
	private startedAt = 0;
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;

	constructor(conversation: Conversation, {pace, replyTimeoutMs, clock}: PacerOptions, private readonly events: PacerEvents) {
		this.pace = pace;
		this.replyTimeoutMs = replyTimeoutMs;
		this.clock = clock;
		const {greeting, exchanges} = steps(conversation);
		this.greeting = greeting;
		this.exchanges = exchanges;
		this.totalIncoming = conversation.messages.filter(message => message.dir === 'in').length;
		this.origin = startTime(conversation);
		this.lastOffset = (conversation.messages.at(-1)?.time ?? this.origin) - this.origin;
	}

	/** The connection is open: start sending. */
	start(): void {
		this.startedAt = this.clock.now();
		if (this.pace === 'reply') {
			this.advanceOnReplies();
		} else if (this.pace === 'recorded') {
			this.advanceOnSchedule();
		} else {
			while (this.next < this.exchanges.length) {
				this.sendNext();
			}

			this.checkEnd();
		}
	}

	/** A message arrived. */
	received(): void {
		this.receivedTotal++;
		this.receivedSinceSend++;
		if (this.stopped) {
			return;
		}

		if (this.pace === 'reply') {
			this.advanceOnReplies();
		} else {
			this.checkEnd();
		}
	}

	/** Stops every timer; nothing more is sent. */
	stop(): void {
		this.stopped = true;
		this.clearTimer();
	}

	/** Replies recorded after outgoing message `index - 1` (the greeting for 0). */
	private expectedBefore(index: number): number {
		return (index === 0 ? this.greeting : this.exchanges[index - 1]!.replies).length;
	}

	private clearTimer(): void {
		if (this.timer !== undefined) {
			this.clock.clearTimeout(this.timer);
			this.timer = undefined;
		}
	}

	private sendNext(): void {
		this.clearTimer();
		const index = this.next++;
		this.receivedSinceSend = 0;
		this.events.send(this.exchanges[index]!.sent, index);
	}

	private finish(): void {
		if (!this.stopped) {
			this.stopped = true;
			this.clearTimer();
			this.events.done();
		}
	}

	private repliesIn(): boolean {
		return this.pace === 'reply'
			? this.receivedSinceSend >= this.expectedBefore(this.exchanges.length)
			: this.receivedTotal >= this.totalIncoming;
	}

	private checkEnd(): void {
		if (this.stopped || this.next < this.exchanges.length) {
			return;
		}

		if (this.repliesIn()) {
			this.finish();
			return;
		}

		if (this.timer === undefined) {
			// In `recorded`, the server may have talked on for a while after the last message.
			const recordedEnd = this.pace === 'recorded' ? this.startedAt + this.lastOffset - this.clock.now() : 0;
			this.waitForEnd(this.clock.now() + Math.max(0, recordedEnd) + this.replyTimeoutMs);
		}
	}

	/** Gives up waiting at `due` (monotonic), in as many timers as a long wait takes. */
	private waitForEnd(due: number): void {
		this.timer = this.clock.setTimeout(() => {
			this.timer = undefined;
			if (this.clock.now() < due) {
				this.waitForEnd(due);
				return;
			}

			const missing = this.pace === 'reply'
				? this.expectedBefore(this.exchanges.length) - this.receivedSinceSend
				: this.totalIncoming - this.receivedTotal;
			this.events.timeout?.(missing, undefined);
			this.finish();
		}, timerDelay(due - this.clock.now()));
	}

	private advanceOnReplies(): void {
		while (!this.stopped && this.next < this.exchanges.length && this.receivedSinceSend >= this.expectedBefore(this.next)) {
			this.sendNext();
		}

		if (this.stopped || this.next >= this.exchanges.length) {
			this.checkEnd();
			return;
		}

		if (this.timer === undefined) {
			this.waitForReplies(this.clock.now() + this.replyTimeoutMs);
		}
	}

	/** Gives up waiting for the replies at `due` (monotonic) and sends the next message. */
	private waitForReplies(due: number): void {
		this.timer = this.clock.setTimeout(() => {
			this.timer = undefined;
			if (this.clock.now() < due) {
				this.waitForReplies(due);
				return;
			}

			this.events.timeout?.(this.expectedBefore(this.next) - this.receivedSinceSend, this.next);
			this.sendNext();
			this.advanceOnReplies();
		}, timerDelay(due - this.clock.now()));
	}

	private advanceOnSchedule(): void {
		while (!this.stopped && this.next < this.exchanges.length) {
			const delay = this.startedAt + (this.exchanges[this.next]!.sent.time - this.origin) - this.clock.now();
			if (delay > 0) {
				// A gap longer than a timer takes is waited in several: each time, the delay is worked out again.
				this.timer = this.clock.setTimeout(() => {
					this.timer = undefined;
					this.advanceOnSchedule();
				}, timerDelay(delay));
				return;
			}

			this.sendNext();
		}

		this.checkEnd();
	}
}

export function createPacer(conversation: Conversation, options: PacerOptions, events: PacerEvents): Pacer {
	return new Pacer(conversation, options, events);
}
