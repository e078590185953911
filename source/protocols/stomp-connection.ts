/*
The STOMP side of one connection (for all its reconnects): the CONNECT / CONNECTED handshake and
the subscriptions that follow it, the server's frames (MESSAGE, RECEIPT, ERROR), each line as a
SEND once connected, and the DISCONNECT said before a close. Frames are read by stomp-reader.ts,
receipts kept by stomp-receipts.ts.
*/
import {isUtf8} from 'node:buffer';
import type * as Stomp from '@stomp/stompjs';
import type {CloseEvent} from '../connection/events.js';
import {escapeControl} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import {type Annotations, PipelineMessage} from '../pipeline/message.js';
import type {Next, StageLink, StageResult} from '../pipeline/stage.js';
import {deferred, quote} from './stage-helpers.js';
import {type HandshakeLimit, type HandshakeWatch, handshakeWatch} from './handshake.js';
import {StompFrameReader} from './stomp-reader.js';
import {StompReceipts} from './stomp-receipts.js';

export type StompOptions = {
	/**
	CONNECT's host header, the broker's virtual host (--vhost). None without it, as @stomp/stompjs
	does: RabbitMQ takes the host header as its virtual host and refuses one it does not have (the
	URL's host name), while without one it, ActiveMQ and Spring's brokers use their default.
	*/
	readonly host?: string;
	/** --auth USER:PASS: CONNECT's login and passcode. */
	readonly login?: string;
	readonly passcode?: string;
	/** --subscribe: the destinations subscribed to on each connect. */
	readonly subscribe: readonly string[];
	/** --send-to: where each line goes (else each line is `DESTINATION BODY`). */
	readonly sendTo?: string;
	/** Called for each line refused (no destination), after its error line. */
	readonly onRefused?: () => void;
	/** How long CONNECTED may take (--connect-timeout). */
	readonly handshake?: HandshakeLimit;
};

export type StompLibrary = Pick<typeof Stomp, 'Parser' | 'FrameImpl'>;

type Frame = {
	readonly command: string;
	readonly headers: Readonly<Record<string, string>>;
	readonly body?: string;
	readonly binaryBody?: Uint8Array;
};

const badge = 'stomp';

export class StompConnection {
	readonly #link: StageLink;
	readonly #options: StompOptions;
	readonly #FrameImpl: StompLibrary['FrameImpl'];
	readonly #reader: StompFrameReader;
	readonly #receipts = new StompReceipts();
	readonly #watch: HandshakeWatch;
	#connected = false;
	#ready = deferred();
	/** Header values are escaped from STOMP 1.1 on (the version CONNECTED names). */
	#escape = false;
	/** The server sent ERROR on this connection: it closes, no DISCONNECT is said. */
	#failed = false;

