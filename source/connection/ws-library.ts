/* The ws library's WebSocket and WebSocketServer classes, loaded the fast way: the one place that loads ws. */
import {createRequire} from 'node:module';
import type {WebSocket as WebSocketClass, WebSocketServer as WebSocketServerClass} from 'ws';

// ws's ESM wrapper loads every submodule eagerly (+45 ms at start-up); the CommonJS
// entry through createRequire costs about a third of that.
const require = createRequire(import.meta.url);
const ws = require('ws') as typeof import('ws');

export const WebSocket = ws.WebSocket;
export const WebSocketServer = ws.WebSocketServer;
export type WebSocket = WebSocketClass;
export type WebSocketServer = WebSocketServerClass;
export type {ClientOptions, RawData, ServerOptions} from 'ws';
