/**
 * Outcome table of kernel-semantics.md §4, query and online rows (23, 24, 25, 26, 27): one
 * `describe` per row, one `it` per version column the row has (see ./columns.ts for the release
 * that stands for each column).
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   - what the call removes    ^ the pfn queried
 * Boot layout: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and section 40 (pfn 0x140000)
 * early with sub-sections 0-31 (in v5.2: sections 32-40 wholly valid, no EARLY flag).
 */
import { describe, expect, it } from 'vitest';
import { BOOT_FLAGS, F, HOT_FLAGS, SEC40_BOOT, ZERO_VIEW, addPages, cells, hazardsOf, mapOf, onlineSections, pfnToOnlinePage, pfnValid, removePages, run, runAll, secPfn, sectionView, subPfn, view, wOnlineInvalid } from '../helpers/model.js';
import { ALL_COLUMNS, boot, LATE_COLUMNS, query, SUBSECTION_COLUMNS, V5_2_BOOT, V5_2_BOOT_FLAGS } from './columns.js';

describe('row 23: pfn_valid racing with the last-sub-section removal (v5.2: n/a)', () => {
  /*
   * section 41 (pfn 0x148000), sub-section 0 hot-added
   * |-...............................................................|
   *  ^ pfn 0x148000, nr_pages 0x200: the last active sub-section
   *
   * Expect the removal to kfree() the usage while a concurrent pfn_valid() may read it: the F14
   * race; afterwards pfn_valid() sees an invalid section: false.
   */
  it('v5.3 – v5.5 (5.5): possible NULL/UAF CRASH (F14 race)', () => {
    const { p, s0 } = boot('5.5');
    const [, r] = runAll(p, s0, [addPages(secPfn(41), 0x200), removePages(secPfn(41), 0x200)]);
    expect(r!.outcome.ret).toBeNull();
    expect(r!.outcome.warnings).toEqual([]);
    expect(hazardsOf(r!)).toEqual(['F14:race']);
    expect(r!.outcome.hazards[0]!.text).toBe('usage of section(s) 41 freed with plain kfree() while a concurrent pfn_valid() may still read usage->subsection_map');
    expect(sectionView(p, r!.state, 41)).toEqual(view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) }));
    expect(query(p, r!.state, pfnValid(secPfn(41))).outcome.value).toBe(false);
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 41 (pfn 0x148000), sub-section 0 hot-added
     * |-...............................................................|
     *  ^ pfn 0x148000, nr_pages 0x200
     *
     * Expect HAS_MEM_MAP cleared first and the usage freed with kfree_rcu (F14, in 6.1.192 by the
     * 6.1.76 backport): no hazard; pfn_valid() false afterwards. The table's column is coarser:
     * 5.6 – 6.7 and 6.1.0 – 6.1.75 still race.
     */
    it(`${column} (${kernel}): safe (kfree_rcu, no race)`, () => {
      const { p, s0 } = boot(kernel);
      const [, r] = runAll(p, s0, [addPages(secPfn(41), 0x200), removePages(secPfn(41), 0x200)]);
      expect(r!.outcome.ret).toBeNull();
      expect(r!.outcome.warnings).toEqual([]);
      expect(hazardsOf(r!)).toEqual([]);
      expect(r!.outcome.resources.filter((e) => e.kind === 'usage-free').map((e) => e.how)).toEqual(['kfree_rcu']);
      expect(sectionView(p, r!.state, 41)).toEqual(view({ flags: 0, map: 'zero', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) }));
      const q = query(p, r!.state, pfnValid(secPfn(41)));
      expect(q.outcome.value).toBe(false);
      expect(hazardsOf(q)).toEqual([]);
    });
  }
});

