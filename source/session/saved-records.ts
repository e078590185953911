/*
The session as `/save` writes it: the records of `--record`, an `open` record for each connection
where it opened, then the messages both ways as they were on the wire. Pure: the reducer keeps the
entries and the opens (session.ts), this lays them out; file-commands.ts writes them.
*/
import {closeRecord, type EventRecord, openRecord, payloadRecord} from '../shared/event-record.js';
import type {Entry} from './entry.js';
import type {Opened} from './state.js';

/** What the `open` records say, and what they are placed by. */
export type SaveTarget = {
	/** The URL without credentials. */
	readonly url: string;
	/** The subprotocol, for a session with no open known (never connected). */
	readonly protocol: string;
	/** The connection's opens (session.opens); none: one `open` record first. */
	readonly opens?: readonly Opened[];
	/** Wall-clock milliseconds: the `open` record's time when there is neither an open nor an entry. */
	readonly time?: number;
};

/** An entry's record; undefined for wsterm's own rows and messages that were never sent. */
function entryRecord(entry: Entry, time = entry.time): EventRecord | undefined {
	if (entry.dir === 'local' || entry.delivery === 'unsent') {
		return undefined;
	}

	if (entry.wire !== undefined) {
		return payloadRecord(time, entry.dir, entry.wireText ? 'text' : 'binary', entry.wire);
	}

	switch (entry.kind) {
		case 'close': {
			return closeRecord(time, entry.dir, entry.code ?? 1005, entry.reason ?? '');
		}

		case 'text': {
			return payloadRecord(time, entry.dir, 'text', Buffer.from(entry.text ?? ''));
		}

		case 'binary':
		case 'ping':
		case 'pong': {
			const record = payloadRecord(time, entry.dir, entry.kind, entry.bytes ?? Buffer.alloc(0));
			return entry.rtt === undefined ? record : {...record, rtt: Number(entry.rtt.toFixed(3))};
		}

		default: {
			return undefined;
		}
	}
}

/**
The opens to write: the one the first entry belongs to (the first, when entries came before any),
then each later one. After /clear, the current connection's open, dated when it opened.
*/
function opensFor(entries: readonly Entry[], opens: readonly Opened[]): readonly Opened[] {
	const first = entries[0]?.seq;
	const from = first === undefined ? opens.length - 1 : opens.findLastIndex(open => open.seq <= first);
	return opens.slice(Math.max(0, from));
}

/**
The records `/save` writes for `entries` (notices left out), with an `open` record per connection
when `open` is given, so that `wsterm replay` reads the file as it reads one of `--record`: each
open before the messages after it, and the messages typed while not connected after the open that
sent them, dated then (as `--record` writes them).
*/
export function sessionRecords(entries: readonly Entry[], open?: SaveTarget): EventRecord[] {
	const records: EventRecord[] = [];
	const add = (record: EventRecord | undefined): void => {
		if (record !== undefined) {
			records.push(record);
		}
	};

	if (open === undefined) {
		for (const entry of entries) {
			add(entryRecord(entry));
		}

		return records;
	}

	const opens = opensFor(entries, open.opens ?? []);
	const queued = new Set(opens.flatMap(opened => opened.queued));
	const bySeq = new Map(queued.size === 0 ? [] : entries.map(entry => [entry.seq, entry]));
	const writeOpen = (opened: Opened): void => {
		records.push(openRecord(opened.time, open.url, opened.protocol));
		for (const seq of opened.queued) {
			const entry = bySeq.get(seq);
			add(entry === undefined ? undefined : entryRecord(entry, opened.time));
		}
	};

	// The first open goes first whatever came before it: a replay starts at an open.
	if (opens[0] === undefined) {
		records.push(openRecord(entries[0]?.time ?? open.time ?? 0, open.url, open.protocol));
	} else {
		writeOpen(opens[0]);
	}

	let next = 1;
	for (const entry of entries) {
		while (next < opens.length && opens[next]!.seq <= entry.seq) {
			writeOpen(opens[next++]!);
		}

		if (!queued.has(entry.seq)) {
			add(entryRecord(entry));
		}
	}

	for (const opened of opens.slice(next)) {
		writeOpen(opened);
	}

	return records;
}
