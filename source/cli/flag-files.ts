/*
The files flags name, read when a mode starts: -x @FILE's messages, -I's lines, and the reader
handed to buildTarget for --ca, --cert and --key. A file that cannot be read is a usage error.
*/
import {isUtf8} from 'node:buffer';
import {readFileSync} from 'node:fs';
import type {ArgumentBytes, PipeMessage} from '../pipe/run.js';
import {UsageError} from '../shared/exit-codes.js';

export function readFlagFile(flag: string, path: string): Buffer {
	try {
		return readFileSync(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UsageError(`${flag}: cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
	}
}

/** For buildTarget: --ca, --cert and --key's files. */
export function readCertificateFile(path: string): Buffer {
	return readFlagFile('--ca/--cert/--key', path);
}

/** -I's file: one message a line, blank lines left out. */
export function initialMessages(path: string): string[] {
	return readFlagFile('-I/--initial', path).toString().split(/\r?\n/).filter(line => line !== '');
}

/**
The -x messages (`flag`: -x as typed); `notes` says which files go as binary because they are not
UTF-8.
*/
export function executeMessages(execute: readonly string[], binary: boolean, flag: string, argumentBytes: ArgumentBytes): {messages: PipeMessage[]; notes: string[]} {
	const notes: string[] = [];
	const messages = execute.map(text => {
		if (text.startsWith('@@')) {
			return {data: text.slice(1), isBinary: binary};
		}

		if (text.startsWith('@')) {
			if (text === '@') {
				throw new UsageError(`${flag} @: a file name is missing after @ (-x @@ sends "@")`);
			}

			const data = readFlagFile(flag, text.slice(1));
			if (binary || isUtf8(data)) {
				return {data, isBinary: binary};
			}

			// Text messages must be UTF-8; sent as text, these bytes would be changed.
			notes.push(`${text.slice(1)} is not valid UTF-8: sent as a binary message`);
			return {data, isBinary: true};
		}

		// The bytes as typed (invalid UTF-8 kept with --binary, noted otherwise).
		return argumentBytes.message(text, binary);
	});
	return {messages, notes};
}
