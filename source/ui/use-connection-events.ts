import {type Dispatch, useEffect} from 'react';
import type {Clock, CloseEvent, ConnectFailure, Connection, OpenEvent, PongEvent, ReconnectEvent} from '../connection.js';
import type {SessionAction, SessionEvent} from '../session.js';

type Options = {
	readonly connection: Connection;
	readonly dispatch: Dispatch<SessionAction>;
	/** Timers for batching. */
	readonly clock: Clock;
	/** Wall-clock milliseconds, for the entries' times. */
	readonly now: () => number;
	/** Milliseconds between batches: a flood becomes one state change per frame. */
	readonly interval: number;
	/** The -I messages the connection sends on each open, shown as sent then. */
	readonly initialMessages?: readonly string[];
};

/**
Events held for the next batch above which the socket stops being read until the batch is on
screen: a flood then waits in the kernel's buffers, not in memory, and keys get their turn.
*/
const maxBuffered = 2000;
// One array for every render: a new default would renew the listeners each time.
const noMessages: readonly string[] = [];

/**
Listens to the connection and hands its events to the session reducer in batches, one per
`interval`. The first event after a quiet spell waits at most one interval.
*/
export function useConnectionEvents({connection, dispatch, clock, now, interval, initialMessages = noMessages}: Options): void {
	useEffect(() => {
		let buffer: SessionEvent[] = [];
		let timer: NodeJS.Timeout | undefined;
		let paused = false;
		const flush = (): void => {
			timer = undefined;
			const events = buffer;
			buffer = [];
			// A copy: React may run the reducer after more messages have been counted, and the
			// status bar must not count rows the pane does not show yet.
			dispatch({type: 'events', events, stats: {...connection.stats}});
			if (paused) {
				paused = false;
				connection.resume();
			}
		};

		const push = (event: SessionEvent): void => {
			buffer.push(event);
			timer ??= clock.setTimeout(flush, interval);
			if (!paused && buffer.length >= maxBuffered) {
				paused = true;
				connection.pause();
			}
		};

		const listeners = {
			connecting: (attempt: number) => {
				push({type: 'connecting', attempt, time: now()});
			},
			open: ({protocol, extensions, attempt}: OpenEvent) => {
				push({type: 'open', protocol, extensions, attempt, initial: initialMessages, time: now()});
			},
			message: (data: Buffer, isBinary: boolean) => {
				push({type: 'message', data, isBinary, time: now()});
			},
			ping: (payload: Buffer) => {
				push({type: 'ping', payload, time: now()});
			},
			pong: ({payload, rtt, keepalive}: PongEvent) => {
				push({type: 'pong', payload, rtt, keepalive, time: now()});
			},
			close: ({code, reason, byUs, willReconnect}: CloseEvent) => {
				push({type: 'close', code, reason, byUs, willReconnect, time: now()});
			},
			'connect-error': ({message}: ConnectFailure) => {
				push({type: 'connect-error', message, time: now()});
			},
			reconnecting: ({attempt, delay}: ReconnectEvent) => {
				push({type: 'reconnecting', attempt, delay, time: now()});
			},
			error: (error: Error) => {
				push({type: 'error', message: error.message, time: now()});
			},
		};
		for (const [name, listener] of Object.entries(listeners)) {
			connection.on(name as keyof typeof listeners, listener as (...arguments_: unknown[]) => void);
		}

		return () => {
			for (const [name, listener] of Object.entries(listeners)) {
				connection.off(name as keyof typeof listeners, listener as (...arguments_: unknown[]) => void);
			}

			if (timer !== undefined) {
				clock.clearTimeout(timer);
			}
		};
	}, [connection, dispatch, clock, now, interval, initialMessages]);
}
