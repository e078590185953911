import {useCallback, useState} from 'react';
import type {Codec} from '../codecs/types.js';
import {escapeControl} from '../shared/escape-text.js';
import type {NoticeKind} from '../session/command-processor.js';
import type {SessionPipe} from '../session/message-path.js';

type Options = {
	/** The pipeline from the command line, if any. */
	readonly givenPipe: SessionPipe | undefined;
	/** /decode NAME: loads a codec. */
	readonly loadDecoder: ((name: string) => Promise<Codec>) | undefined;
	/** /decode NAME in a session without a pipeline: one with a codec stage decoding with NAME. */
	readonly createDecodingPipe: ((name: string) => Promise<SessionPipe>) | undefined;
	readonly notice: (kind: NoticeKind, text: string) => void;
};

export type Decoding = {
	/** The session's pipeline: from the command line, or made by the first /decode. */
	readonly pipe: SessionPipe | undefined;
	/** /decode NAME, or /decode off (undefined). */
	readonly switchDecoder: (name: string | undefined) => Promise<void>;
};

/** /decode: switches the codec stage's decoder, or gives a session without a pipeline one that decodes. */
export function useDecoding({givenPipe, loadDecoder, createDecodingPipe, notice}: Options): Decoding {
	const [madePipe, setMadePipe] = useState<SessionPipe | undefined>(undefined);
	const pipe = givenPipe ?? madePipe;
	const switchDecoder = useCallback(async (name: string | undefined) => {
		if (pipe?.decoder === undefined || loadDecoder === undefined) {
			if (name === undefined) {
				notice('info', 'decoding is off');
				return;
			}

			if (createDecodingPipe === undefined) {
				notice('error', '/decode is not available here');
				return;
			}

			try {
				// From now on the connection's messages go through a pipeline with a codec stage.
				setMadePipe(await createDecodingPipe(name));
				notice('info', `decoding binary messages as ${name}`);
			} catch (error) {
				notice('error', `/decode ${escapeControl(name)}: ${(error as Error).message}`);
			}

			return;
		}

		if (name === undefined) {
			pipe.decoder.current = undefined;
			notice('info', 'decoding off: binary messages are shown as received');
			return;
		}

		try {
			pipe.decoder.current = await loadDecoder(name);
			notice('info', `decoding binary messages as ${name}`);
		} catch (error) {
			notice('error', `/decode ${escapeControl(name)}: ${(error as Error).message}`);
		}
	}, [pipe, loadDecoder, createDecodingPipe, notice]);
	return {pipe, switchDecoder};
}