	constructor(link: StageLink, options: StompOptions, {Parser, FrameImpl}: StompLibrary) {
		this.#link = link;
		this.#options = options;
		this.#FrameImpl = FrameImpl;
		this.#reader = new StompFrameReader(Parser, line => {
			link.error(line);
		});
		this.#watch = handshakeWatch(link, {protocol: 'STOMP', awaited: 'CONNECTED', waiting: 'before CONNECTED'}, options.handshake ?? {});
	}

	/** The WebSocket opened: CONNECT (accept-version 1.2, 1.1, 1.0; no heart-beats). */
	opened(): void {
		this.#reset();
		this.#escape = false;
		this.#failed = false;
		this.#watch.opened();
		const {host, login, passcode} = this.#options;
		this.#control({
			command: 'CONNECT',
			headers: {
				'accept-version': '1.2,1.1,1.0',
				...(host === undefined ? {} : {host}),
				'heart-beat': '0,0',
				...(login === undefined ? {} : {login}),
				...(passcode === undefined ? {} : {passcode}),
			},
		});
	}

	closed(event: CloseEvent): void {
		this.#reset();
		this.#watch.closed(event);
	}

	/** About to close: DISCONNECT, after every SEND (they go at once once connected); its RECEIPT says the broker has them all. */
	closing(): StageResult {
		if (!this.#connected || this.#failed) {
			return undefined;
		}

		const {receipt, done} = this.#receipts.disconnect();
		this.#control({command: 'DISCONNECT', headers: {receipt}});
		return done;
	}

	receive(message: PipelineMessage, next: Next): void {
		const read = this.#reader.read(message.data, () => quote(message.isBinary ? `[binary ${message.data.length} B]` : message.text!));
		if ('unread' in read) {
			next(message.annotate({counted: false, answers: 0, ...(read.unread === 'too long' ? {badge} : {})}));
			return;
		}

		if (read.frames.length === 0) {
			// A heart-beat, or part of a frame that the next message completes.
			next(message.annotate({control: true, badge}));
			return;
		}

		for (const [index, raw] of read.frames.entries()) {
			const frame = this.#FrameImpl.fromRawFrame(raw, this.#escape);
			// Several frames in one message (rare): each after the first is a message of its own.
			this.#onFrame(frame, index === 0 ? message : this.#wire(frame), next);
		}
	}

	/** A line as SEND (asking for a receipt), once CONNECTED came: a broker answers a frame before it with ERROR. */
	send(message: PipelineMessage, next: Next): StageResult {
		const line = sendLine(message, this.#options.sendTo);
		if (line === undefined) {
			this.#link.error(`not sent: give DESTINATION BODY, or --send-to DESTINATION: ${quote(message.isBinary ? `[binary ${message.data.length} B]` : message.text!)}`);
			this.#options.onRefused?.();
			return undefined;
		}

		const emit = (): void => {
			const {destination, body} = line;
			const shown = typeof body === 'string' ? body : `[binary ${body.length} B]`;
			const headers = {destination, 'content-type': contentType(body), receipt: this.#receipts.send(destination, shown)};
			const frame = typeof body === 'string' ? {command: 'SEND', headers, body} : {command: 'SEND', headers, binaryBody: new Uint8Array(body)};
			next(this.#wire(frame).annotate({badge, decoded: {command: 'SEND', headers, body}, line: `${destination} ${shown}`}));
		};

		if (this.#connected) {
			emit();
			return undefined;
		}

		return this.#ready.promise.then(emit);
	}

	#reset(): void {
		this.#receipts.reset();
		this.#reader.reset();
		if (this.#connected) {
			this.#connected = false;
			this.#ready = deferred();
		}
	}

	/** One frame of a received message, passed on annotated with `next`. */
	#onFrame(frame: Stomp.FrameImpl, message: PipelineMessage, next: Next): void {
		const {command, headers} = frame;
		switch (command) {
			case 'CONNECTED': {
				this.#onConnected(frame, message, next);
				return;
			}

			case 'MESSAGE': {
				next(message.annotate(messageAnnotations(frame)));
				return;
			}

			case 'RECEIPT': {
				const id = headers['receipt-id'] ?? '';
				// DISCONNECT's: the protocol's own, like CONNECTED.
				const {goodbye, known} = this.#receipts.received(id);
				next(message.annotate({decoded: {command, headers}, badge, shown: null, counted: false, answers: known ? 1 : 0, fields: {command, receiptId: id}, ...(goodbye ? {control: true} : {})}));
				return;
			}

			case 'ERROR': {
				this.#onError(frame, message, next);
				return;
			}

			default: {
				// Not a server frame: shown as it came, not counted.
				next(message.annotate({counted: false, answers: 0, badge, decoded: {command, headers, body: frame.body}}));
			}
		}
	}

	/** CONNECTED: the lines held go, after a SUBSCRIBE for each --subscribe destination (ids sub-0, sub-1..., ack auto). */
	#onConnected({command, headers}: Stomp.FrameImpl, message: PipelineMessage, next: Next): void {
		this.#escape = (headers.version ?? '1.0') !== '1.0';
		this.#connected = true;
		this.#watch.done();
		next(message.annotate({control: true, badge, decoded: {command, headers}}));
		for (const [index, destination] of this.#options.subscribe.entries()) {
			this.#control({command: 'SUBSCRIBE', headers: {id: `sub-${index}`, destination, ack: 'auto'}});
		}

		// After the SUBSCRIBEs: the lines held go once these are on their way.
		this.#ready.resolve();
	}

	/** ERROR: an error line, and the end of the run (the server closes after it): exit 1 before CONNECTED, 3 after. */
	#onError({command, headers, body: text}: Stomp.FrameImpl, message: PipelineMessage, next: Next): void {
		const sent = this.#receipts.about(headers['receipt-id']);
		const about = sent === undefined ? '' : ` (for SEND ${sent.destination} ${sent.body})`;
		const body = text.trim();
		// RabbitMQ refuses its default virtual host to a user who has no access to it.
		const hint = !this.#connected && this.#options.host === undefined && /virtual ?host|vhost/i.test(`${headers.message ?? ''} ${body}`)
			? ' (CONNECT named no virtual host, so the broker took its default one: give --vhost NAME)'
			: '';
		this.#failed = true;
		this.#watch.refused();
		this.#link.error(`the STOMP server sent ERROR${about}: ${escapeControl(headers.message ?? '(no message)')}${body === '' ? '' : `: ${quote(body)}`}${hint}`);
		next(message.annotate({control: true, badge, decoded: {command, headers, body: text}}));
		// The server closes after an ERROR (STOMP 1.2); ours ends the run either way.
		this.#link.exit(this.#connected ? exitCodes.dropped : exitCodes.connectFailed);
	}

	/** A frame as the WebSocket message that carries it. */
	#wire(frame: Frame): PipelineMessage {
		const serialized = new this.#FrameImpl({...frame, headers: {...frame.headers}, escapeHeaderValues: this.#escape}).serialize();
		return typeof serialized === 'string' ? new PipelineMessage(serialized, false) : new PipelineMessage(Buffer.from(serialized), true);
	}

	/** A frame of the protocol's own, sent on its own (the session shows no row for it). */
	#control(frame: Frame): void {
		this.#link.send(this.#wire(frame).annotate({awaitsReply: false, control: true, badge, decoded: {command: frame.command, headers: frame.headers}}));
	}
}

