/**
 * F15 — Waiman Long's "mm: prevent derefencing NULL ptr in pfn_section_valid()" (v6.10; 6.1.100 in
 * the 6.1 stable series): pfn_section_valid() reads ms->usage with READ_ONCE and returns 0 when it
 * is NULL (kernel-semantics.md §2.8 "Later", §2.11, §3 stable table).
 *
 * Not observable in a sequential run: pfn_section_valid() is reached only for a valid
 * (HAS_MEM_MAP), non-early section, and section_deactivate() clears HAS_MEM_MAP in the same call
 * that frees the usage (since F14, before freeing it). A valid section with a NULL usage exists
 * only for a concurrent pfn_valid() inside that window, which memhp does not interleave. So this
 * file checks that has() flips at the right releases, and that the scenario that comes closest
 * (pfn_valid() right after the usage of a hot-added section was freed) gives the same outcome
 * on both sides. test/versions/determinism.property.test.ts checks the same over random sequences.
 *
 * Scenario (boot RAM 0x100000000-0x143ffffff; section 41 = pfn 0x148000 never added):
 *   1. add_pages(section 41)   2. pfn_valid(0x148200): true
 *   3. __remove_pages(section 41) — usage freed, HAS_MEM_MAP cleared
 *   4. pfn_valid(0x148200): false ("section 41 not valid"), before and after F15
 */
import { describe, expect, it } from 'vitest';
import { has } from '../../kernel/profile.js';
import { SECTION, addPages, pfnValid, profileOf, removePages, secPfn, subPfn } from '../helpers/model.js';
import { across, expectBoundary } from './boundary.js';
import type { VersionRun } from './boundary.js';

const OPS = [addPages(secPfn(41), SECTION), pfnValid(subPfn(41, 1)), removePages(secPfn(41), SECTION), pfnValid(subPfn(41, 1))];

function expectSameQueries(before: VersionRun, after: VersionRun): void {
  expect(before.results[1]!.outcome.value).toBe(true);
  expect(before.results[3]!.outcome.value).toBe(false);
  expect(before.results[3]!.outcome.path).toMatch(/section 41 not valid/);
  for (const i of [1, 3]) {
    expect(after.results[i]!.outcome).toEqual(before.results[i]!.outcome);
    expect(after.results[i]!.outcome.hazards).toEqual([]);
  }
  expect(after.last).toStrictEqual(before.last);
}

describe('F15: pfn_section_valid() tolerates a NULL usage (v6.10, 6.1.100) — not observable sequentially', () => {
  it('6.9 → 6.10: has(F15) flips; the nearest sequential scenario gives the same outcome on both sides', () => {
    expectBoundary('6.9', '6.10', ['F15']);
    expect(has(profileOf('6.9'), 'F15')).toBe(false);
    expect(has(profileOf('6.10'), 'F15')).toBe(true);
    const { before, after } = across('6.9', '6.10', OPS);
    expectSameQueries(before, after);
  });

  it('6.1.99 → 6.1.100 (stable backport): has(F15) flips; the same scenario gives the same outcome', () => {
    expectBoundary('6.1.99', '6.1.100', ['F15']);
    expect(has(profileOf('6.1.99'), 'F15')).toBe(false);
    expect(has(profileOf('6.1.100'), 'F15')).toBe(true);
    const { before, after } = across('6.1.99', '6.1.100', OPS);
    expectSameQueries(before, after);
  });
});
