/*
Where what the hooks send goes, and when the run ends. In the client, what ctx.send sends while a
received message is in onMessage goes out after that message is delivered, and ctx.exit there ends
the run after it too, so displays and recordings show the question before the answer.
*/
import type {PipelineMessage} from '../pipeline/message.js';

export type OutboxSink = {
	send(message: PipelineMessage): boolean | void;
	exit?(code: number): void;
};

export class HookOutbox {
	readonly #sink: OutboxSink;
	/** What ctx.send sent while a message is in onMessage (client); undefined: none is. */
	#held: PipelineMessage[] | undefined;
	/** ctx.exit's code, given while a message is in onMessage. */
	#exitAfter: number | undefined;
	#exited = false;

	constructor(sink: OutboxSink) {
		this.#sink = sink;
	}

	/** The run ended (ctx.exit, --until): no more messages are handled. */
	get exited(): boolean {
		return this.#exited;
	}

	/** ctx.send: now, or after the message in onMessage. */
	send(message: PipelineMessage): void {
		if (this.#held === undefined) {
			this.#sink.send(message);
		} else {
			this.#held.push(message);
		}
	}

	/** ctx.exit: now, or after the message in onMessage (the first code given wins). */
	exitWhenDelivered(code: number): void {
		if (this.#held === undefined) {
			this.exit(code);
		} else {
			this.#exitAfter ??= code;
		}
	}

	/** Ends the run (once). */
	exit(code: number): void {
		if (!this.#exited) {
			this.#exited = true;
			this.#sink.exit?.(code);
		}
	}

	/** A received message goes into onMessage (client): what ctx.send sends waits. */
	hold(): void {
		this.#held = [];
	}

	/** The message was delivered: what waited, and ctx.exit's code if it was called meanwhile. */
	release(): {readonly sends: readonly PipelineMessage[]; readonly exitCode: number | undefined} {
		const sends = this.#held ?? [];
		this.#held = undefined;
		return {sends, exitCode: this.#exitAfter};
	}
}
