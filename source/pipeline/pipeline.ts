/*
Runs a connection's stages in order, each direction one message at a time per stage: a stage that
returns a promise holds what comes behind it, the others run at once (with no stages at all, a
message goes straight through, with no queue and no tick).
*/
import {type Clock, systemClock} from '../shared/clock.js';
import {type PipelineMessage} from './message.js';
import {Serial} from './serial.js';
import type {PipelineEvent, Stage, StageFactory, StageLink} from './stage.js';

/**
A message, not an event (every event has a `type`). Told apart by shape, not instanceof: a stage
loaded as a module of its own (the CLI keeps the stages out of its bundle) makes its messages
with its own copy of the PipelineMessage class.
*/
function isMessage(item: PipelineMessage | PipelineEvent): item is PipelineMessage {
	return !('type' in item);
}

/** What the consumer and the connection do at the two ends of the pipeline. */
export type PipelineSink = {
	/** A received message, after every stage: print, show or answer it (see its `shown`). */
	deliver(message: PipelineMessage): void;
	/** An event, after every stage, in order with the messages. */
	event(event: PipelineEvent): void;
	/** A message to put on the wire. False: over the connection's high-water mark (wait for its 'drain'). */
	transmit(message: PipelineMessage): boolean | void;
	/** A stage asked to close (code and reason checked). */
	close(code: number, reason: string): void;
	/** A stage dropped the connection as failed (see StageLink.drop); serve's per-client pipelines have no stage that does. */
	drop?(fault: string): void;
	log(line: string): void;
	error(line: string): void;
};

export type Pipeline = {
	/** A message from the connection. False: too many wait in the stages; pause the socket until settled(). */
	receive(message: PipelineMessage): boolean;
	/** A message from the consumer. False: stop reading input until the connection's 'drain' or settled(). */
	send(message: PipelineMessage): boolean;
	/** An event from the connection (open, ping, pong, close), in order with the messages. */
	event(event: PipelineEvent): void;
	/** Resolves once everything given so far has been through every stage. */
	settled(): Promise<void>;
	/**
	The consumer wants to close: each stage says its goodbye (Stage.closing), and `close` is called
	once their answers came, or the closing timeout ran out; at once (in this call) when no stage
	holds it. Call it once per close.
	*/
	closing(close: () => void): void;
	/** Each stage's requests that got no answer (Stage.unanswered), in the stages' order. */
	unanswered(): readonly string[];
	/** Messages given to send() and not yet through the stages to the connection. */
	readonly sending: number;
	/** The stages, in incoming order (for tests and diagnostics). */
	readonly names: readonly string[];
};

export type PipelineOptions = {
	/** Messages waiting in the stages, in one direction, above which receive()/send() return false (1000). */
	readonly maxPending?: number;
	/** Milliseconds the stages' goodbyes may hold a close (1000). */
	readonly closingTimeout?: number;
	/** The timers of that bound (the system's by default). */
	readonly clock?: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
};

type Item = PipelineMessage | PipelineEvent;

