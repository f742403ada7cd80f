/**
 * Outcome table of kernel-semantics.md §4, hot-add rows of direct sparse_add_section calls, nr_pages = 0 and a failed root allocation (10, 11, 12, 28):
 * one `describe` per row, one `it` per version column the row has (see ./columns.ts for the
 * release that stands for each column). Row 3 (`params->pgprot` empty → WARN_ON_ONCE + -EINVAL,
 * ~v5.7+) is skipped: memhp's operations carry no `mhp_params`/pgprot, so the input cannot be
 * written. Row 13 (!VMEMMAP poisoning crash, F6) is skipped: only SPARSEMEM_VMEMMAP=y is modelled.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    x what the call adds over an active sub-section
 *   ^ the pfn named under it
 * Boot layout: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and section 40 (pfn 0x140000)
 * early with sub-sections 0-31 (in v5.2: sections 32-40 wholly valid, no EARLY flag); root 0 holds
 * sections 0-127.
 */
import { describe, expect, it } from 'vitest';
import { getSection } from '../../model/index.js';
import { BOOT_FLAGS, HOT_FLAGS, SEC40_BOOT, W_ADD_PAGES, ZERO_VIEW, __addPages, addPages, cells, hazardsOf, mapOf, run, runAll, secPfn, sectionView, sparseAddSection, subPfn, view } from '../helpers/model.js';
import { ALL, ALL_COLUMNS, boot, LATE_COLUMNS, SUBSECTION_COLUMNS, W_POPULATE } from './columns.js';

/** A whole hot-added section with a PMD-mapped memmap, not onlined. */
const FULL_HOT = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: ALL, machine: 'full-hotplug', memmap: 'V'.repeat(64) });
/** A fresh section rolled back from v5.6 (F4): word 0, flags clear, no usage. */
const ROLLED_BACK_ZERO = view({ flags: 0, map: 'zero', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });

describe('row 10: direct sparse_add_section with a range not sub-section aligned (v5.2: n/a, no sparse_add_section)', () => {
  /*
   * section 40 (pfn 0x140000)                                           section 41 (pfn 0x148000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR++..............................|  |++..............................................................|
   *                                  ^ 1. pfn 0x144100, nr 0x200        ^ 2. pfn 0x148100, nr 0x200 (sub-sections 0-1)
   *
   * Expect both to succeed, rounded outward: section 40 gets bits 32-33 over its boot memmap,
   * section 41 bits 0-1 and a 4K memmap populated for pfn 0x148000-0x1483ff; both words DIRECT_MAP (F5).
   */
  it('v5.3 – v5.5 (5.5): bits and populate rounded outward; OK', () => {
    const { p, s0 } = boot('5.5');
    const [r1, r2] = runAll(p, s0, [sparseAddSection(0x144100, 0x200), sparseAddSection(0x148100, 0x200)]);
    expect(r1!.outcome.ret).toBe(0);
    expect(r2!.outcome.ret).toBe(0);
    for (const r of [r1!, r2!]) {
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
    }
    expect(sectionView(p, r2!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: mapOf([0, 33]), machine: 'early.grown', memmap: 'B'.repeat(64) }),
    );
    expect(r2!.outcome.resources.filter((e) => e.kind === 'memmap-populate').map((e) => [e.pfn, e.nrPages])).toEqual([[0x148000, 0x400]]);
    expect(sectionView(p, r2!.state, 41)).toEqual(
      view({ flags: HOT_FLAGS, map: 'direct_map', usage: 'slab', subsectionMap: mapOf([0, 1]), machine: 'partial', memmap: cells('v', 2, '.', 62) }),
    );
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 40 (pfn 0x140000)                                           section 41 (pfn 0x148000)
     * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR++..............................|  |xx..............................................................|
     *                                  ^ 1. pfn 0x144100, nr 0x200        ^ 2. pfn 0x148100, nr 0x200
     *
     * Expect the early-section partial add to return 0 without populating (bits 32-33, word kept
     * VMEMMAP_BASE), and the fresh section to hit WARN_ON_ONCE in __populate_section_memmap, be
     * rolled back to word 0 and return -ENOMEM. The model dates this at 5.9 (F10 series): the
     * table's v5.6 – 6.1.192 column is coarser (5.6 – 5.8 still round outward and return 0).
     */
    it(`${column} (${kernel}): W1 in __populate_section_memmap → rollback → E:-ENOMEM; early partial add OK`, () => {
      const { p, s0 } = boot(kernel);
      const [r1, r2] = runAll(p, s0, [sparseAddSection(0x144100, 0x200), sparseAddSection(0x148100, 0x200)]);
      expect(r1!.outcome.ret).toBe(0);
      expect(r1!.outcome.warnings).toEqual([]);
      expect(hazardsOf(r1!)).toEqual([]);
      expect(sectionView(p, r1!.state, 40)).toEqual(
        view({ flags: BOOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: mapOf([0, 33]), machine: 'early.grown', memmap: 'B'.repeat(64) }),
      );
      expect(r2!.outcome.ret).toBe(-12);
      expect(r2!.outcome.warnings).toEqual([W_POPULATE]);
      expect(hazardsOf(r2!)).toEqual([]);
      expect(r2!.outcome.resources.filter((e) => e.kind === 'memmap-populate')).toEqual([]);
      expect(sectionView(p, r2!.state, 41)).toEqual(ROLLED_BACK_ZERO);
    });
  }
});

