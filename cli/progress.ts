/**
 * Progress of long work on stderr, with cli-progress (github.com/AndiDittrich/Node.CLI-Progress,
 * pinned in package.json): a bar with the count, the rate and the time left. Shown only when the Io has a
 * progress stream (cli/io.ts gives stderr when it is a terminal; never for --json, cli/app.ts), and
 * only once the work has run SHOW_AFTER_MS, so a command that ends sooner prints nothing. The bar is
 * erased when the work ends, so stderr keeps only the lines a clean run prints (fuzz/classify.ts).
 * The work is synchronous, so the bar is drawn from update() (cli-progress's synchronousUpdate), not
 * from a timer; the library itself is loaded only when a bar is first drawn.
 */
import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';
import type { Io } from './io.js';

/** Work that has run this long (ms) gets a bar; MEMHP_PROGRESS_AFTER_MS=N sets another delay (the tests' 0). */
export const SHOW_AFTER_MS = 2000;

/** A progress report: the count done so far, then stop (always: it erases the bar). */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** What the bar counts. */
export interface ProgressWork {
  /** What is being done, e.g. `recording seed.scn`. */
  readonly label: string;
  /** How many units in all. */
  readonly total: number;
  /** The unit, plural: `steps`, `MiB`. */
  readonly unit: string;
  /** The clock (ms; tests give their own). */
  readonly now?: () => number;
  /** The delay before a bar is drawn (default: MEMHP_PROGRESS_AFTER_MS, else SHOW_AFTER_MS). */
  readonly showAfterMs?: number;
}

/** Start reporting progress of `work` on the Io's progress stream (nothing at all without one). */
export function startProgress(io: Io, work: ProgressWork): Progress {
  const stream = io.progress;
  if (!stream) return NO_PROGRESS;
  const now = work.now ?? Date.now;
  const after = work.showAfterMs ?? delayFromEnv(process.env.MEMHP_PROGRESS_AFTER_MS);
  const started = now();
  let bar: SingleBar | undefined;
  let stopped = false;
  return {
    update(done) {
      if (stopped) return;
      if (!bar) {
        if (now() - started < after) return;
        bar = newBar(stream);
        bar.start(work.total, done, { label: work.label, unit: work.unit });
        return;
      }
      bar.update(done);
    },
    stop() {
      stopped = true;
      bar?.stop();
    },
  };
}

/** Run `body` with a progress report that is stopped however it ends. */
export function withProgress<T>(io: Io, work: ProgressWork, body: (p: Progress) => T): T {
  const p = startProgress(io, work);
  try {
    return body(p);
  } finally {
    p.stop();
  }
}

// --- internal ---

/** MEMHP_PROGRESS_AFTER_MS as a delay: a whole number of ms, else SHOW_AFTER_MS. */
function delayFromEnv(value: string | undefined): number {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : SHOW_AFTER_MS;
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

/** A cli-progress bar on `stream`, erased when stopped; Ctrl-C keeps its default action (no SIGINT handler). */
function newBar(stream: NonNullable<Io['progress']>): SingleBar {
  const { SingleBar: Bar } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  return new Bar({
    stream: stream as NodeJS.WritableStream,
    format: 'memhp: {label} [{bar}] {percentage}% {value}/{total} {unit}, {eta_formatted} left',
    barsize: 24,
    // The cursor stays visible: a process ended by a signal would leave it hidden.
    hideCursor: false,
    clearOnComplete: true,
    gracefulExit: false,
    etaBuffer: 64,
    fps: 10,
    synchronousUpdate: true,
  });
}
