/**
 * The log's checkpoint budget (log/checkpoint_budget.ts, log/log.ts): a workload that writes many
 * roots, recorded under a small budget, thins its checkpoints (the interval doubles, the kept ones
 * stay within the budget and on the interval's grid), and stateAt(n) still gives the state the
 * model produced at step n for any n (also after evictCheckpoints, and walking forward); the
 * format-3 file of a thinned log is the same bytes as the unthinned one's, and loads to the same
 * states. An ordinary workload (the bench's, 9 roots) keeps every K-th state under the default budget.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProfile } from '../kernel/index.js';
import type { KernelState } from '../kernel/index.js';
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

/** 1200 steps sweeping the 4096 roots of 4-level paging, and the model's state after each step. */
const wide = generateScaleWorkload(g, { seed: 11, steps: 1200 }).scenario;
const wideStates: KernelState[] = [];
for (const r of runScenario(wide, profile)) wideStates.push(r.state);

const SMALL = { perStep: 64, floor: 0 } as const;

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
    const log = recordScenario(wide, profile, { checkpointEvery: k, checkpointBudget: SMALL });
    const full = recordScenario(wide, profile, { checkpointEvery: k, checkpointBudget: { perStep: 0, floor: Infinity } });
    const n = log.length;
    expect(full.checkpointInterval).toBe(k);
    expect(full.checkpointCount).toBe(Math.floor((n - 1) / k) + 1);
    expect(log.checkpointInterval).toBeGreaterThan(k);
    expect(log.checkpointInterval % k).toBe(0);
    expect(Number.isInteger(Math.log2(log.checkpointInterval / k))).toBe(true);
    expect(log.checkpointCount).toBeLessThanOrEqual(Math.floor((n - 1) / log.checkpointInterval) + 1);
    expect(log.checkpointCount).toBeLessThan(full.checkpointCount);
    expect(log.checkpointBytes).toBeLessThanOrEqual(SMALL.perStep * n);
    expect(full.checkpointBytes).toBeGreaterThan(SMALL.perStep * n);
  });

  it('stateAt(n) of a thinned log is the model state at step n, in any order, before and after evictCheckpoints', () => {
    const log = recordScenario(wide, profile, { checkpointEvery: 8, checkpointBudget: SMALL });
    const n = log.length;
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
    const long = generateScaleWorkload(g, { seed: 12, steps: 4400 }).scenario;
    const thin = recordScenario(long, profile, { checkpointBudget: SMALL });
    const full = recordScenario(long, profile, { checkpointBudget: { perStep: 0, floor: Infinity } });
    expect(thin.checkpointInterval).toBeGreaterThan(full.checkpointInterval);
    const buf = bytesOf(thin, long);
    expect(buf.equals(bytesOf(full, long))).toBe(true);
    const r = readCompactLog(buf, 'thin.memhp');
    if (!r.ok) throw new Error(r.damage.message);
    const back = r.value.log;
    for (const i of [0, 1, 63, 64, 1100, 4094, 4095, 4096, 4097, 4300, back.length - 1]) expect(back.stateAt(i)).toStrictEqual(full.stateAt(i));
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
    expect(() => new CheckpointPolicy(4, { perStep: -1, floor: 0 }, 128)).toThrow(RangeError);
    expect(() => recordScenario(wide, profile, { checkpointBudget: { perStep: 1, floor: Number.NaN } })).toThrow(/checkpoint budget/);
  });
});
