/*
The hooks of one connection: `--reply` rules, `--until` and a `--script`'s hooks, the same for
pipe mode, the session and serve. The pipeline's hooks stage (stage.ts) calls its steps in order,
one message at a time, and waits for a step's promise (an async hook) before the next:

  received: receive(message) -> rules, onMessage -> sink.deliver(handled)
  to send:  send(message)    -> onSend           -> sink.send(message)
  ctx.send, --reply answers                      -> sink.send(message)

so codecs and protocols go before it and the recorder after it, and whatever the hooks send
takes the consumer's one outgoing path. The parts: call.ts runs a hook (its errors become lines),
context.ts builds ctx, timers.ts keeps the timers a script sets, outbox.ts holds what ctx.send
sends during onMessage, burst.ts bounds what hooks send in one go, rules.ts matches --reply and
--until; this file sequences the steps.
*/
import type {Clock} from '../shared/clock.js';
import {createMessage, messageFrom, type PipelineMessage} from '../pipeline/message.js';
import {type CallHook, hookCaller} from './call.js';
import {SendBurst} from './burst.js';
import {hookContext} from './context.js';
import {HookOutbox} from './outbox.js';
import {matchesUntil, replyTo, type ReplyRule} from './rules.js';
import type {AnyHooks, Role, ScriptFile} from './script.js';
import {HookTimers} from './timers.js';
import type {HookWatch} from './watchdog.js';
import type {HookCloseEvent, HookContext, ServeContext, ServeRequest} from './types.js';

/** A loaded `--script`; `hooks` is replaced when serve reloads the file. */
export type HookScript = {
	readonly file: ScriptFile;
	hooks: AnyHooks;
};

/** What the command line asked for, checked and loaded once; a runner is made from it per connection. */
export type HookConfig = {
	readonly role: Role;
	readonly rules: readonly ReplyRule[];
	/** `--until` (client only). */
	readonly until?: RegExp;
	readonly script?: HookScript;
	/** Told when each hook starts and returns, so that a stuck one does not take Ctrl-C away (watchdog.ts). */
	readonly watch?: HookWatch;
};

/** A received message after the hooks, for the consumer to show, print or answer. */
export type Handled = {
	readonly message: PipelineMessage;
	/**
	undefined: as usual (show it; serve: echo or broadcast it). null: hide it, but count and record
	it (serve: answer nothing). A message: show that instead (serve: send that to this client instead).
	*/
	readonly outcome: PipelineMessage | null | undefined;
	/** A `--reply` rule answered it (serve: so it is not echoed). */
	readonly replied: boolean;
};

/** What the consumer does for the hooks. */
export type HookSink = {
	/**
	A message on its way out (what onSend let through, ctx.send, a --reply answer): send it on
	through the rest of the outgoing path, shown and recorded like any sent message. May return
	false when the connection is over its high-water mark.
	*/
	send(message: PipelineMessage): boolean | void;
	/** A received message, after the hooks. */
	deliver(handled: Handled): void;
	/** Start the close handshake (code and reason already checked). */
	close(code: number, reason: string): void;
	/** End the run with this exit code (client: ctx.exit, or the `--until` message was delivered). */
	exit?(code: number): void;
	/** Send to every other client (serve). */
	broadcast?(message: PipelineMessage): void;
	/** A line from ctx.log, control characters already made visible. */
	log(line: string): void;
	/** A line saying a hook failed (file and line, hook, error), already made safe. */
	error(line: string): void;
};

export type RunnerOptions = {
	readonly sink: HookSink;
	/** ctx.url: the connection's URL, without credentials. */
	readonly url: string;
	/** serve: the client's handshake request, ctx.request. */
	readonly request?: ServeRequest;
	/** The clock of the timers a script sets (ctx.setTimeout, ctx.setInterval). */
	readonly clock: Pick<Clock, 'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval'>;
};

/** Each step returns a promise when a hook is async: the caller must wait for it before the next step. */
export type HookRunner = {
	/** The connection opened (again): runs onOpen (serve: onConnect). */
	open(): unknown;
	/** A message arrived: the rules, then onMessage, then sink.deliver. */
	receive(message: PipelineMessage): unknown;
	/** A message is to be sent: onSend, then sink.send. */
	send(message: PipelineMessage): unknown;
	/** The connection closed: clears the hooks' timers, then runs onClose (once per open: a second close is only the clearing). */
	close(event: HookCloseEvent): unknown;
};

