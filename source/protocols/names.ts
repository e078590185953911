/** The protocols --protocol takes (read at start-up: no protocol code comes with it). */
export const protocolNames = ['jsonrpc'] as const;
export type ProtocolName = typeof protocolNames[number];