/** A MESSAGE: its body printed (as the bytes it is when not UTF-8); --jsonl adds the destination, subscription, message id and headers. */
function messageAnnotations({command, headers, binaryBody}: Stomp.FrameImpl): Annotations {
	const body = Buffer.from(binaryBody);
	const text = isUtf8(body) ? body.toString() : undefined;
	const base64 = text === undefined ? body.toString('base64') : undefined;
	const fields = {
		command,
		destination: headers.destination,
		subscription: headers.subscription,
		messageId: headers['message-id'],
		headers,
		...(base64 === undefined ? {body: text} : {bodyBase64: base64}),
	};
	return {
		decoded: {command, headers, body: text ?? body},
		badge,
		answers: 0,
		fields,
		// A body that is not UTF-8 prints as the bytes it is (hex to a terminal).
		...(base64 === undefined ? {line: text} : {view: {json: JSON.stringify({$bytes: base64}), payload: {data: body, isBinary: true}}}),
	};
}

/** Where a line goes and what: --send-to's destination and the whole line, or the line's `DESTINATION BODY`; undefined when it names none. */
function sendLine(message: PipelineMessage, sendTo: string | undefined): {readonly destination: string; readonly body: string | Buffer} | undefined {
	const text = message.isBinary ? undefined : message.text!;
	if (sendTo !== undefined) {
		return {destination: sendTo, body: text ?? message.data};
	}

	const match = text === undefined ? null : /^(\S+)[ \t]([\s\S]*)$/.exec(text);
	return match === null ? undefined : {destination: match[1]!, body: match[2]!};
}

/** application/json for a JSON object or array, text/plain for other text, else octets. */
export function contentType(body: string | Buffer): string {
	if (typeof body !== 'string') {
		return 'application/octet-stream';
	}

	const trimmed = body.trim();
	if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
		try {
			JSON.parse(trimmed);
			return 'application/json';
		} catch {
			// Not JSON: plain text.
		}
	}

	return 'text/plain';
}
