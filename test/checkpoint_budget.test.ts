/**
 * The log's checkpoint budget (log/checkpoint_budget.ts, log/log.ts): a workload that writes many
 * roots (the scale workload on 128 roots, 2^14 sections), recorded under a small budget, thins its
 * checkpoints (the interval doubles, the kept ones stay within the budget and on the interval's
 * grid), and stateAt(n) still gives the state the model produced at step n for any n (also after
 * evictCheckpoints, and walking forward); the format-3 file of a thinned log is the same bytes as
 * the unthinned one's, and loads to the same states. A workload that writes ever new roots (4096
 * of them) stops thinning at the budget's longest interval. An ordinary workload (the bench's, 9
 * roots) keeps every K-th state under the default budget.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProfile } from '../kernel/index.js';
import type { KernelState, Profile } from '../kernel/index.js';
import { deriveGeometry, X86_64 } from '../kernel/geometry.js';
import { DEFAULT_CHECKPOINT_EVERY, hashInput, recordScenario, runScenario } from '../log/index.js';
import type { HotplugLog, LogMeta } from '../log/index.js';
import { logCompactFrames } from '../log/compact.js';
import { readCompactLog } from '../log/logfile_compact.js';
import { CheckpointPolicy, DEFAULT_CHECKPOINT_BUDGET } from '../log/checkpoint_budget.js';
import { generateScaleWorkload } from '../bench/generate_scale.js';
import { DEFAULT_WORKLOAD, generateWorkload } from '../bench/generate.js';
import type { Scenario } from '../inputs/types.js';

const profile = createProfile({ kernel: '5.3', arch: 'x86_64' });
const g = profile.geometry;

/** MAX_PHYSMEM_BITS 41: 2^14 sections in 128 roots (more than SMALL_ROOTS: states keep a root table). */
const mid: Profile = { ...profile, geometry: deriveGeometry({ ...X86_64, MAX_PHYSMEM_BITS: 41 }) };

/** 3000 steps sweeping those 128 roots, and the model's state after each step. */
const wide = generateScaleWorkload(mid.geometry, { seed: 11, steps: 3000 }).scenario;
const wideStates: KernelState[] = [];
for (const r of runScenario(wide, mid)) wideStates.push(r.state);

/** A budget this workload meets at an interval of 512 (from K = 8). */
const SMALL = { perStep: 600, floor: 0, maxInterval: 4096 } as const;
const NONE = { perStep: 0, floor: Infinity, maxInterval: 4096 } as const;

function metaOf(s: Scenario): LogMeta {
  return { input: { name: s.file, sha256: hashInput(s.file) }, kernelLine: s.kernel, boot: s.boot, forkedFrom: null };
}

function bytesOf(log: HotplugLog, s: Scenario): Buffer {
  const parts: Buffer[] = [];
  for (const c of logCompactFrames(log, metaOf(s))) parts.push(typeof c === 'string' ? Buffer.from(`${c}\n`) : Buffer.from(c));
  return Buffer.concat(parts);
}

