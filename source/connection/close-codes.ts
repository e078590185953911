/** Close codes that mean the connection ended normally. */
const cleanCodes = new Set([1000, 1001, 1005]);

/** Largest close reason in bytes: a close frame payload is at most 125 bytes, 2 of them the code. */
export const maxReasonBytes = 123;

/**
Whether a close code may be sent in a close frame (RFC 6455 section 7.4). ws throws on any other.
*/
export function isSendableCloseCode(code: number): boolean {
	return Number.isInteger(code)
		&& ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006)
			|| (code >= 3000 && code <= 4999));
}

/**
Checks a close code and reason before they reach `WebSocket#close()`.
Returns a message saying what is wrong, or undefined when both may be sent.
*/
export function closeProblem(code: number, reason = ''): string | undefined {
	if (!isSendableCloseCode(code)) {
		return `close code ${code} cannot be sent: use 1000-1003, 1007-1014 or 3000-4999`;
	}

	const bytes = Buffer.byteLength(reason);
	if (bytes > maxReasonBytes) {
		return `close reason is ${bytes} bytes; at most ${maxReasonBytes} fit in a close frame`;
	}

	return undefined;
}

/** Whether a received close code counts as a clean end of the connection. */
export function isCleanClose(code: number): boolean {
	return cleanCodes.has(code);
}

const names: Record<number, string> = {
	1000: 'normal closure',
	1001: 'going away',
	1002: 'protocol error',
	1003: 'unsupported data',
	1005: 'no status received',
	1006: 'abnormal closure',
	1007: 'invalid payload data',
	1008: 'policy violation',
	1009: 'message too big',
	1010: 'mandatory extension',
	1011: 'internal error',
	1012: 'service restart',
	1013: 'try again later',
	1014: 'bad gateway',
	1015: 'TLS handshake failure',
};

/** A close code with its name from the RFC, e.g. `1009 (message too big)`. */
export function describeCloseCode(code: number): string {
	const name = names[code];
	return name ? `${code} (${name})` : String(code);
}

/**
The close code ws sent because of an error on an open connection (1002 protocol error, 1007
invalid UTF-8, 1009 too big ...), or undefined for an error that sent none (a socket error).
ws keeps it under a symbol of its own; it is read by the symbol's name.
*/
export function sentCloseCode(error: Error): number | undefined {
	for (const symbol of Object.getOwnPropertySymbols(error)) {
		if (symbol.description === 'status-code') {
			const code = (error as unknown as Record<symbol, unknown>)[symbol];
			return typeof code === 'number' ? code : undefined;
		}
	}

	return undefined;
}

/**
Whether ws was reading a close frame when it raised its last error: ws says "invalid UTF-8
sequence" alike for a text message and a close reason, and only its receiver's current opcode
(8: close) tells them apart. ws keeps it in a field of its own, read by name; undefined when
there is none to read (another WebSocket, a later ws).
*/
export function erredInCloseFrame(socket: object): boolean {
	const receiver = (socket as {_receiver?: {_opcode?: unknown}})._receiver;
	return receiver?._opcode === 0x8;
}

/** Why wsterm closed a connection because of something the peer sent, in words. */
export function describeProtocolError(error: Error, inCloseFrame = false): string {
	const {code: errorCode} = error as NodeJS.ErrnoException;
	if (errorCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
		return 'a message was larger than --max-payload';
	}

	if (errorCode === 'WS_ERR_INVALID_UTF8') {
		return inCloseFrame ? 'the close reason was not valid UTF-8' : 'a text message was not valid UTF-8';
	}

	return `the peer broke the protocol: ${error.message}`;
}