describe('row 24: online_mem_sections / offline_mem_sections over an invalid section', () => {
  /*
   * section 40 (boot, online)                                            section 41 (never added)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR|................................................................|
   *  ^ offline_mem_sections(0x140000, 0x150000), then online_mem_sections over the same range
   *
   * Expect section 40's ONLINE bit cleared then set again, and section 41 to WARN_ON (not once)
   * and be skipped on both calls.
   */
  it('v5.2: W (WARN_ON) + skip', () => {
    const { p, s0 } = boot('5.2');
    const [off, on] = runAll(p, s0, [onlineSections(secPfn(40), secPfn(42), false), onlineSections(secPfn(40), secPfn(42), true)]);
    expect(off!.outcome.warnings).toEqual([wOnlineInvalid('offline_mem_sections')]);
    expect(sectionView(p, off!.state, 40)).toEqual({ ...V5_2_BOOT, flags: V5_2_BOOT_FLAGS & ~F.ONLINE });
    expect(on!.outcome.warnings).toEqual([wOnlineInvalid('online_mem_sections')]);
    expect(sectionView(p, on!.state, 40)).toEqual(V5_2_BOOT);
    for (const r of [off!, on!]) {
      expect(r.outcome.ret).toBeNull();
      expect(hazardsOf(r)).toEqual([]);
      expect(sectionView(p, r.state, 41)).toEqual(ZERO_VIEW);
    }
  });

  const RUNS = SUBSECTION_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 40 (early, online)                                           section 41 (never added)
     * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR................................|................................................................|
     *  ^ offline_mem_sections(0x140000, 0x150000), then online_mem_sections over the same range
     *
     * Expect the same: ONLINE toggled on section 40, WARN_ON + skip for section 41 each time.
     */
    it(`${column} (${kernel}): W (WARN_ON) + skip`, () => {
      const { p, s0 } = boot(kernel);
      const [off, on] = runAll(p, s0, [onlineSections(secPfn(40), secPfn(42), false), onlineSections(secPfn(40), secPfn(42), true)]);
      expect(off!.outcome.warnings).toEqual([wOnlineInvalid('offline_mem_sections')]);
      expect(sectionView(p, off!.state, 40)).toEqual({ ...SEC40_BOOT, flags: BOOT_FLAGS & ~F.ONLINE });
      expect(on!.outcome.warnings).toEqual([wOnlineInvalid('online_mem_sections')]);
      expect(sectionView(p, on!.state, 40)).toEqual(SEC40_BOOT);
      for (const r of [off!, on!]) {
        expect(r.outcome.ret).toBeNull();
        expect(hazardsOf(r)).toEqual([]);
        expect(sectionView(p, r.state, 41)).toEqual(ZERO_VIEW);
      }
    });
  }
});

describe('row 25: pfn_valid on a hole sub-section of an EARLY section', () => {
  const RUNS = ALL_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 40 (pfn 0x140000)                                           section 41
     * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR................................|.…
     *  ^ 0x140000                      ^ 0x144000 (hole)  0x147fff (hole) ^ ^ 0x148000
     *
     * Expect pfn_valid() true over the whole boot section, holes included (v5.3+: early_section();
     * v5.2: section granularity), and false for the never-added section 41.
     */
    it(`${column} (${kernel}): true`, () => {
      const { p, s0 } = boot(kernel);
      for (const pfn of [secPfn(40), subPfn(40, 32), secPfn(41) - 1]) {
        const q = query(p, s0, pfnValid(pfn));
        expect(q.outcome.value, `pfn 0x${pfn.toString(16)}`).toBe(true);
        expect(hazardsOf(q)).toEqual([]);
      }
      expect(query(p, s0, pfnValid(secPfn(41))).outcome.value).toBe(false);
    });
  }
});

describe('row 26: pfn_valid on an inactive sub-section of a hot-added section (v5.2: n/a)', () => {
  const RUNS = SUBSECTION_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 41 (pfn 0x148000), sub-sections 0-3 hot-added
     * |HHHH............................................................|
     *  ^ 0x148000  ^ 0x1487ff (last active pfn)  ^ 0x148800 (sub-section 4)
     *
     * Expect pfn_valid() true in the active sub-sections and false from sub-section 4 on (VM).
     */
    it(`${column} (${kernel}): false (VM)`, () => {
      const { p, s0 } = boot(kernel);
      const a = run(p, s0, addPages(secPfn(41), 0x800));
      expect(sectionView(p, a.state, 41)).toEqual(
        view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([0, 3]), machine: 'partial', memmap: cells('v', 4, '.', 60) }),
      );
      expect(query(p, a.state, pfnValid(secPfn(41))).outcome.value).toBe(true);
      expect(query(p, a.state, pfnValid(subPfn(41, 4) - 1)).outcome.value).toBe(true);
      expect(query(p, a.state, pfnValid(subPfn(41, 4))).outcome.value).toBe(false);
      expect(query(p, a.state, pfnValid(subPfn(41, 63))).outcome.value).toBe(false);
    });
  }
});

