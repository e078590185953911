/*
Calling a hook, sync or async: what it throws or rejects with never reaches the runner, it becomes
one error line (file and line, hook, error), and the step goes on as if the hook returned nothing.
*/
import {describeHookError, type ScriptFile} from './script.js';
import type {HookWatch} from './watchdog.js';

/** Runs a hook and then `after` with its result (undefined when it failed); returns a promise if the hook returned one. */
export type CallHook = (hook: string, invoke: () => unknown, after: (result: unknown) => void) => unknown;

export function isThenable(value: unknown): value is PromiseLike<unknown> {
	return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
`report` gets each failure's line; `file` is the script the hooks came from (for the line's place);
`watch` is told when a hook's synchronous part starts and ends (watchdog.ts).
*/
export function hookCaller(file: ScriptFile | undefined, report: (line: string) => void, watch?: HookWatch): {readonly call: CallHook; readonly fail: (hook: string, error: unknown) => void} {
	const fail = (hook: string, error: unknown): void => {
		report(describeHookError(file, hook, error));
	};

	const call: CallHook = (hook, invoke, after) => {
		let result: unknown;
		watch?.enter(hook);
		try {
			result = invoke();
		} catch (error) {
			watch?.leave();
			fail(hook, error);
			after(undefined);
			return undefined;
		}

		watch?.leave();

		if (!isThenable(result)) {
			after(result);
			return undefined;
		}

		return Promise.resolve(result).then(after, (error: unknown) => {
			fail(hook, error);
			after(undefined);
		});
	};

	return {call, fail};
}
