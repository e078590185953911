/*
Opens a file given to `wsterm replay` or `serve --replay`: a HAR file or a wsterm recording,
told apart by their content. Every problem is a UsageError: one line, exit 2.
*/
import {readFileSync} from 'node:fs';
import {parse} from 'lossless-json';
import {escapeControl} from '../shared/escape-text.js';
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

	if (whole === undefined && looksLikeHar(text)) {
		throw new UsageError(`${name} is a HAR file that is not valid JSON (cut short?): ${jsonProblem(text)}`);
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

/**
A HAR file (one JSON document with a "log") that did not parse: its first line is no record of a
recording (DevTools and Playwright write a HAR over many lines, or all of it on one).
*/
function looksLikeHar(text: string): boolean {
	const firstLine = text.trimStart().split('\n', 1)[0]!;
	if (!text.trimStart().startsWith('{') || !/^\s*\{\s*"log"\s*:/.test(text)) {
		return false;
	}

	try {
		JSON.parse(firstLine);
		return false;
	} catch {
		return true;
	}
}

/** Why a text is not JSON, and where: line and column, counted from 1. */
function jsonProblem(text: string): string {
	try {
		parse(text);
	} catch (error) {
		const message = (error as Error).message;
		const position = /at position (\d+)/.exec(message);
		if (position !== null) {
			const before = text.slice(0, Number(position[1]));
			const line = before.split('\n').length;
			const column = before.length - before.lastIndexOf('\n');
			return `${escapeControl(message.slice(0, position.index).trim())} at line ${line}, column ${column}`;
		}

		return escapeControl(message);
	}

	return 'it did not parse';
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
