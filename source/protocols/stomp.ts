/*
STOMP over WebSocket (--protocol stomp), with @stomp/stompjs's frame parser and serializer; the
stage is the glue. On each open it sends CONNECT (accept-version 1.2, 1.1, 1.0; --vhost's host; --auth's login
and passcode; no heart-beats) and holds the lines until CONNECTED, then subscribes to each
--subscribe destination (ids sub-0, sub-1..., ack auto). Each line is sent as SEND, to --send-to's
destination, or without it as `DESTINATION BODY`; a body that is a JSON object or array goes as
application/json, else as text/plain. Each SEND asks for a receipt: the RECEIPT is the line's
answer (pipe mode's linger waits for it), hidden. Each MESSAGE prints its body (--jsonl adds the
destination, subscription, message id and headers) and is what -n counts. An ERROR frame is an
error line, and ends the run (the server closes after it): exit 1 before CONNECTED, 3 after.
CONNECTED and heart-beats are control frames: recorded (--record), not printed, not counted.

The parts: stomp-reader.ts reads frames from messages, stomp-receipts.ts keeps the receipts asked
for, stomp-connection.ts is the protocol's state on one connection; this file is the stage.

The library is imported in loadStompStage (a dynamic import: the CLI is one bundle, where a static
import of a package would be loaded at every start).
*/
import type {StageFactory} from '../pipeline/stage.js';
import {StompConnection, type StompLibrary, type StompOptions} from './stomp-connection.js';

export {contentType, type StompOptions} from './stomp-connection.js';
export {maxFrameBytes} from './stomp-reader.js';

export async function loadStompStage(options: StompOptions): Promise<StageFactory> {
	return stompStage(options, await import('@stomp/stompjs'));
}

export function stompStage(options: StompOptions, library: StompLibrary): StageFactory {
	return link => {
		const connection = new StompConnection(link, options, library);
		return {
			name: 'stomp',
			event(event) {
				if (event.type === 'open') {
					connection.opened();
				} else if (event.type === 'close') {
					connection.closed(event);
				}
			},
			closing: () => connection.closing(),
			receive(message, next) {
				connection.receive(message, next);
			},
			send: (message, next) => connection.send(message, next),
		};
	};
}
