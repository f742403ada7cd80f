/**
 * TAINT — v5.12 "mm: teach pfn_to_online_page() to consider subsection validity" (with
 * SECTION_TAINT_ZONE_DEVICE): pfn_to_online_page() returns NULL for a pfn whose sub-section is not
 * active. Before, it was a macro that returned pfn_to_page(pfn) for any pfn of an ONLINE section
 * (kernel-semantics.md §2.11, §3, §4 row 27).
 *
 * Scenario (boot RAM 0x100000000-0x143ffffff; section 41 = pfn 0x148000 never added):
 *   1. add_pages(pfn 0x148000, nr_pages 0x800)      — sub-sections 0-3 of section 41
 *   2. online_mem_sections(0x148000, 0x150000)      — section 41 ONLINE
 *   3. pfn_to_online_page(pfn 0x149400)             — sub-section 10, not active:
 *        v5.11: a page (hazard wrong-result; its struct page is not even mapped: hazard crash)
 *        v5.12: NULL
 *   4. pfn_to_online_page(pfn 0x148200)             — sub-section 1, active: a page in both (control)
 */
import { describe, expect, it } from 'vitest';
import { SUB, addPages, hazardsOf, onlineSections, pfnToOnlinePage, secPfn, subPfn } from '../helpers/model.js';
import { across, expectBoundary } from './boundary.js';

const OPS = [addPages(secPfn(41), 4 * SUB), onlineSections(secPfn(41), secPfn(42)), pfnToOnlinePage(subPfn(41, 10)), pfnToOnlinePage(subPfn(41, 1))];

describe('TAINT: pfn_to_online_page() checks sub-section validity (v5.12)', () => {
  it('5.11 → 5.12: an inactive sub-section of an online hot-added section gives a page (wrong) / NULL', () => {
    expectBoundary('5.11', '5.12', ['F16', 'MHP_RANGE_ALLOWED', 'TAINT']);
    const { before, after } = across('5.11', '5.12', OPS);
    for (const v of [before, after]) {
      expect(v.results[0]!.outcome.ret).toBe(0);
      expect(v.results[1]!.outcome.warnings).toEqual([]);
    }

    const b = before.results[2]!;
    expect(b.outcome.value).toBe(true);
    expect(b.outcome.ret).toBeNull();
    expect(hazardsOf(b)).toEqual(['-:wrong-result', '-:crash']);
    expect(b.outcome.hazards[0]).toEqual({
      kind: 'wrong-result',
      bug: null,
      text: 'section 41 is online but sub-section 10 is not active: a struct page is returned for a pfn without memory',
      fixedBy: '"mm: teach pfn_to_online_page() to consider subsection validity", v5.12',
    });
    expect(b.outcome.hazards[1]!.text).toMatch(/struct page returned for sub-section 10 is not mapped/);

    const a = after.results[2]!;
    expect(a.outcome.value).toBe(false);
    expect(a.outcome.ret).toBeNull();
    expect(a.outcome.hazards).toEqual([]);

    for (const r of [before.results[3]!, after.results[3]!]) {
      expect(r.outcome.value).toBe(true);
      expect(r.outcome.hazards).toEqual([]);
    }
  });
});
