/**
 * A worker thread of `memhp check RUN…` (cli/check_pool.ts starts it): it takes runs from the
 * shared queue (an atomic counter over the list in workerData) until it is empty, checks each
 * with checkOutcome, the code the calling thread runs, and posts the outcome back; then it ends. The
 * build emits it next to the code that starts it (dist/cli/check_worker.js, and
 * dist/bundle/check_worker.js from cli/build.ts), found from import.meta.url.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkOutcome } from './check_outcome.js';
import { takeRuns } from './check_pool.js';
import type { CheckedMessage, WorkerSetup } from './check_pool.js';

const port = parentPort;
if (port === null) throw new Error('check_worker.js runs as a worker thread of memhp check');
const { args, color, queue, head } = workerData as WorkerSetup;
for (const [index, path] of takeRuns(queue, new Int32Array(head))) {
  const m: CheckedMessage = { index, outcome: checkOutcome(path, args, color) };
  port.postMessage(m);
}
