/*
Turns what the terminal sent into keys. ink's input parser cuts escape sequences apart but hands
a run of other bytes over as one string: typing that outruns the reads ("abc" then Ctrl-C,
"abcd" then two Backspaces, "hello", Enter, "wor") arrives as one chunk. Here every control
byte of a chunk becomes its own key (an Esc before one too: only Esc with a printable key, Enter
or Backspace is an Alt-combination), printable runs stay one piece of text (fast for floods of
typing), and a bracketed paste (mode 2004: ESC [200~ ... ESC [201~) becomes one `paste`, however
many reads it took and whatever it holds.
*/
import type {KeyPress} from './key-bindings.js';

export type KeyEvent =
	| {readonly type: 'key'; readonly key: KeyPress}
	| {readonly type: 'text'; readonly text: string}
	| {readonly type: 'paste'; readonly text: string};

export type KeyReader = {
	/** The paste read so far; undefined: not inside a bracketed paste. */
	readonly paste: string | undefined;
};

export const keyReader: KeyReader = {paste: undefined};

const pasteStart = '\u001B[200~';
const pasteEnd = '\u001B[201~';

const noKey: KeyPress = {
	input: '',
	ctrl: false,
	meta: false,
	shift: false,
	return: false,
	escape: false,
	backspace: false,
	delete: false,
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageUp: false,
	pageDown: false,
	home: false,
	end: false,
	tab: false,
};

const key = (parts: Partial<KeyPress>): KeyEvent => ({type: 'key', key: {...noKey, ...parts}});

/** One control byte (below 0x20, or DEL) as the key a terminal means by it. */
function controlKey(character: string, meta = false): KeyEvent | undefined {
	const code = character.charCodeAt(0);
	switch (code) {
		case 0x0D: {
			return key({return: true, meta});
		}

		case 0x0A: {
			return key({input: '\n', meta});
		}

		case 0x09: {
			return key({tab: true, meta});
		}

		case 0x7F:
		case 0x08: {
			return key({backspace: true, meta});
		}

		case 0x1B: {
			return key({escape: true, meta: true});
		}

		default: {
			// Ctrl-A to Ctrl-Z; the rest (Ctrl-Space, Ctrl-\ ...) are bound to nothing.
			return code >= 1 && code <= 26 ? key({input: String.fromCharCode(code + 96), ctrl: true, meta}) : undefined;
		}
	}
}

// CSI and SS3 final bytes (and `~` numbers) for the keys the session binds.
const finals: Record<string, Partial<KeyPress>> = {
	A: {upArrow: true},
	B: {downArrow: true},
	C: {rightArrow: true},
	D: {leftArrow: true},
	H: {home: true},
	F: {end: true},
	Z: {tab: true, shift: true},
};
const tildes: Record<string, Partial<KeyPress>> = {
	1: {home: true},
	7: {home: true},
	4: {end: true},
	8: {end: true},
	3: {delete: true},
	5: {pageUp: true},
	6: {pageDown: true},
};

const present = (event: KeyEvent | undefined): KeyEvent[] => event === undefined ? [] : [event];

/** Enter and Backspace (DEL, or BS from some terminals): with Alt, keys of their own (Alt-Enter, Alt-Backspace). */
const altControls = new Set(['\r', '\u007F', '\b']);

/**
An escape sequence (one event from ink's parser) as its keys: one, or none for a key nobody binds.
ink hands ESC and the character after it over as one event whatever that character is, so Esc
typed with the keys after it (Esc, Ctrl-E, Ctrl-U in one read) would come as Alt-Ctrl-E: an Esc
before a control character (Tab, Ctrl-letters, another Esc) is two keys, the Esc and that one.
*/
function escapeKeys(sequence: string): KeyEvent[] {
	const body = sequence.slice(1);
	if (body === '') {
		return [key({escape: true})];
	}

	// ESC ESC [A and the like: Alt with a key that is itself a sequence.
	if (body.startsWith('\u001B') && body.length > 1) {
		return escapeKeys(body).map(inner => inner.type === 'key' ? key({...inner.key, meta: true}) : inner);
	}

	const match = /^[[O](?:\[)?([\d;]*)([A-Za-z~])$/.exec(body);
	if (match === null) {
		const character = [...body][0] ?? '';
		if (body.length !== character.length) {
			return [];
		}

		if (character >= ' ' && character !== '\u007F') {
			// Alt with a character: ESC b.
			return [key({input: character, meta: true})];
		}

		if (altControls.has(character)) {
			return present(controlKey(character, true));
		}

		// ESC ESC: two Escs.
		return [key({escape: true}), ...present(character === '\u001B' ? key({escape: true}) : controlKey(character))];
	}

	const [, parameters = '', final = ''] = match;
	const numbers = parameters.split(';');
	const parts = final === '~' ? tildes[numbers[0] ?? ''] : finals[final];
	if (parts === undefined) {
		return [];
	}

	// xterm's modifier parameter: 1 + (shift 1, alt 2, ctrl 4).
	const modifier = Math.max(0, Number(numbers[1] ?? 1) - 1);
	return [key({
		...parts,
		shift: parts.shift === true || (modifier & 1) !== 0,
		meta: (modifier & 2) !== 0,
		ctrl: (modifier & 4) !== 0,
	})];
}


/** A chunk without escape sequences: runs of text, and each control byte as its own key. */
function splitText(chunk: string, events: KeyEvent[]): void {
	let start = 0;
	for (let index = 0; index < chunk.length; index++) {
		const code = chunk.charCodeAt(index);
		if (code < 0x20 || code === 0x7F) {
			if (index > start) {
				events.push({type: 'text', text: chunk.slice(start, index)});
			}

			const event = controlKey(chunk[index]!);
			if (event !== undefined) {
				events.push(event);
			}

			// CR LF (a paste from some terminals) is one Enter.
			if (code === 0x0D && chunk.charCodeAt(index + 1) === 0x0A) {
				index++;
			}

			start = index + 1;
		}
	}

	if (start < chunk.length) {
		events.push({type: 'text', text: chunk.slice(start)});
	}
}

/**
The keys in one input event from ink (a run of bytes, or one escape sequence), and the reader
state for the next one.
*/
export function readKeys(state: KeyReader, input: string): {readonly state: KeyReader; readonly events: readonly KeyEvent[]} {
	if (state.paste !== undefined) {
		if (input === pasteEnd) {
			return {state: keyReader, events: [{type: 'paste', text: state.paste}]};
		}

		return {state: {paste: state.paste + input}, events: []};
	}

	if (input === pasteStart) {
		return {state: {paste: ''}, events: []};
	}

	if (input.startsWith('\u001B')) {
		return {state, events: escapeKeys(input)};
	}

	const events: KeyEvent[] = [];
	splitText(input, events);
	return {state, events};
}
