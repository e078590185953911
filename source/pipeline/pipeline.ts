/*
Runs a connection's stages in order, each direction one message at a time per stage: a stage that
returns a promise holds what comes behind it, the others run at once (with no stages at all, a
message goes straight through, with no queue and no tick).
*/
import type {Clock} from '../shared/clock.js';
import {PipelineMessage} from './message.js';
import {Serial} from './serial.js';
import type {PipelineEvent, Stage, StageFactory, StageLink} from './stage.js';

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

const systemTimers: Pick<Clock, 'setTimeout' | 'clearTimeout'> = {
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: timer => {
		clearTimeout(timer);
	},
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
export function createPipeline(factories: readonly StageFactory[], sink: PipelineSink, {maxPending = 1000, closingTimeout = 1000, clock = systemTimers}: PipelineOptions = {}): Pipeline {
	if (factories.length === 0) {
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
			sending: 0,
			names: [],
		};
	}

	const stages: Stage[] = [];
	const incoming: Serial[] = [];
	const outgoing: Serial[] = [];
	let incomingOrder: Stage[] = [];
	let outgoingOrder: Stage[] = [];
	let transmitRefused = false;
	const pending = (serials: readonly Serial[]): number => serials.reduce((sum, serial) => sum + serial.pending, 0);

	const enterIncoming = (index: number, item: Item): void => {
		if (index === incomingOrder.length) {
			if (item instanceof PipelineMessage) {
				sink.deliver(item);
			} else {
				sink.event(item);
			}

			return;
		}

		incoming[index]!.push(() => runIncoming(index, item));
	};

	const enterOutgoing = (index: number, message: PipelineMessage): void => {
		if (index === outgoingOrder.length) {
			if (sink.transmit(message) === false) {
				transmitRefused = true;
			}

			return;
		}

		outgoing[index]!.push(() => runOutgoing(index, message));
	};

	const runIncoming = (index: number, item: Item): unknown => {
		const stage = incomingOrder[index]!;
		const next = (passed: Item): void => {
			enterIncoming(index + 1, passed);
		};

		if (item instanceof PipelineMessage) {
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
	};

	const runOutgoing = (index: number, message: PipelineMessage): unknown => {
		const stage = outgoingOrder[index]!;
		const next = (passed: PipelineMessage): void => {
			enterOutgoing(index + 1, passed);
		};

		return stage.send === undefined ? next(message) : stage.send(message, next);
	};

	for (const factory of factories) {
		const position = stages.length;
		const link: StageLink = {
			receive(message) {
				enterIncoming(incomingOrder.indexOf(stages[position]!) + 1, message);
			},
			send(message) {
				enterOutgoing(outgoingOrder.indexOf(stages[position]!) + 1, message);
			},
			close(code, reason) {
				sink.close(code, reason);
			},
			drop(fault) {
				sink.drop?.(fault);
			},
			exit(code) {
				enterIncoming(incomingOrder.indexOf(stages[position]!) + 1, {type: 'exit', code});
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
		stages.push(factory(link));
		incoming.push(new Serial());
		outgoing.push(new Serial());
	}

	const inner = stages.filter(stage => stage.tap !== true);
	const taps = stages.filter(stage => stage.tap === true);
	incomingOrder = [...inner, ...taps];
	outgoingOrder = [...inner.toReversed(), ...taps];

	return {
		receive(message) {
			enterIncoming(0, message);
			return pending(incoming) < maxPending;
		},
		send(message) {
			transmitRefused = false;
			enterOutgoing(0, message);
			return !transmitRefused && pending(outgoing) < maxPending;
		},
		event(event) {
			enterIncoming(0, event);
		},
		async settled() {
			while (pending(incoming) + pending(outgoing) > 0) {
				// eslint-disable-next-line no-await-in-loop -- a stage may pass work on while the others settle
				await Promise.all([...incoming, ...outgoing].map(async serial => serial.settled()));
			}
		},
		closing(close) {
			const holds = stages.map(stage => stage.closing?.()).filter(result => isThenable(result));
			if (holds.length === 0) {
				close();
				return;
			}

			let done = false;
			const finish = (): void => {
				if (!done) {
					done = true;
					clock.clearTimeout(timer);
					close();
				}
			};

			const timer = clock.setTimeout(finish, closingTimeout);
			void Promise.all(holds.map(async hold => Promise.resolve(hold).catch(() => undefined))).then(finish);
		},
		get sending() {
			return pending(outgoing);
		},
		names: incomingOrder.map(stage => stage.name),
	};
}
