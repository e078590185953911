import {useCallback, useReducer} from 'react';
import type {NoticeKind} from '../session/command-processor.js';
import type {EntryLayout} from '../session/message-format.js';
import {rowToOpen, writeRow} from '../session/open-row.js';
import {shownEntries} from '../session/session.js';
import type {Session} from '../session/state.js';
import type {OpenInPager} from './pager.js';

type Options = {
	readonly session: Pick<Session, 'entries' | 'filter' | 'prettyJson' | 'view'>;
	readonly layout: Pick<EntryLayout, 'measure' | 'cut'>;
	/** Lines of the message pane. */
	readonly paneHeight: number;
	/** Undefined: no terminal to hand over (a test's). */
	readonly openInPager: OpenInPager | undefined;
	readonly notice: (kind: NoticeKind, text: string) => void;
};

/**
/open (session/open-row.ts, ui/pager.ts), and `repaints`: how many times the pager had the
screen, so that the status bar changes and ink paints the whole frame again after it.
*/
export function useOpenRow({session, layout, paneHeight, openInPager, notice}: Options): {readonly open: () => void; readonly repaints: number} {
	const [repaints, repainted] = useReducer((count: number) => count + 1, 0);
	const open = useCallback(() => {
		const entry = rowToOpen(shownEntries(session), session.view, layout, paneHeight);
		if (entry === undefined) {
			notice('error', 'nothing to open: the pane is empty');
			return;
		}

		if (openInPager === undefined) {
			notice('error', '/open needs a terminal');
			return;
		}

		const problem = openInPager(`row-${entry.seq}.txt`, write => {
			writeRow(entry, session.prettyJson, write);
		});
		repainted();
		if (problem !== undefined) {
			notice('error', problem);
		}
	}, [session, layout, paneHeight, openInPager, notice]);
	return {open, repaints};
}
