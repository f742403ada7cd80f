/**
 * A log keeps its steps compact: every BLOCK_STEPS steps are sealed into one compressed block and
 * decoded again when asked for (log/log.ts, log/block.ts). Over random workloads longer than a few
 * blocks (fast-check): every step read back from its block equals the step the model produced,
 * every stateAt equals the state the model produced, and a step's changes applied directly
 * (log/apply_changes.ts) give the state its immer patches give.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProfile } from '../kernel/index.js';
import { recordScenario, runScenario } from '../log/index.js';
import { BLOCK_STEPS, decodeBlock } from '../log/block.js';
import { applyChanges } from '../log/apply_changes.js';
import { applyPatches } from '../log/log.js';
import type { RecordedStep } from '../log/record.js';
import type { LogStep } from '../log/types.js';
import type { KernelState } from '../kernel/types.js';
import { generateWorkload } from '../bench/generate.js';
import { scenarioArb } from './helpers/arbitraries.js';

const profile = createProfile({ kernel: '5.3', arch: 'x86_64' });
const g = profile.geometry;

/** The fields a step is made of (a decoded step is a new object with the same data). */
function data(s: RecordedStep): unknown {
  return { seq: s.seq, source: s.source, text: s.text, op: s.op, inject: s.inject, outcome: s.outcome, expects: s.expects, changes: s.changes };
}

const workloadArb = fc.record({ seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), steps: fc.integer({ min: BLOCK_STEPS - 2, max: 4 * BLOCK_STEPS + 3 }), sections: fc.integer({ min: 8, max: 300 }) });

describe('a log in compressed blocks (fast-check)', () => {
  it('every step and every state read back from the blocks is what the model produced', () => {
    fc.assert(
      fc.property(workloadArb, fc.integer({ min: 1, max: 100 }), (w, k) => {
        const wl = generateWorkload(g, { seed: w.seed, steps: w.steps, firstSection: 16, sections: w.sections });
        const made = [...runScenario(wl.scenario, profile)];
        const log = recordScenario(wl.scenario, profile, { checkpointEvery: k });
        expect(log.length).toBe(made.length);
        expect(log.compact).toBe(true);
        expect(log.blocks.length).toBe(Math.floor(made.length / BLOCK_STEPS));
        expect(log.openSteps.length).toBe(made.length % BLOCK_STEPS);
        for (let n = 0; n < made.length; n++) {
          const m = made[n] as { step: RecordedStep; state: KernelState };
          expect(data(log.step(n) as RecordedStep)).toStrictEqual(data(m.step));
          expect(log.stateAt(n)).toStrictEqual(m.state);
        }
        // A walk yields the same steps, in order, within its bounds.
        const mid = Math.floor(made.length / 2);
        expect(Array.from(log.walk(mid), (s) => data(s as RecordedStep))).toStrictEqual(made.slice(mid).map((m) => data(m.step)));
        expect(Array.from(log.walk(1, mid), (s) => s.seq)).toStrictEqual(made.slice(1, mid + 1).map((m) => m.step.seq));
        log.evictCheckpoints();
        const last = made.length - 2;
        expect(log.stateAt(last)).toStrictEqual((made[last] as { state: KernelState }).state);
      }),
      { numRuns: 12 },
    );
  });

  it("a step's changes applied directly give the state its immer patches give", () => {
    fc.assert(
      fc.property(scenarioArb({ minSteps: 1, maxSteps: 60 }), (sc) => {
        let prev: KernelState | null = null;
        for (const r of runScenario(sc, profile)) {
          const before = prev ?? applyPatches({ roots: {}, highestPresentSectionNr: -1, once: {}, deviceRanges: [] }, []);
          const direct = applyChanges(before, r.step.changes, g.SECTIONS_PER_ROOT);
          expect(direct).toStrictEqual(applyPatches(before, r.step.patches));
          expect(direct).toStrictEqual(r.state);
          prev = r.state;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a sealed block decodes to the records it was made of; a cut one to its complete records only', () => {
    const wl = generateWorkload(g, { seed: 7, steps: 2 * BLOCK_STEPS, firstSection: 16, sections: 64 });
    const log = recordScenario(wl.scenario, profile);
    const block = log.blocks[0] as Uint8Array;
    const whole = decodeBlock(block);
    expect(whole.damage).toBeNull();
    expect(whole.records).toHaveLength(BLOCK_STEPS);
    let lastCount = -1;
    for (const cut of [0, 1, 17, Math.floor(block.length / 3), Math.floor(block.length / 2), block.length - 1]) {
      const part = decodeBlock(block.subarray(0, cut), true);
      if (cut <= block.length / 2) expect(part.records.length, `cut at ${cut}`).toBeLessThan(BLOCK_STEPS);
      expect(part.records).toStrictEqual(whole.records.slice(0, part.records.length));
      expect(part.records.length).toBeGreaterThanOrEqual(Math.max(lastCount, 0));
      lastCount = part.records.length;
    }
    expect(decodeBlock(block, true)).toStrictEqual(whole);
  });

  it('a log given a step that is no RecordedStep after sealed blocks still reads every step where it was', () => {
    const wl = generateWorkload(g, { seed: 11, steps: BLOCK_STEPS + 40, firstSection: 16, sections: 64 });
    const log = recordScenario(wl.scenario, profile);
    const sealed = log.blocks.length * BLOCK_STEPS;
    expect(sealed).toBe(BLOCK_STEPS);
    const last = log.step(log.length - 1);
    // The same step as a plain object: the log keeps steps as objects from here on.
    const plain: LogStep = { seq: log.length, source: last.source, text: last.text, op: last.op, inject: last.inject, outcome: last.outcome, expects: last.expects, patches: [], inversePatches: [] };
    log.append(plain, log.live);
    expect(log.compact).toBe(false);
    expect(log.step(0).seq).toBe(0);
    expect(log.step(sealed - 1).seq).toBe(sealed - 1);
    expect(log.step(sealed).seq).toBe(sealed);
    expect(log.step(log.length - 1)).toBe(plain);
  });
});
