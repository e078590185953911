import {readFileSync} from 'node:fs';
import {basename, resolve} from 'node:path';
import type protobuf from 'protobufjs';
import {type Codec, type CodecOptions, CodecSetupError} from './types.js';
import {messageObject} from './protobuf-from-json.js';
import {messageJson} from './protobuf-to-json.js';

/*
protobuf values follow the proto3 JSON mapping (as grpcurl and the official libraries print them):
field names in lowerCamelCase, 64-bit integers as strings, bytes as base64 strings, enums by name,
the well-known types in their canonical forms (protobuf-to-json.ts). --encode takes the same, and
also enum numbers, numbers for 64-bit fields and the .proto names, and refuses what the mapping
does not allow (protobuf-from-json.ts).
*/

/** The well-known types' files (protobufjs has them built in): an Any may name one the --proto files do not import. */
const wellKnownFiles = ['any', 'duration', 'timestamp', 'empty', 'struct', 'wrappers', 'field_mask'].map(name => `google/protobuf/${name}.proto`);

/**
A .proto file that did not load, said with the file it is about: protobufjs names the file of a
syntax error itself, not that of a missing import or of a type defined nowhere.
*/
function setupProblem(error: NodeJS.ErrnoException, root: protobuf.Root, proto: readonly string[]): string {
	if (error.code === 'ENOENT' && typeof error.path === 'string') {
		const missing = error.path;
		if (proto.some(file => resolve(file) === resolve(missing))) {
			return `--proto ${missing}: no such file`;
		}

		const importer = proto.find(file => {
			try {
				return readFileSync(file, 'utf8').includes(`${basename(missing)}"`);
			} catch {
				return false;
			}
		});
		return `--proto ${importer ?? proto.join(', ')}: cannot read ${missing}, which it imports (no such file)`;
	}

	const unresolved = /^no such Type or Enum '(.+)' in Type \.(.+)$/.exec(error.message);
	if (unresolved !== null) {
		const user = root.lookup(unresolved[2]!);
		return `--proto ${user?.filename ?? proto.join(', ')}: ${unresolved[2]} uses the type ${unresolved[1]}, which none of the --proto files (or their imports) defines`;
	}

	return `--proto: ${error.message}`;
}

/** protobuf (protobufjs): one message type from the given .proto files, both ways. */
export async function createProtobufCodec({proto = [], type}: CodecOptions): Promise<Codec> {
	if (proto.length === 0 || type === undefined) {
		throw new CodecSetupError('protobuf needs the message definitions: --proto FILE.proto (repeatable) and --type package.Message');
	}

	const {default: {Root}} = await import('protobufjs');
	const root = new Root();
	try {
		root.loadSync([...wellKnownFiles, ...proto]);
		root.resolveAll();
	} catch (error) {
		throw new CodecSetupError(setupProblem(error as NodeJS.ErrnoException, root, proto));
	}

	let messageType: protobuf.Type;
	try {
		messageType = root.lookupType(type);
	} catch {
		throw new CodecSetupError(`--type ${type}: no such message type in ${proto.join(', ')}`);
	}

	return {
		name: 'protobuf',
		shows: 'json',
		decode: bytes => messageJson(messageType, messageType.decode(bytes)),
		encode(value) {
			const message = messageType.fromObject(messageObject(messageType, value));
			// What protobuf-from-json.ts let through, protobufjs's own check passes too: a last guard.
			const problem = messageType.verify(message);
			if (problem !== null) {
				throw new TypeError(problem);
			}

			return messageType.encode(message).finish();
		},
	};
}
