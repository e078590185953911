/*
Protocols (--protocol NAME): each is a pipeline stage (see pipeline/index.ts) in its own module,
loaded here only when asked for, so that a protocol's library costs nothing otherwise. The stage
sits after the codec and before the hooks: hooks see protocol messages, --record the wire frames.

This folder imports pipeline/ (the stage interface, the message), shared/ and connection/'s event
types, and each protocol's library only through a dynamic import. names.ts, socketio-url.ts and
exact-json.ts are what the command line reads at start-up: they load no protocol library; nor do
socketio-event.ts and graphql-ws.ts's parseLine, which wsterm bench reads its messages with. Time
comes from the Clock given (ProtocolChoices.clock: the handshake's bound, the round trips'
monotonic `now`), the system's by default.
*/
import {type Clock, systemClock} from '../shared/clock.js';
import type {StageFactory} from '../pipeline/stage.js';
import type {HandshakeLimit} from './handshake.js';
import type {ProtocolName} from './names.js';
import type {EngineIoVersion} from './socketio-url.js';
import type {StompOptions} from './stomp.js';

export {type ProtocolName, protocolNames, protocolSubprotocols} from './names.js';

/** What the command line asked for: --protocol and the flags that go with it. */
export type ProtocolChoices = {
	readonly name: ProtocolName;
	/** graphql-ws: --init, connection_init's payload. */
	readonly init?: Record<string, unknown>;
	/** graphql-ws: -v, say which protocol the server speaks. */
	readonly verbose?: boolean;
	/** socketio: the namespace (from the URL's path). */
	readonly namespace?: string;
	/** socketio: Engine.IO's version (3: Socket.IO 2; 4 by default). */
	readonly engineIo?: EngineIoVersion;
	/** socketio: --auth JSON, CONNECT's payload. */
	readonly auth?: Record<string, unknown>;
	/** stomp: CONNECT's host header (--vhost), login and passcode, --subscribe and --send-to. */
	readonly stomp?: Omit<StompOptions, 'onRefused'>;
	/** Called for each line refused (not a valid request), after its error line. */
	readonly onRefused?: () => void;
	/** The hooks stage follows (set by loadStages): it gives the default answer to what asks for one, after the hooks. */
	readonly hooksFollow?: boolean;
	/** --connect-timeout: seconds the protocol's handshake may take after the open (none: unbounded). */
	readonly connectTimeout?: number;
	/** The handshakes' timers and the round trips' monotonic time (the system's clock by default). */
	readonly clock?: Clock;
};

export async function loadProtocolStage(choices: ProtocolChoices): Promise<StageFactory> {
	const {onRefused, clock = systemClock} = choices;
	const handshake: HandshakeLimit = choices.connectTimeout === undefined ? {} : {timeout: choices.connectTimeout, clock};
	switch (choices.name) {
		case 'jsonrpc': {
			const {jsonRpcStage} = await import('./jsonrpc.js');
			return jsonRpcStage({clock, ...(onRefused === undefined ? {} : {onRefused})});
		}

		case 'graphql-ws': {
			const {loadGraphqlWsStage} = await import('./graphql-ws.js');
			return loadGraphqlWsStage({handshake, clock, verbose: choices.verbose ?? false, ...(choices.init === undefined ? {} : {init: choices.init}), ...(onRefused === undefined ? {} : {onRefused})});
		}

		case 'socketio': {
			const {loadSocketIoStage} = await import('./socketio.js');
			return loadSocketIoStage({
				namespace: choices.namespace ?? '/',
				engineIo: choices.engineIo ?? 4,
				handshake,
				clock,
				hooksFollow: choices.hooksFollow ?? false,
				...(choices.auth === undefined ? {} : {auth: choices.auth}),
				...(onRefused === undefined ? {} : {onRefused}),
			});
		}

		case 'stomp': {
			const {loadStompStage} = await import('./stomp.js');
			return loadStompStage({...choices.stomp ?? {subscribe: []}, handshake, ...(onRefused === undefined ? {} : {onRefused})});
		}
	}
}
