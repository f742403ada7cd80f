/**
 * Properties of the time-travel log over random scenarios (test/helpers/arbitraries.ts), NUM_RUNS
 * each (the slow tier: npm test, not test:fast):
 *   (a) replaying patches from step 0 gives the live state of every step;
 *   (b) inverse patches walk back from the end to every step, and patches walk forward from 0;
 *   (d) stateAt with checkpoints (any K, before and after evictCheckpoints) equals replay.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LogCursor, recordScenario } from '../log/index.js';
import { checkpointEveryArb, scenarioArb } from './helpers/arbitraries.js';
import { describeScenario, NUM_RUNS, profile, runLive } from './helpers/log_properties.js';

describe('log properties (fast-check)', () => {
  it(`(a) replay(n) equals the live state at every step, and no state is mutated afterwards (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, (s, k) => {
        const live = runLive(s);
        const log = recordScenario(s, profile, { checkpointEvery: k });
        expect(log.length).toBe(s.steps.length + 1);
        expect(log.live).toStrictEqual(live.states[live.states.length - 1]);
        for (let n = 0; n < log.length; n++) {
          expect(log.replay(n), `replay(${n})\n${describeScenario(s)}`).toStrictEqual(live.states[n]);
          expect(log.step(n).outcome).toStrictEqual(live.outcomes[n]);
        }
        expect(log.replay()).toStrictEqual(live.states[live.states.length - 1]);
        // Replays, cursors and further steps never write into a state that was handed out.
        new LogCursor(log, 0).stepForward();
        for (let n = 0; n < live.states.length; n++) expect(live.states[n], `state ${n} was mutated`).toStrictEqual(live.copies[n]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`(b) inverse patches walk back from the end to every step; patches walk forward from 0 (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, fc.nat(), (s, k, mid) => {
        const live = runLive(s);
        const log = recordScenario(s, profile, { checkpointEvery: k });
        const last = log.length - 1;

        const back = new LogCursor(log, last);
        expect(back.index).toBe(last);
        expect(back.state).toStrictEqual(live.states[last]);
        for (let i = last - 1; i >= 0; i--) {
          expect(back.stepBack()).toBe(true);
          expect(back.index).toBe(i);
          expect(back.state, `back to ${i}\n${describeScenario(s)}`).toStrictEqual(log.stateAt(i));
          expect(back.state).toStrictEqual(live.states[i]);
        }
        expect(back.stepBack()).toBe(false);
        expect(back.index).toBe(0);

        const fwd = new LogCursor(log, 0);
        for (let i = 1; i <= last; i++) {
          expect(fwd.stepForward()).toBe(true);
          expect(fwd.index).toBe(i);
          expect(fwd.state, `forward to ${i}\n${describeScenario(s)}`).toStrictEqual(live.states[i]);
        }
        expect(fwd.stepForward()).toBe(false);

        // Back and forth from the middle: one step back then forward returns to the same state.
        const at = mid % log.length;
        const c = new LogCursor(log, at);
        expect(c.state).toStrictEqual(live.states[at]);
        if (c.stepBack()) {
          expect(c.state).toStrictEqual(live.states[at - 1]);
          expect(c.stepForward()).toBe(true);
          expect(c.state).toStrictEqual(live.states[at]);
        }
        for (let n = 0; n < live.states.length; n++) expect(live.states[n]).toStrictEqual(live.copies[n]);
      }),
      { numRuns: NUM_RUNS },
    );
  });


  it(`(d) stateAt(n) with checkpoints equals replay(n) for several K, also after evictCheckpoints (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (s, kRandom, order) => {
        const live = runLive(s);
        for (const k of [1, 2, 3, kRandom, 64]) {
          const log = recordScenario(s, profile, { checkpointEvery: k });
          const n = log.length;
          expect(log.checkpointEvery).toBe(k);
          expect(log.checkpointCount).toBe(Math.floor((n - 1) / k) + 1);
          for (let i = 0; i < n; i++) {
            expect(log.stateAt(i), `K=${k} stateAt(${i})\n${describeScenario(s)}`).toStrictEqual(log.replay(i));
            expect(log.stateAt(i)).toStrictEqual(live.states[i]);
          }
          log.evictCheckpoints();
          expect(log.checkpointCount).toBe(0);
          // Random access order after eviction rebuilds checkpoints lazily.
          for (const o of order) {
            const i = o % n;
            expect(log.stateAt(i), `K=${k} after evict stateAt(${i})`).toStrictEqual(live.states[i]);
            expect(log.checkpointCount).toBeLessThanOrEqual(Math.floor((n - 1) / k) + 1);
          }
          log.evictCheckpoints();
          for (let i = n - 1; i >= 0; i--) expect(log.stateAt(i)).toStrictEqual(log.replay(i));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
