/*
The codecs, one module each behind one interface. Each module (and its library) is imported only
when its codec is asked for, so a run without --decode or --encode loads none of them. The stage
(stage.ts) imports pipeline/ (the stage interface, the message) and shared/; pipeline/ never
imports this folder.

How values look as JSON, both ways, is shared by the codecs: json-view.ts writes a decoded value,
json-read.ts reads a line for --encode, json-forms.ts holds the `$` forms between them, map-keys.ts
keeps map keys a JavaScript object would change, rfc3339.ts the dates. protobuf follows the proto3
JSON mapping: protobuf-to-json.ts, protobuf-from-json.ts (with protobuf-scalars.ts and
protobuf-well-known.ts).
*/
import {type Codec, type CodecName, type CodecOptions, CodecSetupError} from './types.js';

export {type Codec, type CodecName, type CodecOptions, CodecSetupError, type DecodedView, decodeNames, encodeNames} from './types.js';

/*
The libraries are imported inside each create function, not at the top of its module: the CLI is
bundled into one file, where a package imported at the top would be loaded at every start.
*/

/** Loads the codec called `name`; throws CodecSetupError when it cannot be set up from `options`. */
export async function loadCodec(name: CodecName, options: CodecOptions = {}): Promise<Codec> {
	switch (name) {
		case 'msgpack': {
			const {createMsgpackCodec} = await import('./msgpack.js');
			return createMsgpackCodec();
		}

		case 'cbor': {
			const {createCborCodec} = await import('./cbor.js');
			return createCborCodec();
		}

		case 'protobuf': {
			const {createProtobufCodec} = await import('./protobuf.js');
			return createProtobufCodec(options);
		}

		case 'gzip':
		case 'deflate': {
			const {createZlibCodec} = await import('./zlib.js');
			return createZlibCodec(name, options.maxPayload);
		}

		default: {
			throw new CodecSetupError(`unknown codec ${String(name)}`);
		}
	}
}
