/**
 * query/bisect.ts on random logs: it agrees with a brute-force scan of every step and state
 * (10^5-step logs with a planted violation: test/bisect.slow.test.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProfile } from '../kernel/index.js';
import { INVARIANTS } from '../model/invariants.js';
import { bisect } from '../query/bisect.js';
import { STEP_PREDICATES } from '../query/predicates.js';
import { pred, truth } from './helpers/bisect_oracle.js';
import { recordScenario } from '../log/index.js';
import { checkpointEveryArb, scenarioArb } from './helpers/arbitraries.js';

const profile = createProfile({ kernel: '5.3' });

describe('bisect on random logs (fast-check)', () => {
  // The two invariants random v5.3 runs break most (F5, F10) weigh more.
  const often = ['invariant:section-map-vmemmap', 'invariant:active-subsection-memmap'];
  const names = [...STEP_PREDICATES.map(([n]) => n), ...INVARIANTS.map((i) => `invariant:${i.name}`), ...often, ...often, ...often];
  it('step predicates and --exact: exactly the first step that has it; invariants by binary search: a step where it turns true, the first when it stays broken', () => {
    let foundState = 0;
    let notMonotone = 0;
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, fc.constantFrom(...names), fc.nat(), fc.nat(), (s, k, name, a, b) => {
        const log = recordScenario(s, profile, { checkpointEvery: k });
        const from = a % log.length;
        const to = from + (b % (log.length - from));
        const p = pred(name);
        const r = bisect(log, p, { from, to });
        const values = Array.from({ length: to - from + 1 }, (_, i) => truth(log, p, from + i));
        const first = values.indexOf(true);
        if (p.kind === 'step') {
          expect(r.found?.seq ?? null).toBe(first < 0 ? null : from + first);
          return;
        }
        // --exact: the first violation in the range, whatever the invariant does after it, with its violations.
        const e = bisect(log, p, { from, to, exact: true });
        expect(e.found?.seq ?? null).toBe(first < 0 ? null : from + first);
        if (e.found) expect(e.found.violations).toEqual(p.invariant.check(profile, log.replay(e.found.seq)));
        expect(e.materialisations).toBe(1);
        if (!values.every((v, i) => i === 0 || !values[i - 1] || v)) notMonotone++;
        if (!values[values.length - 1]) {
          expect(r.found).toBeNull();
          return;
        }
        foundState++;
        const n = r.found!.seq;
        expect(values[n - from]).toBe(true);
        if (n > from) expect(values[n - from - 1]).toBe(false);
        const monotone = values.every((v, i) => i === 0 || !values[i - 1] || v);
        if (monotone) expect(n).toBe(from + first);
        expect(r.materialisations).toBeLessThanOrEqual(Math.ceil(Math.log2(to - from + 1)) + 2);
      }),
      // A fixed seed: the coverage counts below are then facts of these 300 runs, not chance.
      { numRuns: 300, seed: 20261125 },
    );
    expect(foundState).toBeGreaterThan(20);
    // Some runs break an invariant, repair it and break it again: there only --exact is the first.
    expect(notMonotone).toBeGreaterThan(0);
  });
});
