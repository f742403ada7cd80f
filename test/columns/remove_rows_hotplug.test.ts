/**
 * Outcome table of kernel-semantics.md §4, hot-remove rows (14, 15, 16, 17): one
 * `describe` per row, one `it` per version column the row has (see ./columns.ts for the release
 * that stands for each column). Row 18 (!VMEMMAP whole-section removal: leak / F7 crash) is
 * skipped: only SPARSEMEM_VMEMMAP=y is modelled. Row 19 (ppc64 F8 crash in v5.6-rc6/rc7) is
 * skipped: an rc-only ppc64 ordering crash, and F8 is unmodelled (same end state on x86_64).
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    - what the call removes    x what the call removes but is inactive
 *   ^ the pfn named under it
 * Boot layout: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and section 40 (pfn 0x140000)
 */
import { describe, expect, it } from 'vitest';
import { BOOT_FLAGS, HOT_FLAGS, W_REMOVE_SECTION, ZERO_VIEW, addPages, cells, hazardsOf, mapOf, removePages, run, runAll, secPfn, sectionView, view, wordOf } from '../helpers/model.js';
import { ALL, alreadyDeactivated, boot, LATE_COLUMNS, misaligned, V5_2_BOOT, W_SPARSE_REMOVE_SECTION } from './columns.js';

const DEACTIVATED_NULL = view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });
const DEACTIVATED_ZERO = view({ flags: 0, map: 'zero', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });
const FULL_HOT = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: ALL, machine: 'full-hotplug', memmap: 'V'.repeat(64) });
/** Section 40 after add_pages(0x144200, 0xe00) from 5.7 on (word VMEMMAP_BASE). */
const SEC40_GROWN = view({ flags: BOOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: mapOf([0, 31], [33, 39]), machine: 'early.grown', memmap: 'B'.repeat(64) });

describe('row 14: __remove_pages misaligned', () => {
  /*
   * section 40 (pfn 0x140000), valid since boot (v5.2: whole section)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR|
   *                                   ^ __remove_pages(pfn 0x144201, nr_pages 0xe00)
   *
   * Expect BUG_ON(phys_start_pfn & ~PAGE_SECTION_MASK): a crash hazard, nothing removed.
   */
  it('v5.2: CRASH (BUG_ON), nothing removed', () => {
    const { p, s0 } = boot('5.2');
    const r = run(p, s0, removePages(0x144201, 0xe00));
    expect(r.outcome.ret).toBeNull();
    expect(r.outcome.warnings).toEqual([]);
    expect(hazardsOf(r)).toEqual(['-:crash']);
    expect(r.outcome.hazards[0]!.text).toBe('kernel BUG at mm/memory_hotplug.c in __remove_pages: BUG_ON(phys_start_pfn & ~PAGE_SECTION_MASK) — v5.2 removes whole sections only');
    expect(r.state).toBe(s0);
    expect(sectionView(p, r.state, 40)).toEqual(V5_2_BOOT);
  });

  /*
   * section 40 (pfn 0x140000), sub-sections 33-39 hot-added
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.-------........................|
   *                                   ^ pfn 0x144201, nr_pages 0xe00, twice
   *
   * Expect WARN "Misaligned __remove_pages start: 0x144201 end: #145000" from check_pfn_span on
   * each call, nothing removed, and the zone left non-contiguous (v5.3 still takes the zone).
   */
  it('v5.3 (inside the v5.3 – v5.5 column): W in check_pfn_span "…end: #145000", nothing removed, zone left non-contiguous', () => {
    const { p, s0 } = boot('5.3');
    const [a, r1, r2] = runAll(p, s0, [addPages(0x144200, 0xe00), removePages(0x144201, 0xe00), removePages(0x144201, 0xe00)]);
    for (const r of [r1!, r2!]) {
      expect(r.outcome.ret).toBeNull();
      expect(r.outcome.warnings).toEqual([misaligned('check_pfn_span', 'Misaligned __remove_pages start: 0x144201 end: #145000')]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.outcome.notes).toEqual(['zone left non-contiguous: clear_zone_contiguous() ran, set_zone_contiguous() did not']);
      expect(r.state.roots).toStrictEqual(a!.state.roots);
    }
    expect(sectionView(p, r2!.state, 40)).toEqual({ ...SEC40_GROWN, map: 'direct_map' });
  });

  /*
   * section 40 (pfn 0x140000), sub-sections 33-39 hot-added
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.-------........................|
   *                                   ^ pfn 0x144201, nr_pages 0xe00, twice
   *
   * Expect the same WARN from check_pfn_span and nothing removed; no zone any more (the model
   * dates the zone-less __remove_pages at 5.5: the table's "zone left non-contiguous" holds only
   * for 5.3 – 5.4.8 inside its v5.3 – v5.5 column).
   */
  it('v5.5 (end of the v5.3 – v5.5 column): W in check_pfn_span "…end: #145000", nothing removed, no zone step', () => {
    const { p, s0 } = boot('5.5');
    const [a, r1, r2] = runAll(p, s0, [addPages(0x144200, 0xe00), removePages(0x144201, 0xe00), removePages(0x144201, 0xe00)]);
    for (const r of [r1!, r2!]) {
      expect(r.outcome.ret).toBeNull();
      expect(r.outcome.warnings).toEqual([misaligned('check_pfn_span', 'Misaligned __remove_pages start: 0x144201 end: #145000')]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.outcome.notes).toEqual([]);
      expect(r.state).toBe(a!.state);
    }
    expect(sectionView(p, r2!.state, 40)).toEqual({ ...SEC40_GROWN, map: 'direct_map' });
  });

  const RUNS: ReadonlyArray<readonly [string, string, string]> = [
    ['v5.6 – 6.1.192', '6.1.192', 'Misaligned __remove_pages start: 0x144201 end: #145000'],
    ['6.12.95', '6.12.95', 'Misaligned __remove_pages start: 0x144201 end: 0x145000'],
  ];
  for (const [column, kernel, text] of RUNS) {
    /*
     * section 40 (pfn 0x140000), sub-sections 33-39 hot-added
     * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.-------........................|
     *                                   ^ pfn 0x144201, nr_pages 0xe00, twice
     *
     * Expect the WARN from __remove_pages itself (v6.0; 5.6 – 5.19 inside the 6.1.192 column still
     * WARN in check_pfn_span) with this release's "end:" format, on every call; nothing removed.
     */
    it(`${column} (${kernel}): W in __remove_pages "${text}", nothing removed`, () => {
      const { p, s0 } = boot(kernel);
      const [a, r1, r2] = runAll(p, s0, [addPages(0x144200, 0xe00), removePages(0x144201, 0xe00), removePages(0x144201, 0xe00)]);
      for (const r of [r1!, r2!]) {
        expect(r.outcome.ret).toBeNull();
        expect(r.outcome.warnings).toEqual([misaligned('__remove_pages', text)]);
        expect(hazardsOf(r)).toEqual([]);
        expect(r.state).toBe(a!.state);
      }
      expect(sectionView(p, r2!.state, 40)).toEqual(SEC40_GROWN);
    });
  }
});

