/**
 * The `scale` part (issue 17 point 4): the scale workload (bench/generate_scale.ts: every root of
 * the address space named, boot RAM low) recorded with memhp's log (recordScenario, default
 * checkpoint interval and budget: log/checkpoint_budget.ts thins this workload's checkpoints) over
 * 2^19 sections (x86_64 4-level paging) and 2^25 (5-level); time and heap retained (gc'd, with
 * the workload's own arrays dropped: what is left is what the log keeps), split like the `memory`
 * part into checkpoints, the compressed blocks and the rest (the live state); and the time of a
 * seek (stateAt at random steps: the thinned checkpoints' price). Runs whose steps are fewer than the target's are extrapolated linearly per step, and
 * the row says so. One run each (no median, --runs does not apply): a 10^6-step run takes minutes.
 */
import { createProfile, describeProfile } from '../kernel/index.js';
import type { Profile } from '../kernel/index.js';
import { DEFAULT_CHECKPOINT_EVERY } from '../log/index.js';
import type { HotplugLog } from '../log/index.js';
import { rootTableOf } from '../model/states.js';
import { generateScaleWorkload, rootsNamed } from './generate_scale.js';
import type { Workload } from './generate.js';
import { fmtBytes, fmtMs, fmtUs, memoryUsed, sink } from './measure.js';
import type { Verdict } from './measure.js';
import { recordLogged } from './workloads.js';
import { mulberry32 } from '../verify/prng.js';

/** The target: 2^19 sections × 10^6 steps in at most this many bytes of heap. */
export const SCALE_HEAP_TARGET = 2 ** 30;
/** The target's step count. */
export const SCALE_TARGET_STEPS = 1_000_000;

/** Seeks timed after a recording. */
const SCALE_SEEKS = 10;

/** Options of the scale part. */
export interface ScaleBenchOptions {
  /** Steps recorded on 4-level paging (2^19 sections). */
  readonly steps4: number;
  /** Steps recorded on 5-level paging (2^25 sections); 0 skips it. */
  readonly steps5: number;
  readonly seed: number;
  readonly progress: (what: string) => void;
}


/** What one recording measured. */
export interface ScaleRun {
  readonly paging: 4 | 5;
  readonly sections: number;
  readonly steps: number;
  readonly ms: number;
  /** Heap retained by the log (bytes, gc'd, from before the workload was generated) and its parts. */
  readonly heap: number;
  /** The process's whole heap in use with the log alive (gc'd). */
  readonly total: number;
  readonly checkpoints: number;
  readonly checkpointBytes: number;
  /** Steps between the checkpoints kept at the end (K·2^j: the log's budget doubles K when they cost too much). */
  readonly checkpointInterval: number;
  /** What the log estimated its checkpoints keep (the figure its budget is compared with). */
  readonly checkpointEstimate: number;
  /** Mean time of a stateAt at a random step (ms). */
  readonly seekMs: number;
  /** The compressed blocks the log keeps its steps in (log/block.ts). */
  readonly blockBytes: number;
  readonly roots: number;
  readonly rootsNamed: number;
}

