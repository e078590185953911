/*
The bytes of the -x arguments as they were typed. Node decodes its arguments as UTF-8 and
replaces bytes that are not UTF-8 with U+FFFD, silently; on Linux, /proc/self/cmdline still holds
the bytes. With --binary they are sent as they are; without, the text keeps its replacement
characters and the run says so, as it does for stdin's lines. Where the bytes cannot be read
(another system, a process title changed), the arguments are taken as Node decoded them.
*/
import {isUtf8} from 'node:buffer';
import {readFileSync} from 'node:fs';
import type {PipeMessage} from './input-feed.js';

/** The process's command line, NUL-separated (Linux). */
function readCommandLine(): Buffer | undefined {
	try {
		return readFileSync('/proc/self/cmdline');
	} catch {
		return undefined;
	}
}

/** Splits a NUL-separated command line into its arguments (the last NUL ends the last one). */
function splitCommandLine(commandLine: Buffer): Buffer[] {
	const parts: Buffer[] = [];
	let start = 0;
	for (let end = commandLine.indexOf(0); end !== -1; end = commandLine.indexOf(0, start)) {
		parts.push(commandLine.subarray(start, end));
		start = end + 1;
	}

	return parts;
}

/** An option with its value in the same argument, before the value: `-x`, `--execute=`. */
const inlineOption = /^(?:-\w|--[\w-]+=)$/;

export class ArgumentBytes {
	/** The program's arguments as bytes, in order; empty when they cannot be read. */
	private readonly raw: readonly Buffer[];
	/** Where the search for the next -x value starts: values come in the order they were typed. */
	private cursor = 0;

	/** `args`: the arguments as Node decoded them (`process.argv.slice(2)`). */
	constructor(args: readonly string[], commandLine: Buffer | undefined = readCommandLine()) {
		const raw = commandLine === undefined ? [] : splitCommandLine(commandLine).slice(-args.length);
		// Node's own options come first in the command line; the program's are its last ones. A
		// command line that does not decode to them (a changed process title) is not used.
		const aligned = args.length > 0 && raw.length === args.length && raw.every((bytes, index) => bytes.toString() === args[index]);
		this.raw = aligned ? raw : [];
	}

	/** The message for `-x text`, `text` as Node decoded it: the typed bytes with --binary; text flagged when bytes were replaced. */
	message(text: string, binary: boolean): PipeMessage {
		// Only a replacement character can stand for bytes that were not UTF-8.
		const bytes = text.includes('\uFFFD') ? this.typedBytes(text) : undefined;
		if (bytes === undefined || isUtf8(bytes)) {
			return {data: text, isBinary: binary};
		}

		return binary ? {data: bytes, isBinary: true} : {data: text, isBinary: false, replacedInvalidUtf8: true};
	}

	/** The bytes typed for the next argument holding `text` (whole, or after an inline option). */
	private typedBytes(text: string): Buffer | undefined {
		for (let index = this.cursor; index < this.raw.length; index++) {
			const bytes = this.raw[index]!;
			const decoded = bytes.toString();
			const prefix = decoded.slice(0, decoded.length - text.length);
			if (decoded.endsWith(text) && (prefix === '' || inlineOption.test(prefix))) {
				this.cursor = index + 1;
				return bytes.subarray(prefix.length);
			}
		}

		return undefined;
	}
}
