/*
How an entry of the session looks on screen: a prefix (time, direction, badge) and its content as
lines of coloured segments, wrapped to the pane's width. Network text is escaped here, once, so
that nothing a server sends reaches the terminal raw.
*/
import {isUtf8} from 'node:buffer';
import {escapeControl, formatBytes, hexBytes, hexDump, plural} from '../shared/escape-text.js';
import {type JsonTokenKind, jsonTokens, layoutJson} from '../shared/json-tokens.js';
import type {Entry} from './entry.js';
import {type Line, type Segment, type Tone, wrapSegments} from './row-wrap.js';

export type {Line, Segment, Tone} from './row-wrap.js';

export type FormatOptions = {
	/** Columns available. */
	readonly width: number;
	/** Pretty-print JSON (the /json toggle). */
	readonly prettyJson: boolean;
};

/**
Rows of one entry beyond this are left out of the pane, so that one huge message cannot stall a
frame or fill the memory with rows; the last row says so, and /open shows the whole message.
*/
export const maxEntryLines = 500;
/** What the row where an entry is cut says, after the words of why. */
export const openHint = '/open shows it all';
/** Bytes of a binary message shown as hex. */
export const maxHexBytes = 4096;
/** Text longer than this is not parsed as JSON (shown as it is). */
const maxJsonLength = 1024 * 1024;

function pad(value: number, length = 2): string {
	return String(value).padStart(length, '0');
}

