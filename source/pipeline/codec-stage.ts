/*
The codec stage (--decode, --encode): first after the connection on the way in, last before it on
the way out. Received binary messages keep their wire bytes and gain `decoded` (and the codec's
name as `badge`); a message that does not decode goes on as it came, with a note. Outgoing text
is read as JSON and sent as the codec's bytes; text that is not JSON is refused with an error line.
*/
import {isUtf8} from 'node:buffer';
import type {Codec} from '../codecs/types.js';
import {parseJsonValue, toJsonText} from '../codecs/json-view.js';
import {escapeControl} from '../display.js';
import {PipelineMessage} from './message.js';
import type {StageFactory} from './stage.js';

export type CodecStageOptions = {
	/** --decode: decodes received binary messages. */
	readonly decode?: Codec;
	/** --encode: encodes messages to send (it must have `encode`). */
	readonly encode?: Codec;
};

/** Longest part of a refused message quoted in its error line. */
const quoteLength = 60;

export function codecStage({decode, encode}: CodecStageOptions): StageFactory {
	return link => {
		let received = 0;
		return {
			name: 'codec',
			receive(message, next) {
				received++;
				if (decode !== undefined && message.isBinary) {
					try {
						message.annotate({decoded: decode.decode(message.data), badge: decode.name});
					} catch (error) {
						link.log(`message ${received} is not ${decode.name} (${escapeControl(reason(error))}): shown as received`);
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
					link.error(`not sent: not JSON (${escapeControl(reason(error))}): ${quote(message.text!)}`);
					return;
				}

				try {
					next(new PipelineMessage(Buffer.from(encode.encode(value)), true).annotate({decoded: value, badge: encode.name}));
				} catch (error) {
					link.error(`not sent: cannot be encoded as ${encode.name} (${escapeControl(reason(error))}): ${quote(message.text!)}`);
				}
			},
		};
	};
}

function reason(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function quote(text: string): string {
	return escapeControl(text.length > quoteLength ? `${text.slice(0, quoteLength)}...` : text);
}

/** How pipe mode and --jsonl show a decoded value. */
export type DecodedView = {
	/** The value as one line of JSON (json-view.ts's rule): plain output and --jsonl's `decoded`. */
	readonly json: string;
	/** gzip and deflate: plain output prints this payload as a received message instead. */
	readonly payload?: {readonly data: Buffer; readonly isBinary: boolean};
};

/** The view of a message `codec` decoded. Throws (a RangeError) for a value nested too deeply to show. */
export function decodedView(codec: Codec, decoded: unknown): DecodedView {
	const json = toJsonText(decoded, codec.jsonView);
	if (codec.shows === 'json') {
		return {json};
	}

	const data = typeof decoded === 'string' ? Buffer.from(decoded) : Buffer.from(decoded as Uint8Array);
	return {json, payload: {data, isBinary: typeof decoded !== 'string' || !isUtf8(data)}};
}
