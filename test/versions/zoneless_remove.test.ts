/**
 * ZONELESS_REMOVE — "mm/memory_hotplug: shrink zones when offlining memory" (v5.5, 5.4.9 in the 5.4
 * stable series): __remove_pages() takes no zone and no longer does clear_zone_contiguous() /
 * set_zone_contiguous(). Before it, a misaligned __remove_pages() cleared the contiguous flag,
 * failed check_pfn_span() and returned without setting it again: the zone was left marked
 * non-contiguous (kernel-semantics.md §2.9 and "Later", §4 row 14, §6 item 7).
 *
 * Scenario (boot RAM 0x100000000-0x143ffffff):
 *   __remove_pages(pfn 0x144001, nr_pages 0x1000) — misaligned: WARN "Misaligned __remove_pages
 *   start: 0x144001 end: #145000" in both versions, nothing removed; the note "zone left
 *   non-contiguous" only before the change.
 */
import { describe, expect, it } from 'vitest';
import { removePages, wMisaligned } from '../helpers/model.js';
import { across, expectBoundary } from './boundary.js';
import type { VersionRun } from './boundary.js';

const OPS = [removePages(0x144001, 0x1000)];
const WARN = 'Misaligned __remove_pages start: 0x144001 end: #145000';
const ZONE_NOTE = /^zone left non-contiguous: clear_zone_contiguous\(\) ran, set_zone_contiguous\(\) did not$/;

function expectMisaligned(v: VersionRun): void {
  const r = v.results[0]!;
  expect(r.outcome.ret).toBeNull();
  expect(r.outcome.warnings).toEqual([wMisaligned('remove', WARN)]);
  expect(r.outcome.hazards).toEqual([]);
  expect(r.outcome.resources).toEqual([]);
  expect(r.state).toStrictEqual(v.boot);
}

function zoneNotes(v: VersionRun): string[] {
  return v.results[0]!.outcome.notes.filter((n) => /zone/.test(n));
}

describe('ZONELESS_REMOVE: __remove_pages() without a zone (v5.5, 5.4.9)', () => {
  it('5.4 → 5.5: a misaligned remove leaves the zone non-contiguous / has no zone step', () => {
    expectBoundary('5.4', '5.5', ['E2BIG', 'F3', 'LOOP_REWRITE', 'ZONELESS_REMOVE']);
    const { before, after } = across('5.4', '5.5', OPS);
    expectMisaligned(before);
    expectMisaligned(after);
    expect(zoneNotes(before)).toHaveLength(1);
    expect(zoneNotes(before)[0]).toMatch(ZONE_NOTE);
    expect(zoneNotes(after)).toEqual([]);
  });

  it('5.4.8 → 5.4.9 (stable backport): the same two outcomes', () => {
    expectBoundary('5.4.8', '5.4.9', ['ZONELESS_REMOVE']);
    const { before, after } = across('5.4.8', '5.4.9', OPS);
    expectMisaligned(before);
    expectMisaligned(after);
    expect(zoneNotes(before)).toHaveLength(1);
    expect(zoneNotes(before)[0]).toMatch(ZONE_NOTE);
    expect(zoneNotes(after)).toEqual([]);
  });
});