/** HH:MM:SS.mmm in local time. */
export function formatTime(time: number): string {
	const date = new Date(time);
	return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

const jsonTones: Record<JsonTokenKind, Tone> = {
	key: 'key',
	string: 'string',
	number: 'number',
	literal: 'literal',
	open: 'punctuation',
	close: 'punctuation',
	comma: 'punctuation',
	colon: 'punctuation',
};

/**
JSON text as coloured segments: compact (one line) or pretty (two-space indent); undefined when
the text is not a JSON object or array. The tokens are the original text, re-indented only.
*/
export function jsonSegments(text: string, pretty: boolean): Segment[] | undefined {
	if (text.length > maxJsonLength || !/^\s*[[{]/.test(text)) {
		return undefined;
	}

	const tokens = jsonTokens(text);
	if (tokens === undefined) {
		return undefined;
	}

	// Strings may hold C1 controls and bidi overrides raw (JSON allows them).
	return layoutJson(tokens, pretty).map(([piece, token]) => token === undefined
		? {text: piece, tone: 'plain'}
		: {text: token.kind === 'key' || token.kind === 'string' ? escapeControl(piece) : piece, tone: jsonTones[token.kind]});
}

/** Splits segments at line feeds into logical lines. */
function splitLines(segments: readonly Segment[]): Segment[][] {
	const lines: Segment[][] = [[]];
	for (const segment of segments) {
		const parts = segment.text.split('\n');
		for (const [index, part] of parts.entries()) {
			if (index > 0) {
				lines.push([]);
			}

			if (part !== '') {
				lines.at(-1)!.push({text: part, tone: segment.tone});
			}
		}
	}

	return lines;
}

function badge(entry: Entry): string {
	if (entry.badge !== undefined) {
		// A codec's view: its name, then the content (JSON, or the payload it gave).
		return `${escapeControl(entry.badge)} `;
	}

	switch (entry.kind) {
		case 'text': {
			return '';
		}

		case 'binary': {
			return `binary ${formatBytes(entry.size)} `;
		}

		default: {
			return `${entry.kind} `;
		}
	}
}

// ASCII as in wscat, and because string-width measures an all-ASCII row without segmenting it:
// with arrows here, measuring rows was a third of the CPU a flood cost.
const marks: Record<Entry['dir'], string> = {in: '<', out: '>', local: '*'};

function prefix(entry: Entry): Segment[] {
	const tone: Tone = entry.kind === 'error' || entry.emphasis === 'error' ? 'error' : entry.dir === 'local' ? 'info' : entry.dir;
	const segments: Segment[] = [
		{text: `${formatTime(entry.time)} `, tone: 'time'},
		{text: `${marks[entry.dir]} `, tone},
	];
	if (entry.delivery !== undefined) {
		segments.push({text: `${entry.delivery} `, tone: 'pending'});
	}

	const label = badge(entry);
	if (label !== '') {
		segments.push({text: label, tone: 'badge'});
	}

	return segments;
}

function controlPayload(entry: Entry): string {
	const parts: string[] = [];
	if (entry.bytes !== undefined && entry.bytes.length > 0) {
		// Hex when not text, in pipe mode's words (a control payload holds at most 125 bytes).
		const {bytes} = entry;
		parts.push(isUtf8(bytes) ? escapeControl(bytes.toString('utf8')) : `[binary ${bytes.length} B] ${hexBytes(bytes)}`);
	}

	if (entry.rtt !== undefined) {
		parts.push(`(${entry.rtt.toFixed(1)} ms)`);
	}

	return parts.join(' ');
}

/** The tone of a text row's content: a protocol's error stands out, a hidden message's note is dim. */
const emphasisTones: Record<NonNullable<Entry['emphasis']> | 'plain', Tone> = {error: 'error', quiet: 'time', plain: 'plain'};

/**
A protocol's line that pairs a request with its answer (`add [1,2] => {"result":3}`, `ack "echo" =>
[...]`): the answer coloured as JSON (and laid out by /json), after the first ` => ` where the
rest is JSON. Undefined for any other row.
*/
function pairedSegments(entry: Entry, prettyJson: boolean): Segment[] | undefined {
	const text = entry.text ?? '';
	if (entry.wire === undefined || entry.badge === undefined) {
		return undefined;
	}

	for (let at = text.indexOf(' => '); at !== -1; at = text.indexOf(' => ', at + 1)) {
		const answer = jsonSegments(text.slice(at + 4), prettyJson);
		if (answer !== undefined) {
			return [{text: `${escapeControl(text.slice(0, at))} => `, tone: 'plain'}, ...answer];
		}
	}

	return undefined;
}

/** The content of an entry as segments with line feeds where lines must break. */
export function contentSegments(entry: Entry, prettyJson: boolean): Segment[] {
	switch (entry.kind) {
		case 'text': {
			const text = entry.text ?? '';
			const content = entry.emphasis === undefined ? jsonSegments(text, prettyJson) ?? pairedSegments(entry, prettyJson) : undefined;
			const segments = content ?? [{text: escapeControl(text, {keepLayout: true}).replaceAll('\t', '    '), tone: emphasisTones[entry.emphasis ?? 'plain']}];
			// A protocol's response: its round trip after it.
			return entry.rtt === undefined ? segments : [...segments, {text: ` (${entry.rtt.toFixed(1)} ms)`, tone: 'time'}];
		}

		case 'binary': {
			const bytes = entry.bytes ?? Buffer.alloc(0);
			const rows = hexDump(bytes.subarray(0, maxHexBytes));
			if (bytes.length > maxHexBytes) {
				rows.push(`… ${formatBytes(bytes.length - maxHexBytes)} more: ${openHint}`);
			}

			return [{text: rows.length === 0 ? '(empty)' : `\n${rows.join('\n')}`, tone: 'hex'}];
		}

		case 'ping':
		case 'pong': {
			return [{text: controlPayload(entry), tone: 'plain'}];
		}

		case 'close': {
			return [{text: `${entry.code ?? ''}${entry.reason ? ` ${escapeControl(entry.reason)}` : ''}`, tone: 'plain'}];
		}

		case 'error':
		case 'info': {
			return [{text: escapeControl(entry.text ?? '', {keepLayout: true}), tone: entry.kind}];
		}
	}
}

/** Columns of the prefix's segments (the time, the direction mark and a badge are ASCII, an escaped badge too). */
const prefixColumns = (segments: readonly Segment[]): number => segments.reduce((total, segment) => total + [...segment.text].length, 0);

/**
A pretty JSON line indented deeper than `cap` columns: the indent stops at `cap`, its last columns
saying how deep the line is (`12»`), so that deep nesting is not a staircase off the pane.
*/
function capIndent(segments: readonly Segment[], cap: number): readonly Segment[] {
	const [first, next] = segments;
	if (first === undefined || next === undefined || first.tone !== 'plain' || first.text.length <= cap || !/^ +$/.test(first.text)) {
		return segments;
	}

	const depth = `${Math.floor(first.text.length / 2)}»`;
	return [{text: ' '.repeat(Math.max(0, cap - depth.length)), tone: 'plain'}, {text: depth, tone: 'time'}, ...segments.slice(1)];
}

/**
The screen lines of an entry: the first starts with the prefix, the rest are indented past the
time and direction (or start at column 0 when the pane is too narrow for that) and use the width
left after that indent. wsterm's own rows wrap at spaces.
*/
export function entryLines(entry: Entry, {width, prettyJson}: FormatOptions): Line[] {
	const head = prefix(entry);
	const indent = prefixColumns(head);
	// Continuation lines start under the content, after the time and the direction mark (not
	// under a badge: a hex dump needs the room).
	const column = prefixColumns(head.slice(0, 2));
	const hanging = width - column >= 20 ? column : 0;
	const rest = Math.max(1, width - hanging);
	// Pretty JSON indents at most a third of the row.
	const cap = Math.floor(rest / 3);
	const words = entry.dir === 'local';
	const logical = splitLines(contentSegments(entry, prettyJson));
	const lines: Line[] = [];
	const margin: Segment[] = hanging > 0 ? [{text: ' '.repeat(hanging), tone: 'plain'}] : [];
	for (const [index, segments] of logical.entries()) {
		const first = index === 0;
		const shown = first || !prettyJson ? segments : capIndent(segments, cap);
		// A prefix that leaves no room on its row (a badge at 20 columns): the content starts below it.
		const below = first && width - indent <= 0;
		const wrapped = wrapSegments(shown, {first: first && !below ? width - indent : rest, rest, words, maxRows: maxEntryLines - lines.length - (below ? 1 : 0)});
		if (below) {
			wrapped.unshift([]);
		}

		for (const [rowIndex, row] of wrapped.entries()) {
			lines.push(first && rowIndex === 0 ? [...head, ...row] : [...margin, ...row]);
			if (lines.length === maxEntryLines) {
				const whole = `${formatBytes(entry.size)}${logical.length > 1 ? `, ${plural(logical.length, 'line')}` : ''}`;
				const mark = wrapSegments([{text: `… cut at ${maxEntryLines} rows (${whole}): ${openHint}`, tone: 'info'}], {first: rest, rest, words: true, maxRows: 3});
				return [...lines, ...mark.map(row => [...margin, ...row])];
			}
		}
	}

	return lines;
}

/**
What `/filter` matches against: the row as a reader sees it, badge and content (JSON as the
mode lays it out, hex dumps as shown), without the time and the wrapping.
*/
export function searchableText(entry: Entry, prettyJson: boolean): string {
	const label = entry.kind === 'text' && entry.badge === undefined ? '' : badge(entry);
	const delivery = entry.delivery === undefined ? '' : `${entry.delivery} `;
	return delivery + label + contentSegments(entry, prettyJson).map(segment => segment.text).join('');
}

export type EntryLayout = {
	readonly lines: (entry: Entry) => readonly Line[];
	readonly measure: (entry: Entry) => number;
	/** The pane shows only part of the entry (its rows or its hex dump were cut). */
	readonly cut: (entry: Entry) => boolean;
};

/**
Formats entries for one width and JSON mode, remembering each entry's lines: a frame formats only
the entries it shows, and each of them once.
*/
export function createEntryLayout(options: FormatOptions): EntryLayout {
	const cache = new WeakMap<Entry, readonly Line[]>();
	const lines = (entry: Entry): readonly Line[] => {
		let cached = cache.get(entry);
		if (cached === undefined) {
			cached = entryLines(entry, options);
			cache.set(entry, cached);
		}

		return cached;
	};

	return {
		lines,
		measure: entry => lines(entry).length,
		cut: entry => lines(entry).length > maxEntryLines || (entry.kind === 'binary' && (entry.bytes?.length ?? 0) > maxHexBytes),
	};
}
