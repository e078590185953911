import type {Tone} from '../message-format.js';

/** The colour of each kind of segment; with colour off, only the cursor's inverse remains. */
export const toneColors: Record<Tone, string | undefined> = {
	plain: undefined,
	time: 'gray',
	in: 'green',
	out: 'cyan',
	badge: 'magenta',
	error: 'red',
	info: 'yellow',
	pending: 'yellow',
	key: 'blue',
	string: 'green',
	number: 'yellow',
	literal: 'magenta',
	punctuation: 'gray',
	hex: undefined,
};

/**
Colour is on unless NO_COLOR is set (to anything but '') or FORCE_COLOR is '0'; FORCE_COLOR set to
anything else wins over NO_COLOR, as chalk reads it.
*/
export function colorEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
	const force = env.FORCE_COLOR;
	if (force !== undefined && force !== '') {
		return force !== '0' && force !== 'false';
	}

	return env.NO_COLOR === undefined || env.NO_COLOR === '';
}
