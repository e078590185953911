/*
What the session says on stderr once it is over and the screen is restored: why it ended (when
not well) and how many typed messages were never sent.
*/
import {describeCloseCode} from '../connection/close-codes.js';
import type {CloseEvent, ConnectFailure} from '../connection/connection.js';
import {type ConnectionState, interruptedWhile} from '../connection/events.js';
import {escapeControl, plural} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import {closedWell} from './session.js';

export type SessionEnd = {
	readonly code: number;
	/** Typed messages that were never sent. */
	readonly unsent: number;
	/** The last failure to connect and the last close. */
	readonly last: {readonly failure: ConnectFailure | undefined; readonly close: CloseEvent | undefined};
	/** The URL shown (no password). */
	readonly url: string;
	/** The connection's state as the session ended: a signal while connecting says so. */
	readonly state: ConnectionState;
	/** The pipeline's last error row: a stage that ended the session (ctx.exit, a namespace refused) said why there. */
	readonly stageError: string | undefined;
};

/**
The exit code of a session that ends with `code`, `unsent` typed messages never sent: never 0
then (what was typed did not reach the peer), but 1, as a quit before the connection opened; with
or without --protocol, whether the connection or a protocol's handshake held them.
*/
export function endCode(code: number, unsent: number): number {
	return unsent > 0 && code === exitCodes.ok ? exitCodes.connectFailed : code;
}

/** Why the session ended, in a few words, when the connection did not end well. */
export function describeEnd(failure: ConnectFailure | undefined, close: CloseEvent | undefined, url: string): string | undefined {
	if (close !== undefined && !closedWell(close)) {
		const reason = close.reason === '' ? '' : ` ${escapeControl(close.reason)}`;
		if (close.byUs && close.fault === undefined) {
			return `quit before the connection to ${url} opened`;
		}

		if (close.code === 1006) {
			return `connection dropped (${describeCloseCode(close.code)}${reason})`;
		}

		return `${close.byUs ? 'wsterm' : 'server'} closed the connection with ${describeCloseCode(close.code)}${reason}`;
	}

	return failure === undefined ? undefined : `could not connect to ${url}: ${escapeControl(failure.message)}`;
}

/** The lines for stderr, each ending in a newline; none when the session ended well with everything sent. */
export function endLines({code, unsent, last, url, state, stageError}: SessionEnd): string[] {
	const lines: string[] = [];
	const interrupted = (code === exitCodes.sigint || code === exitCodes.sigterm) && (state === 'connecting' || state === 'reconnecting');
	const end = code === exitCodes.ok ? undefined : (interrupted ? interruptedWhile(state, url) : describeEnd(last.failure, last.close, url) ?? stageError);
	if (end !== undefined) {
		lines.push(`wsterm: ${end}\n`);
	}

	if (unsent > 0) {
		lines.push(`wsterm: ${plural(unsent, 'message')} typed while not connected ${unsent === 1 ? 'was' : 'were'} not sent\n`);
	}

	return lines;
}
