/*
The message pipeline (pipeline/index.ts) as the full-screen session drives it: received messages
and the connection's events go through the stages before they become SessionEvents, messages to
send go through them before the socket, and what the stages say (ctx.log, a hook's error,
ctx.exit) becomes an event too. A session without pipeline flags has none of this: its events go
straight from the connection to the reducer (session-events.ts).
*/
import {closeProblem} from './close-codes.js';
import type {Connection} from './connection.js';
import type {DecoderSwitch} from './pipeline/codec-stage.js';
import {PipelineMessage} from './pipeline/message.js';
import {createPipeline, type Pipeline} from './pipeline/pipeline.js';
import type {PipelineEvent, StageFactory} from './pipeline/stage.js';
import type {SessionEvent} from './session.js';

type Push = (event: SessionEvent) => void;

/** A message as the session shows it: a codec's view is shown as its JSON text, with the codec's badge. */
export function shownMessage(message: PipelineMessage): {data: Buffer; isBinary: boolean; badge?: string; wire?: Buffer} {
	const {view, badge} = message;
	if (badge === undefined) {
		return {data: message.data, isBinary: message.isBinary};
	}

	if (view?.payload !== undefined) {
		return {data: view.payload.data, isBinary: view.payload.isBinary, badge, wire: message.data};
	}

	const json = view?.json ?? (message.decoded === undefined ? undefined : JSON.stringify(message.decoded));
	return json === undefined
		? {data: message.data, isBinary: message.isBinary, badge}
		: {data: Buffer.from(json), isBinary: false, badge, wire: message.data};
}

export class SessionPipe {
	/** Where events go: the start-up's backlog, then the UI's batches (see listenToConnection). */
	push: Push = () => undefined;
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
				const shown = shownMessage(message);
				this.push({type: 'sent', ...shown, pending, time: now()});
				return sent;
			},
			close(code, reason) {
				connection.close(code, reason);
			},
			log: line => {
				this.push({type: 'note', kind: 'info', text: line, time: now()});
			},
			error: line => {
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

	/** A message the user sent (typed, /binary, /file): its row comes once it goes out. */
	send(data: string | Buffer, isBinary: boolean): void {
		this.pipeline.send(new PipelineMessage(data, isBinary));
	}

	private deliver(message: PipelineMessage): void {
		const {shown} = message;
		// null: a hook hid it (the status bar still counts it).
		if (shown !== null) {
			this.push({type: 'message', ...shownMessage(shown ?? message), time: this.now()});
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
