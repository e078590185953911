/*
The hooks as a pipeline stage (client connections: pipe mode, and the session next): one runner
for the pipeline's life, so `ctx.state` is kept across reconnects. What the hooks send (ctx.send,
--reply answers, what onSend lets through) enters the outgoing path just after this stage.
*/
import type {StageFactory} from '../pipeline/stage.js';
import {createHookRunner, type HookConfig} from './runner.js';

export function hooksStage(config: HookConfig, {url}: {readonly url: string}): StageFactory {
	return link => {
		const runner = createHookRunner(config, {
			url,
			sink: {
				send(message) {
					link.send(message);
				},
				deliver({message, outcome, replied}) {
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
			receive: message => runner.direct.receive(message) as void | PromiseLike<unknown>,
			send: message => runner.direct.send(message) as void | PromiseLike<unknown>,
			event(event) {
				if (event.type === 'open') {
					return runner.direct.open() as void | PromiseLike<unknown>;
				}

				if (event.type === 'close') {
					return runner.direct.close(event) as void | PromiseLike<unknown>;
				}

				return undefined;
			},
		};
	};
}
