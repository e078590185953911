/*
/decode NAME: the codecs, loaded when first asked for (never at start), and the pipeline a session
without one gains to decode with them.
*/
import type {Connection} from '../connection/connection.js';
import type {DecoderSwitch} from '../codecs/stage.js';
import type {Codec, CodecName, CodecOptions} from '../codecs/types.js';
import type {SessionMessagePath} from '../session/message-path.js';

export type Decoders = {
	/** The codec NAME; rejects with what /decode takes when there is none of that name. */
	readonly loadDecoder: (name: string) => Promise<Codec>;
	/** A pipeline with one codec stage decoding with NAME, for a session that has none. */
	readonly createDecodingMessagePath: (name: string) => Promise<SessionMessagePath>;
};

export type DecoderContext = {
	readonly connection: Connection;
	/** --proto and --type, for protobuf. */
	readonly codecOptions: CodecOptions | undefined;
	/** The -I messages the connection sends on every open. */
	readonly initialMessages: readonly string[] | undefined;
	/** Wall-clock milliseconds, for the rows' times. */
	readonly now: () => number;
};

export function createDecoders({connection, codecOptions, initialMessages, now}: DecoderContext): Decoders {
	const loadDecoder = async (name: string): Promise<Codec> => {
		const {decodeNames, loadCodec} = await import('../codecs/index.js');
		if (!(decodeNames as readonly string[]).includes(name)) {
			throw new Error(`takes ${decodeNames.join(', ')} or off`);
		}

		return loadCodec(name as CodecName, codecOptions);
	};

	const createDecodingMessagePath = async (name: string): Promise<SessionMessagePath> => {
		const [codec, {codecStage}, {SessionMessagePath}] = await Promise.all([loadDecoder(name), import('../codecs/stage.js'), import('../session/message-path.js')]);
		const decoder: DecoderSwitch = {current: undefined};
		return new SessionMessagePath(connection, [codecStage({decode: codec, decoderSwitch: decoder})], now, initialMessages, decoder);
	};

	return {loadDecoder, createDecodingMessagePath};
}
