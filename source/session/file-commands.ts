/*
The slash commands that touch files: /file reads one to send it, /save writes the session as
--record does. They answer with what to send or what to say, never touching the screen.
*/
import {isUtf8} from 'node:buffer';
import {readFile, stat} from 'node:fs/promises';
import {formatBytes, plural} from '../shared/escape-text.js';
import {type EventRecord, formatRecord} from '../shared/event-record.js';
import type {NoticeKind} from './command-processor.js';
import {writePrivateFile} from './history.js';
import {expandHome} from './slash-commands.js';

/** Largest file `/file` sends. */
export const maxFileBytes = 16 * 1024 * 1024;

export type FileMessage =
	/** The file's content: text when it is UTF-8, else binary. */
	| {readonly data: string | Buffer; readonly isBinary: boolean; readonly problem?: undefined}
	/** Not sent: the error row says why. */
	| {readonly problem: string};

/** /file PATH (`~/` is `home`): the message to send, or why there is none. */
export async function readMessageFile(typed: string, home: string): Promise<FileMessage> {
	const path = expandHome(typed, home);
	try {
		const info = await stat(path);
		if (info.size > maxFileBytes) {
			return {problem: `${path} is ${formatBytes(info.size)}; /file sends at most ${formatBytes(maxFileBytes)}`};
		}

		const data = await readFile(path);
		return isUtf8(data) ? {data: data.toString(), isBinary: false} : {data, isBinary: true};
	} catch (error) {
		return {problem: `cannot read ${path}: ${(error as Error).message}`};
	}
}

/** /save PATH and /save! PATH (`overwrite`): writes `records`; returns the row that says how it went. */
export async function saveRecords(typed: string, overwrite: boolean, records: readonly EventRecord[], home: string): Promise<{readonly kind: NoticeKind; readonly text: string}> {
	const path = expandHome(typed, home);
	try {
		// Private like the history, even over an existing file: a session holds what was said.
		await writePrivateFile(path, records.map(record => formatRecord(record)).join(''), overwrite ? 'w' : 'wx');
		return {kind: 'info', text: `saved ${plural(records.length, 'event')} to ${path}`};
	} catch (error) {
		const {code, message} = error as NodeJS.ErrnoException;
		return {kind: 'error', text: code === 'EEXIST' ? `${path} exists; /save! ${typed} replaces it` : `cannot write ${path}: ${message}`};
	}
}
