/*
STOMP over WebSocket (--protocol stomp), with @stomp/stompjs's frame parser and serializer; the
stage is the glue. On each open it sends CONNECT (accept-version 1.2, 1.1, 1.0; --vhost's host; --auth's login
and passcode; no heart-beats) and holds the lines until CONNECTED, then subscribes to each
--subscribe destination (ids sub-0, sub-1..., ack auto). Each line is sent as SEND, to --send-to's
destination, or without it as `DESTINATION BODY`; a body that is a JSON object or array goes as
application/json, else as text/plain. Each SEND asks for a receipt: the RECEIPT is the line's
answer (pipe mode's linger waits for it), hidden. Each MESSAGE prints its body (--jsonl adds the
destination, subscription, message id and headers) and is what -n counts. An ERROR frame is an
error line, and ends the run (the server closes after it): exit 1 before CONNECTED, 3 after.
CONNECTED and heart-beats are control frames: recorded (--record), not printed, not counted.

The library is imported in loadStompStage (a dynamic import: the CLI is one bundle, where a static
import of a package would be loaded at every start).
*/
import {isUtf8} from 'node:buffer';
import type * as Stomp from '@stomp/stompjs';
import {escapeControl} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import {PipelineMessage} from '../pipeline/message.js';
import type {StageFactory} from '../pipeline/stage.js';
import {deferred, quote} from './stage-helpers.js';
import {type HandshakeLimit, handshakeWatch} from './handshake.js';

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

type Library = Pick<typeof Stomp, 'Parser' | 'FrameImpl'>;

type Frame = {
	readonly command: string;
	readonly headers: Readonly<Record<string, string>>;
	readonly body?: string;
	readonly binaryBody?: Uint8Array;
};

/** A SEND awaiting its receipt: for the ERROR line that may answer it instead. */
type Sent = {readonly destination: string; readonly body: string};

/**
Largest frame read: @stomp/stompjs's parser keeps a frame byte by byte in an array (about 40 bytes
and 0.4 ms per kB of body), so a 100 MiB message would take minutes and gigabytes. Beyond this, a
frame (or the part of one received so far) is shown as received, with an error line.
*/
export const maxFrameBytes = 8 * 1024 * 1024;
/** Receipts awaited at most: a receipt that never comes must not be kept forever. */
const maxPendingReceipts = 100_000;
const badge = 'stomp';

export async function loadStompStage(options: StompOptions): Promise<StageFactory> {
	return stompStage(options, await import('@stomp/stompjs'));
}

