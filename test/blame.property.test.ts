/**
 * query/blame.ts: every step that changed a section / field / bit, last writer first, from the
 * patch paths. Checked against a brute-force scan that compares the section in the live states
 * before and after every step (fast-check over random scenarios), and on an example file.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenario } from '../inputs/index.js';
import type { Scenario } from '../inputs/types.js';
import { bootState, getSection, listSections, step } from '../model/index.js';
import { createProfile } from '../kernel/index.js';
import type { KernelState, MemSection } from '../kernel/index.js';
import { SECTION_FIELDS } from '../model/changes.js';
import type { SectionField } from '../model/changes.js';
import { zeroSection } from '../kernel/zero_section.js';
import { blame } from '../query/blame.js';
import type { BlameEntry } from '../query/blame.js';
import { recordScenario } from '../log/index.js';
import { FIELD_NAMES, fieldBitText, fieldText } from '../query/values.js';
import { checkpointEveryArb, scenarioArb } from './helpers/arbitraries.js';
import { ROOT } from './helpers/cli.js';

const profile = createProfile({ kernel: '5.3', arch: 'x86_64' });
const NUM_RUNS = 300;

/** The state after every step, straight from the model. */
function liveStates(s: Scenario): KernelState[] {
  const states = [bootState(profile, s.boot).state];
  for (const st of s.steps) states.push(step(profile, states[states.length - 1]!, st.op, st.inject).state);
  return states;
}

/** Brute force: compare the section in every pair of consecutive states, field by field. */
function bruteBlame(s: Scenario, states: readonly KernelState[], nr: number, field: SectionField | undefined, bit: number | undefined, from: number, to: number): BlameEntry[] {
  const zero = zeroSection(profile.geometry, nr);
  const at = (i: number): MemSection => (i < 0 ? zero : (getSection(profile, states[i]!, nr) ?? zero));
  const fields = field ? [field] : bit === undefined ? SECTION_FIELDS : (['subsectionMap'] as const);
  const out: BlameEntry[] = [];
  for (let i = from; i <= to; i++) {
    const a = at(i - 1);
    const b = at(i);
    const src = i === 0 ? s.boot.source : s.steps[i - 1]!.source;
    const text = i === 0 ? 'boot' : s.steps[i - 1]!.text;
    for (const f of fields) {
      if (bit === undefined) {
        if (!isDeepStrictEqual(a[f], b[f])) out.push({ seq: i, source: src, text, field: FIELD_NAMES[f], before: fieldText(f, a), after: fieldText(f, b) });
      } else {
        const x = fieldBitText(f, a, bit);
        const y = fieldBitText(f, b, bit);
        if (x !== y) out.push({ seq: i, source: src, text, field: FIELD_NAMES[f], bit, before: x, after: y });
      }
    }
  }
  return out.sort((x, y) => y.seq - x.seq);
}

const queryArb = fc.record({
  section: fc.integer({ min: 30, max: 42 }),
  pick: fc.option(fc.nat(), { freq: 4 }),
  field: fc.option(fc.constantFrom<SectionField>(...SECTION_FIELDS), { freq: 2 }),
  bit: fc.option(fc.integer({ min: 0, max: 63 }), { freq: 2 }),
  a: fc.nat(),
  b: fc.nat(),
});

describe('blame', () => {
  it(`agrees with a brute-force scan of all states on random logs (${NUM_RUNS} runs)`, () => {
    let nonEmpty = 0;
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, queryArb, (s, k, q) => {
        const states = liveStates(s);
        const log = recordScenario(s, profile, { checkpointEvery: k });
        // Mostly a section some step touched (else any of 30-42, often never touched).
        const touched = [...new Set(states.flatMap((st) => listSections(st).map((ms) => ms.nr)))];
        const section = q.pick !== null && touched.length ? touched[q.pick % touched.length]! : q.section;
        const field = q.field ?? undefined;
        // A bit of flags only up to its 5 flag bits; of subsection_map / boot_map any of the 64.
        const bit = q.bit === null || (field !== undefined && field !== 'subsectionMap' && field !== 'bootMap' && field !== 'flags') ? undefined : field === 'flags' ? q.bit % 5 : q.bit;
        const from = q.a % log.length;
        const to = from + (q.b % (log.length - from));
        const got = blame(log, { section, field: field === undefined ? undefined : FIELD_NAMES[field], bit, from, to });
        const want = bruteBlame(s, states, section, field, bit, from, to);
        expect(got).toEqual(want);
        if (got.length) nonEmpty++;
      }),
      { numRuns: NUM_RUNS },
    );
    expect(nonEmpty).toBeGreaterThan(NUM_RUNS / 10);
  });

  it('names the three writers of sub-section 0 of section 144 in examples/partial-cycle.scn, last first', () => {
    const file = `${ROOT}examples/partial-cycle.scn`;
    const parsed = parseScenario(readFileSync(file, 'utf8'), 'partial-cycle.scn', { geometry: profile.geometry });
    if (!parsed.ok) throw new Error('example does not parse');
    const log = recordScenario(parsed.value, profile);
    const entries = blame(log, { section: 144, bit: 0 });
    expect(entries.map((e) => [e.seq, e.source.line, e.before, e.after])).toEqual([
      [8, 40, '0', '1'],
      [5, 25, '1', '0'],
      [1, 10, '0', '1'],
    ]);
    expect(entries.every((e) => e.field === 'subsection_map' && e.bit === 0)).toBe(true);
    // The map itself: four writers (two adds, two removes) before the whole-section add.
    const map = blame(log, { section: 144, field: 'subsection_map', to: 7 });
    expect(map.map((e) => [e.seq, e.after])).toEqual([
      [7, '0x0000000000000000 [none]'],
      [5, '0x000000000000ff00 [8-15]'],
      [2, '0x000000000000ff0f [0-3,8-15]'],
      [1, '0x000000000000000f [0-3]'],
    ]);
  });
});
