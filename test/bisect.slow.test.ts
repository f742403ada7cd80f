/**
 * query/bisect.ts on generated logs of 10^5 steps with a planted first violation (bench/planted.ts),
 * the slow tier (npm test, not test:fast): bisect finds exactly that step, with at most ⌈log2 n⌉ + 2
 * state materialisations (counted by the log, not timed).
 */
import { describe, expect, it } from 'vitest';
import { createProfile } from '../kernel/index.js';
import { INVARIANTS } from '../model/invariants.js';
import { PLANTED_SECTION, plantedScenario } from '../bench/planted.js';
import { bisect } from '../query/bisect.js';
import { pred, truth } from './helpers/bisect_oracle.js';
import { recordScenario } from '../log/index.js';

const profile = createProfile({ kernel: '5.3' });

describe('bisect on 10^5-step logs with a planted first violation', () => {
  const N = 100_000;
  for (const [stateAt, stepAt] of [
    [61_803, 99_990],
    [2, 50_000],
    [N, 1],
  ] as const) {
    it(`finds the F5 add planted at step ${stateAt} and the misaligned add at step ${stepAt}`, () => {
      const log = recordScenario(plantedScenario(profile.geometry, { steps: N, stateAt, stepAt }), profile);
      expect(log.length).toBe(N + 1);
      const inv = pred('invariant:section-map-vmemmap');
      // Ground truth for the plant: holds just before it, broken at it and at the end.
      expect(truth(log, inv, stateAt - 1)).toBe(false);
      expect(truth(log, inv, stateAt)).toBe(true);
      const r = bisect(log, inv);
      expect(r.found?.seq).toBe(stateAt);
      expect(r.found?.violations.map((v) => v.section)).toEqual([PLANTED_SECTION]);
      expect(r.method).toBe('binary');
      expect(r.materialisations).toBeLessThanOrEqual(Math.ceil(Math.log2(N)) + 2);
      expect(r.materialisations).toBe(r.probes.length);
      // --exact walks the patch paths from boot: the same step, one state built.
      const e = bisect(log, inv, { exact: true });
      expect(e.found?.seq).toBe(stateAt);
      expect(e.found?.violations.map((v) => v.section)).toEqual([PLANTED_SECTION]);
      expect(e).toMatchObject({ method: 'exact', materialisations: 1 });
      // Every other invariant holds at the end: the plant is the only violation.
      for (const other of INVARIANTS.filter((i) => i.name !== 'section-map-vmemmap')) expect(other.check(profile, log.live), other.name).toEqual([]);
      // Step predicates: read from the stored outcomes, no state materialised.
      for (const name of ['warn', 'error'] as const) {
        const s = bisect(log, pred(name));
        expect(s.found?.seq, name).toBe(stepAt);
        expect(s.materialisations).toBe(0);
      }
      expect(bisect(log, pred('leak')).found).toBeNull();
    });
  }

  it('after evictCheckpoints bisect still finds the step, rebuilding only the checkpoints it needs', () => {
    const log = recordScenario(plantedScenario(profile.geometry, { steps: N, stateAt: 77_777, stepAt: 5 }), profile, { checkpointEvery: 256 });
    log.evictCheckpoints();
    const r = bisect(log, pred('invariant:section-map-vmemmap'));
    expect(r.found?.seq).toBe(77_777);
    expect(r.materialisations).toBeLessThanOrEqual(Math.ceil(Math.log2(N)) + 2);
    expect(log.checkpointCount).toBeLessThanOrEqual(r.probes.length);
  });

  it('a range without the violation reports none, after one materialisation', () => {
    const log = recordScenario(plantedScenario(profile.geometry, { steps: 5000, stateAt: 4000, stepAt: 4500 }), profile);
    const r = bisect(log, pred('invariant:section-map-vmemmap'), { to: 3999 });
    expect(r.found).toBeNull();
    expect(r.materialisations).toBe(1);
    expect(bisect(log, pred('warn'), { to: 4499 }).found).toBeNull();
    expect(bisect(log, pred('invariant:section-map-vmemmap'), { from: 4100 }).found?.seq).toBe(4100);
  });
});