/** Record the scale workload on 4- and 5-level paging; rows for the bench table and the heap verdict. */
export function scaleBench(opts: ScaleBenchOptions): { rows: string[][]; verdicts: Verdict[]; notes: string[] } {
  const rows: string[][] = [];
  const notes: string[] = [];
  const verdicts: Verdict[] = [];
  for (const [paging, steps] of [
    [4, opts.steps4],
    [5, opts.steps5],
  ] as const) {
    if (steps <= 0) continue;
    const profile = createProfile({ kernel: '5.3', paging });
    const r = scaleRun(profile, steps, opts.seed, opts.progress);
    notes.push(`scale ${paging}-level: ${describeProfile(profile)}; ${steps} steps (seed ${opts.seed}) named ${r.rootsNamed} of ${profile.geometry.NR_SECTION_ROOTS} roots, ${r.roots} allocated at the end`);
    const extra = steps === SCALE_TARGET_STEPS ? '' : ` (×${(SCALE_TARGET_STEPS / steps).toFixed(1)} → 10^6 steps: ${fmtBytes((r.heap / steps) * SCALE_TARGET_STEPS)}, ${fmtMs((r.ms / steps) * SCALE_TARGET_STEPS)}; extrapolated per step)`;
    const per = (b: number): string => `${fmtBytes(b / steps)}/step`;
    rows.push([`scale ${paging}-level: 2^${Math.log2(r.sections)} sections × ${steps} steps`, `${fmtBytes(r.heap)} heap (process ${fmtBytes(r.total)}), ${per(r.heap)}; ${fmtMs(r.ms)} (${fmtUs((r.ms * 1000) / steps)}/step)${extra}`, '', '', paging === 4 ? `≤ 1 GiB at 10^6` : '']);
    rows.push([`  checkpoints (${r.checkpoints}, K=${DEFAULT_CHECKPOINT_EVERY}, every ${r.checkpointInterval} steps at the end)`, `${per(r.checkpointBytes)} (the log's estimate: ${per(r.checkpointEstimate)})`, '', '', '']);
    rows.push([`  seek: stateAt at ${SCALE_SEEKS} random steps`, `${fmtMs(r.seekMs)} a seek`, '', '', '']);
    rows.push(['  steps: compressed blocks of 256', per(r.blockBytes), '', '', '']);
    rows.push(['  open block, decoded blocks cached, live state, rest', per(r.heap - r.checkpointBytes - r.blockBytes), '', '', '']);
    if (paging === 4) {
      const at = (r.heap / steps) * SCALE_TARGET_STEPS;
      const how = steps === SCALE_TARGET_STEPS ? fmtBytes(at) : `${fmtBytes(at)} extrapolated from ${steps} steps`;
      verdicts.push({ name: '2^19 sections × 10^6 steps ≤ 1 GiB heap', ok: at <= SCALE_HEAP_TARGET, value: how });
    }
  }
  return { rows, verdicts, notes };
}

/** Generate and record `steps` steps of the scale workload under `profile`; measure time and retained heap. */
export function scaleRun(profile: Profile, steps: number, seed: number, progress: (what: string) => void): ScaleRun {
  const g = profile.geometry;
  sink(undefined);
  const before = memoryUsed();
  progress(`scale: generating ${steps} steps over 2^${Math.log2(g.NR_MEM_SECTIONS)} sections`);
  let wl: Workload | undefined = generateScaleWorkload(g, { seed, steps });
  const named = rootsNamed(g, wl).length;
  progress(`scale: recording ${steps} steps (${g.PAGING_LEVELS}-level paging)`);
  const t0 = performance.now();
  const log: HotplugLog = recordLogged(profile, wl, DEFAULT_CHECKPOINT_EVERY);
  const ms = performance.now() - t0;
  // What the log keeps of the workload (ops, texts, sources) stays counted; the generator's arrays go.
  wl = undefined;
  const after = memoryUsed();
  const total = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const checkpoints = log.checkpointCount;
  const checkpointInterval = log.checkpointInterval;
  const checkpointEstimate = log.checkpointBytes;
  const rng = mulberry32(seed);
  const t1 = performance.now();
  for (let i = 0; i < SCALE_SEEKS; i++) sink(log.stateAt(rng.int(log.length)));
  const seekMs = (performance.now() - t1) / SCALE_SEEKS;
  // The last state sought would hold an old state's sections once the checkpoints are gone.
  sink(undefined);
  // The seeks left decoded blocks cached: the checkpoints' share is measured from here.
  const afterSeeks = memoryUsed();
  log.evictCheckpoints();
  const noCheckpoints = memoryUsed();
  const blockBytes = log.blocks.reduce((t, b) => t + b.byteLength, 0);
  const roots = rootTableOf(log.live).size;
  sink(log);
  sink(undefined);
  return {
    paging: g.PAGING_LEVELS ?? 4,
    sections: g.NR_MEM_SECTIONS,
    steps,
    ms,
    heap: after - before,
    total,
    checkpoints,
    checkpointBytes: afterSeeks - noCheckpoints,
    checkpointInterval,
    checkpointEstimate,
    seekMs,
    blockBytes,
    roots,
    rootsNamed: named,
  };
}
