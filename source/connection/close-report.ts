/**
How a connection's end is reported: the close wsterm started (asked for, or forced by a fault)
wins over what ws saw at the end of the socket, and decides whether --reconnect tries again.
Pure: the connection records what it did and asks here what to say.
*/
import {describeProtocolError, isCleanClose, sentCloseCode} from './close-codes.js';

/** A close wsterm started on the current socket. */
export type OurClose = {
	readonly code: number;
	readonly reason: string;
	/** Set when a fault forced it, in words. */
	readonly fault?: string;
};

/** What a 'close' event says, before the reconnect decision. */
export type CloseReport = {
	readonly code: number;
	readonly reason: string;
	readonly byUs: boolean;
	readonly fault?: string;
};

/**
The close ws sent for an error on an open connection (1002, 1007, 1009), if it sent one;
`inCloseFrame`: the error was in the peer's close frame (its reason), not in a message.
*/
export function closeForError(error: Error, inCloseFrame = false): OurClose | undefined {
	const code = sentCloseCode(error);
	return code === undefined ? undefined : {code, reason: '', fault: describeProtocolError(error, inCloseFrame)};
}

/** No pong in time: wsterm drops the socket (no close frame, hence 1006) and says why. */
export function closeForDeadPeer(timeoutMs: number): OurClose {
	const why = `no pong within ${timeoutMs / 1000} s`;
	return {code: 1006, reason: why, fault: why};
}

/**
The end as reported: our close with its code when we started one (the peer's echo or ws's 1006
after a timeout says nothing new), else what the peer sent. A peer whose own close crossed ours
(its frame was on the way when we closed, say right after its last reply) said something of its
own: a code that is neither ours, nor clean, nor 1005/1006 is reported as the peer's.
*/
export function reportClose(ours: OurClose | undefined, code: number, reason: string): CloseReport {
	if (ours === undefined) {
		return {code, reason, byUs: false};
	}

	const peerSaidOtherwise = ours.fault === undefined && code !== ours.code && code !== 1005 && code !== 1006 && !isCleanClose(code);
	return peerSaidOtherwise ? {code, reason, byUs: false} : {...ours, byUs: true};
}

/** A drop or a fault is worth another connection; a close that was asked for, or a clean 1000, is not. */
export function wantsReconnect(report: CloseReport): boolean {
	return report.code !== 1000 && (!report.byUs || report.fault !== undefined);
}
