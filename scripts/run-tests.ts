/*
Runs the test files of one kind, named by their suffix (docs/development.md):
- `unit`: `X.test.ts(x)`, in-process, straight from source/ (no build): `npm run test:unit`;
- `cli`: `X.cli.test.ts`, the built CLI as a child process; `tmux`: `X.tmux.test.ts`, a real terminal;
- `all` (the default): every file, as `npm test` runs them after the build.
Extra arguments go to node's test runner.
*/
import {spawnSync} from 'node:child_process';
import {readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const kinds = ['unit', 'cli', 'tmux', 'all'] as const;
type Kind = typeof kinds[number];
const [asked = 'all', ...rest] = process.argv.slice(2);
const wanted = asked.split(',');
if (!wanted.every(kind => (kinds as readonly string[]).includes(kind))) {
	process.stderr.write(`run-tests: the kinds are ${kinds.join(', ')} (comma-separated), not ${asked}\n`);
	process.exit(2);
}

function kindOf(name: string): Kind {
	return name.includes('.cli.test.') ? 'cli' : name.includes('.tmux.test.') ? 'tmux' : 'unit';
}

const directory = fileURLToPath(new URL('../test', import.meta.url));
const files = readdirSync(directory)
	.filter(name => /\.test\.tsx?$/.test(name) && (wanted.includes('all') || wanted.includes(kindOf(name))))
	.sort()
	.map(name => `test/${name}`);
const {status} = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...rest, ...files], {stdio: 'inherit'});
process.exit(status ?? 1);
