/**
 * The query part of `npm run bench`: bisect and blame on a 10^6-step log (bench/planted.ts: whole-
 * section adds and removes, an F5 add planted at 80 % of the log and a misaligned add at 90 %),
 * each against a bare baseline measured in the same run:
 *   bisect invariant — binary search over checkpoints, and --exact's walk over the patch paths,
 *                      vs a linear scan (a cursor applying every step's patches from boot and
 *                      checking the invariant after each);
 *   bisect warn      — the stored outcomes read in order (no baseline: nothing is materialised);
 *   blame            — the patch paths of every step vs re-diffing the section in every state (the
 *                      same cursor walk, comparing the section with the one before).
 * The baselines run once (they are the slow side), over at most `baselineSteps` states: when the
 * log is longer their time is scaled linearly to the whole walk and the row says so (their cost
 * per state is flat: one step's patches and one check). memhp's side is the median of `runs`.
 */
import { isDeepStrictEqual } from 'node:util';
import { getSection } from '../model/model.js';
import type { MemSection, Profile } from '../kernel/types.js';
import { bisect } from '../query/bisect.js';
import { blame } from '../query/blame.js';
import { LogCursor } from '../log/log.js';
import type { HotplugLog } from '../log/log.js';
import { parsePredicate } from '../query/predicates.js';
import type { Predicate } from '../query/predicates.js';
import { recordScenario } from '../log/record.js';
import { fmtBytes, fmtMs, fmtRatio, fmtUs, heapUsed, sink, timeRuns } from './measure.js';
import { plantedScenario } from './planted.js';

/** Options of the query bench. */
export interface QueryBenchOptions {
  readonly steps: number;
  readonly runs: number;
  readonly k: number;
  /** At most this many states in a baseline walk (scaled up to the whole walk beyond it). */
  readonly baselineSteps: number;
  readonly progress: (what: string) => void;
}

