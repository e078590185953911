import type {JsonViewExtension} from './json-view.js';

/** The codecs `--decode` takes. */
export const decodeNames = ['msgpack', 'cbor', 'protobuf', 'gzip', 'deflate'] as const;
/** The codecs `--encode` takes: gzip and deflate only decode. */
export const encodeNames = ['msgpack', 'cbor', 'protobuf'] as const;

export type CodecName = (typeof decodeNames)[number];

/** A binary format: bytes from the peer become a value, and (for most) a value becomes bytes. */
export type Codec = {
	readonly name: CodecName;
	/**
	`json`: the decoded value is shown as one line of JSON (json-view.ts).
	`payload`: decoding gives another payload (a string, or bytes), shown like a received message.
	*/
	readonly shows: 'json' | 'payload';
	/** Throws when the bytes are not in this format. */
	decode(bytes: Uint8Array): unknown;
	/** Throws when the value cannot be said in this format; undefined for decode-only codecs. */
	readonly encode?: (value: unknown) => Uint8Array;
	/** Shows the format's own types (CBOR tags ...) in JSON; see json-view.ts. */
	readonly jsonView?: JsonViewExtension;
};

/** How a decoded message is shown (the pipeline's message carries it, so it is defined there). */
export type {DecodedView} from '../pipeline/message.js';

export type CodecOptions = {
	/** protobuf: the .proto files to load. */
	readonly proto?: readonly string[];
	/** protobuf: the message type, `package.Message`. */
	readonly type?: string;
	/** gzip, deflate: the longest message one may decompress to, in bytes (--max-payload; 100 MiB). */
	readonly maxPayload?: number;
};

/** Longest decompressed message in MiB without --max-payload (gzip, deflate; wsterm's largest accepted message): a small bomb stays small. */
export const maxDecompressedMiB = 100;

/** A codec that cannot be set up as asked (a bad .proto file, an unknown type): a usage error. */
export class CodecSetupError extends Error {
	override name = 'CodecSetupError';
}
