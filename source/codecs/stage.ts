/*
The codec stage (--decode, --encode): first after the connection on the way in, last before it on
the way out. Received binary messages keep their wire bytes and gain `decoded` (the value, for
hooks), `view` (how it is shown) and the codec's name as `badge`; a message that does not decode
goes on as it came, with a note. Outgoing text is read as JSON and sent as the codec's bytes; text
that is not JSON is refused with an error line and not sent.
*/
import {isUtf8} from 'node:buffer';
import {loadCodec} from './index.js';
import {type Codec, type CodecName, CodecSetupError, type DecodedView} from './types.js';
import {parseJsonValue, toJsonText, UnsendableValueError} from './json-view.js';
import {escapeControl, quote} from '../shared/escape-text.js';
import {UsageError} from '../shared/exit-codes.js';
import {PipelineMessage} from '../pipeline/message.js';
import type {StageFactory} from '../pipeline/stage.js';

export type CodecStageOptions = {
	/** --decode: decodes received binary messages. */
	readonly decode?: Codec;
	/** --encode: encodes messages to send (it must have `encode`). */
	readonly encode?: Codec;
	/** Called for each message refused (not JSON, or not encodable), after its error line. */
	readonly onRefused?: () => void;
	/** The session's /decode: when given, the decoder is read from it for each message (and `decode` is put in it). */
	readonly decoderSwitch?: DecoderSwitch;
};

/** A decoder that can change while the connection lives (the session's /decode NAME|off). */
export type DecoderSwitch = {current: Codec | undefined};

/** What the command line asked for: --decode, --encode, --proto, --type. */
export type CodecChoices = {
	readonly decode?: CodecName;
	readonly encode?: CodecName;
	readonly proto?: readonly string[];
	readonly type?: string;
	/** gzip, deflate: the longest message one may decompress to (--max-payload). */
	readonly maxPayload?: number;
	readonly onRefused?: () => void;
	readonly decoderSwitch?: DecoderSwitch;
};


/** Loads the codecs asked for and builds the stage; a codec that cannot be set up is a UsageError. */
export async function loadCodecStage({decode, encode, onRefused, decoderSwitch, ...options}: CodecChoices): Promise<StageFactory> {
	const load = async (name: CodecName | undefined): Promise<Codec | undefined> => {
		try {
			return name === undefined ? undefined : await loadCodec(name, options);
		} catch (error) {
			throw error instanceof CodecSetupError ? new UsageError(error.message) : error;
		}
	};

	const [decoder, encoder] = await Promise.all([load(decode), load(encode)]);
	return codecStage({
		...(decoder === undefined ? {} : {decode: decoder}),
		...(encoder === undefined ? {} : {encode: encoder}),
		...(onRefused === undefined ? {} : {onRefused}),
		...(decoderSwitch === undefined ? {} : {decoderSwitch}),
	});
}

export function codecStage({decode: fixed, encode, onRefused, decoderSwitch}: CodecStageOptions): StageFactory {
	if (decoderSwitch !== undefined) {
		decoderSwitch.current = fixed;
	}

	return link => {
		let received = 0;
		const refuse = (line: string): void => {
			link.error(line);
			onRefused?.();
		};

		return {
			name: 'codec',
			receive(message, next) {
				received++;
				const decode = decoderSwitch === undefined ? fixed : decoderSwitch.current;
				if (decode !== undefined && message.isBinary) {
					try {
						const decoded = decode.decode(message.data);
						message.annotate({decoded, view: decodedView(decode, decoded), badge: decode.name});
					} catch (error) {
						link.error(`message ${received} is not ${decode.name} (${escapeControl(decodeProblem(error))}): shown as received`);
					}
				}

				next(message);
			},
			send(message, next) {
				if (encode?.encode === undefined || message.isBinary) {
					// Bytes (from a hook, or -x @FILE) go as they are.
					next(message);
					return;
				}

				let value: unknown;
				try {
					value = message.decoded ?? parseJsonValue(message.text!);
				} catch (error) {
					const why = escapeControl(reason(error));
					refuse(`not sent: ${error instanceof UnsendableValueError ? why : `not JSON (${why})`}: ${quote(message.text!)}`);
					return;
				}

				try {
					next(new PipelineMessage(Buffer.from(encode.encode(value)), true).annotate({decoded: value, badge: encode.name}));
				} catch (error) {
					refuse(`not sent: cannot be encoded as ${encode.name} (${escapeControl(reason(error))}): ${quote(message.text!)}`);
				}
			},
		};
	};
}

/**
Why bytes did not decode, in wsterm's words where the library's are about its internals
("Offset is outside the bounds of the DataView", "index out of range: 4 + 1 > 4"); other messages
("Unrecognized type byte: 0xc1") say it well enough as they are.
*/
function decodeProblem(error: unknown): string {
	const message = reason(error);
	if (/Insufficient data|outside the bounds of the DataView|index out of range|Unexpected end of (stream|input)|unexpected end of file/i.test(message)) {
		return 'the bytes end before the value does';
	}

	return message;
}

function reason(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}


/** How a value `codec` decoded is shown. Throws (a RangeError) for a value nested too deeply to show. */
export function decodedView(codec: Codec, decoded: unknown): DecodedView {
	const json = toJsonText(decoded, codec.jsonView);
	if (codec.shows === 'json') {
		return {json};
	}

	const data = typeof decoded === 'string' ? Buffer.from(decoded) : Buffer.from(decoded as Uint8Array);
	return {json, payload: {data, isBinary: typeof decoded !== 'string' || !isUtf8(data)}};
}
