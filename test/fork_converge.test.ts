/**
 * forkLog reuses the original's steps once the fork's state is back at the original's
 * (query/fork_converge.ts): the converging fork is step for step what running every step again
 * gives — outcome, patches, inverse patches, expectation results and stateAt — over random bench
 * workloads (small section windows, so dropped adds and removes wash out) with `expect ret` lines,
 * and over the property scenarios (injected failures, ZONE_DEVICE, once sites), for drop, insert
 * and replace at random positions. Reuse must actually happen in some runs. While the states still
 * differ, a step whose reads agree (model/step_reads.ts) is taken over too: a fork of 800 steps is
 * block for block the bytes a re-run writes, and a step taken over checks its expectations anew.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Scenario, ScenarioStep } from '../inputs/types.js';
import { createProfile } from '../kernel/index.js';
import type { Profile } from '../kernel/index.js';
import { forkLog } from '../query/index.js';
import type { ForkEdit } from '../query/index.js';
import { recordScenario } from '../log/index.js';
import type { HotplugLog } from '../log/index.js';
import { generateWorkload } from '../bench/generate.js';
import { scenarioArb } from './helpers/arbitraries.js';
import { scenarioStep } from './helpers/scenario_build.js';
import { edited } from './helpers/fork_edit.js';

const newest = createProfile();
const v53 = createProfile({ kernel: '5.3' });


/** Fork `s`'s log and record the edited scenario afresh; every step must agree. Returns how many steps the fork reused. */
function forkMatchesRerun(profile: Profile, s: Scenario, at: number, edit: ForkEdit, k: number): number {
  const original = recordScenario(s, profile, { checkpointEvery: k });
  const r = forkLog(original, s.steps, at, edit);
  if (!r.ok) throw new Error(r.message);
  const fresh = recordScenario({ ...s, steps: edited(s.steps, at, edit) }, profile, { checkpointEvery: k });
  expectSame(r.log, fresh);
  return r.reused;
}

function expectSame(a: HotplugLog, b: HotplugLog): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    const x = a.step(i);
    const y = b.step(i);
    expect(x.seq, `seq of step ${i}`).toBe(i);
    expect([x.text, x.source, x.op, x.inject], `input of step ${i}`).toEqual([y.text, y.source, y.op, y.inject]);
    expect(x.outcome, `outcome of step ${i}`).toEqual(y.outcome);
    expect(x.patches, `patches of step ${i}`).toEqual(y.patches);
    expect(x.inversePatches, `inverse patches of step ${i}`).toEqual(y.inversePatches);
    expect(x.expects, `expects of step ${i}`).toEqual(y.expects);
    expect(a.stateAt(i), `state after step ${i}`).toStrictEqual(b.stateAt(i));
  }
  expect(a.live).toStrictEqual(b.live);
  expect(a.replay()).toStrictEqual(b.live);
}

/** Every third step of a bench workload expects the return code it has in the original run, so expectations fail in forks that differ. */
function withExpects(profile: Profile, s: Scenario): Scenario {
  const log = recordScenario(s, profile);
  const steps = s.steps.map((st, i) => {
    if (i % 3 !== 0) return st;
    const ret = log.step(i + 1).outcome.ret;
    return { ...st, expects: [{ expect: { kind: 'ret' as const, ret }, source: { file: 'bench', line: i + 1 }, text: `expect ret ${String(ret)}` }] };
  });
  return { ...s, steps };
}

const editArb = (n: number, other: ScenarioStep): fc.Arbitrary<{ at: number; edit: ForkEdit }> =>
  fc.record({ at: fc.integer({ min: 0, max: n - 1 }), kind: fc.constantFrom('drop', 'drop', 'insert', 'replace'), j: fc.nat() }).map(({ at, kind, j }) => {
    const step = at + 1 + (j % (n - at));
    const edit: ForkEdit = kind === 'drop' ? { kind, step } : kind === 'insert' ? { kind, op: other } : { kind, step, op: other };
    return { at, edit };
  });

