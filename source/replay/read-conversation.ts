/*
Opens a file given to `wsterm replay` or `serve --replay`: a HAR file or a wsterm recording,
told apart by their content. Every problem is a UsageError: one line, exit 2.
*/
import {readFileSync} from 'node:fs';
import {UsageError} from '../shared/exit-codes.js';
import type {Conversation} from './conversation.js';
import {isHar, parseHar} from './read-har.js';
import {parseRecording} from './read-recording.js';

/** Parses the text of a recording or HAR file named `name`; `entry` picks a HAR's WebSocket entry. */
export function parseConversation(text: string, name: string, entry?: number): Conversation {
	let whole: unknown;
	// Only a HAR file is one JSON document spanning lines (or a one-line recording, which is not a HAR).
	if (text.trimStart().startsWith('{')) {
		try {
			whole = JSON.parse(text);
		} catch {
			// Not one JSON document: read as JSON lines below.
		}
	}

	let conversation: Conversation;
	if (isHar(whole)) {
		conversation = parseHar(whole, name, entry);
	} else {
		if (entry !== undefined) {
			throw new UsageError(`--entry picks a WebSocket entry of a HAR file; ${name} is a wsterm recording`);
		}

		conversation = parseRecording(text, name);
	}

	if (conversation.messages.length === 0) {
		throw new UsageError(`${name} holds no messages to replay`);
	}

	return conversation;
}

/** Reads and parses `path`. */
export function readConversation(path: string, entry?: number): Conversation {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UsageError(`cannot read ${path}${code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': a directory' : code ? ` (${code})` : ''}`);
	}

	return parseConversation(text, path, entry);
}