describe('row 15: remove a section chunk whose section is not valid (never added / fully removed)', () => {
  const RUNS: ReadonlyArray<readonly [string, string, typeof W_REMOVE_SECTION]> = [
    ['v5.2', '5.2', W_REMOVE_SECTION],
    ['v5.3 – v5.5', '5.5', W_REMOVE_SECTION],
    ['v5.6 – 6.1.192', '6.1.192', W_REMOVE_SECTION],
    ['6.12.95', '6.12.95', W_SPARSE_REMOVE_SECTION],
  ];
  for (const [column, kernel, warn] of RUNS) {
    /*
     * section 41 (pfn 0x148000), never added           |----------------------------------------------------------------|  twice
     * section 42 (pfn 0x150000), added then removed   |----------------------------------------------------------------|  (a fresh boot)
     *
     * Expect WARN_ON_ONCE(!valid_section) in `${warn.func}` and the chunk skipped, the repeat
     * silent (once per site), and a fully removed section treated the same as a never-added one.
     */
    it(`${column} (${kernel}): W1 WARN_ON_ONCE in ${warn.func}, skipped`, () => {
      const { p, s0 } = boot(kernel);
      const [r1, r2] = runAll(p, s0, [removePages(secPfn(41), 0x8000), removePages(secPfn(41), 0x8000)]);
      expect(r1!.outcome.warnings).toEqual([warn]);
      expect(r2!.outcome.warnings).toEqual([]);
      for (const r of [r1!, r2!]) {
        expect(r.outcome.ret).toBeNull();
        expect(hazardsOf(r)).toEqual([]);
        expect(r.outcome.resources).toEqual([]);
        expect(r.state.roots).toStrictEqual(s0.roots);
      }
      expect(sectionView(p, r2!.state, 41)).toEqual(ZERO_VIEW);

      const [, removed, again] = runAll(p, s0, [addPages(secPfn(42), 0x8000), removePages(secPfn(42), 0x8000), removePages(secPfn(42), 0x8000)]);
      expect(removed!.outcome.warnings).toEqual([]);
      expect(again!.outcome.ret).toBeNull();
      expect(again!.outcome.warnings).toEqual([warn]);
      expect(hazardsOf(again!)).toEqual([]);
      expect(again!.state.roots).toStrictEqual(removed!.state.roots);
    });
  }
});

