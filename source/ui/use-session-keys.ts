import {type Dispatch, useCallback, useState} from 'react';
import type {NoticeKind} from '../session/command-processor.js';
import {keyCommand, keyNote, quittingKeyCommand} from '../session/key-commands.js';
import type {KeyEvent} from '../session/key-splitter.js';
import type {Measure, SessionAction} from '../session/state.js';
import {useKeys} from './use-keys.js';
import type {PromptHandle} from './use-prompt.js';

type Options = {
	/** A quit was asked for: keys do nothing more, but Ctrl-C and Ctrl-D, which quit at once. */
	readonly quitting: boolean;
	readonly prompt: Pick<PromptHandle, 'current' | 'act'>;
	/** Enter. */
	readonly submit: () => void;
	readonly quit: () => void;
	readonly dispatch: Dispatch<SessionAction>;
	readonly notice: (kind: NoticeKind, text: string) => void;
	/** Ctrl-L: forget what is on the screen, so that the next frame paints all of it. */
	readonly onRedraw: (() => void) | undefined;
	readonly protocol: string | undefined;
	/** The profile's saved messages' names, for Tab after /send. */
	readonly savedNames: readonly string[];
	/** Rows of the message pane, and how many rows an entry takes, for scrolling. */
	readonly paneHeight: number;
	readonly measure: Measure;
};

/**
The session's keys (session/key-commands.ts says what each does), carried out. Returns how many
times Ctrl-L was pressed: the status bar changes invisibly with it, so that ink paints every line.
*/
export function useSessionKeys({quitting, prompt, submit, quit, dispatch, notice, onRedraw, protocol, savedNames, paneHeight, measure}: Options): number {
	const [redraws, setRedraws] = useState(0);
	const {current, act} = prompt;
	const onKey = useCallback((event: KeyEvent) => {
		const prompted = current();
		const command = quitting ? quittingKeyCommand(event) : keyCommand(event, {prompt: prompted, protocol, savedNames, pageLines: Math.max(1, paneHeight - 1)});
		const note = quitting ? undefined : keyNote(event, prompted);
		if (note !== undefined) {
			notice('info', note);
		}

		switch (command?.type) {
			case undefined: {
				return;
			}

			case 'prompt': {
				act(command.action);
				return;
			}

			case 'submit': {
				submit();
				return;
			}

			case 'quit': {
				quit();
				return;
			}

			case 'notice': {
				notice('info', command.text);
				return;
			}

			case 'redraw': {
				onRedraw?.();
				setRedraws(count => count + 1);
				return;
			}

			case 'scroll': {
				dispatch({type: 'scroll', lines: command.lines, height: paneHeight, measure});
				return;
			}

			case 'scroll-to-end': {
				dispatch({type: 'scroll-to-end'});
			}
		}
	}, [quitting, current, act, submit, quit, dispatch, notice, onRedraw, protocol, savedNames, paneHeight, measure]);
	useKeys(onKey);
	return redraws;
}
