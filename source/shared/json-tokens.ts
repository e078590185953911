/*
JSON read as tokens, each keeping its original text. Showing JSON must not change it: a
JSON.parse round trip rounds 9007199254740993, turns 1.10 into 1.1 and -0 into 0, keeps only the
last of two equal keys and decodes "\u00e9". Here the text is only checked and cut into tokens,
so that it can be re-indented exactly as it came.
*/

export type JsonTokenKind = 'key' | 'string' | 'number' | 'literal' | 'open' | 'close' | 'comma' | 'colon';

export type JsonToken = {
	readonly kind: JsonTokenKind;
	readonly text: string;
};

const tokenPattern = /\s*(?:("(?:[^"\\\u0000-\u001F]|\\(?:["\\/bfnrt]|u[\dA-Fa-f]{4}))*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|([{[])|([}\]])|(,)|(:))/y;

// What may come next: a value, a key (or the end of an empty object), a colon, a comma or the end.
type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close';

/**
The tokens of a JSON object or array, or undefined when `text` is not exactly one valid JSON
object or array (with whitespace around it).
*/
export function jsonTokens(text: string): JsonToken[] | undefined {
	const tokens: JsonToken[] = [];
	// The open containers, innermost last: '{' or '['.
	const stack: string[] = [];
	let expect: Expect = 'value';
	tokenPattern.lastIndex = 0;
	let position = 0;
	while (position < text.length) {
		const match = tokenPattern.exec(text);
		if (match === null) {
			if (!/^\s*$/.test(text.slice(position))) {
				return undefined;
			}

			break;
		}

		position = tokenPattern.lastIndex;
		if (tokens.length > 0 && stack.length === 0) {
			// Something after the end of the value.
			return undefined;
		}

		const [, string, number, literal, open, close, comma, colon] = match;
		if (string !== undefined) {
			if (expect === 'key' || expect === 'key-or-close') {
				tokens.push({kind: 'key', text: string});
				expect = 'colon';
			} else if (expect === 'value' || expect === 'value-or-close') {
				tokens.push({kind: 'string', text: string});
				expect = 'comma-or-close';
			} else {
				return undefined;
			}
		} else if (number !== undefined || literal !== undefined) {
			if (expect !== 'value' && expect !== 'value-or-close') {
				return undefined;
			}

			tokens.push(number === undefined ? {kind: 'literal', text: literal!} : {kind: 'number', text: number});
			expect = 'comma-or-close';
		} else if (open !== undefined) {
			if (expect !== 'value' && expect !== 'value-or-close') {
				return undefined;
			}

			stack.push(open);
			tokens.push({kind: 'open', text: open});
			expect = open === '{' ? 'key-or-close' : 'value-or-close';
		} else if (close !== undefined) {
			const inner = stack.at(-1);
			const fits = (close === '}' && inner === '{') || (close === ']' && inner === '[');
			if (!fits || (expect !== 'comma-or-close' && expect !== 'key-or-close' && expect !== 'value-or-close')) {
				return undefined;
			}

			stack.pop();
			tokens.push({kind: 'close', text: close});
			expect = 'comma-or-close';
		} else if (comma !== undefined) {
			if (expect !== 'comma-or-close' || stack.length === 0) {
				return undefined;
			}

			tokens.push({kind: 'comma', text: comma});
			expect = stack.at(-1) === '{' ? 'key' : 'value';
		} else if (colon !== undefined) {
			if (expect !== 'colon') {
				return undefined;
			}

			tokens.push({kind: 'colon', text: colon});
			expect = 'value';
		}
	}

	return stack.length === 0 && tokens[0]?.kind === 'open' ? tokens : undefined;
}

/**
The tokens as text again: compact (no whitespace) or pretty (two-space indent, a space after
each colon, as JSON.stringify(value, undefined, 2) lays it out), as [text, token] pairs where
whitespace has no token.
*/
export function layoutJson(tokens: readonly JsonToken[], pretty: boolean): Array<readonly [string, JsonToken | undefined]> {
	const out: Array<readonly [string, JsonToken | undefined]> = [];
	let depth = 0;
	const newline = (): void => {
		out.push([`\n${'  '.repeat(depth)}`, undefined]);
	};

	for (const [index, token] of tokens.entries()) {
		if (!pretty) {
			out.push([token.text, token]);
			continue;
		}

		switch (token.kind) {
			case 'open': {
				out.push([token.text, token]);
				depth++;
				if (tokens[index + 1]?.kind !== 'close') {
					newline();
				}

				break;
			}

			case 'close': {
				depth--;
				if (tokens[index - 1]?.kind !== 'open') {
					newline();
				}

				out.push([token.text, token]);
				break;
			}

			case 'comma': {
				out.push([token.text, token]);
				newline();
				break;
			}

			case 'colon': {
				out.push([token.text, token], [' ', undefined]);
				break;
			}

			default: {
				out.push([token.text, token]);
			}
		}
	}

	return out;
}
