import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {hasTmux, TmuxSession} from './helpers/ui-tmux.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// npm test has built dist; packing with scripts would rebuild it under the other tests' feet.
test('npm pack installs globally into an empty prefix and runs from there, full screen too', {timeout: 240_000}, async () => {
	const directory = mkdtempSync(join(tmpdir(), 'wsterm-pack-'));
	const npm = (args: string[], cwd = root): string => execFileSync('npm', args, {cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});

	const listing = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'])) as Array<{files: Array<{path: string}>}>;
	const files = listing[0]!.files.map(file => file.path);
	assert.ok(files.includes('dist/cli.js'));
	assert.ok(files.every(path => /^(dist\/|package\.json$|readme\.md$|license$)/i.test(path)), `unexpected files: ${files.join(', ')}`);
	assert.ok(!files.some(path => /test|bench|\.tsx?$/.test(path)), 'tests, benchmarks or sources are packed');

	npm(['pack', '--ignore-scripts', '--pack-destination', directory]);
	const tarball = readdirSync(directory).find(name => name.endsWith('.tgz'))!;
	const prefix = join(directory, 'prefix');
	npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(directory, tarball)], directory);
	const wsterm = join(prefix, 'bin', 'wsterm');
	const environment = {...process.env, NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: ''};

	const version = execFileSync(wsterm, ['--version'], {encoding: 'utf8', env: environment}).trim();
	assert.equal(version, (JSON.parse(npm(['pkg', 'get', 'version'])) as string));
	assert.match(execFileSync(wsterm, ['--help'], {encoding: 'utf8', env: environment}), /Usage\n {4}\$ wsterm \[url\] \[options\]/);

	const server = spawn(wsterm, ['serve', '--port', '0'], {env: environment, stdio: ['ignore', 'pipe', 'pipe']});
	try {
		const [firstLine] = await once(server.stdout!, 'data') as [Buffer];
		const url = /^(ws:\/\/\S+)\n/.exec(firstLine.toString())?.[1];
		assert.ok(url, `no URL in: ${firstLine.toString()}`);
		const echoed = execFileSync(wsterm, [url], {input: 'one\ntwo\n', encoding: 'utf8', env: environment});
		assert.equal(echoed, 'one\ntwo\n');
	} finally {
		server.kill('SIGTERM');
	}

	// The full-screen session from the installed bundle, against its built-in echo server.
	if (hasTmux()) {
		const tmux = new TmuxSession(`env NO_PROXY='*' XDG_STATE_HOME='${directory}' '${wsterm}'; echo "EXIT=$?"; sleep 30`, {columns: 100, rows: 20});
		try {
			await tmux.waitFor(/^ open .*built-in echo server/m, {what: 'the session to open'});
			tmux.keys('from the package', {literal: true});
			await tmux.waitFor(/^> from the package/m);
			tmux.keys('Enter');
			await tmux.waitFor(/< from the package/);
			tmux.keys('C-c');
			await tmux.waitFor(/^EXIT=0$/m, {what: 'exit 0'});
		} finally {
			tmux.kill();
		}
	}
});