describe('checkpoint budget', () => {
  it('a workload over many roots under a small budget thins its checkpoints: within the budget, on the grid of a doubled interval', () => {
    const k = 8;
    const log = recordScenario(wide, mid, { checkpointEvery: k, checkpointBudget: SMALL });
    const full = recordScenario(wide, mid, { checkpointEvery: k, checkpointBudget: NONE });
    const n = log.length;
    expect(full.checkpointInterval).toBe(k);
    expect(full.checkpointCount).toBe(Math.floor((n - 1) / k) + 1);
    expect(log.checkpointInterval).toBeGreaterThan(k);
    expect(log.checkpointInterval).toBeLessThan(SMALL.maxInterval);
    expect(log.checkpointInterval % k).toBe(0);
    expect(Number.isInteger(Math.log2(log.checkpointInterval / k))).toBe(true);
    expect(log.checkpointCount).toBeLessThanOrEqual(Math.floor((n - 1) / log.checkpointInterval) + 1);
    expect(log.checkpointCount).toBeLessThan(full.checkpointCount);
    expect(log.checkpointBytes).toBeLessThanOrEqual(SMALL.perStep * n);
    expect(full.checkpointBytes).toBeGreaterThan(SMALL.perStep * n);
  });

  it('stateAt(n) of a thinned log is the model state at step n, in any order, before and after evictCheckpoints', () => {
    const log = recordScenario(wide, mid, { checkpointEvery: 8, checkpointBudget: SMALL });
    const n = log.length;
    expect(log.checkpointInterval).toBeGreaterThan(8);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: n - 1 }), { minLength: 1, maxLength: 8 }), fc.boolean(), (at, evict) => {
        if (evict) log.evictCheckpoints();
        for (const i of at) expect(log.stateAt(i)).toStrictEqual(wideStates[i]);
        expect(log.checkpointCount).toBeLessThanOrEqual(Math.floor((n - 1) / log.checkpointInterval) + 1);
      }),
      { numRuns: 20 },
    );
    // A walk forward, and the log's own ground truth.
    for (let i = 0; i < n; i += 37) expect(log.stateAt(i)).toStrictEqual(wideStates[i]);
    expect(log.stateAt(777)).toStrictEqual(log.replay(777));
  });

  it('a thinned log writes the same file as an unthinned one (its states every 4096 steps too), and the file loads to the same states', () => {
    // A file names a profile memhp makes: 4-level paging's 4096 roots, thinned up to the longest interval.
    const long = generateScaleWorkload(g, { seed: 12, steps: 4400 }).scenario;
    const thin = recordScenario(long, profile, { checkpointEvery: 8, checkpointBudget: { perStep: 64, floor: 0, maxInterval: 1024 } });
    const full = recordScenario(long, profile, { checkpointEvery: 8, checkpointBudget: NONE });
    expect(thin.checkpointInterval).toBeGreaterThan(full.checkpointInterval);
    const buf = bytesOf(thin, long);
    expect(buf.equals(bytesOf(full, long))).toBe(true);
    const r = readCompactLog(buf, 'thin.memhp', { checkpointEvery: 8 });
    if (!r.ok) throw new Error(r.damage.message);
    const back = r.value.log;
    for (const i of [0, 1, 63, 64, 1100, 4094, 4095, 4096, 4097, 4300, back.length - 1]) expect(back.stateAt(i)).toStrictEqual(full.stateAt(i));
  });

  it('a workload that writes ever new roots (4096, a few each step) thins no further than the longest interval', () => {
    const sweep = generateScaleWorkload(g, { seed: 13, steps: 1200 }).scenario;
    const log = recordScenario(sweep, profile, { checkpointEvery: 8, checkpointBudget: { perStep: 64, floor: 0, maxInterval: 256 } });
    expect(log.checkpointInterval).toBe(256);
    expect(log.checkpointCount).toBe(Math.floor((log.length - 1) / 256) + 1);
    expect(log.checkpointBytes).toBeGreaterThan(64 * log.length);
    for (const i of [0, 255, 256, 700, 1199]) expect(log.stateAt(i)).toStrictEqual(log.replay(i));
  });

  it('an ordinary workload (the bench default: 9 roots) keeps every K-th state under the default budget', () => {
    const wl = generateWorkload(g, { ...DEFAULT_WORKLOAD, steps: 3000 });
    const log = recordScenario(wl.scenario, profile);
    expect(log.checkpointInterval).toBe(DEFAULT_CHECKPOINT_EVERY);
    expect(log.checkpointCount).toBe(Math.floor((log.length - 1) / DEFAULT_CHECKPOINT_EVERY) + 1);
    // Its estimate, per step, is well inside the default budget's (no floor needed).
    expect(log.checkpointBytes / log.length).toBeLessThan(DEFAULT_CHECKPOINT_BUDGET.perStep);
  });

  it('refuses a negative budget', () => {
    expect(() => new CheckpointPolicy(4, { perStep: -1, floor: 0, maxInterval: 64 }, 128)).toThrow(RangeError);
    expect(() => recordScenario(wide, mid, { checkpointBudget: { perStep: 1, floor: Number.NaN, maxInterval: 64 } })).toThrow(/checkpoint budget/);
  });
});
