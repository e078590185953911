/*
The hooks of one connection: `--reply` rules, `--until` and a `--script`'s hooks, the same for
pipe mode, the session and serve. The pipeline's hooks stage (stage.ts) calls its steps in order,
one message at a time, and waits for a step's promise (an async hook) before the next:

  received: receive(message) -> rules, onMessage -> sink.deliver(handled)
  to send:  send(message)    -> onSend           -> sink.send(message)
  ctx.send, --reply answers                      -> sink.send(message)

so codecs and protocols go before it and the recorder after it, and whatever the hooks send
takes the consumer's one outgoing path.
*/
import {formatWithOptions} from 'node:util';
import {closeProblem} from '../connection/close-codes.js';
import {escapeControl} from '../shared/escape-text.js';
import {createMessage, messageFrom, type PipelineMessage} from '../pipeline/message.js';
import {matchesUntil, replyTo, type ReplyRule} from './rules.js';
import {describeHookError, type AnyHooks, type Role, type ScriptFile} from './script.js';
import type {BaseContext, HookCloseEvent, HookContext, HookTimer, Sendable, ServeContext, ServeRequest} from './types.js';

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

/** The timer functions hooks' timers use (the global ones by default). */
export type HookTimerFunctions = {
	readonly setTimeout: (callback: () => void, ms: number) => NodeJS.Timeout;
	readonly setInterval: (callback: () => void, ms: number) => NodeJS.Timeout;
	readonly clearTimeout: (timer: NodeJS.Timeout) => void;
	readonly clearInterval: (timer: NodeJS.Timeout) => void;
};

export type RunnerOptions = {
	readonly sink: HookSink;
	/** ctx.url: the connection's URL, without credentials. */
	readonly url: string;
	/** serve: the client's handshake request, ctx.request. */
	readonly request?: ServeRequest;
	readonly timers?: HookTimerFunctions;
};

/** Each step returns a promise when a hook is async: the caller must wait for it before the next step. */
export type HookRunner = {
	/** The connection opened (again): runs onOpen (serve: onConnect). */
	open(): unknown;
	/** A message arrived: the rules, then onMessage, then sink.deliver. */
	receive(message: PipelineMessage): unknown;
	/** A message is to be sent: onSend, then sink.send. */
	send(message: PipelineMessage): unknown;
	/** The connection closed: clears the hooks' timers, then runs onClose. */
	close(event: HookCloseEvent): unknown;
};

const globalTimers: HookTimerFunctions = {
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	setInterval: (callback, ms) => setInterval(callback, ms),
	clearTimeout(timer) {
		clearTimeout(timer);
	},
	clearInterval(timer) {
		clearInterval(timer);
	},
};

