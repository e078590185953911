import {isUtf8} from 'node:buffer';
import {gunzipSync, inflateRawSync, inflateSync} from 'node:zlib';
import {formatBytes} from '../shared/escape-text.js';
import {type Codec, maxDecompressedMiB} from './types.js';

/**
gzip, and deflate with or without the zlib wrapper (servers send both under that name); decode
only. The result is the text when it is UTF-8, else the bytes, shown like a received message.
*/
export function createZlibCodec(name: 'gzip' | 'deflate', maxOutputLength = maxDecompressedMiB * 1024 * 1024): Codec {
	return {
		name,
		shows: 'payload',
		decode(bytes) {
			let output: Buffer;
			try {
				output = name === 'gzip' ? gunzipSync(bytes, {maxOutputLength}) : inflate(bytes, maxOutputLength);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
					// The same limit as a message received (a bigger one: --max-payload BYTES).
					throw new Error(`it decompresses to more than ${formatBytes(maxOutputLength)}, the --max-payload limit`, {cause: error});
				}

				throw error;
			}

			return isUtf8(output) ? output.toString() : output;
		},
	};
}

function inflate(bytes: Uint8Array, maxOutputLength: number): Buffer {
	// A zlib stream starts with a CMF byte whose low four bits say "deflate" (8).
	return (bytes[0]! & 0x0F) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0
		? inflateSync(bytes, {maxOutputLength})
		: inflateRawSync(bytes, {maxOutputLength});
}
