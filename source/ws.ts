import {createRequire} from 'node:module';
import type WsModule from 'ws';

// ws's ESM wrapper loads every submodule eagerly (+45 ms at start-up); the CommonJS
// entry through createRequire costs about a third of that.
const require = createRequire(import.meta.url);
const ws = require('ws') as typeof WsModule;

export const WebSocket = ws;
export const WebSocketServer = ws.WebSocketServer;
export type {ClientOptions, RawData, ServerOptions} from 'ws';
export type WebSocketClient = WsModule;
export type WebSocketServerInstance = WsModule.WebSocketServer;
