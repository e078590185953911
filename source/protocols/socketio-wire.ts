/*
Socket.IO's two layers as WebSocket frames, read and written by the official parsers: each frame
is an Engine.IO packet (engine.io-parser); a Socket.IO packet (socket.io-parser) travels in
Engine.IO `message` packets, one frame for the packet and one per binary attachment. Also how a
packet's values and names are shown. No state of a connection here: see socketio-socket.ts.

Engine.IO 3 (Socket.IO 2) writes its text packets as 4 does; a binary frame there starts with its
packet's type (4, message), which engine.io-parser 5 neither writes nor reads: done here.
*/
import type * as EngineIo from 'engine.io-parser';
import type * as SocketIo from 'socket.io-parser';
import {escapeControl} from '../shared/escape-text.js';
import {PipelineMessage} from '../pipeline/message.js';
import {encodeExact, encodeSwapped, exactJson, isJsonObject, isLosslessNumber, serverJson} from './exact-json.js';
import type {EngineIoVersion} from './socketio-url.js';

export type SocketIoLibraries = {
	readonly engineIo: Pick<typeof EngineIo, 'decodePacket' | 'encodePacket'>;
	readonly socketIo: Pick<typeof SocketIo, 'Decoder' | 'Encoder' | 'PacketType'>;
};

/** The badge of Socket.IO's own messages (an event received carries its name instead). */
export const badge = 'socket.io';
/** Longest event name kept in a badge. */
const badgeLength = 40;
/** Engine.IO 3's packet types, by the number a binary frame starts with. */
const engineIo3Types = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'] as const;

/** The parsers, for one stage (its encoder keeps nothing between packets). */
export class SocketIoWire {
	readonly packetType: typeof SocketIo.PacketType;
	readonly engineIoVersion: EngineIoVersion;
	readonly #engineIo: SocketIoLibraries['engineIo'];
	readonly #socketIo: SocketIoLibraries['socketIo'];
	readonly #encoder: SocketIo.Encoder;

	constructor({engineIo, socketIo}: SocketIoLibraries, engineIoVersion: EngineIoVersion = 4) {
		this.engineIoVersion = engineIoVersion;
		this.#engineIo = engineIo;
		this.#socketIo = socketIo;
		this.#encoder = new socketIo.Encoder();
		this.packetType = socketIo.PacketType;
	}

