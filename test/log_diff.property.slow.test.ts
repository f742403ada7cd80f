/**
 * Properties of the time-travel log over random scenarios (test/helpers/arbitraries.ts), NUM_RUNS
 * each (the slow tier: npm test, not test:fast):
 *   (c) diffStates is empty exactly for deep-equal states, and everything it reports is real;
 *   (e) recording is deterministic down to the JSON-lines bytes, and an op change shows up there;
 * and every section's machine state agrees with classifySection() after every step; the generator
 * reaches every machine state and the interesting outcomes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifySection } from '../kernel/index.js';
import type { MemSection, SectionStateValue } from '../kernel/index.js';
import { logToJsonLines, recordScenario } from '../log/index.js';
import { isEmptyDiff } from '../query/index.js';
import type { StateDiff } from '../log/index.js';
import { splitHash } from '../log/logfile.js';
import type { Scenario } from '../inputs/types.js';
import { checkpointEveryArb, scenarioArb } from './helpers/arbitraries.js';
import { buildScenario, scenarioText } from './helpers/scenario_build.js';
import { changeOp, checkDiff, describeScenario, g, NUM_RUNS, profile, runLive, sectionsOf } from './helpers/log_properties.js';

describe('log properties (fast-check)', () => {
  it(`(c) diffStates is empty exactly for deep-equal states, and every reported change is real (${NUM_RUNS} runs)`, () => {
    let empty = 0;
    let nonEmpty = 0;
    fc.assert(
      fc.property(
        scenarioArb(),
        scenarioArb({ maxSteps: 10 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 8 }),
        (s1, s2, picks) => {
          const a = runLive(s1).states;
          const b = runLive(s2).states;
          const tally = (d: StateDiff): void => void (isEmptyDiff(d) ? empty++ : nonEmpty++);
          // Consecutive steps (many are no-ops: failed or query steps), each state with itself and a replayed copy.
          for (let i = 0; i < a.length; i++) {
            tally(checkDiff(a[i]!, a[i]!, i, i));
            tally(checkDiff(a[i]!, structuredClone(a[i]!), i, i));
            if (i > 0) {
              tally(checkDiff(a[i - 1]!, a[i]!, i - 1, i));
              tally(checkDiff(a[i]!, a[i - 1]!, i, i - 1));
            }
          }
          // Random pairs within a run and across two runs (different boots).
          for (const [x, y] of picks) {
            const i = x % a.length;
            const j = y % a.length;
            tally(checkDiff(a[i]!, a[j]!, i, j));
            const jb = y % b.length;
            tally(checkDiff(a[i]!, b[jb]!, i, jb));
            tally(checkDiff(b[jb]!, a[i]!, jb, i));
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
    expect(empty).toBeGreaterThan(0);
    expect(nonEmpty).toBeGreaterThan(0);
  });


  it(`(e) the same input records to byte-identical JSON lines; a different op changes them (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, fc.nat(), fc.nat({ max: 3 }), (s, k, at, how) => {
        const text = scenarioText(s);
        const one = logToJsonLines(recordScenario(s, profile, { checkpointEvery: k }), text, 'prop.scn');
        const two = logToJsonLines(recordScenario(s, profile, { checkpointEvery: k }), text, 'prop.scn');
        expect(two).toBe(one);
        // A structurally equal copy of the scenario (no shared objects) gives the same bytes too.
        const copy = structuredClone(s) as Scenario;
        expect(logToJsonLines(recordScenario(copy, profile, { checkpointEvery: k }), scenarioText(copy), 'prop.scn')).toBe(one);

        // Change one op: the log changes, from that step's line on; earlier step lines are unchanged.
        const i = at % s.steps.length;
        const changed = changeOp(s.steps[i]!.op, how);
        const ops = s.steps.map((st, j) => ({ op: j === i ? changed : st.op, inject: st.inject }));
        const s2 = buildScenario(s.boot.ranges, ops);
        const other = logToJsonLines(recordScenario(s2, profile, { checkpointEvery: k }), scenarioText(s2), 'prop.scn');
        expect(other).not.toBe(one);
        // Each line's hash chains from the header's (which holds the input's hash): compare without it.
        const l1 = one.split('\n').map((l) => splitHash(l)?.content ?? l);
        const l2 = other.split('\n').map((l) => splitHash(l)?.content ?? l);
        expect(l2.length).toBe(l1.length);
        // line 0 is the header (input hash differs), line 1 is boot (step 0), line j + 2 is step j + 1.
        for (let j = 1; j <= i + 1; j++) expect(l2[j], `line ${j}`).toBe(l1[j]);
        expect(l2[i + 2]).not.toBe(l1[i + 2]);
        expect(l2[0]).not.toBe(l1[0]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`every section's machine state equals classifySection() after every step, and outcomes report it (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const live = runLive(s);
        for (let n = 0; n < live.states.length; n++) {
          const state = live.states[n]!;
          const secs = sectionsOf(state);
          for (const ms of secs.values()) {
            expect(ms.machine, `step ${n} section ${ms.nr}: ${JSON.stringify(ms)}\n${describeScenario(s)}`).toBe(classifySection(g, ms));
          }
          // The outcome's section effects name the machine state before and after the step.
          const prev = n > 0 ? sectionsOf(live.states[n - 1]!) : new Map<number, MemSection>();
          for (const e of live.outcomes[n]!.sections) {
            expect(e.before, `step ${n} section ${e.nr} before`).toBe(prev.get(e.nr)?.machine ?? 'absent.never');
            expect(e.after, `step ${n} section ${e.nr} after`).toBe(secs.get(e.nr)?.machine ?? 'absent.never');
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the generator reaches every machine state and the interesting operation outcomes', () => {
    const states = new Set<SectionStateValue>();
    const outcomes = new Set<string>();
    for (const s of fc.sample(scenarioArb(), { numRuns: 600, seed: 4242 })) {
      const live = runLive(s);
      for (const st of live.states) for (const ms of sectionsOf(st).values()) states.add(ms.machine);
      s.steps.forEach((st, i) => {
        const o = live.outcomes[i + 1]!;
        if (o.ret !== null) outcomes.add(`${st.op.kind} ${o.ret}`);
        if (st.inject.length && o.path.includes('injected')) outcomes.add(`injected ${st.inject[0]!.kind}`);
        for (const h of o.hazards) outcomes.add(`hazard ${h.bug ?? h.kind}`);
        if (o.value !== null) outcomes.add(`${st.op.kind} ${o.value}`);
        if (o.warnings.some((w) => w.func === 'check_pfn_span')) outcomes.add('misaligned');
        if (o.resources.some((r) => r.how.includes('altmap'))) outcomes.add('altmap');
      });
    }
    expect([...states].sort()).toEqual(
      ['absent.deactivated', 'absent.emptied-early', 'early.boot', 'early.grown', 'early.trimmed', 'full-hotplug', 'partial'].sort(),
    );
    for (const k of [
      '__add_pages 0',
      'add_pages 0',
      '__add_pages -17',
      '__add_pages -22',
      'sparse_add_section 0',
      'sparse_add_section -17',
      'injected usage',
      'injected root',
      'injected memmap',
      'hazard F3',
      'hazard F10',
      'hazard F14',
      'pfn_valid true',
      'pfn_valid false',
      'misaligned',
      'altmap',
    ]) {
      expect(outcomes.has(k), `${k} not reached: ${[...outcomes].sort().join('; ')}`).toBe(true);
    }
  });
});
