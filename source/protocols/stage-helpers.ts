/*
Small pieces every protocol stage uses: how a refused line is quoted in its error line (shared/'s quote), and a
promise a stage resolves from outside (a handshake's answer, a goodbye's receipt).
*/

export {quote} from '../shared/escape-text.js';

export function deferred(): {promise: Promise<void>; resolve: () => void} {
	let resolve!: () => void;
	const promise = new Promise<void>(done => {
		resolve = done;
	});
	return {promise, resolve};
}
