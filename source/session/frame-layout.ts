/*
How the session's frame is shared out: the message pane on top, the status bar, and the input
area below it, which grows with a multi-line draft.
*/
import type {Prompt} from './prompt.js';

export type FrameLayout = {
	/** Rows of the whole frame. */
	readonly frameHeight: number;
	/** Most lines of a multi-line draft shown at once. */
	readonly maxInputLines: number;
	readonly paneHeight: number;
};

/** The lines of the input area for `prompt`, without the cursor: how tall it will be. */
export function inputHeight(prompt: Prompt, maxLines: number): number {
	return prompt.search === undefined ? Math.min(maxLines, prompt.line.text.split('\n').length) : 1;
}

/** The frame for a terminal `rows` tall with `prompt` in the input area. */
export function frameLayout(rows: number, prompt: Prompt): FrameLayout {
	// The frame stays one line shorter than the terminal: a frame as tall as the terminal makes
	// ink clear the whole screen on every render.
	const frameHeight = Math.max(3, rows - 1);
	// The input grows to 5 lines, and never over the status bar and a line of the pane.
	const maxInputLines = Math.max(1, Math.min(5, frameHeight - 2));
	const paneHeight = Math.max(1, frameHeight - 1 - inputHeight(prompt, maxInputLines));
	return {frameHeight, maxInputLines, paneHeight};
}
