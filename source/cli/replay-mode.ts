/*
`wsterm replay FILE [url]`: reads the recorded conversation and sends it again (replay/run.ts),
with the options replay-options.ts checked.
*/
import {buildTarget} from '../connection/connect-options.js';
import {UsageError} from '../shared/exit-codes.js';
import {processIo} from '../shared/io.js';
import type {ProfileContext} from '../profiles/context.js';
import {readCertificateFile} from './flag-files.js';
import {shownWithout, withShownStderr} from './prepare-client.js';
import type {ParsedLine} from './flags.js';
import {replayOptionsFromCommandLine, withRecordedProtocol} from './replay-options.js';

export async function runReplayMode(line: ParsedLine, profile: ProfileContext): Promise<number> {
	const options = replayOptionsFromCommandLine(line, profile);
	const [{readConversation}, {runReplay}, {Connection}] = await Promise.all([
		import('../replay/read-conversation.js'), import('../replay/run.js'), import('../connection/connection.js'),
	]);
	const conversation = readConversation(options.file, options.choices.entry);
	const target = options.url ?? conversation.url;
	if (target === undefined) {
		throw new UsageError(`${options.file} does not say which URL it recorded: give one, wsterm replay FILE ws://host:port/path`);
	}

	const built = shownWithout(await buildTarget(target, withRecordedProtocol(options.connect, conversation), readCertificateFile, process.env), profile.secrets);
	for (const note of built.notes) {
		process.stderr.write(`wsterm: ${note}\n`);
	}

	return runReplay(new Connection(built.target, options.connection), conversation, {
		...options.choices,
		jsonl: options.jsonl,
		verbose: options.verbose,
	}, withShownStderr(processIo(), profile.secrets));
}