/** Rows of the bench table ([measure, memhp, baseline, ratio, target]). */
export function queryBench(profile: Profile, opts: QueryBenchOptions): string[][] {
  const rows: string[][] = [];
  const n = opts.steps;
  const stateAt = Math.floor(n * 0.8) + 1;
  const stepAt = Math.floor(n * 0.9) + 1;
  opts.progress(`query: recording a ${n}-step log`);
  const scenario = plantedScenario(profile.geometry, { steps: n, stateAt, stepAt });
  const before = heapUsed();
  const t0 = performance.now();
  const log = recordScenario(scenario, profile, { checkpointEvery: opts.k });
  const recMs = performance.now() - t0;
  const bytes = heapUsed() - before;
  rows.push([`query: log of ${n} steps (K=${opts.k})`, `recorded in ${fmtMs(recMs)}, ${fmtBytes(bytes / (n + 1))}/step in memory`, '', '', '']);

  const inv = predicate('invariant:section-map-vmemmap');
  opts.progress('query: bisect invariant');
  const b = timeRuns(opts.runs, () => undefined, () => bisect(log, inv));
  if (b.last.found?.seq !== stateAt) throw new Error(`bench: bisect found ${String(b.last.found?.seq)}, planted ${stateAt}`);
  opts.progress('query: linear scan for the invariant (baseline)');
  const scanLimit = Math.min(stateAt + 1, opts.baselineSteps);
  const scan = timeRuns(1, () => undefined, () => linearScan(log, inv, scanLimit), 0);
  if (scanLimit === stateAt + 1 && scan.last !== stateAt) throw new Error(`bench: the linear scan found ${String(scan.last)}, planted ${stateAt}`);
  const scanMs = (scan.ms * (stateAt + 1)) / scanLimit;
  rows.push([
    `bisect invariant (first at ${stateAt})`,
    `${fmtMs(b.ms)}, ${b.last.materialisations} states materialised`,
    `linear scan: ${fmtMs(scanMs)} for ${stateAt + 1} states${scaled(scanLimit, stateAt + 1)}`,
    `${fmtRatio(scanMs / b.ms)} faster`,
    `≤ ${Math.ceil(Math.log2(n)) + 2} states`,
  ]);
  opts.progress('query: bisect invariant --exact');
  const x = timeRuns(opts.runs, () => undefined, () => bisect(log, inv, { exact: true }));
  if (x.last.found?.seq !== stateAt) throw new Error(`bench: bisect --exact found ${String(x.last.found?.seq)}, planted ${stateAt}`);
  rows.push([`bisect invariant --exact`, `${fmtMs(x.ms)} (${fmtUs((x.ms * 1000) / stateAt)}/step walked), ${x.last.materialisations} state`, `linear scan: ${fmtMs(scanMs)}`, `${fmtRatio(scanMs / x.ms)} faster`, '']);
  opts.progress('query: bisect warn');
  const w = timeRuns(opts.runs, () => undefined, () => bisect(log, predicate('warn')));
  if (w.last.found?.seq !== stepAt) throw new Error(`bench: bisect warn found ${String(w.last.found?.seq)}, planted ${stepAt}`);
  rows.push([`bisect warn (first at ${stepAt})`, `${fmtMs(w.ms)} (${fmtUs((w.ms * 1000) / stepAt)}/step read), 0 states`, '', '', '']);

  const section = 200 + 7;
  opts.progress('query: blame');
  const bl = timeRuns(opts.runs, () => undefined, () => blame(log, { section }));
  const bit = timeRuns(opts.runs, () => undefined, () => blame(log, { section, bit: 5 }));
  opts.progress('query: re-diff every state (baseline)');
  const diffLimit = Math.min(n + 1, opts.baselineSteps);
  const brute = timeRuns(1, () => undefined, () => rediffAll(log, profile, section, diffLimit), 0);
  const writers = new Set(bl.last.filter((e) => e.seq < diffLimit).map((e) => e.seq)).size;
  if (brute.last !== writers) throw new Error(`bench: blame found ${writers} writing steps below ${diffLimit}, the brute force ${brute.last}`);
  const bruteMs = (brute.ms * (n + 1)) / diffLimit;
  const base = `re-diff every state: ${fmtMs(bruteMs)}${scaled(diffLimit, n + 1)}`;
  rows.push([`blame section ${section} (${bl.last.length} changes)`, `${fmtMs(bl.ms)} (${fmtUs((bl.ms * 1000) / (n + 1))}/step)`, base, `${fmtRatio(bruteMs / bl.ms)} faster`, '']);
  rows.push([`blame section ${section} bit 5 (${bit.last.length} changes)`, `${fmtMs(bit.ms)}`, base, `${fmtRatio(bruteMs / bit.ms)} faster`, '']);
  sink(log);
  sink(undefined);
  return rows;
}

// --- internal ---

function predicate(text: string): Predicate {
  const r = parsePredicate(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

/** " (measured over the first M, scaled)" when a baseline walked only part of the way. */
function scaled(measured: number, whole: number): string {
  return measured < whole ? ` (measured over the first ${measured}, scaled)` : '';
}

/** The baseline of bisect: walk the states from boot (at most `limit`) and check the invariant after each step. */
function linearScan(log: HotplugLog, p: Predicate, limit: number): number | null {
  if (p.kind !== 'state') return null;
  const c = new LogCursor(log, 0);
  do {
    if (p.invariant.check(log.profile, c.state).length) return c.index;
  } while (c.index + 1 < limit && c.stepForward());
  return null;
}

/** The baseline of blame: walk the states (at most `limit`), comparing the section with the step before; the number of steps that changed it. */
function rediffAll(log: HotplugLog, profile: Profile, nr: number, limit: number): number {
  const c = new LogCursor(log, 0);
  let prev: MemSection | undefined;
  let changed = 0;
  do {
    const ms = getSection(profile, c.state, nr);
    if (ms !== prev && !isDeepStrictEqual(ms, prev)) changed++;
    prev = ms;
  } while (c.index + 1 < limit && c.stepForward());
  return changed;
}
