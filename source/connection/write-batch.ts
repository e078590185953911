/*
Holds a socket's writes until the current tick ends, so that messages sent together leave in one
system call rather than one each (a pasted block, a chunk of piped lines).
*/
import type {Duplex} from 'node:stream';

export class WriteBatch {
	/** The TCP (or TLS) socket under the WebSocket, from the upgrade response. */
	private stream: Duplex | undefined;
	private corked = false;

	/** The stream of the newest upgrade: the one the next writes go to. */
	attach(stream: Duplex): void {
		this.stream = stream;
	}

	/** A write is about to be made: the stream holds it (and those after it) until the tick ends. */
	hold(): void {
		const {stream} = this;
		if (this.corked || stream === undefined) {
			return;
		}

		this.corked = true;
		stream.cork();
		process.nextTick(() => {
			this.corked = false;
			stream.uncork();
		});
	}
}
