import {useCallback, useRef, useState} from 'react';
import type {NoticeKind} from '../session/command-processor.js';
import {createPrompt, type Prompt, type PromptAction, promptReducer} from '../session/prompt.js';

export type PromptHandle = {
	/** The prompt as rendered. */
	readonly prompt: Prompt;
	/** The prompt as the last key left it, which may be ahead of the render. */
	readonly current: () => Prompt;
	readonly act: (action: PromptAction) => void;
};

/**
The input area's state (session/prompt.ts), with each entry added to the history handed to
`onHistoryAdd` (the file); the first failure to save one is said once, in an error row.
*/
export function usePrompt(history: readonly string[], onHistoryAdd: ((entry: string) => Promise<void>) | undefined, notice: (kind: NoticeKind, text: string) => void): PromptHandle {
	// The prompt lives in a ref as well, so that keys arriving before the next render see the
	// state the previous key left (a fast typist, or Enter right after a paste).
	const promptRef = useRef<Prompt>(createPrompt(history));
	const [prompt, setPrompt] = useState(promptRef.current);
	const historyFailed = useRef(false);
	const act = useCallback((action: PromptAction) => {
		const next = promptReducer(promptRef.current, action);
		if (next !== promptRef.current) {
			const added = next.history.entries.at(-1);
			if (next.history.entries !== promptRef.current.history.entries && added !== undefined && onHistoryAdd !== undefined) {
				onHistoryAdd(added).catch((error: unknown) => {
					// One row, not one per line entered.
					if (!historyFailed.current) {
						historyFailed.current = true;
						notice('error', `history not saved (${(error as Error).message}); later failures are not reported`);
					}
				});
			}

			promptRef.current = next;
			setPrompt(next);
		}
	}, [onHistoryAdd, notice]);
	const current = useCallback(() => promptRef.current, []);
	return {prompt, current, act};
}
