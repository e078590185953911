/*
`serve --replay`'s side of a recording: which recorded request a live client message repeats, and
what the recorded server answered it. A live message takes the first recorded request not yet
answered whose content is the same with its id set aside (wire.ts: JSON-RPC's and graphql-ws's
`id`, a Socket.IO ack id), or, when none is, the first not yet answered (the recording's order:
a client that says something else still gets the recording). Its answers are the recorded
messages that carry the request's id (a graphql-ws operation's `next` and `complete`, wherever
they came), and those with no id of a request recorded after it, up to the next one; each one
carrying the id goes with the live request's id instead.
*/
import type {Conversation, RecordedMessage} from './conversation.js';
import {detectWire, operation, request, type RequestId, requestOperation, withId, type WireName} from './wire.js';

type RecordedRequest = {
	readonly sent: RecordedMessage;
	/** The request with its id set aside, canonical. */
	readonly content: string;
	readonly id?: RequestId;
	/** The operation its replies carry (`id "1"`), if it has an id. */
	readonly operation?: string;
	readonly replies: RecordedMessage[];
};

/** What to send a client for one of its messages: the messages, and the recorded time their delays count from. */
export type Answer = {readonly messages: readonly RecordedMessage[]; readonly from: number};

/** Matches a client's messages with the recorded requests; each recorded request answers once. */
export type RequestMatcher = (data: Buffer, isBinary: boolean) => Answer | undefined;

function contentOf(wire: WireName | undefined, data: Buffer, isBinary: boolean): {readonly content: string; readonly id?: RequestId} {
	return isBinary ? {content: `b${data.toString('base64')}`} : request(wire, data.toString());
}

export class RecordedRequests {
	readonly wire: WireName | undefined;
	/** What the server said before the first request. */
	readonly greeting: RecordedMessage[] = [];
	readonly #requests: RecordedRequest[] = [];
	/** The requests' indices by content, in recorded order. */
	readonly #byContent = new Map<string, number[]>();

	constructor(conversation: Conversation) {
		const wire = detectWire(conversation);
		this.wire = wire;
		// Which request an operation's replies go to: the first that carried its id.
		const byOperation = new Map<string, RecordedRequest>();
		for (const message of conversation.messages) {
			if (message.dir === 'out') {
				this.#add(message, byOperation);
				continue;
			}

			const key = message.isBinary ? '' : operation(wire, message.data.toString());
			const owner = byOperation.get(key) ?? this.#requests.at(-1);
			(owner?.replies ?? this.greeting).push(message);
		}
	}

	/** A new client's matcher. */
	matcher(): RequestMatcher {
		const answered = new Set<number>();
		let firstOpen = 0;
		// Per content, how far its list is used up: a recording of a thousand `ping`s costs no rescans.
		const cursors = new Map<string, number>();
		const sameContent = (content: string): number | undefined => {
			const indices = this.#byContent.get(content) ?? [];
			let cursor = cursors.get(content) ?? 0;
			while (cursor < indices.length && answered.has(indices[cursor]!)) {
				cursor++;
			}

			cursors.set(content, cursor);
			return indices[cursor];
		};

		return (data, isBinary) => {
			const live = contentOf(this.wire, data, isBinary);
			const index = sameContent(live.content) ?? this.#firstOpen(answered, firstOpen);
			if (index === undefined) {
				return undefined;
			}

			answered.add(index);
			while (answered.has(firstOpen)) {
				firstOpen++;
			}

			const recorded = this.#requests[index]!;
			return {messages: recorded.replies.map(reply => this.#answer(reply, recorded, live.id)), from: recorded.sent.time};
		};
	}

	#add(message: RecordedMessage, byOperation: Map<string, RecordedRequest>): void {
		const {content, id} = contentOf(this.wire, message.data, message.isBinary);
		const key = message.isBinary ? undefined : requestOperation(this.wire, message.data.toString());
		const recorded: RecordedRequest = {sent: message, content, replies: [], ...(id === undefined ? {} : {id}), ...(key === undefined ? {} : {operation: key})};
		if (key !== undefined && !byOperation.has(key)) {
			byOperation.set(key, recorded);
		}

		const indices = this.#byContent.get(content);
		if (indices === undefined) {
			this.#byContent.set(content, [this.#requests.length]);
		} else {
			indices.push(this.#requests.length);
		}

		this.#requests.push(recorded);
	}

	#firstOpen(answered: ReadonlySet<number>, from: number): number | undefined {
		for (let index = from; index < this.#requests.length; index++) {
			if (!answered.has(index)) {
				return index;
			}
		}

		return undefined;
	}

	/** A recorded reply as this client gets it: with the live request's id where it carried the recorded one. */
	#answer(reply: RecordedMessage, recorded: RecordedRequest, liveId: RequestId | undefined): RecordedMessage {
		if (liveId === undefined || recorded.operation === undefined || reply.isBinary) {
			return reply;
		}

		const text = reply.data.toString();
		return operation(this.wire, text) === recorded.operation ? {...reply, data: Buffer.from(withId(this.wire, text, liveId))} : reply;
	}
}
