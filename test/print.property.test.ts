/**
 * query/print.ts: the value of a section field at every step of a range, one entry per change,
 * against a brute-force walk over every live state (fast-check over random logs).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Scenario } from '../inputs/types.js';
import { bootState, getSection, listSections, step } from '../model/index.js';
import { createProfile } from '../kernel/index.js';
import type { KernelState } from '../kernel/index.js';
import { SECTION_FIELDS } from '../model/changes.js';
import type { SectionField } from '../model/changes.js';
import { zeroSection } from '../kernel/zero_section.js';
import { fieldHistory } from '../query/print.js';
import { recordScenario } from '../log/index.js';
import { FIELD_NAMES, fieldBitText, fieldText } from '../query/values.js';
import { checkpointEveryArb, scenarioArb } from './helpers/arbitraries.js';

const profile = createProfile({ kernel: '5.3' });

function liveStates(s: Scenario): KernelState[] {
  const states = [bootState(profile, s.boot).state];
  for (const st of s.steps) states.push(step(profile, states[states.length - 1]!, st.op, st.inject).state);
  return states;
}

describe('print (fieldHistory)', () => {
  it('lists the value after --from, then one line per step whose value differs from the step before (300 runs)', () => {
    let changes = 0;
    fc.assert(
      fc.property(
        scenarioArb(),
        checkpointEveryArb,
        fc.record({ pick: fc.nat(), field: fc.constantFrom<SectionField>('subsectionMap', 'subsectionMap', ...SECTION_FIELDS), bit: fc.option(fc.integer({ min: 0, max: 63 })), a: fc.nat(), b: fc.nat() }),
        (s, k, q) => {
          const states = liveStates(s);
          const log = recordScenario(s, profile, { checkpointEvery: k });
          const touched = [...new Set(states.flatMap((st) => listSections(st).map((ms) => ms.nr)))];
          const section = touched.length ? touched[q.pick % touched.length]! : 33;
          const bit = q.bit !== null && (q.field === 'subsectionMap' || q.field === 'bootMap') ? q.bit : undefined;
          const from = q.a % log.length;
          const to = from + (q.b % (log.length - from));
          const value = (i: number): string => {
            const ms = getSection(profile, states[i]!, section) ?? zeroSection(profile.geometry, section);
            return bit === undefined ? fieldText(q.field, ms) : fieldBitText(q.field, ms, bit);
          };
          const want: Array<{ seq: number; value: string }> = [{ seq: from, value: value(from) }];
          for (let i = from + 1; i <= to; i++) if (value(i) !== value(i - 1)) want.push({ seq: i, value: value(i) });
          const got = fieldHistory(log, { section, field: FIELD_NAMES[q.field], bit, from, to });
          expect(got.map((e) => ({ seq: e.seq, value: e.value }))).toEqual(want);
          for (const e of got) {
            expect(e.source).toEqual(e.seq === 0 ? s.boot.source : s.steps[e.seq - 1]!.source);
            expect(e.field).toBe(FIELD_NAMES[q.field]);
          }
          changes += got.length - 1;
        },
      ),
      { numRuns: 300 },
    );
    expect(changes).toBeGreaterThan(25);
  });
});
