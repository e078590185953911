/*
The message pane's window onto a list of entries, each some number of screen lines tall.
The position is the bottom edge: which entry is there and how many of its lines are hidden
below it. Everything here walks only as far as the window is tall, so the cost of a frame or a
scroll does not depend on how long the list is.
*/

export type Rows = {
	readonly count: number;
	/** Screen lines of entry `index` (at least 1). */
	readonly heightOf: (index: number) => number;
};

export type Anchor = {
	/** The entry at the bottom edge. */
	readonly index: number;
	/** Lines of that entry below the bottom edge (0: its last line is the bottom line). */
	readonly cut: number;
};

/** Lines `from` (inclusive) to `to` (exclusive) of entry `index` are on screen. */
export type VisibleEntry = {
	readonly index: number;
	readonly from: number;
	readonly to: number;
};

export function endAnchor(rows: Rows): Anchor {
	return {index: Math.max(0, rows.count - 1), cut: 0};
}

export function isAtEnd(rows: Rows, anchor: Anchor): boolean {
	return anchor.index >= rows.count - 1 && anchor.cut <= 0;
}

/** The entries on screen, top to bottom, for a window `height` lines tall ending at `anchor`. */
export function visibleEntries(rows: Rows, anchor: Anchor, height: number): VisibleEntry[] {
	const shown: VisibleEntry[] = [];
	if (rows.count === 0 || height <= 0) {
		return shown;
	}

	let index = Math.min(anchor.index, rows.count - 1);
	let to = rows.heightOf(index) - Math.max(0, anchor.cut);
	let left = height;
	while (index >= 0 && left > 0) {
		const from = Math.max(0, to - left);
		if (to > from) {
			shown.push({index, from, to});
			left -= to - from;
		}

		index--;
		if (index >= 0) {
			to = rows.heightOf(index);
		}
	}

	return shown.reverse();
}

/** Lines above the bottom edge, counted up to `limit`. */
function linesAbove(rows: Rows, anchor: Anchor, limit: number): number {
	let total = rows.heightOf(anchor.index) - anchor.cut;
	for (let index = anchor.index - 1; index >= 0 && total < limit; index--) {
		total += rows.heightOf(index);
	}

	return total;
}

/**
The anchor itself, unless fewer than `height` lines are above it while more are below (the rows
above it were dropped from a full scrollback, or the anchor's own entry was): then the anchor
that puts the first line at the top, so that the window is full and the oldest row in reach.
*/
export function fillWindow(rows: Rows, anchor: Anchor, height: number): Anchor {
	if (rows.count === 0 || isAtEnd(rows, anchor) || linesAbove(rows, anchor, height) >= height) {
		return anchor;
	}

	let left = height;
	for (let index = 0; index < rows.count; index++) {
		const lines = rows.heightOf(index);
		if (lines >= left) {
			return {index, cut: lines - left};
		}

		left -= lines;
	}

	return endAnchor(rows);
}

/**
Moves the bottom edge by `lines` (negative: back towards older entries), stopping at the live end
and where the first line reaches the top of a window `height` lines tall.
*/
export function scrollBy(rows: Rows, anchor: Anchor, lines: number, height: number): Anchor {
	if (rows.count === 0) {
		return {index: 0, cut: 0};
	}

	let index = Math.min(anchor.index, rows.count - 1);
	let cut = Math.max(0, Math.min(anchor.cut, rows.heightOf(index) - 1));
	if (lines < 0) {
		// Never further back than the point where the oldest line sits at the top.
		const room = Math.max(0, linesAbove(rows, {index, cut}, height - lines) - height);
		cut += Math.min(-lines, room);
		while (cut >= rows.heightOf(index) && index > 0) {
			cut -= rows.heightOf(index);
			index--;
		}

		return {index, cut};
	}

	cut -= lines;
	while (cut < 0 && index < rows.count - 1) {
		index++;
		cut += rows.heightOf(index);
	}

	return {index, cut: Math.max(0, cut)};
}