describe('forkLog converging on the original', () => {
  it('bench workloads: the fork equals a full re-run, step for step (120 runs); most reuse steps', () => {
    let reusing = 0;
    const arb = fc
      .record({ seed: fc.nat(), steps: fc.integer({ min: 20, max: 160 }), sections: fc.integer({ min: 2, max: 24 }), k: fc.integer({ min: 1, max: 16 }), expects: fc.boolean() })
      .chain((o) => {
        const wl = generateWorkload(newest.geometry, { seed: o.seed, steps: o.steps, firstSection: 32, sections: o.sections });
        const s = o.expects ? withExpects(newest, wl.scenario) : wl.scenario;
        const other = (wl.scenario.steps[o.seed % o.steps] as ScenarioStep);
        return fc.record({ s: fc.constant(s), k: fc.constant(o.k), e: editArb(o.steps, { ...other, expects: [], source: { file: '--insert', line: 1 } }) });
      });
    fc.assert(
      fc.property(arb, ({ s, k, e }) => {
        if (forkMatchesRerun(newest, s, e.at, e.edit, k) > 0) reusing++;
      }),
      { numRuns: 120 },
    );
    expect(reusing).toBeGreaterThan(40);
  });

  it('property scenarios (injected failures, ZONE_DEVICE, once sites): the fork equals a full re-run (200 runs)', () => {
    let reusing = 0;
    const arb = scenarioArb({ minSteps: 1 }).chain((s) =>
      fc.record({ s: fc.constant(s), k: fc.integer({ min: 1, max: 8 }), other: scenarioArb({ minSteps: 1, maxSteps: 1 }) }).chain(({ s, k, other }) => {
        const o = other.steps[0] as ScenarioStep;
        return fc.record({ s: fc.constant(s), k: fc.constant(k), e: editArb(s.steps.length, scenarioStep(o.op, 999, o.inject)) });
      }),
    );
    fc.assert(
      fc.property(arb, ({ s, k, e }) => {
        if (forkMatchesRerun(v53, s, e.at, e.edit, k) > 0) reusing++;
      }),
      { numRuns: 200 },
    );
    expect(reusing).toBeGreaterThan(20);
  });

  it('a removal that stays undone: steps whose reads agree are taken over; the blocks are the bytes a re-run writes (800 steps)', () => {
    // Step 2 removes sub-sections of one of 32 sections: without it the section stays partial, the
    // states do not meet again for hundreds of steps, and only the steps that read it run.
    // Steps from 400 on come from a second source file: the fork that inserts a step (from a third,
    // '--insert') numbers that file 2, the original 1, and the records it takes over say so.
    const wl = generateWorkload(newest.geometry, { seed: 0x5eed5ec7, steps: 800, firstSection: 32, sections: 32 });
    const twoFiles: Scenario = { ...wl.scenario, steps: wl.scenario.steps.map((st, i) => (i < 400 ? st : { ...st, source: { file: 'second.scn', line: i } })) };
    for (const s of [twoFiles, withExpects(newest, twoFiles)]) {
      const original = recordScenario(s, newest);
      const inserted = { ...(s.steps[0] as ScenarioStep), expects: [], source: { file: '--insert', line: 1 } };
      for (const edit of [{ kind: 'drop', step: 2 }, { kind: 'replace', step: 2, op: inserted }, { kind: 'insert', op: inserted }] as const) {
        const r = forkLog(original, s.steps, 1, edit);
        if (!r.ok) throw new Error(r.message);
        const fresh = recordScenario({ ...s, steps: edited(s.steps, 1, edit) }, newest);
        expect(r.reused).toBeGreaterThan(700);
        expect(r.reused).toBeLessThan(r.log.length - 2);
        expect(r.log.blocks.length).toBe(fresh.blocks.length);
        r.log.blocks.forEach((b, i) => expect(Buffer.from(b).equals(Buffer.from(fresh.blocks[i] as Uint8Array)), `block ${i}`).toBe(true));
        expectSame(r.log, fresh);
        // Without the scenario's steps the fork reads each operation from the original's record (a log file's fork).
        const own = forkLog(original, null, 1, edit);
        if (!own.ok) throw new Error(own.message);
        expect(own.reused).toBe(r.reused);
        own.log.blocks.forEach((b, i) => expect(Buffer.from(b).equals(Buffer.from(fresh.blocks[i] as Uint8Array)), `block ${i} (operations from the records)`).toBe(true));
        expect(own.log.openSteps.map((x) => x.outcome)).toEqual(fresh.openSteps.map((x) => x.outcome));
      }
    }
  });

  it("a step taken over checks its expectations anew: one about a section it does not read sees the fork's state", () => {
    // Boot RAM in section 1 (root 0 allocated); step 1 adds section 34; step 2 queries section 40 and
    // expects section 34 full. Without step 1, step 2 reads nothing that differs (it is taken over)
    // but its expectation now fails.
    const query = scenarioStep({ kind: 'pfn_valid', pfn: 40 * 32768 }, 3);
    const base = recordableScenario();
    const s: Scenario = {
      ...base,
      boot: { ...base.boot, ranges: [{ startPfn: 32768, endPfn: 65536, nid: 0 }] },
      steps: [
        scenarioStep({ kind: '__add_pages', nid: 0, pfn: 34 * 32768, nr_pages: 32768, altmap: null }, 2),
        { ...query, expects: [{ expect: { kind: 'section', nr: 34, state: 'full-hotplug' }, source: query.source, text: 'expect section 34 state=full-hotplug' }] },
      ],
    };
    const log = recordScenario(s, v53);
    expect(log.step(2).expects.map((e) => e.ok)).toEqual([true]);
    const r = forkLog(log, s.steps, 0, { kind: 'drop', step: 1 });
    if (!r.ok) throw new Error(r.message);
    expect(r.reused).toBe(1);
    expect(r.log.step(1).expects.map((e) => e.ok)).toEqual([false]);
    expectSame(r.log, recordScenario({ ...s, steps: s.steps.slice(1) }, v53));
  });

  it('reuses nothing while the states differ: dropping an add that later steps depend on runs them all', () => {
    // Step 1 adds section 34, step 2 removes it, step 3 queries it: without step 1 the remove WARNs and the states never meet again.
    const s = recordableScenario();
    const log = recordScenario(s, v53);
    const r = forkLog(log, s.steps, 0, { kind: 'drop', step: 1 });
    if (!r.ok) throw new Error(r.message);
    expect(r.log.step(1).outcome.warnings.length).toBeGreaterThan(0);
    expect(log.step(2).outcome.warnings).toEqual([]);
    expect(r.reused).toBe(0);
    expectSame(r.log, recordScenario({ ...s, steps: s.steps.slice(1) }, v53));
  });
});

/** __add_pages of section 34, __remove_pages of it, pfn_valid in it. */
function recordableScenario(): Scenario {
  const pfn = 34 * 32768;
  return {
    file: 'x.scn',
    kernel: '5.3',
    boot: { ranges: [], iomem: [], source: { file: 'x.scn', line: 1 } },
    bootExpects: [],
    steps: [
      scenarioStep({ kind: '__add_pages', nid: 0, pfn, nr_pages: 32768, altmap: null }, 2),
      scenarioStep({ kind: '__remove_pages', pfn, nr_pages: 32768, altmap: null }, 3),
      scenarioStep({ kind: 'pfn_valid', pfn }, 4),
    ],
  };
}
