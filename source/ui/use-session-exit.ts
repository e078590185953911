import {useCallback, useEffect, useRef, useState} from 'react';
import type {Connection} from '../connection/connection.js';
import {endCode} from '../session/end-report.js';
import type {SessionMessagePath} from '../session/message-path.js';
import {closeThroughStages} from '../session/outgoing.js';
import type {Session} from '../session/state.js';

type Options = {
	readonly connection: Connection;
	readonly messagePath: SessionMessagePath | undefined;
	readonly session: Pick<Session, 'opened' | 'exitCode' | 'exitRequest' | 'unsent'>;
	/** --reconnect. */
	readonly reconnect: boolean;
	/** Called once, with the exit code and how many typed messages were never sent. */
	readonly onExit: (code: number, unsent: number) => void;
};

export type SessionExit = {
	/** A quit was asked for: keys do nothing more while the connection closes (but quit again). */
	readonly quitting: boolean;
	/**
	/quit, Ctrl-C: close with 1000, and exit once closed. Again while closing: exit at once, without
	waiting for the peer's answer (or the stages' goodbye), the close still wsterm's 1000.
	*/
	readonly quit: () => void;
	/** Closes the connection through the stages; returns why it cannot be. */
	readonly closeConnection: (code: number, reason?: string) => string | undefined;
};

/**
How the session ends: a quit (a key, /quit, or a hook's ctx.exit) closes the connection with 1000
and exits once it is closed, at once when there is nothing to close; with --reconnect, a first
connection that fails ends it too. `onExit` is called once.
*/
export function useSessionExit({connection, messagePath, session, reconnect, onExit}: Options): SessionExit {
	const [quitting, setQuitting] = useState(false);
	// Also a ref: a second Ctrl-C in the same read as the first comes before the next render.
	const quitAsked = useRef(false);
	const beginQuit = useCallback(() => {
		quitAsked.current = true;
		setQuitting(true);
	}, []);
	const exited = useRef(false);
	const finish = useCallback((code: number, unsent: number) => {
		if (!exited.current) {
			exited.current = true;
			// Lines a protocol still holds were typed while its handshake was not done: never sent either.
			const never = unsent + (messagePath?.sending ?? 0);
			onExit(endCode(code, never), never);
		}
	}, [onExit, messagePath]);

	// With --reconnect, a first connection that fails ends the session (exit 1 and the reason on
	// stderr), as in pipe mode: only a connection that was open once is retried.
	const gaveUp = reconnect && !session.opened;
	useEffect(() => {
		if ((quitting || gaveUp) && session.exitCode !== undefined && connection.state === 'closed') {
			finish(session.exitRequest ?? session.exitCode, session.unsent);
		}
	}, [quitting, gaveUp, session.exitCode, session.exitRequest, session.unsent, connection, finish]);

	// Through the pipeline when there is one, so that its stages say goodbye first (STOMP's DISCONNECT).
	const closeConnection = useCallback((code: number, reason = '') => closeThroughStages(connection, messagePath, code, reason), [connection, messagePath]);

	// ctx.exit(code): quit as /quit does, with the hook's code; at once when there is nothing to close.
	useEffect(() => {
		if (session.exitRequest === undefined) {
			return;
		}

		if (connection.state === 'open' || connection.state === 'closing') {
			beginQuit();
			if (connection.state === 'open') {
				closeConnection(1000);
			}
		} else {
			finish(session.exitRequest, session.unsent);
		}
	}, [session.exitRequest, session.unsent, connection, closeConnection, finish, beginQuit]);

	const quit = useCallback(() => {
		if (quitAsked.current) {
			// Asked again: a peer that never answers the close is not waited for. Our 1000 is the
			// close (sent now if the stages still held it), and the socket is dropped: 'close' follows at once.
			if (connection.state === 'open') {
				connection.close(1000);
			}

			connection.terminate();
			return;
		}

		beginQuit();
		if (connection.state !== 'closed' && connection.state !== 'closing') {
			closeConnection(1000);
		}
	}, [connection, closeConnection, beginQuit]);
	return {quitting, quit, closeConnection};
}
