/**
 * A pool of fuzz workers (fuzz/worker.ts in worker_threads), each with a capped heap: a task that
 * outlives its watchdog gets its worker terminated (→ hang), a worker that dies (out of memory, an
 * uncaught error outside the task) is replaced (→ crash).
 */
import { Worker } from 'node:worker_threads';
import type { Task, TaskResult } from './worker.js';

/** What became of one task. */
export type Outcome = { readonly status: 'done'; readonly result: TaskResult; readonly ms: number } | { readonly status: 'hang'; readonly ms: number } | { readonly status: 'died'; readonly message: string; readonly ms: number };

/** Options of the pool. */
export interface PoolOptions {
  /** Number of workers (2). */
  readonly size?: number;
  /** Heap cap of each worker in MiB (1024). */
  readonly heapMb?: number;
}

/** A running pool; `close()` terminates its workers. */
export interface Pool {
  run(task: Task, timeoutMs: number): Promise<Outcome>;
  close(): Promise<void>;
}

/** The compiled worker: beside this file in dist/, or dist/fuzz/worker.js when run from the TypeScript source (vitest). */
export function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('../dist/fuzz/worker.js', import.meta.url) : new URL('./worker.js', import.meta.url);
}

/** Start a pool of workers. */
export function createPool(opts: PoolOptions = {}): Pool {
  const size = opts.size ?? 2;
  const heapMb = opts.heapMb ?? 1024;
  const idle: Slot[] = [];
  const waiting: Array<(s: Slot) => void> = [];
  const all = new Set<Slot>();
  let nextId = 0;

  const spawn = (): Slot => {
    const worker = new Worker(workerUrl(), { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 64 }, stdout: true, stderr: true });
    // Whatever a worker prints itself is not the CLI's output (that goes through the captured Io).
    worker.stdout.resume();
    worker.stderr.resume();
    const slot: Slot = { worker, pending: null };
    worker.on('message', (m: { id: number; result: TaskResult }) => slot.pending?.(m.id, { status: 'done', result: m.result }));
    worker.on('error', (e: Error) => slot.pending?.(-1, { status: 'died', message: `${(e as NodeJS.ErrnoException).code ?? e.name}: ${e.message}` }));
    worker.on('exit', (code) => slot.pending?.(-1, { status: 'died', message: `worker exited with code ${code}` }));
    all.add(slot);
    return slot;
  };
  for (let i = 0; i < size; i++) idle.push(spawn());

  const acquire = (): Promise<Slot> => {
    const s = idle.pop();
    return s ? Promise.resolve(s) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (s: Slot): void => {
    const w = waiting.shift();
    if (w) w(s);
    else idle.push(s);
  };
  const replace = (s: Slot): Slot => {
    all.delete(s);
    void s.worker.terminate();
    return spawn();
  };

  return {
    async run(task, timeoutMs) {
      const slot = await acquire();
      const id = nextId++;
      const t0 = performance.now();
      const out = await new Promise<{ status: 'done'; result: TaskResult } | { status: 'hang' } | { status: 'died'; message: string }>((resolve) => {
        const timer = setTimeout(() => resolve({ status: 'hang' }), timeoutMs);
        slot.pending = (gotId, r) => {
          if (gotId !== id && gotId !== -1) return;
          clearTimeout(timer);
          resolve(r);
        };
        slot.worker.postMessage({ id, task });
      });
      slot.pending = null;
      const ms = performance.now() - t0;
      release(out.status === 'done' ? slot : replace(slot));
      return { ...out, ms };
    },
    async close() {
      await Promise.all([...all].map((s) => s.worker.terminate()));
      all.clear();
    },
  };
}

// --- internal ---

interface Slot {
  readonly worker: Worker;
  pending: ((id: number, r: { status: 'done'; result: TaskResult } | { status: 'died'; message: string }) => void) | null;
}
