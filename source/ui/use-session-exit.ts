import {useCallback, useEffect, useRef, useState} from 'react';
import type {Connection} from '../connection/connection.js';
import {exitCodes} from '../shared/exit-codes.js';
import type {SessionPipe} from '../session/message-path.js';
import {closeThroughStages} from '../session/outgoing.js';
import type {Session} from '../session/state.js';

type Options = {
	readonly connection: Connection;
	readonly pipe: SessionPipe | undefined;
	readonly session: Pick<Session, 'opened' | 'exitCode' | 'exitRequest' | 'unsent'>;
	/** --reconnect. */
	readonly reconnect: boolean;
	/** Called once, with the exit code and how many typed messages were never sent. */
	readonly onExit: (code: number, unsent: number) => void;
};

export type SessionExit = {
	/** A quit was asked for: keys do nothing more while the connection closes. */
	readonly quitting: boolean;
	/** /quit, Ctrl-C: close with 1000, and exit once closed. */
	readonly quit: () => void;
	/** Closes the connection through the stages; returns why it cannot be. */
	readonly closeConnection: (code: number, reason?: string) => string | undefined;
};

/**
How the session ends: a quit (a key, /quit, or a hook's ctx.exit) closes the connection with 1000
and exits once it is closed, at once when there is nothing to close; with --reconnect, a first
connection that fails ends it too. `onExit` is called once.
*/
export function useSessionExit({connection, pipe, session, reconnect, onExit}: Options): SessionExit {
	const [quitting, setQuitting] = useState(false);
	const exited = useRef(false);
	const finish = useCallback((code: number, unsent: number) => {
		if (!exited.current) {
			exited.current = true;
			// Lines a protocol still holds were typed while its handshake was not done: never sent,
			// and a session quit then never connected (exit 1, as one quit before the first open).
			const held = pipe?.sending ?? 0;
			onExit(held > 0 && code === exitCodes.ok ? exitCodes.connectFailed : code, unsent + held);
		}
	}, [onExit, pipe]);

	// With --reconnect, a first connection that fails ends the session (exit 1 and the reason on
	// stderr), as in pipe mode: only a connection that was open once is retried.
	const gaveUp = reconnect && !session.opened;
	useEffect(() => {
		if ((quitting || gaveUp) && session.exitCode !== undefined && connection.state === 'closed') {
			finish(session.exitRequest ?? session.exitCode, session.unsent);
		}
	}, [quitting, gaveUp, session.exitCode, session.exitRequest, session.unsent, connection, finish]);

	// Through the pipeline when there is one, so that its stages say goodbye first (STOMP's DISCONNECT).
	const closeConnection = useCallback((code: number, reason = '') => closeThroughStages(connection, pipe, code, reason), [connection, pipe]);

	// ctx.exit(code): quit as /quit does, with the hook's code; at once when there is nothing to close.
	useEffect(() => {
		if (session.exitRequest === undefined) {
			return;
		}

		if (connection.state === 'open' || connection.state === 'closing') {
			setQuitting(true);
			if (connection.state === 'open') {
				closeConnection(1000);
			}
		} else {
			finish(session.exitRequest, session.unsent);
		}
	}, [session.exitRequest, session.unsent, connection, closeConnection, finish]);

	const quit = useCallback(() => {
		setQuitting(true);
		if (connection.state !== 'closed' && connection.state !== 'closing') {
			closeConnection(1000);
		}
	}, [connection, closeConnection]);
	return {quitting, quit, closeConnection};
}
