/** The protocols --protocol takes (read at start-up: no protocol code comes with it). */
export const protocolNames = ['jsonrpc', 'graphql-ws', 'socketio', 'stomp'] as const;
export type ProtocolName = typeof protocolNames[number];

/**
The subprotocols each protocol offers in the handshake (after any -s gives), in this order.
graphql-ws offers both protocols it speaks, the legacy one's first: Apollo's subscriptions-transport-ws
server takes whichever is offered first and closes (1002) unless that is `graphql-ws`, while the
graphql-ws library's server picks graphql-transport-ws wherever it stands (`-s graphql-transport-ws`
puts it first for a server that takes the first it knows).
*/
export const protocolSubprotocols: Readonly<Partial<Record<ProtocolName, readonly string[]>>> = {
	'graphql-ws': ['graphql-ws', 'graphql-transport-ws'],
	stomp: ['v12.stomp', 'v11.stomp', 'v10.stomp'],
};

/**
What the session's status bar calls a protocol when the server picked this subprotocol, where
its --protocol name would not say which protocol is spoken (by default, the name).
*/
export const protocolLabels: Readonly<Partial<Record<ProtocolName, Readonly<Record<string, string>>>>> = {
	'graphql-ws': {'graphql-ws': 'subscriptions-transport-ws'},
};

/**
Protocols whose operations may stay open a long time (subscriptions): at the end of input the run
waits for every one to complete, with no --linger timeout unless --linger is given.
*/
export const waitsForEveryReply: ReadonlySet<ProtocolName> = new Set(['graphql-ws']);
