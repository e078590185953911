import {isUtf8} from 'node:buffer';
import {gunzipSync, inflateRawSync, inflateSync} from 'node:zlib';
import {type Codec, maxDecompressedMiB} from './types.js';

const maxOutputLength = maxDecompressedMiB * 1024 * 1024;

/**
gzip, and deflate with or without the zlib wrapper (servers send both under that name); decode
only. The result is the text when it is UTF-8, else the bytes, shown like a received message.
*/
export function createZlibCodec(name: 'gzip' | 'deflate'): Codec {
	return {
		name,
		shows: 'payload',
		decode(bytes) {
			const output = name === 'gzip' ? gunzipSync(bytes, {maxOutputLength}) : inflate(bytes);
			return isUtf8(output) ? output.toString() : output;
		},
	};
}

function inflate(bytes: Uint8Array): Buffer {
	// A zlib stream starts with a CMF byte whose low four bits say "deflate" (8).
	return (bytes[0]! & 0x0F) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0
		? inflateSync(bytes, {maxOutputLength})
		: inflateRawSync(bytes, {maxOutputLength});
}
