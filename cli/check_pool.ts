/**
 * Check many runs: in this thread (jobs 1) or on a pool of node:worker_threads workers
 * (cli/check_worker.ts), each run by the same checkOutcome. Runs are handed out one at a time to
 * whichever worker is free; the outcomes come back in the order of the runs given, whichever
 * worker finished first.
 */
import { existsSync } from 'node:fs';
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
}

/** One run handed to a worker: its place in the list and its path. */
export interface CheckTask {
  readonly index: number;
  readonly path: string;
}

/** How to check the runs. */
export interface PoolOptions {
  /** Worker threads (1: none, the runs are checked in this thread). */
  readonly jobs: number;
  /** Colour the runs' stderr text. */
  readonly color: boolean;
  /** Check on worker threads even with jobs 1 (the bench's one-worker baseline); default: only with jobs ≥ 2. */
  readonly threads?: boolean;
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
  if (jobs === 1 && opts.threads !== true) {
    // Loaded here only: with workers, this thread never loads the model.
    const { checkOutcome } = await import('./check_outcome.js');
    const out: RunOutcome[] = [];
    for (const p of paths) {
      out.push(checkOutcome(p, args, opts.color));
      opts.onDone?.(out.length);
    }
    return out;
  }
  const url = opts.workerUrl ?? WORKER_URL;
  if (!existsSync(fileURLToPath(url))) {
    throw new UserError('E_IO', `cannot start the check workers: ${fileURLToPath(url)} is missing`, [], 'npm run build emits it; --jobs 1 checks in this thread');
  }
  return onWorkers(paths, args, opts, jobs, url);
}

/** --jobs N for `runs` runs (default: the cores, at most one per run); throws UserError for anything but a whole number ≥ 1. */
export function jobsArg(text: string | undefined, runs: number): number {
  if (text === undefined) return Math.max(1, Math.min(availableParallelism(), runs));
  if (!/^[1-9]\d*$/.test(text)) throw new UserError('E_USAGE', `--jobs takes a whole number of worker threads ≥ 1, not '${text}'`, [], '--jobs 1 checks every run in this thread');
  return Number(text);
}

// --- internal ---

/** Check `paths` on `jobs` worker threads. */
function onWorkers(paths: readonly string[], args: CheckArgs, opts: PoolOptions, jobs: number, url: URL): Promise<RunOutcome[]> {
  const outcomes: Array<RunOutcome | undefined> = new Array<RunOutcome | undefined>(paths.length);
  const setup: WorkerSetup = { args: { ...args }, color: opts.color };
  const workers: Worker[] = [];
  return new Promise<RunOutcome[]>((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    // A worker with no run left waits: all are told to end (null) once the last outcome is in.
    const feed = (w: Worker): void => {
      if (next >= paths.length) return;
      const task: CheckTask = { index: next, path: paths[next] as string };
      next++;
      w.postMessage(task);
    };
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(url, { workerData: setup, resourceLimits: WORKER_LIMITS });
      workers.push(w);
      w.on('message', (m: { index: number; outcome: RunOutcome }) => {
        if (failed) return;
        outcomes[m.index] = m.outcome;
        done++;
        opts.onDone?.(done);
        if (done === paths.length) {
          for (const x of workers) x.postMessage(null);
          resolve(outcomes as RunOutcome[]);
        } else {
          feed(w);
        }
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (done < paths.length) fail(new Error(`a check worker ended (exit ${code}) before every run was checked`));
      });
      feed(w);
    }
  });
}
