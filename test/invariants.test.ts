/**
 * model/invariants.ts: every invariant holds after every step of random runs on kernels with the
 * fixes (5.9: F5, F10; 6.1.192; newest), and v5.3's bugs break the ones they should.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bootState, step } from '../model/index.js';
import { createProfile } from '../kernel/index.js';
import { INVARIANTS, invariantNamed } from '../model/invariants.js';
import { RAM_4G_64M, __addPages, bootModel, removePages, subPfn } from './helpers/model.js';
import { scenarioArb } from './helpers/arbitraries.js';

describe('invariants', () => {
  it('have distinct names, a doc and a kernel source each', () => {
    expect(new Set(INVARIANTS.map((i) => i.name)).size).toBe(INVARIANTS.length);
    for (const i of INVARIANTS) {
      expect(i.name).toMatch(/^[a-z0-9-]+$/);
      expect(i.doc.length).toBeGreaterThan(10);
      expect(i.source).toMatch(/mm\/|arch\//);
    }
  });

  for (const kernel of ['5.9', '6.1.192', 'newest']) {
    it(`all hold after every step of random runs on ${kernel} (fast-check)`, () => {
      const p = createProfile({ kernel });
      fc.assert(
        fc.property(scenarioArb(), (s) => {
          let st = bootState(p, s.boot).state;
          for (const x of s.steps) {
            st = step(p, st, x.op, x.inject).state;
            for (const inv of INVARIANTS) expect(inv.check(p, st), `${inv.name} after ${x.text}`).toEqual([]);
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('v5.3: a sub-section add at a section\'s middle breaks section-map-vmemmap (F5); 5.7 keeps it', () => {
    for (const [kernel, broken] of [['5.3', true], ['5.7', false]] as const) {
      const p = createProfile({ kernel });
      const r = step(p, bootModel(p), __addPages(subPfn(50, 8), 0x1000));
      expect(r.outcome.ret).toBe(0);
      expect(invariantNamed('section-map-vmemmap')!.check(p, r.state).map((v) => v.section)).toEqual(broken ? [50] : []);
    }
  });

  it('v5.3: re-adding sub-sections whose boot memmap a partial remove tore down breaks active-subsection-memmap (F10); 5.9 keeps it', () => {
    for (const [kernel, broken] of [['5.3', true], ['5.9', false]] as const) {
      const p = createProfile({ kernel });
      let st = bootModel(p, RAM_4G_64M);
      for (const op of [__addPages(subPfn(40, 33), 0xe00), removePages(subPfn(40, 33), 0xe00), __addPages(subPfn(40, 33), 0xe00)]) st = step(p, st, op).state;
      expect(invariantNamed('active-subsection-memmap')!.check(p, st).map((v) => v.section)).toEqual(broken ? [40] : []);
    }
  });
});