describe('row 11: direct sparse_add_section with nr_pages = 0 (v5.2: n/a, no sparse_add_section)', () => {
  const RUNS = SUBSECTION_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 40 (pfn 0x140000)  |xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx++++++++++++++++++++++++++++++++|  1. pfn 0x140000, nr 0
     * section 41 (pfn 0x148000)  |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|  2. pfn 0x148000, nr 0
     * section 42 (pfn 0x150000)  |................................................................|  3. pfn 0x150200, nr 0
     *
     * Expect a section-aligned pfn to make an all-bits mask: -EEXIST over section 40's boot RAM,
     * and 0 on the empty section 41 — all 64 sub-sections active with no memmap (a crash hazard:
     * pfn_valid() true over unmapped struct pages); a sub-section-aligned pfn an empty mask:
     * -EINVAL with section 42 untouched. No WARN anywhere (0 is aligned).
     */
    it(`${column} (${kernel}): section-aligned → E:-EEXIST / OK on an empty section; otherwise E:-EINVAL`, () => {
      const { p, s0 } = boot(kernel);
      const [r1, r2, r3] = runAll(p, s0, [sparseAddSection(secPfn(40), 0), sparseAddSection(secPfn(41), 0), sparseAddSection(subPfn(42, 1), 0)]);
      expect(r1!.outcome.ret).toBe(-17);
      expect(sectionView(p, r1!.state, 40)).toEqual(SEC40_BOOT);
      expect(r2!.outcome.ret).toBe(0);
      expect(hazardsOf(r2!)).toEqual(['-:crash']);
      expect(sectionView(p, r2!.state, 41)).toEqual(
        view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: ALL, machine: 'full-hotplug', memmap: '.'.repeat(64) }),
      );
      expect(r3!.outcome.ret).toBe(-22);
      expect(r3!.state.roots).toStrictEqual(r2!.state.roots);
      expect(sectionView(p, r3!.state, 42)).toEqual(ZERO_VIEW);
      for (const r of [r1!, r2!, r3!]) expect(r.outcome.warnings).toEqual([]);
      for (const r of [r1!, r3!]) expect(hazardsOf(r)).toEqual([]);
    });
  }
});