	/** An Engine.IO packet as the frame to send. */
	frame(packet: EngineIo.Packet): PipelineMessage {
		let encoded: string | Buffer = '';
		this.#engineIo.encodePacket(packet, true, (data: string | Buffer) => {
			encoded = data;
		});
		if (typeof encoded === 'string') {
			return new PipelineMessage(encoded, false);
		}

		return new PipelineMessage(this.engineIoVersion === 3 ? Buffer.concat([Buffer.from([engineIo3Types.indexOf(packet.type as 'message')]), encoded]) : encoded, true);
	}

	/** A Socket.IO packet as its frames (more than one when it has binary attachments). */
	frames(packet: SocketIo.Packet): PipelineMessage[] {
		return (this.#encoder.encode(packet) as Array<string | Buffer>).map(part => this.frame({type: 'message', data: part}));
	}

	/** A packet whose data came from a line (no bytes, so one string), its numbers as typed. */
	exactFrame(packet: SocketIo.Packet): PipelineMessage {
		return this.frame({type: 'message', data: encodeExact(replacer => (new this.#socketIo.Encoder(replacer).encode(packet) as [string])[0])});
	}

	/** A packet whose data came from a line, with bytes ({"$bytes"}) as its attachments: the header (numbers as typed), then one frame per attachment. */
	exactFrames(packet: SocketIo.Packet): PipelineMessage[] {
		let parts: Array<string | Buffer> = [];
		const header = encodeSwapped(packet.data, data => {
			parts = new this.#socketIo.Encoder().encode({...packet, data}) as Array<string | Buffer>;
			return parts[0] as string;
		});
		return [header, ...parts.slice(1)].map(part => this.frame({type: 'message', data: part}));
	}

	/** A received frame as its Engine.IO packet: type `error` when it is not one. */
	decode(message: PipelineMessage): EngineIo.Packet {
		if (message.isBinary && this.engineIoVersion === 3) {
			const type = engineIo3Types[message.data[0] ?? -1];
			return type === undefined ? {type: 'error', data: 'not an Engine.IO 3 packet type'} : {type, data: message.data.subarray(1)};
		}

		try {
			return message.isBinary ? this.#engineIo.decodePacket(message.data, 'nodebuffer') : this.#engineIo.decodePacket(message.text!);
		} catch (error) {
			return {type: 'error', data: (error as Error).message};
		}
	}

	/** A decoder for one connection's Socket.IO packets (it puts a binary packet's frames together). */
	decoder(): SocketIo.Decoder {
		return new this.#socketIo.Decoder();
	}
}

/** A frame as an error line quotes it. */
export function quotable(message: PipelineMessage): string {
	return message.isBinary ? `[binary ${message.data.length} B]` : message.text!;
}

/** A Socket.IO packet's text up to its JSON: type, attachments (binary packets), namespace, ack id. */
const packetHead = /^(?:[56]\d+-|\d)(?:\/[^,]*,)?\d*/;

/**
A packet's data with the number tokens its JSON text carries (socket.io-parser reads it with
JSON.parse, which rounds 9007199254740993 and turns 1.10 into 1.1): `text` is the packet's text (a
binary packet's header), `data` what the decoder made of it, whose bytes take the place of the
header's placeholders.
*/
export function exactData(text: string, data: unknown): unknown {
	const json = text.slice(packetHead.exec(text)?.[0].length ?? 0);
	return json === '' ? data : withBytes(exactJson(json, data), data);
}

/**
A packet's data as JSON text for its line: the server's own text (number tokens, string escapes)
when it has no binary attachments; else exactData written again, its bytes as {"$bytes": base64}.
*/
export function dataJson(text: string, data: unknown): string {
	const head = packetHead.exec(text)?.[0] ?? '';
	return serverJson(/^[56]/.test(head) ? undefined : text.slice(head.length), showable(exactData(text, data)));
}

/** `exact` (the JSON's value, tokens kept) with the bytes `decoded` has in place of its placeholders. */
function withBytes(exact: unknown, decoded: unknown): unknown {
	if (exact === decoded || isBytes(decoded)) {
		return decoded;
	}

	if (Array.isArray(exact) && Array.isArray(decoded)) {
		return exact.map((item, index) => withBytes(item, decoded[index]));
	}

	if (isJsonObject(exact) && typeof decoded === 'object' && decoded !== null) {
		return Object.fromEntries(Object.entries(exact).map(([key, item]) => [key, withBytes(item, (decoded as Record<string, unknown>)[key])]));
	}

	return exact;
}

function isBytes(value: unknown): boolean {
	return value instanceof Uint8Array || value instanceof ArrayBuffer;
}

/**
A value with its bytes (binary attachments) as {"$bytes": base64}, ready for JSON.stringify (or,
holding number tokens, stringifyExact).
*/
export function showable(value: unknown): unknown {
	if (isLosslessNumber(value)) {
		return value;
	}

	if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
		return {$bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')};
	}

	if (value instanceof ArrayBuffer) {
		return {$bytes: Buffer.from(value).toString('base64')};
	}

	if (Array.isArray(value)) {
		return value.map(item => showable(item));
	}

	if (typeof value === 'object' && value !== null) {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, showable(item)]));
	}

	return value;
}

/** An event's name: its array's first item (a string, for the server's events). */
export function eventName(data: unknown): string {
	return Array.isArray(data) && typeof data[0] === 'string' ? data[0] : '';
}

/** A name from the network as a badge: control characters visible, not too long. */
export function nameBadge(name: string): string {
	return escapeControl(name.length > badgeLength ? `${name.slice(0, badgeLength)}...` : name);
}
