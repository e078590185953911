import {FrameImpl, Parser} from '@stomp/stompjs';
import {startServer, type TestServer} from './servers.js';

/** A frame the server received, or the moment the client's WebSocket close came. */
export type Seen =
	| {readonly command: string; readonly headers: Readonly<Record<string, string>>; readonly body: string}
	| {readonly command: 'websocket close'; readonly code: number};

export type StompTestServer = TestServer & {
	/** Everything seen, in order, across connections. */
	readonly seen: Seen[];
};

/**
A small STOMP 1.2 server over ws, framed with @stomp/stompjs: CONNECT is answered with CONNECTED,
a frame with a receipt header (SEND) with its RECEIPT. DISCONNECT's receipt is answered only when
`answerDisconnect` is true (a broker that never answers it holds the client's close).
*/
export async function startStompServer({answerDisconnect = true} = {}): Promise<StompTestServer> {
	const seen: Seen[] = [];
	const server = await startServer({
		onConnection(socket) {
			const send = (command: string, headers: Record<string, string>): void => {
				socket.send(new FrameImpl({command, headers}).serialize());
			};

			const parser = new Parser(raw => {
				const frame = FrameImpl.fromRawFrame(raw, true);
				seen.push({command: frame.command, headers: {...frame.headers}, body: frame.body});
				const {receipt} = frame.headers;
				if (frame.command === 'CONNECT') {
					send('CONNECTED', {version: '1.2'});
				} else if (receipt !== undefined && (frame.command !== 'DISCONNECT' || answerDisconnect)) {
					send('RECEIPT', {'receipt-id': receipt});
				}
			}, () => undefined);
			socket.on('message', (data: Buffer) => {
				parser.parseChunk(data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer);
			});
			socket.on('close', code => {
				seen.push({command: 'websocket close', code});
			});
		},
	});
	return Object.assign(server, {seen});
}
