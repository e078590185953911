import type {CloseEvent, OpenEvent} from '../connection/events.js';
import type {PongEvent} from '../connection/keepalive.js';
import type {PipelineMessage} from './message.js';

/**
What happens on the connection besides data messages. Events travel the incoming path, in order
with the messages around them, so a stage and the consumer see them where they happened.
*/
export type PipelineEvent =
	| ({readonly type: 'open'} & OpenEvent)
	| {readonly type: 'ping'; readonly payload: Buffer}
	| ({readonly type: 'pong'} & PongEvent)
	| ({readonly type: 'close'} & CloseEvent)
	/** A stage ended the run (ctx.exit, --until): the consumer sees it after the messages before it. */
	| {readonly type: 'exit'; readonly code: number};

/** Passes a message on to the next stage (and at the end, the consumer or the connection). */
export type Next = (message: PipelineMessage) => void;

/** A stage's result: a promise holds the messages behind it (in that direction) until it settles. */
export type StageResult = void | PromiseLike<unknown>;

/** What a stage may do on its own, given once when the pipeline is built. */
export type StageLink = {
	/** Passes a received message on, after this stage (the same as receive's `next`). */
	receive(message: PipelineMessage): void;
	/**
	Sends a message into the outgoing path just after this stage (an answer, a handshake, a
	heartbeat): it goes through the stages below, is recorded and sent like any other.
	*/
	send(message: PipelineMessage): void;
	/** Starts the close handshake (code and reason already checked). */
	close(code: number, reason: string): void;
	/**
	Drops the connection as failed, with no close handshake (a protocol's handshake that never
	finished on a reconnect): `fault` says why; with --reconnect it is one more failed attempt.
	*/
	drop(fault: string): void;
	/** Ends the run with this exit code, once the messages this stage passed on are delivered. */
	exit(code: number): void;
	/** A line for the user (stderr in pipe mode), control characters already made visible. */
	log(line: string): void;
	/** A line saying something failed in the stage (a hook threw), already made safe. */
	error(line: string): void;
	/** Messages given to send and not yet through every stage (lines a protocol holds until its handshake). */
	readonly sending?: number;
};

/**
One stage of a connection's pipeline. Every method is optional: a stage that does not implement
one passes what comes on unchanged. Each is called for one message (or event) at a time, in order;
it calls `next` zero or more times (now, or before its returned promise settles) and must not
throw (catch and report through `link.error`).
*/
export type Stage = {
	/** For error lines and tests. */
	readonly name: string;
	/**
	A tap watches the wire rather than changing messages (the recorder): it comes last in both
	directions, so it sees received messages after every stage and sent ones as they go out.
	*/
	readonly tap?: boolean;
	/** A received message, coming up from the connection. */
	receive?(message: PipelineMessage, next: Next): StageResult;
	/** A message on its way down to the connection. */
	send?(message: PipelineMessage, next: Next): StageResult;
	/** An event on the incoming path; it is passed on after this returns (or settles). */
	event?(event: PipelineEvent): StageResult;
	/**
	The consumer is about to close the connection (the end of a run, a close asked for): a goodbye
	(STOMP's DISCONNECT) goes now through `link.send`, and a promise holds the close until its
	answer came. The pipeline bounds the wait; the promise need not (and should not reject).
	*/
	closing?(): StageResult;
	/**
	The requests sent that no answer came to, each in a few words (`sum [1,2] (id 1)`), for the end
	of a run that gave up waiting (pipe mode's --linger): it names them and exits 4.
	*/
	unanswered?(): readonly string[];
};

/** Builds a stage for one pipeline: once per connection (in the client, once for all its reconnects). */
export type StageFactory = (link: StageLink) => Stage;
