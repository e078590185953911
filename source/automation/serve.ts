/*
Hooks in `wsterm serve`: one pipeline per client (the hooks stage, as in a client connection),
plus reloading the script when its file changes.
serve/server.ts knows only the small interfaces below; the folder is loaded only when `--reply`
or `--script` is given.
*/
import {readFileSync, watch, type FSWatcher} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {basename, dirname} from 'node:path';
import type {IncomingMessage} from 'node:http';
import {type Clock, systemClock} from '../shared/clock.js';
import {PipelineMessage} from '../pipeline/message.js';
import {createPipeline} from '../pipeline/pipeline.js';
import type {HookConfig} from './runner.js';
import {importHooks} from './script.js';
import {hooksStage} from './stage.js';

/** What serve/server.ts does for one client's hooks. */
export type ServePeer = {
	readonly id: number;
	/** The default for a received message: echo it (or broadcast it with --broadcast). */
	forward(data: Buffer, isBinary: boolean): void;
	/** Send to this client. */
	send(data: Buffer, isBinary: boolean): void;
	/** Send to every other client. */
	broadcast(data: Buffer, isBinary: boolean): void;
	close(code: number, reason: string): void;
};

/** One client's hooks, driven by serve/server.ts. */
export type ServeClientHooks = {
	/** A message from the client. False: many wait in the hooks; stop reading until settled(). */
	receive(data: Buffer, isBinary: boolean): boolean;
	/** The client is gone; `byServer`: the server was shutting down. */
	close(code: number, reason: string, byServer: boolean): void;
	settled(): Promise<void>;
};

export type ServeHooksRunning = {
	connect(peer: ServePeer, request: IncomingMessage, url: string): ServeClientHooks;
	/** Stops watching the script. */
	stop(): void;
};

/** What serve's options carry: started once the server has its log. */
export type ServeHooksSetup = {
	start(log: (line: string) => void): ServeHooksRunning;
};

// Editors save in several steps (truncate, write, rename): one reload after they are done.
const settleMs = 100;

function watchScript(config: HookConfig, log: (line: string) => void, clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>): (() => void) {
	const {script} = config;
	if (script === undefined) {
		return () => undefined;
	}

	const {file} = script;
	// What is loaded now, read at once: read later, an edit made meanwhile would pass for it and
	// never be reloaded.
	let loaded: Buffer | undefined;
	try {
		loaded = readFileSync(file.absolute);
	} catch {}

	let version = 0;
	let timer: NodeJS.Timeout | undefined;
	const stopTimer = (): void => {
		if (timer !== undefined) {
			clock.clearTimeout(timer);
			timer = undefined;
		}
	};

	const reload = async (): Promise<void> => {
		let content: Buffer;
		try {
			content = await readFile(file.absolute);
		} catch {
			// Gone for the moment (an editor's rename): the next event brings it back.
			return;
		}

		if (loaded?.equals(content)) {
			return;
		}

		loaded = content;
		const mine = ++version;
		try {
			const hooks = await importHooks(file, mine);
			if (mine === version) {
				script.hooks = hooks;
				log(`script reloaded: ${file.path}`);
			}
		} catch (error) {
			log(`script not reloaded, the previous version stays: ${(error as Error).message.replace(/^--script /, '')}`);
		}
	};

	let watcher: FSWatcher | undefined;
	try {
		// The directory, not the file: a save by rename replaces the file a file watch would follow.
		watcher = watch(dirname(file.absolute), (_event, name) => {
			if (name === null || name === basename(file.absolute)) {
				stopTimer();
				timer = clock.setTimeout(() => void reload(), settleMs);
			}
		});
		watcher.on('error', () => undefined);
	} catch (error) {
		log(`cannot watch ${file.path} for changes (${(error as Error).message}): edits need a restart`);
	}

	return () => {
		stopTimer();
		watcher?.close();
	};
}

/** `clock`: the script's reload timer, the timers it sets and the pipelines' (the system's by default). */
export function createServeHooks(config: HookConfig, {clock = systemClock}: {readonly clock?: Clock} = {}): ServeHooksSetup {
	return {
		start(log) {
			const stop = watchScript(config, log, clock);
			return {
				stop,
				connect(peer, request, url) {
					let closedByHook = false;
					// The same pipeline as a client's: the hooks stage, then serve's answer as the consumer.
					const pipeline = createPipeline([hooksStage(config, {
						url,
						clock,
						request: {path: request.url ?? '/', headers: request.headers, remoteAddress: request.socket.remoteAddress},
						broadcast(message) {
							peer.broadcast(message.data, message.isBinary);
						},
					})], {
						transmit(message) {
							peer.send(message.data, message.isBinary);
						},
						deliver(message) {
							const {shown, replied} = message;
							if (shown === undefined) {
								if (!replied) {
									peer.forward(message.data, message.isBinary);
								}
							} else if (shown !== null) {
								peer.send(shown.data, shown.isBinary);
							}
						},
						event: () => undefined,
						close(code, reason) {
							closedByHook = true;
							peer.close(code, reason);
						},
						log(line) {
							log(`#${peer.id} ${line}`);
						},
						error(line) {
							log(`#${peer.id} script error: ${line}`);
						},
					}, {clock});
					pipeline.event({type: 'open', protocol: '', extensions: '', attempt: 1});
					return {
						receive: (data, isBinary) => pipeline.receive(new PipelineMessage(data, isBinary)),
						close(code, reason, byServer) {
							pipeline.event({type: 'close', code, reason, byUs: closedByHook || byServer, willReconnect: false});
						},
						settled: async () => pipeline.settled(),
					};
				},
			};
		},
	};
}
