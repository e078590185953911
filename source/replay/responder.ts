/*
`wsterm serve --replay FILE`: each client gets the recorded server's side of the conversation.
On connect it is sent the messages recorded before the first outgoing one; each message it sends
is answered as the recorded request it repeats was (recorded-requests.ts: matched by content
with its id set aside, answered with the live id; a message that repeats none takes the next
request of the recording). With the `recorded` pace the recorded delays are kept (from the open,
or from the client's message); otherwise answers go at once. Messages past the end of the
recording get no answer.
*/
import type {Clock} from '../shared/clock.js';
import {type Conversation, type RecordedMessage, startTime, timerDelay} from './conversation.js';
import {RecordedRequests} from './recorded-requests.js';
import type {Pace} from './pacing.js';

/** How a responder sends a message to its client. */
export type ResponderSend = (data: Buffer, isBinary: boolean) => void;

/** One client's replayed server. */
export type Responder = {
	/** The client sent a message. */
	receive(data: Buffer, isBinary: boolean): void;
	/** The client is gone: cancel what is still scheduled. */
	stop(): void;
};

/** Makes the responder for a new client, which starts sending its greeting at once. */
export type ResponderFactory = (send: ResponderSend) => Responder;

export type ResponderOptions = {
	readonly pace: Pace;
	readonly clock: Clock;
};

export function createResponderFactory(conversation: Conversation, {pace, clock}: ResponderOptions): ResponderFactory {
	const requests = new RecordedRequests(conversation);
	const origin = startTime(conversation);
	return send => {
		const match = requests.matcher();
		// Batches wait their turn, so a client that talks fast still gets the answers in order.
		const queue: Array<{readonly messages: readonly RecordedMessage[]; readonly from: number}> = [];
		let timer: NodeJS.Timeout | undefined;
		let stopped = false;
		let sending: {messages: readonly RecordedMessage[]; from: number; index: number; startedAt: number} | undefined;

		const pump = (): void => {
			while (!stopped) {
				if (sending === undefined) {
					const batch = queue.shift();
					if (batch === undefined) {
						return;
					}

					sending = {...batch, index: 0, startedAt: clock.now()};
				}

				const message = sending.messages[sending.index];
				if (message === undefined) {
					sending = undefined;
					continue;
				}

				const delay = pace === 'recorded' ? sending.startedAt + (message.time - sending.from) - clock.now() : 0;
				if (delay > 0) {
					// A gap longer than a timer takes is waited in several: pump works the delay out again.
					timer = clock.setTimeout(() => {
						timer = undefined;
						pump();
					}, timerDelay(delay));
					return;
				}

				sending.index++;
				send(message.data, message.isBinary);
			}
		};

		const enqueue = (messages: readonly RecordedMessage[], from: number): void => {
			if (messages.length === 0) {
				return;
			}

			queue.push({messages, from});
			if (timer === undefined) {
				pump();
			}
		};

		enqueue(requests.greeting, origin);
		return {
			receive(data, isBinary) {
				const answer = match(data, isBinary);
				if (answer !== undefined) {
					enqueue(answer.messages, answer.from);
				}
			},
			stop() {
				stopped = true;
				queue.length = 0;
				if (timer !== undefined) {
					clock.clearTimeout(timer);
					timer = undefined;
				}
			},
		};
	};
}