function isThenable(value: unknown): value is PromiseLike<unknown> {
	return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

function checkExitCode(code: number): void {
	if (!Number.isInteger(code) || code < 0 || code > 255) {
		throw new RangeError(`ctx.exit: the exit code must be a whole number from 0 to 255, not ${String(code)}`);
	}
}

export function createHookRunner(config: HookConfig, options: RunnerOptions): HookRunner {
	const {sink, url, request} = options;
	const {role, rules, until, script} = config;
	const timerFunctions = options.timers ?? globalTimers;
	const timers = new Map<NodeJS.Timeout, 'timeout' | 'interval'>();
	const state: Record<string, unknown> = {};
	// Client: what ctx.send sends while a received message is in onMessage goes out after that
	// message is delivered, so displays and recordings show the question before the answer.
	let deferred: PipelineMessage[] | undefined;
	let pendingExit: number | undefined;
	let exited = false;

	const report = (hook: string, error: unknown): void => {
		sink.error(describeHookError(script?.file, hook, error));
	};

	/** Runs a hook and then `after` with its result (undefined when it failed); a promise if the hook returned one. */
	const call = (hook: string, invoke: () => unknown, after: (result: unknown) => void): unknown => {
		let result: unknown;
		try {
			result = invoke();
		} catch (error) {
			report(hook, error);
			after(undefined);
			return undefined;
		}

		if (!isThenable(result)) {
			after(result);
			return undefined;
		}

		return Promise.resolve(result).then(after, (error: unknown) => {
			report(hook, error);
			after(undefined);
		});
	};

	const exit = (code: number): void => {
		if (!exited) {
			exited = true;
			sink.exit?.(code);
		}
	};

	const clearTimers = (): void => {
		for (const [timer, kind] of timers) {
			if (kind === 'timeout') {
				timerFunctions.clearTimeout(timer);
			} else {
				timerFunctions.clearInterval(timer);
			}
		}

		timers.clear();
	};

	const startTimer = (kind: 'timeout' | 'interval', callback: (...args: unknown[]) => unknown, ms: unknown, args: unknown[]): HookTimer => {
		if (typeof callback !== 'function') {
			throw new TypeError(`ctx.set${kind === 'timeout' ? 'Timeout' : 'Interval'}: the callback must be a function`);
		}

		const delay = typeof ms === 'number' && ms > 0 ? ms : 0;
		const fire = (): void => {
			if (kind === 'timeout') {
				timers.delete(timer);
			}

			call(`a ${kind === 'timeout' ? 'setTimeout' : 'setInterval'} callback`, () => callback(...args), () => undefined);
		};

		const timer = kind === 'timeout' ? timerFunctions.setTimeout(fire, delay) : timerFunctions.setInterval(fire, delay);
		timers.set(timer, kind);
		return timer as HookTimer;
	};

	const stopTimer = (timer: HookTimer | undefined): void => {
		const kind = timers.get(timer as NodeJS.Timeout);
		if (kind !== undefined) {
			timers.delete(timer as NodeJS.Timeout);
			if (kind === 'timeout') {
				timerFunctions.clearTimeout(timer as NodeJS.Timeout);
			} else {
				timerFunctions.clearInterval(timer as NodeJS.Timeout);
			}
		}
	};

	const base: BaseContext = {
		send(data: Sendable): void {
			const message = messageFrom(data, 'ctx.send');
			if (deferred === undefined) {
				sink.send(message);
			} else {
				deferred.push(message);
			}
		},
		close(code = 1000, reason = ''): void {
			const problem = closeProblem(code, String(reason));
			if (problem !== undefined) {
				throw new RangeError(`ctx.close: ${problem}`);
			}

			sink.close(code, String(reason));
		},
		log(...values: unknown[]): void {
			sink.log(escapeControl(formatWithOptions({colors: false}, ...values), {keepLayout: true}));
		},
		state,
		url,
		setTimeout: (callback, ms, ...args) => startTimer('timeout', callback as (...args: unknown[]) => unknown, ms, args),
		setInterval: (callback, ms, ...args) => startTimer('interval', callback as (...args: unknown[]) => unknown, ms, args),
		clearTimeout: stopTimer,
		clearInterval: stopTimer,
	};
	const ctx: HookContext | ServeContext = role === 'client'
		? {
			...base,
			exit(code = 0): void {
				checkExitCode(code);
				// Inside onMessage: after that message is delivered.
				if (deferred === undefined) {
					exit(code);
				} else {
					pendingExit ??= code;
				}
			},
		}
		: {
			...base,
			request: request ?? {path: '/', headers: {}, remoteAddress: undefined},
			broadcast(data: Sendable): void {
				sink.broadcast?.(messageFrom(data, 'ctx.broadcast'));
			},
		};
	// The hooks are typed per role for scripts; here either kind of context goes to either kind of hook.
	const anyCtx = ctx as HookContext & ServeContext;

	const deliver = (message: PipelineMessage, result: unknown, reply: string | undefined): void => {
		let outcome: PipelineMessage | null | undefined;
		try {
			outcome = result === undefined || result === null ? result : messageFrom(result, 'onMessage\'s return value');
		} catch (error) {
			report('onMessage', error);
		}

		const sends = deferred ?? [];
		deferred = undefined;
		sink.deliver({message, outcome, replied: reply !== undefined});
		if (role === 'client') {
			if (reply !== undefined) {
				sink.send(createMessage(reply, false));
			}

			for (const queued of sends) {
				sink.send(queued);
			}

			if (pendingExit !== undefined) {
				exit(pendingExit);
			} else if (until !== undefined && matchesUntil(until, message)) {
				exit(0);
			}
		}
	};

	const handleReceived = (message: PipelineMessage): unknown => {
		if (exited) {
			return undefined;
		}

		const reply = replyTo(rules, message);
		const hook = script?.hooks.onMessage;
		if (role === 'server' && reply !== undefined) {
			// serve answers at once, before whatever the script does with the message.
			sink.send(createMessage(reply, false));
		}

		if (hook === undefined) {
			deliver(message, undefined, reply);
			return undefined;
		}

		if (role === 'client') {
			deferred = [];
		}

		return call('onMessage', () => hook(message, anyCtx), result => {
			deliver(message, result, reply);
		});
	};

	const handleSend = (message: PipelineMessage): unknown => {
		const hook = script?.hooks.onSend;
		if (hook === undefined) {
			sink.send(message);
			return undefined;
		}

		return call('onSend', () => hook(message, anyCtx), result => {
			if (result === null) {
				return;
			}

			let replacement = message;
			try {
				replacement = result === undefined ? message : messageFrom(result, 'onSend\'s return value');
			} catch (error) {
				report('onSend', error);
			}

			sink.send(replacement);
		});
	};

	const handleOpen = (): unknown => {
		const hook = role === 'client' ? script?.hooks.onOpen : script?.hooks.onConnect;
		return hook === undefined ? undefined : call(role === 'client' ? 'onOpen' : 'onConnect', () => hook(anyCtx), () => undefined);
	};

	const handleClose = (event: HookCloseEvent): unknown => {
		const hook = script?.hooks.onClose;
		return hook === undefined
			? clearTimers()
			: call('onClose', () => hook({code: event.code, reason: event.reason, byUs: event.byUs}, anyCtx), clearTimers);
	};

	return {
		open: handleOpen,
		receive: handleReceived,
		send: handleSend,
		close(event) {
			clearTimers();
			return handleClose(event);
		},
	};
}
