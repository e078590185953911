/*
The connection's events as the session reducer takes them (SessionEvent), each stamped with its
time. Shared by the UI hook that batches them and by the start-up code that records those that
come before the UI is there.
*/
import type {CloseEvent, ConnectFailure, Connection, OpenEvent, PongEvent, ReconnectEvent} from '../connection/connection.js';
import type {SessionEvent} from './session.js';
import type {SessionMessagePath} from './message-path.js';

/**
Calls `push` with each event of `connection` until the returned function is called. With a
pipeline, messages and the events its stages see go through it first (and it pushes them).
*/
export function listenToConnection(connection: Connection, now: () => number, push: (event: SessionEvent) => void, initialMessages: readonly string[] = [], messagePath?: SessionMessagePath): () => void {
	if (messagePath !== undefined) {
		messagePath.push = push;
	}

	const plain = {
		connecting(attempt: number) {
			push({type: 'connecting', attempt, time: now()});
		},
		open({protocol, extensions, attempt}: OpenEvent) {
			push({type: 'open', protocol, extensions, attempt, initial: initialMessages, time: now()});
		},
		message(data: Buffer, isBinary: boolean) {
			push({type: 'message', data, isBinary, time: now()});
		},
		ping(payload: Buffer) {
			push({type: 'ping', payload, time: now()});
		},
		pong({payload, rtt, keepalive}: PongEvent) {
			push({type: 'pong', payload, rtt, keepalive, time: now()});
		},
		close({code, reason, byUs, willReconnect, fault}: CloseEvent) {
			push({type: 'close', code, reason, byUs, willReconnect, ...(fault === undefined ? {} : {fault}), time: now()});
		},
		'connect-error'({message}: ConnectFailure) {
			push({type: 'connect-error', message, time: now()});
		},
		reconnecting({attempt, delay, failure}: ReconnectEvent) {
			push({type: 'reconnecting', attempt, delay, ...(failure === undefined ? {} : {failure: failure.message}), time: now()});
		},
		closing() {
			push({type: 'closing', time: now()});
		},
		error(error: Error) {
			push({type: 'error', message: error.message, time: now()});
		},
	};
	const listeners = messagePath === undefined ? plain : {
		...plain,
		open(event: OpenEvent) {
			messagePath.event({type: 'open', ...event});
		},
		message(data: Buffer, isBinary: boolean) {
			messagePath.receive(data, isBinary);
		},
		ping(payload: Buffer) {
			messagePath.event({type: 'ping', payload});
		},
		pong(event: PongEvent) {
			messagePath.event({type: 'pong', ...event});
		},
		close(event: CloseEvent) {
			messagePath.event({type: 'close', ...event});
		},
	};
	for (const [name, listener] of Object.entries(listeners)) {
		connection.on(name as keyof typeof listeners, listener as (...arguments_: unknown[]) => void);
	}

	return () => {
		for (const [name, listener] of Object.entries(listeners)) {
			connection.off(name as keyof typeof listeners, listener as (...arguments_: unknown[]) => void);
		}
	};
}
