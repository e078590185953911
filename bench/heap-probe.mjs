/*
Loaded into wsterm by bench/ui.ts (NODE_OPTIONS=--import): after each full garbage collection it
appends the heap still in use to the file WSTERM_BENCH_HEAP names. The peak RSS includes garbage
waiting for the next collection; this is what the scrollback actually keeps.
*/
import {appendFileSync} from 'node:fs';
import {constants, PerformanceObserver} from 'node:perf_hooks';

const file = process.env.WSTERM_BENCH_HEAP;
if (file) {
	new PerformanceObserver(list => {
		for (const entry of list.getEntries()) {
			if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
				appendFileSync(file, `${process.memoryUsage().heapUsed}\n`);
			}
		}
	}).observe({entryTypes: ['gc']});
}
