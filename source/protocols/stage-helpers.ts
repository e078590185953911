/*
Small pieces every protocol stage uses: how a refused line is quoted in its error line, and a
promise a stage resolves from outside (a handshake's answer, a goodbye's receipt).
*/
import {escapeControl} from '../shared/escape-text.js';

/** Longest part of a refused line quoted in its error line. */
export const quoteLength = 60;

/** Text from a line or the network, cut to quoteLength, control characters made visible. */
export function quote(text: string): string {
	return escapeControl(text.length > quoteLength ? `${text.slice(0, quoteLength)}...` : text);
}

export function deferred(): {promise: Promise<void>; resolve: () => void} {
	let resolve!: () => void;
	const promise = new Promise<void>(done => {
		resolve = done;
	});
	return {promise, resolve};
}