describe('row 27: pfn_to_online_page on an inactive pfn inside an online section', () => {
  /*
   * memhp does not model ZONE_DEVICE (no move_pfn_range_to_zone, no TAINT setting), so the row's
   * "inactive pfn" half is what these tests pin:
   *   A: section 41, sub-sections 0-3 hot-added then onlined; pfn 0x149000 = sub-section 8
   *      |HHHH....^.......................................................|
   *   B: section 40, online since boot; pfn 0x145000 = hole sub-section 40
   *      |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR........^.......................|
   */

  /*
   * Expect a page for both: v5.2 adds section 41 whole (so A is active memory there, correctly a
   * page) and section 40 is valid as a whole (B: a page for a hole pfn, the table's "page (wrong)").
   */
  it('v5.2: page (the macro checks only ONLINE)', () => {
    const { p, s0 } = boot('5.2');
    const [a, o] = runAll(p, s0, [addPages(secPfn(41), 0x800), onlineSections(secPfn(41), secPfn(42))]);
    expect(query(p, a!.state, pfnToOnlinePage(subPfn(41, 8))).outcome.value).toBe(false);
    const qa = query(p, o!.state, pfnToOnlinePage(subPfn(41, 8)));
    expect(qa.outcome.value).toBe(true);
    expect(hazardsOf(qa)).toEqual([]);
    const qb = query(p, s0, pfnToOnlinePage(subPfn(40, 40)));
    expect(qb.outcome.value).toBe(true);
    expect(hazardsOf(qb)).toEqual([]);
  });

  /*
   * Expect a page for both (wrong): for A memhp flags the wrong result and the fault on its
   * unmapped struct page; B's struct page is mapped (boot memmap) but the pfn is a hole: flagged
   * as a wrong result too.
   */
  it('v5.3 – v5.5 (5.5): page (wrong)', () => {
    const { p, s0 } = boot('5.5');
    const [, o] = runAll(p, s0, [addPages(secPfn(41), 0x800), onlineSections(secPfn(41), secPfn(42))]);
    expect(sectionView(p, o!.state, 41)).toEqual(
      view({ flags: HOT_FLAGS | F.ONLINE, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([0, 3]), machine: 'partial', memmap: cells('v', 4, '.', 60) }),
    );
    const qa = query(p, o!.state, pfnToOnlinePage(subPfn(41, 8)));
    expect(qa.outcome.value).toBe(true);
    expect(hazardsOf(qa)).toEqual(['-:wrong-result', '-:crash']);
    expect(qa.outcome.hazards[0]!.text).toBe('section 41 is online but sub-section 8 is not active: a struct page is returned for a pfn without memory');
    const qb = query(p, s0, pfnToOnlinePage(subPfn(40, 40)));
    expect(qb.outcome.value).toBe(true);
    expect(hazardsOf(qb)).toEqual(['-:wrong-result']);
    expect(qb.outcome.hazards[0]!.text).toBe('section 40 is online but sub-section 40 is a hole of this early section: a struct page is returned for a pfn without memory');
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * Expect NULL for both (pfn_section_valid() is checked from v5.12; the table's column is
     * coarser: 5.6 – 5.11 still return a page), and a page for an active pfn of the same section.
     */
    it(`${column} (${kernel}): NULL`, () => {
      const { p, s0 } = boot(kernel);
      const [, o] = runAll(p, s0, [addPages(secPfn(41), 0x800), onlineSections(secPfn(41), secPfn(42))]);
      for (const [s, pfn] of [[o!.state, subPfn(41, 8)], [s0, subPfn(40, 40)]] as const) {
        const q = query(p, s, pfnToOnlinePage(pfn));
        expect(q.outcome.value, `pfn 0x${pfn.toString(16)}`).toBe(false);
        expect(hazardsOf(q)).toEqual([]);
      }
      expect(query(p, o!.state, pfnToOnlinePage(secPfn(41))).outcome.value).toBe(true);
    });
  }
});
