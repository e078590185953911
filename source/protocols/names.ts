/** The protocols --protocol takes (read at start-up: no protocol code comes with it). */
export const protocolNames = ['jsonrpc', 'graphql-ws', 'socketio'] as const;
export type ProtocolName = typeof protocolNames[number];

/** The subprotocol each protocol offers in the handshake (besides any -s gives). */
export const protocolSubprotocols: Readonly<Partial<Record<ProtocolName, string>>> = {
	'graphql-ws': 'graphql-transport-ws',
};

/**
Protocols whose operations may stay open a long time (subscriptions): at the end of input the run
waits for every one to complete, with no --linger timeout unless --linger is given.
*/
export const waitsForEveryReply: ReadonlySet<ProtocolName> = new Set(['graphql-ws']);