export function stompStage({host, login, passcode, subscribe, sendTo, onRefused, handshake = {}}: StompOptions, {Parser, FrameImpl}: Library): StageFactory {
	return link => {
		/** Frames (or heart-beats) the parser found in the message being read. */
		let found: Array<Stomp.IRawFrameType | 'heart-beat'> = [];
		const newParser = (): Stomp.Parser => new Parser(raw => found.push(raw), () => found.push('heart-beat'));
		let parser = newParser();
		/** Bytes given to the parser since it last completed a frame (a frame in parts). */
		let partial = 0;
		let connected = false;
		let ready = deferred();
		const watch = handshakeWatch(link, {protocol: 'STOMP', awaited: 'CONNECTED', waiting: 'before CONNECTED'}, handshake);
		/** Header values are escaped from STOMP 1.1 on (the version CONNECTED names). */
		let escape = false;
		let nextReceipt = 0;
		const receipts = new Map<string, Sent>();
		/** The server sent ERROR on this connection: it closes, no DISCONNECT is said. */
		let failed = false;
		/** The DISCONNECT sent, until its RECEIPT (or the close) comes. */
		let disconnecting: {readonly receipt: string; readonly resolve: () => void} | undefined;

		/** A frame as the WebSocket message that carries it. */
		const wire = (frame: Frame): PipelineMessage => {
			const serialized = new FrameImpl({...frame, headers: {...frame.headers}, escapeHeaderValues: escape}).serialize();
			return typeof serialized === 'string' ? new PipelineMessage(serialized, false) : new PipelineMessage(Buffer.from(serialized), true);
		};

		const control = (frame: Frame): void => {
			link.send(wire(frame).annotate({awaitsReply: false, control: true, badge, decoded: {command: frame.command, headers: frame.headers}}));
		};

		const reset = (): void => {
			disconnecting?.resolve();
			disconnecting = undefined;
			parser = newParser();
			partial = 0;
			found = [];
			if (connected) {
				connected = false;
				ready = deferred();
			}
		};

		const refuse = (line: string): void => {
			link.error(line);
			onRefused?.();
		};

		/** One frame of a received message, passed on annotated with `next`. */
		const onFrame = (frame: Stomp.FrameImpl, message: PipelineMessage, next: (message: PipelineMessage) => void): void => {
			const {command, headers} = frame;
			switch (command) {
				case 'CONNECTED': {
					escape = (headers.version ?? '1.0') !== '1.0';
					connected = true;
					watch.done();
					next(message.annotate({control: true, badge, decoded: {command, headers}}));
					for (const [index, destination] of subscribe.entries()) {
						control({command: 'SUBSCRIBE', headers: {id: `sub-${index}`, destination, ack: 'auto'}});
					}

					// After the SUBSCRIBEs: the lines held go once these are on their way.
					ready.resolve();
					return;
				}

				case 'MESSAGE': {
					const body = Buffer.from(frame.binaryBody);
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
					next(message.annotate({
						decoded: {command, headers, body: text ?? body},
						badge,
						answers: 0,
						fields,
						// A body that is not UTF-8 prints as the bytes it is (hex to a terminal).
						...(base64 === undefined ? {line: text} : {view: {json: JSON.stringify({$bytes: base64}), payload: {data: body, isBinary: true}}}),
					}));
					return;
				}

				case 'RECEIPT': {
					const id = headers['receipt-id'] ?? '';
					// DISCONNECT's: the protocol's own, like CONNECTED.
					const goodbye = id === disconnecting?.receipt;
					if (goodbye) {
						disconnecting!.resolve();
					}

					const known = receipts.delete(id);
					next(message.annotate({decoded: {command, headers}, badge, shown: null, counted: false, answers: known ? 1 : 0, fields: {command, receiptId: id}, ...(goodbye ? {control: true} : {})}));
					return;
				}

				case 'ERROR': {
					const sent = headers['receipt-id'] === undefined ? undefined : receipts.get(headers['receipt-id']);
					const about = sent === undefined ? '' : ` (for SEND ${sent.destination} ${sent.body})`;
					const body = frame.body.trim();
					// RabbitMQ refuses its default virtual host to a user who has no access to it.
					const hint = !connected && host === undefined && /virtual ?host|vhost/i.test(`${headers.message ?? ''} ${body}`)
						? ' (CONNECT named no virtual host, so the broker took its default one: give --vhost NAME)'
						: '';
					failed = true;
					watch.refused();
					link.error(`the STOMP server sent ERROR${about}: ${escapeControl(headers.message ?? '(no message)')}${body === '' ? '' : `: ${quote(body)}`}${hint}`);
					next(message.annotate({control: true, badge, decoded: {command, headers, body: frame.body}}));
					// The server closes after an ERROR (STOMP 1.2); ours ends the run either way.
					link.exit(connected ? exitCodes.dropped : exitCodes.connectFailed);
					return;
				}

				default: {
					// Not a server frame: shown as it came, not counted.
					next(message.annotate({counted: false, answers: 0, badge, decoded: {command, headers, body: frame.body}}));
				}
			}
		};

		return {
			name: 'stomp',
			event(event) {
				if (event.type === 'open') {
					reset();
					escape = false;
					failed = false;
					watch.opened();
					control({
						command: 'CONNECT',
						headers: {
							'accept-version': '1.2,1.1,1.0',
							...(host === undefined ? {} : {host}),
							'heart-beat': '0,0',
							...(login === undefined ? {} : {login}),
							...(passcode === undefined ? {} : {passcode}),
						},
					});
				} else if (event.type === 'close') {
					reset();
					watch.closed(event);
				}
			},
			closing() {
				if (!connected || failed) {
					return undefined;
				}

				// After every SEND (they go at once once connected): the RECEIPT says the broker has them all.
				const receipt = `r-${nextReceipt++}`;
				const {promise, resolve} = deferred();
				disconnecting = {receipt, resolve};
				control({command: 'DISCONNECT', headers: {receipt}});
				return promise;
			},
			receive(message, next) {
				const {data} = message;
				if (partial + data.length > maxFrameBytes) {
					link.error(`a STOMP frame over ${maxFrameBytes / 1024 / 1024} MiB (${partial + data.length} B so far): not read, shown as received`);
					parser = newParser();
					partial = 0;
					next(message.annotate({counted: false, answers: 0, badge}));
					return;
				}

				const onlyEols = data.every(byte => byte === 10 || byte === 13);
				if (partial === 0 && !onlyEols && !startsFrame(data)) {
					// Not fed to the parser: it would take it as the start of the next frame.
					link.error(`not a STOMP frame: shown as received: ${quote(message.isBinary ? `[binary ${data.length} B]` : message.text!)}`);
					next(message.annotate({counted: false, answers: 0}));
					return;
				}

				found = [];
				parser.parseChunk(data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer);
				const frames = found.filter((item): item is Stomp.IRawFrameType => item !== 'heart-beat');
				found = [];
				const cut = partial === 0 && frames.length === 1 ? cutBody(data, frames[0]!) : undefined;
				if (cut !== undefined) {
					// The rest of the frame would leak into the next one: start again after it.
					parser = newParser();
					link.error(`a STOMP ${escapeControl(frames[0]!.command ?? '')} frame's content-length (${cut.declared}) does not match its body (${cut.body.length} B before the NUL that ends it): read to the NUL`);
					frames[0]!.binaryBody = cut.body;
				}
				if (frames.length > 0) {
					partial = 0;
				} else if (!onlyEols) {
					partial += data.length;
				}

				if (frames.length === 0) {
					// A heart-beat, or part of a frame that the next message completes.
					next(message.annotate({control: true, badge}));
					return;
				}

				for (const [index, raw] of frames.entries()) {
					const frame = FrameImpl.fromRawFrame(raw, escape);
					// Several frames in one message (rare): each after the first is a message of its own.
					onFrame(frame, index === 0 ? message : wire(frame), next);
				}
			},
			send(message, next) {
				const text = message.isBinary ? undefined : message.text!;
				let destination = sendTo;
				let body: string | Buffer = text ?? message.data;
				if (destination === undefined) {
					const match = text === undefined ? null : /^(\S+)[ \t]([\s\S]*)$/.exec(text);
					if (match === null) {
						refuse(`not sent: give DESTINATION BODY, or --send-to DESTINATION: ${quote(text ?? `[binary ${message.data.length} B]`)}`);
						return undefined;
					}

					[, destination, body] = match as unknown as [string, string, string];
				}

				const emit = (): void => {
					const receipt = `r-${nextReceipt++}`;
					if (receipts.size >= maxPendingReceipts) {
						receipts.delete(receipts.keys().next().value!);
					}

					const shown = typeof body === 'string' ? body : `[binary ${body.length} B]`;
					receipts.set(receipt, {destination: escapeControl(destination), body: quote(shown)});
					const headers = {destination, 'content-type': contentType(body), receipt};
					const frame = typeof body === 'string' ? {command: 'SEND', headers, body} : {command: 'SEND', headers, binaryBody: new Uint8Array(body)};
					next(wire(frame).annotate({badge, decoded: {command: 'SEND', headers, body}, line: `${destination} ${shown}`}));
				};

				if (connected) {
					emit();
					return undefined;
				}

				// Lines wait for CONNECTED: a broker answers a frame before it with ERROR.
				return ready.promise.then(emit);
			},
		};
	};
}