describe('row 16: remove sub-sections that are not all active (v5.2: n/a, whole sections only)', () => {
  const RUNS: ReadonlyArray<readonly [string, string, 'section_deactivate' | 'clear_subsection_map']> = [
    ['v5.3 – v5.5', '5.5', 'section_deactivate'],
    ['v5.6 – 6.1.192', '6.1.192', 'clear_subsection_map'],
    ['6.12.95', '6.12.95', 'clear_subsection_map'],
  ];
  for (const [column, kernel, func] of RUNS) {
    /*
     * section 41 (pfn 0x148000), sub-sections 0-7 hot-added, 0-3 removed, 0-3 removed again
     * |xxxxHHHH........................................................|
     *  ^ pfn 0x148000, nr_pages 0x800
     *
     * Expect WARN "section already deactivated (0x148000 + 2048)" and no change (sub-sections 4-7
     * stay). The WARN sits in section_deactivate() in v5.3 – v5.5 and in clear_subsection_map()
     * after Baoquan He's ~v5.7 refactor (kernel-semantics.md §2.8 "Later", §5; verified in
     * 6.1.192's mm/sparse.c). The table's "(zone already shrunk before it)" holds only before the
     * zone-less __remove_pages (5.5), which memhp does not show.
     */
    it(`${column} (${kernel}): W "section already deactivated (0x148000 + 2048)" in ${func}, no change`, () => {
      const { p, s0 } = boot(kernel);
      const [, r1, r2] = runAll(p, s0, [addPages(secPfn(41), 0x1000), removePages(secPfn(41), 0x800), removePages(secPfn(41), 0x800)]);
      const partial = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([4, 7]), machine: 'partial', memmap: cells('.', 4, 'v', 4, '.', 56) });
      expect(r1!.outcome.warnings).toEqual([]);
      expect(sectionView(p, r1!.state, 41)).toEqual(partial);
      expect(r2!.outcome.ret).toBeNull();
      expect(r2!.outcome.warnings).toEqual([alreadyDeactivated(func, 'section already deactivated (0x148000 + 2048)')]);
      expect(hazardsOf(r2!)).toEqual([]);
      expect(r2!.outcome.resources).toEqual([]);
      expect(r2!.state).toBe(r1!.state);
      expect(sectionView(p, r2!.state, 41)).toEqual(partial);
    });
  }
});

describe('row 17: remove the last active sub-section(s) of a hot-added section', () => {
  /*
   * section 41 (pfn 0x148000), hot-added whole (v5.2 adds whole sections)
   * |----------------------------------------------------------------|
   *  ^ pfn 0x148000, nr_pages 0x8000
   *
   * Expect sparse_remove_one_section(): word 0, usemap kfree'd, PMD memmap freed.
   */
  it('v5.2: section freed (word 0, usemap and memmap freed)', () => {
    const { p, s0 } = boot('5.2');
    const [a, r] = runAll(p, s0, [addPages(secPfn(41), 0x8000), removePages(secPfn(41), 0x8000)]);
    expect(sectionView(p, a!.state, 41)).toEqual(FULL_HOT);
    expect(r!.outcome.ret).toBeNull();
    expect(r!.outcome.warnings).toEqual([]);
    expect(hazardsOf(r!)).toEqual([]);
    expect(r!.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['usage-free:kfree (usemap)', 'memmap-free:vmemmap_free: PMD freed']);
    expect(sectionView(p, r!.state, 41)).toEqual(DEACTIVATED_ZERO);
  });

  /*
   * section 41 (pfn 0x148000), sub-sections 0-3 hot-added (4K memmap)
   * |----............................................................|
   *  ^ pfn 0x148000, nr_pages 0x800
   *
   * Expect the usage kfree'd (the F14 race), word ENCODED_NULL (0xfffffffffae00000) with every
   * flag clear, the 4K memmap of the range freed.
   */
  it('v5.3 – v5.5 (5.5): usage kfree\'d (F14 race); word ENCODED_NULL; range depopulated', () => {
    const { p, s0 } = boot('5.5');
    const [, r] = runAll(p, s0, [addPages(secPfn(41), 0x800), removePages(secPfn(41), 0x800)]);
    expect(r!.outcome.ret).toBeNull();
    expect(r!.outcome.warnings).toEqual([]);
    expect(hazardsOf(r!)).toEqual(['F14:race']);
    expect(r!.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['usage-free:kfree', 'memmap-free:vmemmap_free: 4K vmemmap freed']);
    expect(sectionView(p, r!.state, 41)).toEqual(DEACTIVATED_NULL);
    expect(wordOf(p, r!.state, 41)).toBe('0xfffffffffae00000');
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 41 (pfn 0x148000), sub-sections 0-3 hot-added (4K memmap)
     * |----............................................................|
     *  ^ pfn 0x148000, nr_pages 0x800
     *
     * Expect HAS_MEM_MAP cleared, the usage freed with kfree_rcu (no race: F14 backported to
     * 6.1.76; the table's column is coarser — 6.1.0 – 6.1.75 and 5.6 – 6.7 still race), the range
     * depopulated and word 0 (F4).
     */
    it(`${column} (${kernel}): usage kfree_rcu'd; range depopulated; word 0`, () => {
      const { p, s0 } = boot(kernel);
      const [, r] = runAll(p, s0, [addPages(secPfn(41), 0x800), removePages(secPfn(41), 0x800)]);
      expect(r!.outcome.ret).toBeNull();
      expect(r!.outcome.warnings).toEqual([]);
      expect(hazardsOf(r!)).toEqual([]);
      expect(r!.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['usage-free:kfree_rcu', 'memmap-free:vmemmap_free: 4K vmemmap freed']);
      expect(sectionView(p, r!.state, 41)).toEqual(DEACTIVATED_ZERO);
      expect(wordOf(p, r!.state, 41)).toBe('0x0000000000000000');
    });
  }
});
