import {useStdin} from 'ink';
import {useEffect, useRef} from 'react';
import {type KeyEvent, keyReader, readKeys} from '../session/key-splitter.js';

/**
Calls `onKey` for every key the terminal sends, each key of a chunk on its own, and a bracketed
paste as one event (session/key-splitter.ts). ink's `useInput` hands a chunk over as one string and
reports Backspace and Delete alike, so the raw events from ink's input parser are read instead.
*/
export function useKeys(onKey: (event: KeyEvent) => void): void {
	const {setRawMode, internal_eventEmitter: events} = useStdin();
	const handler = useRef(onKey);
	handler.current = onKey;
	useEffect(() => {
		let state = keyReader;
		const stdinOnInput = (input: string): void => {
			const read = readKeys(state, input);
			state = read.state;
			for (const event of read.events) {
				handler.current(event);
			}
		};

		setRawMode(true);
		events.on('input', stdinOnInput);
		return () => {
			events.off('input', stdinOnInput);
			setRawMode(false);
		};
	}, [events, setRawMode]);
}
