/*
The message pipeline (pipeline/index.ts) as the full-screen session drives it: received messages
and the connection's events go through the stages before they become SessionEvents, messages to
send go through them before the socket, and what the stages say (ctx.log, a hook's error,
ctx.exit) becomes an event too. A session without pipeline flags has none of this: its events go
straight from the connection to the reducer (session-events.ts).
*/
import {closeProblem} from '../connection/close-codes.js';
import type {Connection} from '../connection/connection.js';
import type {DecoderSwitch} from '../codecs/stage.js';
import {PipelineMessage} from '../pipeline/message.js';
import {createPipeline, type Pipeline} from '../pipeline/pipeline.js';
import type {PipelineEvent, StageFactory} from '../pipeline/stage.js';
import type {SessionEvent, ShownMessage} from './session.js';

type Push = (event: SessionEvent) => void;

/**
A message as the session shows it, from what the stages annotated: a protocol's line (a JSON-RPC
response with its request), else a codec's or protocol's view as its JSON text, with the badge;
a protocol's round trip (`rttMs`) and error (`error`) go with it.
*/
export function shownMessage(message: PipelineMessage): ShownMessage {
	const {view, badge, line} = message;
	if (badge === undefined && line === undefined) {
		return {data: message.data, isBinary: message.isBinary};
	}

	const {rttMs, error} = message.fields ?? {};
	const found = {
		...(badge === undefined ? {} : {badge}),
		...(typeof rttMs === 'number' ? {rtt: rttMs} : {}),
		...(error === true ? {emphasis: 'error' as const} : {}),
	};
	const wire = {wire: message.data, ...(message.isBinary ? {} : {wireText: true as const})};
	if (line !== undefined) {
		return {data: Buffer.from(line), isBinary: false, ...found, ...wire};
	}

	if (view?.payload !== undefined) {
		return {data: view.payload.data, isBinary: view.payload.isBinary, ...found, ...wire};
	}

	let json = view?.json;
	if (json === undefined && message.decoded !== undefined) {
		try {
			json = JSON.stringify(message.decoded);
		} catch {}
	}

	return json === undefined
		? {data: message.data, isBinary: message.isBinary, ...found}
		: {data: Buffer.from(json), isBinary: false, ...found, ...wire};
}

export class SessionMessagePath {
	/** Where events go: the start-up's backlog, then the UI's batches (see listenToConnection). */
	push: Push = () => undefined;
	/**
	A stage's error line with no message shown since: said on stderr when a stage then ends the
	session (a Socket.IO namespace refused to be joined).
	*/
	lastError: string | undefined;
	private readonly pipeline: Pipeline;
	private held = false;
	/** A close waits for the stages' goodbyes. */
	private closing = false;

	constructor(
		private readonly connection: Connection,
		stages: readonly StageFactory[],
		private readonly now: () => number,
		private readonly initialMessages: readonly string[] = [],
		/** The codec stage's decoder, switched by /decode. */
		readonly decoder?: DecoderSwitch,
	) {
		// -I's lines go through the stages on each open (see onEvent), no longer straight from the connection.
		connection.takeInitialMessages();
		this.pipeline = createPipeline(stages, {
			deliver: message => {
				this.deliver(message);
			},
			event: event => {
				this.onEvent(event);
			},
			transmit: message => {
				const pending = connection.state !== 'open';
				const sent = connection.send(message.payload, message.isBinary);
				this.push(message.control ? {type: 'control', dir: 'out', time: now()} : {type: 'sent', ...shownMessage(message), pending, time: now()});
				return sent;
			},
			close(code, reason) {
				connection.close(code, reason);
			},
			drop(fault) {
				connection.drop(fault);
			},
			log: line => {
				this.push({type: 'note', kind: 'info', text: line, time: now()});
			},
			error: line => {
				this.lastError = line;
				this.push({type: 'note', kind: 'error', text: line, time: now()});
			},
		});
	}

	/** A message from the connection; the socket is paused while the stages are behind. */
	receive(data: Buffer, isBinary: boolean): void {
		if (this.pipeline.receive(new PipelineMessage(data, isBinary))) {
			return;
		}

		// Again each time: the UI's batching may have resumed the socket meanwhile.
		this.connection.pause();
		if (!this.held) {
			this.held = true;
			void this.pipeline.settled().then(() => {
				this.held = false;
				this.connection.resume();
			});
		}
	}

	/** Messages given to send() and not yet through the stages (a protocol holds lines until its handshake). */
	get sending(): number {
		return this.pipeline.sending;
	}

	/** A line from outside the stages (the recorder could not write): an error row. */
	note(line: string): void {
		this.push({type: 'note', kind: 'error', text: line, time: this.now()});
	}

	event(event: PipelineEvent): void {
		this.pipeline.event(event);
	}

	/**
	Closes the connection once the stages have said goodbye (STOMP's DISCONNECT, until its RECEIPT;
	bounded by the pipeline). A bad code or reason is returned, and nothing is sent.
	*/
	close(code: number, reason = ''): string | undefined {
		const problem = closeProblem(code, reason);
		if (problem !== undefined || this.connection.state !== 'open') {
			return problem ?? this.connection.close(code, reason);
		}

		if (!this.closing) {
			this.closing = true;
			this.pipeline.closing(() => {
				this.closing = false;
				this.connection.close(code, reason);
			});
		}

		return undefined;
	}

	/** A message the user sent (typed, /binary, /file; `template`: /send's saved message): its row comes once it goes out. */
	send(data: string | Buffer, isBinary: boolean, template = false): void {
		const message = new PipelineMessage(data, isBinary);
		this.pipeline.send(template ? message.annotate({template: true}) : message);
	}

	private deliver(message: PipelineMessage): void {
		const {shown, note} = message;
		if (message.control) {
			this.push({type: 'control', dir: 'in', time: this.now()});
			return;
		}

		this.lastError = undefined;
		if (shown !== null) {
			this.push({type: 'message', ...shownMessage(shown ?? message), time: this.now()});
		} else if (note !== undefined) {
			// Hidden by its protocol, but worth a word (graphql-ws's complete).
			this.push({type: 'message', ...shownMessage(message), data: Buffer.from(note), isBinary: false, emphasis: 'quiet', time: this.now()});
		} else {
			// A hook hid it: the status bar still counts it.
			this.push({type: 'hidden', time: this.now()});
		}
	}

	private onEvent(event: PipelineEvent): void {
		const time = this.now();
		switch (event.type) {
			case 'open': {
				this.push({type: 'open', protocol: event.protocol, extensions: event.extensions, attempt: event.attempt, time});
				// -I's lines, through the stages now that the open has been through them (shown as they go out).
				for (const line of this.initialMessages) {
					this.send(line, false);
				}

				break;
			}

			case 'ping': {
				this.push({type: 'ping', payload: event.payload, time});
				break;
			}

			case 'pong': {
				this.push({type: 'pong', payload: event.payload, rtt: event.rtt, keepalive: event.keepalive, time});
				break;
			}

			case 'close': {
				this.push({type: 'close', code: event.code, reason: event.reason, byUs: event.byUs, willReconnect: event.willReconnect, time});
				break;
			}

			case 'exit': {
				this.push({type: 'exit', code: event.code, time});
				break;
			}
		}
	}
}