describe('row 12: __add_pages with nr_pages = 0', () => {
  /*
   * section 41 (pfn 0x148000)  |................................................................|  1. pfn 0x148000, nr 0
   * section 42 (pfn 0x150000)  |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|  2. pfn 0x150200, nr 0
   *
   * Expect 0 from both, no WARN. The table says "OK (no-op) [inferred]"; the v5.2 loop runs from
   * section(pfn) to section(pfn + nr_pages - 1), so a section-aligned pfn runs no iteration (a
   * no-op) but pfn 0x150200 runs one for section 42 and __add_section() adds it whole — the
   * table is right about OK, not about no-op (v5.2 __add_pages text: start_sec/end_sec loop, e.g.
   * the pre-image of the sub-section series' "mm/hotplug: …" patches).
   */
  it('v5.2: OK; a section-aligned pfn is a no-op, another pfn adds its whole section', () => {
    const { p, s0 } = boot('5.2');
    const [r1, r2] = runAll(p, s0, [__addPages(secPfn(41), 0), __addPages(subPfn(42, 1), 0)]);
    for (const r of [r1!, r2!]) {
      expect(r.outcome.ret).toBe(0);
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
    }
    expect(r1!.state).toBe(s0);
    expect(sectionView(p, r2!.state, 41)).toEqual(ZERO_VIEW);
    expect(sectionView(p, r2!.state, 42)).toEqual(FULL_HOT);
  });

  /*
   * section 41 (pfn 0x148000)  |................................................................|  1. pfn 0x148000, nr 0
   * section 42 (pfn 0x150000)  |................................................................|  2. pfn 0x150200, nr 0
   *
   * Expect v5.3's loop (start_sec..end_sec) to run no iteration for the section-aligned pfn (0)
   * and one chunk of 0 pages for pfn 0x150200: an empty mask, -EINVAL without any WARN.
   */
  it('v5.3 (inside the v5.3 – v5.5 column): section-aligned pfn OK; other sub-section-aligned pfn E:-EINVAL (no WARN)', () => {
    const { p, s0 } = boot('5.3');
    const [r1, r2] = runAll(p, s0, [__addPages(secPfn(41), 0), __addPages(subPfn(42, 1), 0)]);
    expect(r1!.outcome.ret).toBe(0);
    expect(r1!.state).toBe(s0);
    expect(r2!.outcome.ret).toBe(-22);
    expect(r2!.outcome.resources.map((e) => e.kind)).toEqual(['usage-alloc', 'usage-free']);
    for (const r of [r1!, r2!]) {
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.state.roots).toStrictEqual(s0.roots);
    }
    expect(sectionView(p, r2!.state, 42)).toEqual(ZERO_VIEW);
  });

  /*
   * section 41 (pfn 0x148000)  |................................................................|  1. pfn 0x148000, nr 0
   * section 42 (pfn 0x150000)  |................................................................|  2. pfn 0x150200, nr 0
   *
   * Expect the v5.5 loop rewrite ("for pfn < end_pfn") to run no iteration either way: 0, no
   * patch.
   */
  it('v5.5 (end of the v5.3 – v5.5 column): OK — the rewritten loop does not run', () => {
    const { p, s0 } = boot('5.5');
    const [r1, r2] = runAll(p, s0, [__addPages(secPfn(41), 0), __addPages(subPfn(42, 1), 0)]);
    for (const r of [r1!, r2!]) {
      expect(r.outcome.ret).toBe(0);
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.patches).toEqual([]);
    }
    expect(r2!.state).toBe(s0);
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 41 (pfn 0x148000)  |................................................................|  1. pfn 0x148000, nr 0
     * section 42 (pfn 0x150000)  |................................................................|  2. pfn 0x150200, nr 0
     *
     * Expect no section touched and an 'undefined' hazard each time: from v6.0 `err` is never
     * assigned when the loop does not run, the return value is stack garbage (memhp shows 0).
     * The table's column is coarser: 5.6 – 5.19 return a defined 0.
     */
    it(`${column} (${kernel}): err never assigned → undefined return (stack garbage)`, () => {
      const { p, s0 } = boot(kernel);
      const [r1, r2] = runAll(p, s0, [__addPages(secPfn(41), 0), __addPages(subPfn(42, 1), 0)]);
      for (const r of [r1!, r2!]) {
        expect(r.outcome.ret).toBe(0);
        expect(r.outcome.warnings).toEqual([]);
        expect(hazardsOf(r)).toEqual(['-:undefined']);
        expect(r.outcome.hazards[0]!.text).toMatch(/err is never assigned: the return value is stack garbage/);
        expect(r.patches).toEqual([]);
      }
      expect(r2!.state).toBe(s0);
    });
  }
});

describe('row 28: root allocation fails at hot-add', () => {
  const RUNS = ALL_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 128 (pfn 0x400000, 16 GiB): root 1 (sections 128-255) does not exist yet
     * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
     *  ^ pfn 0x400000, nr_pages 0x8000: the root's kzalloc fails (-ENOMEM injected)
     *
     * Expect -ENOMEM from sparse_index_init with add_pages' WARN_ON_ONCE, and still only root 0.
     */
    it(`${column} (${kernel}): E:-ENOMEM, no root created`, () => {
      const { p, s0 } = boot(kernel);
      const r = run(p, s0, addPages(secPfn(128), 0x8000), [{ kind: 'root', nth: 1 }]);
      expect(r.outcome.ret).toBe(-12);
      expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.outcome.resources).toEqual([]);
      expect(Object.keys(r.state.roots)).toEqual(['0']);
      expect(getSection(p, r.state, 128)).toBeUndefined();
      expect(sectionView(p, r.state, 128)).toEqual(ZERO_VIEW);
    });
  }
});
