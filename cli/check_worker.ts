/**
 * The worker thread of `memhp check RUN…` (cli/check_pool.ts starts it): it checks one run at a
 * time with checkOutcome, the code the in-process path runs, and posts the outcome back. The
 * build emits it next to the code that starts it (dist/cli/check_worker.js, and
 * dist/bundle/check_worker.js from cli/build.ts), found from import.meta.url.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkOutcome } from './check_outcome.js';
import type { CheckTask, WorkerSetup } from './check_pool.js';

const port = parentPort;
if (port === null) throw new Error('check_worker.js runs as a worker thread of memhp check');
const setup = workerData as WorkerSetup;
port.on('message', (task: CheckTask | null) => {
  // null: no more runs; closing the port lets the thread end.
  if (task === null) {
    port.close();
    return;
  }
  port.postMessage({ index: task.index, outcome: checkOutcome(task.path, setup.args, setup.color) });
});
