/*
/open's pager: the row written whole to a file of its own (0600, in a fresh directory under the
system's temporary one) and shown with $PAGER (else less) on the screen the shell had. The pager
runs while the session waits (spawnSync: nothing else reads the keys or draws meanwhile), as a job
of its own (`set -m`), so that Ctrl-C in it goes to the pager, not to wsterm. The file is removed
after a pager that ended well, and kept, and named, when the pager could not run.
*/
import {spawnSync} from 'node:child_process';
import {closeSync, mkdtempSync, openSync, rmSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Io} from '../shared/io.js';
import {suspendTerminal} from './terminal-screen.js';

/** Writes the row `name` with `writeRow` and shows it in the pager; returns what went wrong, if anything. */
export type OpenInPager = (name: string, writeRow: (write: (text: string) => void) => void) => string | undefined;

/** The file, written. */
function writeFile(name: string, writeRow: (write: (text: string) => void) => void): string {
	const directory = mkdtempSync(join(tmpdir(), 'wsterm-open-'));
	const path = join(directory, name);
	const file = openSync(path, 'wx', 0o600);
	try {
		writeRow(text => {
			writeSync(file, text);
		});
	} finally {
		closeSync(file);
	}

	return path;
}

export function createPager({stdin, stdout, env}: {readonly stdin: NodeJS.ReadStream; readonly stdout: NodeJS.WriteStream; readonly env: Io['env']}): OpenInPager {
	return (name, writeRow) => {
		let path: string;
		try {
			path = writeFile(name, writeRow);
		} catch (error) {
			return `/open could not write the row to a file: ${(error as Error).message}`;
		}

		const pager = env.PAGER?.trim() || 'less';
		// $PAGER may hold arguments (`less -S`), as git reads it: through the shell.
		const result = suspendTerminal(stdin, stdout, () => spawnSync('/bin/sh', ['-c', `set -m; ${pager} "$1"`, 'wsterm-pager', path], {stdio: 'inherit', env}));
		if (result.error !== undefined || result.status === 126 || result.status === 127) {
			return `/open could not run the pager "${pager}"${result.error === undefined ? '' : ` (${result.error.message})`}; set $PAGER; the row is in ${path}`;
		}

		if (result.status !== 0) {
			return `the pager "${pager}" ended with exit code ${result.status ?? result.signal ?? '?'}; the row is in ${path}`;
		}

		rmSync(join(path, '..'), {recursive: true, force: true});
		return undefined;
	};
}
