/**
 * Timing helpers in the style of immer's __performance_tests__: run a body several times, collect
 * milliseconds, report the median (numbers sorted numerically), with a gc between runs when one is
 * available (`--expose-gc`, or obtained at start-up through v8.setFlagsFromString).
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { widest } from '../present/widest.js';

/** A target's verdict as a part returns it: its name, whether it holds, the value measured, the command that reproduces it (when the part says). */
export interface Verdict {
  readonly name: string;
  readonly ok: boolean;
  readonly value: string;
  readonly command?: string;
}

/** A full collection, or undefined when the runtime gives none. */
export const gc: (() => void) | undefined = obtainGc();

/** Median of a non-empty list of numbers (numeric sort; the mean of the middle two for even n). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >>> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The timings of one measured body, and what its last run returned. */
export interface Timing<R = unknown> {
  /** Milliseconds of each timed run, in run order. */
  readonly runs: readonly number[];
  /** Median milliseconds. */
  readonly ms: number;
  /** Smallest and largest timed run. */
  readonly min: number;
  readonly max: number;
  /** The value the last run returned. */
  readonly last: R;
}

/**
 * Time `body` `runs` times after `warmup` untimed runs. `setup` runs untimed before every run and
 * its value is passed to the body; the previous run's result is dropped and a gc collected (then
 * settled) before each run, so a run does not pay for the garbage of the one before.
 */
export function timeRuns<S, R>(runs: number, setup: () => S, body: (s: S) => R, warmup = 1): Timing<R> {
  if (runs < 1) throw new RangeError('timeRuns: runs must be at least 1');
  const out: number[] = [];
  let last: R | undefined;
  for (let i = 0; i < warmup + runs; i++) {
    last = undefined;
    blackhole = undefined;
    const s = setup();
    settle();
    const t0 = performance.now();
    last = body(s);
    const t = performance.now() - t0;
    blackhole = last;
    if (i >= warmup) out.push(t);
  }
  return { runs: out, ms: median(out), min: out.reduce((a, b) => Math.min(a, b), Infinity), max: out.reduce((a, b) => Math.max(a, b), -Infinity), last: last as R };
}

/** Where results are kept observable, so the JIT cannot drop the work that produced them. */
export let blackhole: unknown;

/** Keep `x` observable. */
export function sink(x: unknown): void {
  blackhole = x;
}

/**
 * A gc, then a short sleep: V8 finishes a full collection on background threads (sweeping, memory
 * reduction), and on a small machine that work slows the next few milliseconds of the main thread —
 * enough to double a 6 ms baseline run.
 */
export function settle(ms = 25): void {
  if (!gc) return;
  gc();
  Atomics.wait(SLEEPER, 0, 0, ms);
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** Heap in use (bytes) after a full gc when one is available. */
export function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Bytes in use after a gc: the JS heap and the buffers outside it (a log's blocks, a file read whole). */
export function memoryUsed(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

// --- formatting ---

/** µs per item, 3 significant digits. */
export function fmtUs(us: number): string {
  if (us >= 100) return `${us.toFixed(0)} µs`;
  if (us >= 10) return `${us.toFixed(1)} µs`;
  if (us >= 1) return `${us.toFixed(2)} µs`;
  return `${us.toFixed(3)} µs`;
}

/** A rate with a k/M suffix. */
export function fmtRate(perSecond: number, unit: string): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M ${unit}/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k ${unit}/s`;
  return `${perSecond.toFixed(0)} ${unit}/s`;
}

/** Milliseconds, 1 decimal. */
export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** A byte count in B / KiB / MiB. */
export function fmtBytes(b: number): string {
  const a = Math.abs(b);
  if (a >= 1024 * 1024) return `${(b / 1024 / 1024).toFixed(1)} MiB`;
  if (a >= 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${b.toFixed(0)} B`;
}

/** A ratio such as `43×` or `1.27×`. */
export function fmtRatio(r: number): string {
  return r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`;
}

/** Render rows as a left-aligned table with a header rule. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => widest(rows.map((r) => r[i] ?? ''), h.length));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// --- internal ---

function obtainGc(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    setFlagsFromString('--expose-gc');
    const f: unknown = runInNewContext('gc');
    return typeof f === 'function' ? (f as () => void) : undefined;
  } catch {
    return undefined;
  }
}
