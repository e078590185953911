import {useCallback, useState} from 'react';
import type {Codec} from '../codecs/types.js';
import {escapeControl} from '../shared/escape-text.js';
import type {NoticeKind} from '../session/command-processor.js';
import type {SessionMessagePath} from '../session/message-path.js';

type Options = {
	/** The pipeline from the command line, if any. */
	readonly givenMessagePath: SessionMessagePath | undefined;
	/** /decode NAME: loads a codec. */
	readonly loadDecoder: ((name: string) => Promise<Codec>) | undefined;
	/** /decode NAME in a session without a pipeline: one with a codec stage decoding with NAME. */
	readonly createDecodingMessagePath: ((name: string) => Promise<SessionMessagePath>) | undefined;
	readonly notice: (kind: NoticeKind, text: string) => void;
};

export type Decoding = {
	/** The session's pipeline: from the command line, or made by the first /decode. */
	readonly messagePath: SessionMessagePath | undefined;
	/** /decode NAME, or /decode off (undefined). */
	readonly switchDecoder: (name: string | undefined) => Promise<void>;
};

/** /decode: switches the codec stage's decoder, or gives a session without a pipeline one that decodes. */
export function useDecoding({givenMessagePath, loadDecoder, createDecodingMessagePath, notice}: Options): Decoding {
	const [madeMessagePath, setMadeMessagePath] = useState<SessionMessagePath | undefined>(undefined);
	const messagePath = givenMessagePath ?? madeMessagePath;
	const switchDecoder = useCallback(async (name: string | undefined) => {
		if (messagePath?.decoder === undefined || loadDecoder === undefined) {
			if (name === undefined) {
				notice('info', 'decoding is off');
				return;
			}

			if (createDecodingMessagePath === undefined) {
				notice('error', '/decode is not available here');
				return;
			}

			try {
				// From now on the connection's messages go through a pipeline with a codec stage.
				setMadeMessagePath(await createDecodingMessagePath(name));
				notice('info', `decoding binary messages as ${name}`);
			} catch (error) {
				notice('error', `/decode ${escapeControl(name)}: ${(error as Error).message}`);
			}

			return;
		}

		if (name === undefined) {
			messagePath.decoder.current = undefined;
			notice('info', 'decoding off: binary messages are shown as received');
			return;
		}

		try {
			messagePath.decoder.current = await loadDecoder(name);
			notice('info', `decoding binary messages as ${name}`);
		} catch (error) {
			notice('error', `/decode ${escapeControl(name)}: ${(error as Error).message}`);
		}
	}, [messagePath, loadDecoder, createDecodingMessagePath, notice]);
	return {messagePath, switchDecoder};
}
