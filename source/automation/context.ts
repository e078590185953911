/*
The `ctx` a connection's hooks get (types.ts is its public shape): the same object for every hook
of the connection (in the client, across reconnects), with the client's ctx.exit or serve's
ctx.request and ctx.broadcast.
*/
import {formatWithOptions} from 'node:util';
import {closeProblem} from '../connection/close-codes.js';
import {escapeControl} from '../shared/escape-text.js';
import {messageFrom, type PipelineMessage} from '../pipeline/message.js';
import type {SendBurst} from './burst.js';
import type {HookOutbox} from './outbox.js';
import type {Role} from './script.js';
import type {HookTimers} from './timers.js';
import type {BaseContext, HookContext, Sendable, ServeContext, ServeRequest} from './types.js';

export type ContextParts = {
	readonly role: Role;
	/** ctx.url: the connection's URL, without credentials. */
	readonly url: string;
	/** serve: the client's handshake request. */
	readonly request: ServeRequest | undefined;
	readonly outbox: HookOutbox;
	/** The bound on what ctx.send and ctx.broadcast send in one go. */
	readonly burst: SendBurst;
	readonly timers: HookTimers;
	/** What ctx.close, ctx.log and (serve) ctx.broadcast do. */
	readonly sink: {
		close(code: number, reason: string): void;
		log(line: string): void;
		broadcast?(message: PipelineMessage): void;
	};
};

/** The hooks are typed per role for scripts; the runner gives either kind of context to either kind of hook. */
export function hookContext(parts: ContextParts): HookContext & ServeContext {
	const base = baseContext(parts);
	const ctx: HookContext | ServeContext = parts.role === 'client'
		? {
			...base,
			exit(code = 0): void {
				checkExitCode(code);
				// Inside onMessage: after that message is delivered.
				parts.outbox.exitWhenDelivered(code);
			},
		}
		: {
			...base,
			request: parts.request ?? {path: '/', headers: {}, remoteAddress: undefined},
			broadcast(data: Sendable): void {
				const message = messageFrom(data, 'ctx.broadcast');
				parts.burst.count('ctx.broadcast', message.data.length);
				parts.sink.broadcast?.(message);
			},
		};
	return ctx as HookContext & ServeContext;
}

function baseContext({url, outbox, burst, timers, sink}: ContextParts): BaseContext {
	return {
		send(data: Sendable): void {
			const message = messageFrom(data, 'ctx.send');
			burst.count('ctx.send', message.data.length);
			outbox.send(message);
		},
		close(code = 1000, reason = ''): void {
			const problem = closeProblem(code, String(reason));
			if (problem !== undefined) {
				throw new RangeError(`ctx.close: ${problem}`);
			}

			sink.close(code, String(reason));
		},
		log(...values: unknown[]): void {
			// One line per call: objects are laid out on one line, and newlines in strings are escaped like any control character.
			sink.log(escapeControl(formatWithOptions({colors: false, compact: true, breakLength: Number.POSITIVE_INFINITY}, ...values)));
		},
		state: {},
		url,
		setTimeout: (callback, ms, ...args) => timers.start('timeout', callback as (...args: unknown[]) => unknown, ms, args),
		setInterval: (callback, ms, ...args) => timers.start('interval', callback as (...args: unknown[]) => unknown, ms, args),
		clearTimeout(timer) {
			timers.stop(timer);
		},
		clearInterval(timer) {
			timers.stop(timer);
		},
	};
}

function checkExitCode(code: number): void {
	if (!Number.isInteger(code) || code < 0 || code > 255) {
		throw new RangeError(`ctx.exit: the exit code must be a whole number from 0 to 255, not ${String(code)}`);
	}
}
