/*
The hooks as a pipeline stage: one runner for the pipeline's life (in the client, across
reconnects, so `ctx.state` is kept). What the hooks send (ctx.send, --reply answers, what onSend
lets through) enters the outgoing path just after this stage.
*/
import {type Clock, systemClock} from '../shared/clock.js';
import type {PipelineMessage} from '../pipeline/message.js';
import type {StageFactory} from '../pipeline/stage.js';
import {createHookRunner, type HookConfig} from './runner.js';
import type {ServeRequest} from './types.js';

export type HooksStageOptions = {
	/** ctx.url: the connection's URL, without credentials. */
	readonly url: string;
	/** serve: the client's handshake request (ctx.request). */
	readonly request?: ServeRequest;
	/** serve: ctx.broadcast, to every other client. */
	readonly broadcast?: (message: PipelineMessage) => void;
	/** The clock of the timers a script sets (the system's by default). */
	readonly clock?: Clock;
};

export function hooksStage(config: HookConfig, {url, request, broadcast, clock = systemClock}: HooksStageOptions): StageFactory {
	return link => {
		const runner = createHookRunner(config, {
			url,
			clock,
			...(request === undefined ? {} : {request}),
			sink: {
				...(broadcast === undefined ? {} : {broadcast}),
				send(message) {
					link.send(message);
				},
				deliver({message, outcome, replied}) {
					// The hooks are done with it: an acknowledgement they did not give gets the default one.
					if (message.acknowledgement?.answered === false) {
						message.acknowledgement.answer([]);
					}

					link.receive(outcome === undefined && !replied ? message : message.annotate({shown: outcome, replied}));
				},
				close(code, reason) {
					link.close(code, reason);
				},
				exit(code) {
					link.exit(code);
				},
				log(line) {
					link.log(line);
				},
				error(line) {
					link.error(line);
				},
			},
		});
		return {
			name: 'hooks',
			// A protocol's own packets (pings, handshakes) go past the hooks: only to the recorder.
			receive: (message, next) => message.control ? next(message) : runner.receive(message) as void | PromiseLike<unknown>,
			send: message => runner.send(message) as void | PromiseLike<unknown>,
			event(event) {
				if (event.type === 'open') {
					return runner.open() as void | PromiseLike<unknown>;
				}

				if (event.type === 'close') {
					return runner.close(event) as void | PromiseLike<unknown>;
				}

				return undefined;
			},
		};
	};
}
