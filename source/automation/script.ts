/*
Loading a `--script` module and describing what went wrong in it. A module may export its hooks
by name or as a default object (`module.exports = {...}` in CommonJS). Reloading (serve) imports
the file again under a new URL query, since ES modules are cached by URL for good.
*/
import {createRequire} from 'node:module';
import {extname, resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {promisify} from 'node:util';
import {escapeControl} from '../shared/escape-text.js';
import {UsageError} from '../shared/exit-codes.js';
import type {Hooks, ServeHooks} from './types.js';

/** The client connects and sends (pipe mode, the session); the server answers (serve). */
export type Role = 'client' | 'server';

const hookNames: Record<Role, ReadonlySet<string>> = {
	client: new Set(['onOpen', 'onMessage', 'onSend', 'onClose']),
	server: new Set(['onConnect', 'onMessage', 'onClose']),
};

/** Every hook either role knows, as functions; unused ones are absent. */
export type AnyHooks = Hooks & ServeHooks;

export type ScriptFile = {
	/** The path as the user gave it, for messages. */
	readonly path: string;
	/** Absolute, for fs and for finding the file in stack traces. */
	readonly absolute: string;
	readonly url: string;
	readonly role: Role;
};

const require = createRequire(import.meta.url);

/**
The line of a syntax error. Node 20 keeps it out of the error an import rejects with, so ask
`node --check`, which prints it first (`/path/x.mjs:3`); only ever run when loading failed.
*/
async function syntaxErrorLine(file: ScriptFile): Promise<string | undefined> {
	try {
		// Imported here: the CLI is one bundle, where an import at the top would load child_process at every start.
		const {execFile} = await import('node:child_process');
		await promisify(execFile)(process.execPath, ['--check', file.absolute], {timeout: 5000});
	} catch (error) {
		const first = String((error as {stderr?: unknown}).stderr ?? '').split('\n', 1)[0]!;
		return /:(\d+)$/.exec(first)?.[1];
	}

	return undefined;
}

async function describeLoadError(file: ScriptFile, error: unknown): Promise<string> {
	if (!(error instanceof Error)) {
		return String(error);
	}

	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ERR_MODULE_NOT_FOUND' && error.message.includes(file.absolute)) {
		return 'no such file';
	}

	const syntaxLine = error.name === 'SyntaxError' ? await syntaxErrorLine(file) : undefined;
	const place = syntaxLine === undefined ? locate(file, error) : `${file.path}:${syntaxLine}`;
	return `${place === undefined ? '' : `${place}: `}${error.name}: ${error.message.split('\n', 1)[0]}`;
}

function checkExports(file: ScriptFile, hooks: Record<string, unknown>): void {
	const known = hookNames[file.role];
	const other = hookNames[file.role === 'client' ? 'server' : 'client'];
	for (const [name, value] of Object.entries(hooks)) {
		if (known.has(name)) {
			if (typeof value !== 'function') {
				throw new UsageError(`--script ${file.path}: ${name} is not a function`);
			}
		} else if (other.has(name)) {
			throw new UsageError(`--script ${file.path}: ${name} is a ${file.role === 'client' ? 'wsterm serve' : 'client'} hook; ${file.role === 'client' ? 'a client connection uses' : 'wsterm serve uses'} ${[...known].join(', ')}`);
		} else if (/^on[A-Z]/i.test(name)) {
			throw new UsageError(`--script ${file.path}: unknown hook ${name} (hooks: ${[...known].join(', ')})`);
		}
	}
}

export function scriptFile(path: string, role: Role): ScriptFile {
	if (!['.js', '.mjs', '.cjs'].includes(extname(path))) {
		throw new UsageError(`--script takes a .js, .mjs or .cjs file, not ${JSON.stringify(path)}`);
	}

	const absolute = resolve(path);
	return {path, absolute, url: pathToFileURL(absolute).href, role};
}

/**
Imports the script and returns its hooks. `version` > 0 imports it afresh (after a change).
Throws UsageError with one line naming the file when it cannot be loaded or exports a bad hook.
*/
export async function importHooks(file: ScriptFile, version = 0): Promise<AnyHooks> {
	let module: Record<string, unknown>;
	try {
		if (version > 0) {
			// CommonJS files are cached by name, whatever the URL says.
			delete require.cache[file.absolute];
		}

		module = await import(version > 0 ? `${file.url}?v=${version}` : file.url) as Record<string, unknown>;
	} catch (error) {
		throw new UsageError(`--script ${file.path}: cannot load: ${escapeControl(await describeLoadError(file, error))}`);
	}

	const {default: fallback, ...named} = module;
	const hooks = typeof fallback === 'object' && fallback !== null ? {...fallback as Record<string, unknown>, ...named} : named;
	checkExports(file, hooks);
	return hooks as AnyHooks;
}

/** `script.mjs:12` for the first place in the script an error's stack passes through. */
export function locate(file: ScriptFile, error: unknown): string | undefined {
	const stack = error instanceof Error ? error.stack ?? '' : '';
	for (const line of stack.split('\n')) {
		// ES modules appear as their URL, CommonJS files as their path.
		const name = line.includes(file.url) ? file.url : file.absolute;
		const index = line.indexOf(name);
		if (index === -1) {
			continue;
		}

		// After the name: an optional `?v=N` query (a reloaded script), then :line:column.
		const place = /^(?:\?[^:]*)?:(\d+):\d+/.exec(line.slice(index + name.length));
		if (place !== null) {
			return `${file.path}:${place[1]}`;
		}
	}

	return undefined;
}

/** One line for a hook that threw or rejected: where, which hook, what. */
export function describeHookError(file: ScriptFile | undefined, hook: string, error: unknown): string {
	const place = file === undefined ? undefined : locate(file, error) ?? file.path;
	const what = error instanceof Error ? `${error.name}: ${error.message}` : `threw ${String(error)}`;
	return escapeControl(`${place === undefined ? '' : `${place}: `}${hook} failed: ${what}`);
}