export function createHookRunner(config: HookConfig, options: RunnerOptions): HookRunner {
	return new ConnectionHooks(config, options);
}

/** The steps, for one connection (in the client, across its reconnects: ctx.state is kept). */
class ConnectionHooks implements HookRunner {
	readonly #config: HookConfig;
	readonly #sink: HookSink;
	readonly #call: CallHook;
	readonly #fail: (hook: string, error: unknown) => void;
	readonly #outbox: HookOutbox;
	readonly #timers: HookTimers;
	readonly #ctx: HookContext & ServeContext;
	/** Between an open and its close: onClose is for a connection onOpen saw (one per open, whatever else the consumer reports). */
	#connected = false;

	constructor(config: HookConfig, {sink, url, request, clock}: RunnerOptions) {
		this.#config = config;
		this.#sink = sink;
		const {call, fail} = hookCaller(config.script?.file, line => {
			sink.error(line);
		}, config.watch);
		this.#call = call;
		this.#fail = fail;
		this.#outbox = new HookOutbox(sink);
		this.#timers = new HookTimers(clock, call);
		const burst = new SendBurst(clock);
		this.#ctx = hookContext({role: config.role, url, request, outbox: this.#outbox, burst, timers: this.#timers, sink});
	}

	get #hooks(): AnyHooks | undefined {
		return this.#config.script?.hooks;
	}

	open(): unknown {
		this.#connected = true;
		const client = this.#config.role === 'client';
		const hook = client ? this.#hooks?.onOpen : this.#hooks?.onConnect;
		return hook === undefined ? undefined : this.#call(client ? 'onOpen' : 'onConnect', () => hook(this.#ctx), () => undefined);
	}

	receive(message: PipelineMessage): unknown {
		if (this.#outbox.exited) {
			return undefined;
		}

		const reply = replyTo(this.#config.rules, message);
		const hook = this.#hooks?.onMessage;
		if (hook === undefined) {
			this.#deliver(message, undefined, reply);
			return undefined;
		}

		if (this.#config.role === 'client') {
			this.#outbox.hold();
		}

		return this.#call('onMessage', () => hook(message, this.#ctx), result => {
			this.#deliver(message, result, reply);
		});
	}

	send(message: PipelineMessage): unknown {
		const hook = this.#hooks?.onSend;
		if (hook === undefined) {
			this.#sink.send(message);
			return undefined;
		}

		return this.#call('onSend', () => hook(message, this.#ctx), result => {
			if (result === null) {
				return;
			}

			let replacement = message;
			try {
				replacement = result === undefined ? message : messageFrom(result, 'onSend\'s return value');
			} catch (error) {
				this.#fail('onSend', error);
			}

			this.#sink.send(replacement);
		});
	}

	close(event: HookCloseEvent): unknown {
		const clear = (): void => {
			this.#timers.clear();
		};

		clear();
		const hook = this.#hooks?.onClose;
		const wasConnected = this.#connected;
		this.#connected = false;
		return hook === undefined || !wasConnected
			? clear()
			: this.#call('onClose', () => hook({code: event.code, reason: event.reason, byUs: event.byUs}, this.#ctx), clear);
	}

	/**
	onMessage's result as the outcome delivered, with the --reply answer when the hook left the
	message to the default (returned undefined, or failed): the hook decides, a rule is the default.
	The answer goes after the message is delivered (serve: in the echo's place); then, in the
	client, what ctx.send held, and the exit.
	*/
	#deliver(message: PipelineMessage, result: unknown, matchedReply: string | undefined): void {
		let outcome: PipelineMessage | null | undefined;
		try {
			outcome = result === undefined || result === null ? result : messageFrom(result, 'onMessage\'s return value');
		} catch (error) {
			this.#fail('onMessage', error);
		}

		const reply = outcome === undefined ? matchedReply : undefined;
		const {sends, exitCode} = this.#outbox.release();
		this.#sink.deliver({message, outcome, replied: reply !== undefined});
		if (reply !== undefined) {
			this.#sink.send(createMessage(reply, false));
		}

		if (this.#config.role !== 'client') {
			return;
		}

		for (const queued of sends) {
			this.#sink.send(queued);
		}

		const {until} = this.#config;
		if (exitCode !== undefined) {
			this.#outbox.exit(exitCode);
		} else if (until !== undefined && outcome !== null && matchesUntil(until, outcome ?? message)) {
			// --until waits for a printed message: one onMessage hid does not count, one it replaced is matched as printed.
			this.#outbox.exit(0);
		}
	}
}
