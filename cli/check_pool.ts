/**
 * Check many runs with `jobs` threads: this thread and jobs − 1 node:worker_threads workers
 * (cli/check_worker.ts), each run by the same checkOutcome; `--jobs 1` checks every run here and
 * starts no worker. The runs wait in one shared queue, largest trace first (scheduleOf): each thread
 * takes the next run when it is done with one (an atomic counter in a SharedArrayBuffer, so a
 * worker never waits for this thread to hand it a run), and no thread is left with a big run at the
 * end while the others idle. The outcomes come back in the order of the runs given, whichever
 * thread checked which.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunOutcome } from './check_outcome.js';
import type { CheckArgs } from './check_run.js';
import { UserError } from './errors.js';

/** What every worker is started with. */
export interface WorkerSetup {
  readonly args: CheckArgs;
  readonly color: boolean;
  /** The runs in the order they are taken: [index in the runs given, path]. */
  readonly queue: ReadonlyArray<readonly [number, string]>;
  /** The shared queue's head: Int32Array [next place in `queue`], taken with Atomics.add. */
  readonly head: SharedArrayBuffer;
}

/** A run checked by a worker: its index in the runs given and its outcome. */
export interface CheckedMessage {
  readonly index: number;
  readonly outcome: RunOutcome;
}

/** How to check the runs. */
export interface PoolOptions {
  /** Threads that check (1: this thread alone, no worker). */
  readonly jobs: number;
  /** Colour the runs' stderr text. */
  readonly color: boolean;
  /** Check on `jobs` worker threads only, this thread checking none (the bench's worker-only rows); default: this thread and jobs − 1 workers. */
  readonly workersOnly?: boolean;
  /** The worker's entry (default WORKER_URL, beside this module); the bench gives the bundle's, which bin/memhp.js starts. */
  readonly workerUrl?: URL;
  /** Called after each run with how many are done (the progress bar). */
  readonly onDone?: (done: number) => void;
}

/**
 * A worker's heap: a young generation that may grow to 64 MiB (a check allocates much short-lived
 * data; with V8's default the scavenges cost ~13% more CPU over 80 fixture runs).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 64 } as const;

/** The worker's entry, emitted by the build beside this module (dist/cli/ and dist/bundle/). */
export const WORKER_URL = new URL('./check_worker.js', import.meta.url);

/** Check every run of `paths`; the outcomes are in the order of `paths`. */
export async function checkRuns(paths: readonly string[], args: CheckArgs, opts: PoolOptions): Promise<RunOutcome[]> {
  const jobs = Math.max(1, Math.min(opts.jobs, paths.length));
  const workers = opts.workersOnly === true ? jobs : jobs - 1;
  const queue = workers === 0 ? paths.map((p, i) => [i, p] as const) : scheduleOf(paths);
  const head = new SharedArrayBuffer(4);
  const outcomes = new Array<RunOutcome | undefined>(paths.length);
  let done = 0;
  const took = (index: number, outcome: RunOutcome): void => {
    outcomes[index] = outcome;
    done++;
    opts.onDone?.(done);
  };
  // The workers start first: they load memhp's code while this thread loads its own.
  const pool = workers === 0 ? null : startWorkers(workers, { args: { ...args }, color: opts.color, queue, head }, opts.workerUrl ?? WORKER_URL, took);
  // A worker that fails empties the queue (this thread stops taking runs) and rejects `finished`, awaited below.
  pool?.finished.catch(() => undefined);
  try {
    if (opts.workersOnly !== true) await checkHere(queue, new Int32Array(head), args, opts.color, took, pool !== null);
    if (pool !== null) await pool.finished;
  } catch (e) {
    pool?.stop();
    throw e;
  }
  if (done !== paths.length) throw new Error(`check: ${done} of ${paths.length} runs were checked`);
  return outcomes as RunOutcome[];
}

/** The runs in the order the threads take them: largest trace first (ties in the order given), each with its index in `paths`. */
export function scheduleOf(paths: readonly string[]): Array<readonly [number, string]> {
  const sized = paths.map((p, i) => ({ i, p, size: traceSize(p) }));
  sized.sort((a, b) => b.size - a.size || a.i - b.i);
  return sized.map((s) => [s.i, s.p] as const);
}

/** The runs of the shared queue this thread takes, one at a time until the queue is empty (whichever thread takes the next). */
export function* takeRuns(queue: WorkerSetup['queue'], head: Int32Array): Generator<readonly [number, string]> {
  for (let k = Atomics.add(head, 0, 1); k < queue.length; k = Atomics.add(head, 0, 1)) yield queue[k] as readonly [number, string];
}

/** --jobs N for `runs` runs (default: the cores, at most one per run); throws UserError for anything but a whole number ≥ 1. */
export function jobsArg(text: string | undefined, runs: number): number {
  if (text === undefined) return Math.max(1, Math.min(availableParallelism(), runs));
  if (!/^[1-9]\d*$/.test(text)) throw new UserError('E_USAGE', `--jobs takes a whole number of threads ≥ 1, not '${text}'`, [], '--jobs 1 checks every run in this thread');
  return Number(text);
}

// --- internal ---

/** Workers that check runs of the shared queue. */
interface Pool {
  /** Settles when every worker has ended: rejects when one failed. */
  readonly finished: Promise<void>;
  /** End every worker now. */
  stop(): void;
}

/** Take runs from the shared queue and check them in this thread until it is empty; between runs, let the workers' outcomes in (`yieldEach`). */
async function checkHere(queue: WorkerSetup['queue'], head: Int32Array, args: CheckArgs, color: boolean, took: (index: number, o: RunOutcome) => void, yieldEach: boolean): Promise<void> {
  // Loaded here only: a corpus checked on workers alone never loads the model in this thread.
  const { checkOutcome } = await import('./check_outcome.js');
  for (const [index, path] of takeRuns(queue, head)) {
    took(index, checkOutcome(path, args, color));
    if (yieldEach) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Start `n` workers on the shared queue; each outcome they post goes to `took`. */
function startWorkers(n: number, setup: WorkerSetup, url: URL, took: (index: number, o: RunOutcome) => void): Pool {
  if (!existsSync(fileURLToPath(url))) {
    throw new UserError('E_IO', `cannot start the check workers: ${fileURLToPath(url)} is missing`, [], 'npm run build emits it; --jobs 1 checks in this thread');
  }
  const workers: Worker[] = [];
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    for (const w of workers) void w.terminate();
  };
  const finished = new Promise<void>((resolve, reject) => {
    let running = n;
    const fail = (e: unknown): void => {
      if (stopped) return;
      Atomics.store(new Int32Array(setup.head), 0, setup.queue.length);
      stop();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    for (let i = 0; i < n; i++) {
      const w = new Worker(url, { workerData: setup, resourceLimits: WORKER_LIMITS });
      workers.push(w);
      w.on('message', (m: CheckedMessage) => {
        if (!stopped) took(m.index, m.outcome);
      });
      w.on('error', fail);
      // A worker ends when the queue is empty, after its last outcome has been delivered.
      w.on('exit', (code) => {
        if (code !== 0) fail(new Error(`a check worker ended (exit ${code}) before its runs were checked`));
        else if (--running === 0 && !stopped) resolve();
      });
    }
  });
  return { finished, stop };
}

/** The size of the trace a run reads (its trace.txt, or the file given), 0 when it cannot be read. */
export function traceSize(path: string): number {
  try {
    const s = statSync(path);
    return s.isDirectory() ? statSync(join(path, 'trace.txt')).size : s.size;
  } catch {
    return 0;
  }
}