function isThenable(value: unknown): value is PromiseLike<unknown> {
	return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
Builds the stages (each factory once) and the two paths. `factories` are listed from the
connection outwards (codec, protocol, hooks): received messages go through them in that order,
messages to send in the reverse one; stages with `tap` (the recorder) come last in both.
*/
export function createPipeline(factories: readonly StageFactory[], sink: PipelineSink, options: PipelineOptions = {}): Pipeline {
	return factories.length === 0 ? directPipeline(sink) : new StagePipeline(factories, sink, options);
}

/** With no stages at all, a message goes straight through, with no queue and no tick. */
function directPipeline(sink: PipelineSink): Pipeline {
	return {
		receive(message) {
			sink.deliver(message);
			return true;
		},
		send: message => sink.transmit(message) !== false,
		event(event) {
			sink.event(event);
		},
		async settled() {},
		closing(close) {
			close();
		},
		unanswered: () => [],
		sending: 0,
		names: [],
	};
}

/** The two paths: per stage and direction, a queue (Serial) that runs one message at a time. */
class StagePipeline implements Pipeline {
	readonly names: readonly string[];
	readonly #sink: PipelineSink;
	readonly #maxPending: number;
	readonly #closingTimeout: number;
	readonly #clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
	readonly #stages: Stage[] = [];
	/** The queue in front of each stage, in the order of each path. */
	readonly #incoming: Serial[] = [];
	readonly #outgoing: Serial[] = [];
	#incomingOrder: Stage[] = [];
	#outgoingOrder: Stage[] = [];
	/** The connection refused a message during the current send() (over its high-water mark). */
	#transmitRefused = false;

	constructor(factories: readonly StageFactory[], sink: PipelineSink, {maxPending = 1000, closingTimeout = 1000, clock = systemClock}: PipelineOptions) {
		this.#sink = sink;
		this.#maxPending = maxPending;
		this.#closingTimeout = closingTimeout;
		this.#clock = clock;
		for (const factory of factories) {
			const link = this.#link(this.#stages.length);
			this.#stages.push(factory(link));
			this.#incoming.push(new Serial());
			this.#outgoing.push(new Serial());
		}

		const inner = this.#stages.filter(stage => stage.tap !== true);
		const taps = this.#stages.filter(stage => stage.tap === true);
		this.#incomingOrder = [...inner, ...taps];
		this.#outgoingOrder = [...inner.toReversed(), ...taps];
		this.names = this.#incomingOrder.map(stage => stage.name);
	}

	get sending(): number {
		return pending(this.#outgoing);
	}

	receive(message: PipelineMessage): boolean {
		this.#enterIncoming(0, message);
		return pending(this.#incoming) < this.#maxPending;
	}

	send(message: PipelineMessage): boolean {
		this.#transmitRefused = false;
		this.#enterOutgoing(0, message);
		return !this.#transmitRefused && pending(this.#outgoing) < this.#maxPending;
	}

	event(event: PipelineEvent): void {
		this.#enterIncoming(0, event);
	}

	async settled(): Promise<void> {
		const serials = [...this.#incoming, ...this.#outgoing];
		while (pending(serials) > 0) {
			// eslint-disable-next-line no-await-in-loop -- a stage may pass work on while the others settle
			await Promise.all(serials.map(async serial => serial.settled()));
		}
	}

	unanswered(): readonly string[] {
		return this.#stages.flatMap(stage => stage.unanswered?.() ?? []);
	}

	closing(close: () => void): void {
		const holds = this.#stages.map(stage => stage.closing?.()).filter(result => isThenable(result));
		if (holds.length === 0) {
			close();
			return;
		}

		let done = false;
		const finish = (): void => {
			if (!done) {
				done = true;
				this.#clock.clearTimeout(timer);
				close();
			}
		};

		const timer = this.#clock.setTimeout(finish, this.#closingTimeout);
		void Promise.all(holds.map(async hold => Promise.resolve(hold).catch(() => undefined))).then(finish);
	}

	/** What the stage at `position` (in the factories' order) may do on its own: it enters the paths just after itself. */
	#link(position: number): StageLink {
		const after = (order: readonly Stage[]): number => order.indexOf(this.#stages[position]!) + 1;
		const sink = this.#sink;
		const outgoing = this.#outgoing;
		return {
			receive: message => {
				this.#enterIncoming(after(this.#incomingOrder), message);
			},
			send: message => {
				this.#enterOutgoing(after(this.#outgoingOrder), message);
			},
			close(code, reason) {
				sink.close(code, reason);
			},
			drop(fault) {
				sink.drop?.(fault);
			},
			exit: code => {
				this.#enterIncoming(after(this.#incomingOrder), {type: 'exit', code});
			},
			log(line) {
				sink.log(line);
			},
			error(line) {
				sink.error(line);
			},
			get sending() {
				return pending(outgoing);
			},
		};
	}

	#enterIncoming(index: number, item: Item): void {
		if (index === this.#incomingOrder.length) {
			if (isMessage(item)) {
				this.#sink.deliver(item);
			} else {
				this.#sink.event(item);
			}

			return;
		}

		this.#incoming[index]!.push(() => this.#runIncoming(index, item));
	}

	#enterOutgoing(index: number, message: PipelineMessage): void {
		if (index === this.#outgoingOrder.length) {
			if (this.#sink.transmit(message) === false) {
				this.#transmitRefused = true;
			}

			return;
		}

		this.#outgoing[index]!.push(() => this.#runOutgoing(index, message));
	}

	#runIncoming(index: number, item: Item): unknown {
		const stage = this.#incomingOrder[index]!;
		const next = (passed: Item): void => {
			this.#enterIncoming(index + 1, passed);
		};

		if (isMessage(item)) {
			return stage.receive === undefined ? next(item) : stage.receive(item, next);
		}

		const result = item.type === 'exit' ? undefined : stage.event?.(item);
		if (isThenable(result)) {
			return Promise.resolve(result).then(() => {
				next(item);
			}, () => {
				next(item);
			});
		}

		next(item);
		return undefined;
	}

	#runOutgoing(index: number, message: PipelineMessage): unknown {
		const stage = this.#outgoingOrder[index]!;
		const next = (passed: PipelineMessage): void => {
			this.#enterOutgoing(index + 1, passed);
		};

		return stage.send === undefined ? next(message) : stage.send(message, next);
	}
}

function pending(serials: readonly Serial[]): number {
	return serials.reduce((sum, serial) => sum + serial.pending, 0);
}
