/*
Preloaded into the built CLI (NODE_OPTIONS=--import) by tests of what happens while it loads:
every module after the entry (builtins and packages included) is held back for
WSTERM_TEST_LOAD_DELAY ms (only those whose URL ends with WSTERM_TEST_SLOW_ONLY, when it is
set), and the first one held writes "loading\n" to stderr. A test that
signals on that line hits the CLI after its entry ran and before anything it imports did, as a
slow disk would, whatever the load of the machine.
*/
import {writeSync} from 'node:fs';
import {register} from 'node:module';
import {pathToFileURL} from 'node:url';
import {isMainThread} from 'node:worker_threads';

let entry;
let delay = 0;
let only;
let announced = false;

export function initialize(data) {
	({entry, delay, only} = data);
}

export async function load(url, context, nextLoad) {
	if (url !== entry && (only === undefined || url.endsWith(only))) {
		if (!announced) {
			announced = true;
			writeSync(2, 'loading\n');
		}

		await new Promise(resolve => {
			setTimeout(resolve, delay);
		});
	}

	return nextLoad(url, context);
}

if (isMainThread) {
	register(import.meta.url, {data: {entry: process.argv[1] === undefined ? undefined : pathToFileURL(process.argv[1]).href, delay: Number(process.env.WSTERM_TEST_LOAD_DELAY ?? 500), only: process.env.WSTERM_TEST_SLOW_ONLY}});
}
