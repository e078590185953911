/*
`wsterm bench URL`: the bench's options (load-options.ts) from the command line, then load/'s
run. Only its own flags, the messages' and the connection's apply.
*/
import type {ProfileContext} from '../profiles/context.js';
import {UsageError} from '../shared/exit-codes.js';
import {processIo} from '../shared/io.js';
import {benchTemplates, savedMessagesToSend} from './template-options.js';
import {benchOptionsFromFlags} from './load-options.js';
import {notForBench, type ParsedLine, rejectFlags} from './flags.js';

export async function runBenchMode(line: ParsedLine, profile: ProfileContext): Promise<number> {
	rejectFlags(line, notForBench, 'wsterm bench');
	const [, url, extra] = line.input;
	if (extra !== undefined) {
		throw new UsageError(`wsterm bench takes one URL, not also "${extra}": wsterm bench URL [options]`);
	}

	const io = processIo();
	const templates = benchTemplates(line, profile, io);
	const options = {...benchOptionsFromFlags(url, line.flags, line.named), profile, savedMessages: savedMessagesToSend(line, profile), ...(templates === undefined ? {} : {templates})};
	const {runBench} = await import('../load/run.js');
	return runBench(options, io);
}
