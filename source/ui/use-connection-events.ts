import {type Dispatch, useEffect} from 'react';
import type {Clock, Connection} from '../connection/connection.js';
import {listenToConnection} from '../session/events.js';
import type {SessionAction, SessionEvent} from '../session/session.js';
import type {SessionMessagePath} from '../session/message-path.js';

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
	readonly initialMessages?: readonly string[] | undefined;
	/** Hands over the events recorded before the UI listened (the connection opens while the UI loads). */
	readonly takeBacklog?: (() => readonly SessionEvent[]) | undefined;
	/** The message pipeline the connection's messages go through (none without pipeline flags). */
	readonly messagePath?: SessionMessagePath | undefined;
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
export function useConnectionEvents({connection, dispatch, clock, now, interval, initialMessages = noMessages, takeBacklog, messagePath}: Options): void {
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

		// Events from before the UI was there come first, in order.
		for (const event of takeBacklog?.() ?? []) {
			push(event);
		}

		const stop = listenToConnection(connection, now, push, initialMessages, messagePath);
		return () => {
			stop();
			if (timer !== undefined) {
				clock.clearTimeout(timer);
			}

			// Another listener takes over (the session gained a pipeline with /decode): what is held
			// goes to the reducer now, before the events that listener hands over.
			if (buffer.length > 0) {
				flush();
			} else if (paused) {
				paused = false;
				connection.resume();
			}
		};
	}, [connection, dispatch, clock, now, interval, initialMessages, takeBacklog, messagePath]);
}