/** A message starts a STOMP frame: a command line (after heart-beats' line feeds). */
function startsFrame(data: Buffer): boolean {
	return /^[\r\n]*[A-Z]{1,20}\r?\n/.test(data.subarray(0, 64).toString('latin1'));
}

/**
A frame read whole from one message whose content-length says other than its bytes (stomp-broker-js
counts characters, not bytes): its body as the bytes up to the NUL that ends the message, with what
the header said; undefined when the header is right, absent, or the message is not one plain frame.
*/
function cutBody(data: Buffer, frame: Stomp.IRawFrameType): {readonly body: Uint8Array; readonly declared: number} | undefined {
	const header = frame.headers.find(([key]) => key === 'content-length');
	const declared = header === undefined ? Number.NaN : Number(header[1]);
	const text = data.toString('latin1');
	const blank = /\r?\n\r?\n/.exec(text);
	if (!Number.isInteger(declared) || declared < 0 || blank === null) {
		return undefined;
	}

	const rest = data.subarray(blank.index + blank[0].length);
	let end = rest.length;
	while (end > 0 && (rest[end - 1] === 10 || rest[end - 1] === 13)) {
		end--;
	}

	if (end === 0 || rest[end - 1] !== 0 || end - 1 === declared) {
		return undefined;
	}

	return {body: new Uint8Array(rest.subarray(0, end - 1)), declared};
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
		} catch {}
	}

	return 'text/plain';
}
