/*
Runs tasks one after the other, in the order given, waiting for those that return a promise.
A task that returns no promise runs at once when nothing is waiting, so sync hooks (and
connections with no hooks at all) never wait for a tick.
*/
type Task = () => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
	return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

export class Serial {
	#queue: Task[] = [];
	#head = 0;
	#busy = false;
	#idle: Array<() => void> = [];

	/** Tasks waiting or running. */
	get pending(): number {
		return this.#queue.length - this.#head + (this.#busy ? 1 : 0);
	}

	/** Adds a task. Tasks must not throw: catch inside. */
	push(task: Task): void {
		this.#queue.push(task);
		if (!this.#busy) {
			this.#run();
		}
	}

	/** Resolves once every task given so far has finished. */
	async settled(): Promise<void> {
		if (this.pending === 0) {
			return;
		}

		return new Promise(resolve => {
			this.#idle.push(resolve);
		});
	}

	#run(): void {
		while (this.#head < this.#queue.length) {
			const task = this.#queue[this.#head]!;
			this.#queue[this.#head++] = undefined as unknown as Task;
			if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
				// A queue that never empties (a steady stream into an async hook) must not keep its past.
				this.#queue = this.#queue.slice(this.#head);
				this.#head = 0;
			}

			const result = task();
			if (isThenable(result)) {
				this.#busy = true;
				const next = (): void => {
					this.#busy = false;
					this.#run();
				};

				result.then(next, next);
				return;
			}
		}

		this.#queue = [];
		this.#head = 0;
		for (const resolve of this.#idle.splice(0)) {
			resolve();
		}
	}
}
