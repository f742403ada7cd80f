/**
 * __remove_pages() and __remove_section() (mm/memory_hotplug.c, v5.3): outcome-table rows 14 and
 * 15 of kernel-semantics.md §4.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   - what the call removes    ^ the pfn named under it
 * Boot layout: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and section 40 (pfn 0x140000)
 * early with sub-sections 0-31; root 0 holds sections 0-127.
 */
import { expect, it } from 'vitest';
import { W_REMOVE_SECTION, addPages, bootModel, cells, forEachProfile, hazardsOf, mapOf, removePages, run, runAll, secPfn, sectionView, view, HOT_FLAGS, wMisaligned, ZERO_VIEW } from './helpers/model.js';

forEachProfile(['5.3'], (p) => {
  /*
   * section 40 (pfn 0x140000), sub-sections 33-39 hot-added
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.-------........................|
   *                                   ^ pfn 0x144201 (one past the sub-section start), nr_pages 0xe00
   *
   * Expect WARN "Misaligned __remove_pages start: 0x144201 end: #145000" on every call (WARN(1),
   * not once), nothing removed (void), and the zone left non-contiguous (cleared before the check,
   * set again only at the end).
   */
  it('row 14: a misaligned remove WARNs "Misaligned __remove_pages" every time and removes nothing', () => {
    const s0 = bootModel(p);
    const [a, r1, r2] = runAll(p, s0, [addPages(0x144200, 0xe00), removePages(0x144201, 0xe00), removePages(0x144201, 0xe00)]);
    const warn = wMisaligned('remove', 'Misaligned __remove_pages start: 0x144201 end: #145000');
    for (const r of [r1!, r2!]) {
      expect(r.outcome.ret).toBeNull();
      expect(r.outcome.warnings).toEqual([warn]);
      expect(r.state.roots).toStrictEqual(a!.state.roots);
      expect(sectionView(p, r.state, 40)).toEqual(sectionView(p, a!.state, 40));
      expect(r.outcome.sections).toEqual([]);
      expect(r.outcome.notes.some((n) => n.includes('non-contiguous'))).toBe(true);
      expect(hazardsOf(r)).toEqual([]);
    }
  });

  /*
   * section 41 (pfn 0x148000), sub-sections 0-3 hot-added
   * |----HHHH........................................................|
   *  ^ pfn 0x148000, nr_pages 0x100 (half a sub-section)
   *
   * Expect the misaligned size to WARN with end "#1480ff" and the section unchanged.
   */
  it('row 14: a remove of half a sub-section WARNs and leaves the hot-added sub-sections', () => {
    const s0 = bootModel(p);
    const [a, r] = runAll(p, s0, [addPages(secPfn(41), 0x800), removePages(secPfn(41), 0x100)]);
    expect(r?.outcome.warnings).toEqual([wMisaligned('remove', 'Misaligned __remove_pages start: 0x148000 end: #1480ff')]);
    expect(r?.state.roots).toStrictEqual(a?.state.roots);
  });

  /*
   * section 41 (pfn 0x148000), never added (root 0 exists)
   * |----------------------------------------------------------------|
   *  ^ pfn 0x148000, nr_pages 0x8000, removed twice
   *
   * Expect WARN_ON_ONCE(!valid_section) in __remove_section and the chunk skipped; the second
   * identical call skips silently.
   */
  it('row 15: removing a never-added section WARNs once (WARN_ON_ONCE) and skips it', () => {
    const s0 = bootModel(p);
    const [r1, r2] = runAll(p, s0, [removePages(secPfn(41), 0x8000), removePages(secPfn(41), 0x8000)]);
    expect(r1?.outcome.ret).toBeNull();
    expect(r1?.outcome.warnings).toEqual([W_REMOVE_SECTION]);
    expect(r1?.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r1!.state, 41)).toEqual(ZERO_VIEW);
    expect(r2?.outcome.warnings).toEqual([]);
    expect(r2?.state.roots).toStrictEqual(s0.roots);
  });

  /*
   * section 41 (pfn 0x148000), hot-added whole, removed, removed again
   * |----------------------------------------------------------------|
   *
   * Expect the second removal to meet a section without HAS_MEM_MAP (word ENCODED_NULL): the
   * WARN_ON_ONCE fires (first time in this run) and the section stays deactivated.
   */
  it('row 15: removing a fully removed section WARNs once and changes nothing', () => {
    const s0 = bootModel(p);
    const [, r1, r2] = runAll(p, s0, [addPages(secPfn(41), 0x8000), removePages(secPfn(41), 0x8000), removePages(secPfn(41), 0x8000)]);
    expect(r1?.outcome.warnings).toEqual([]);
    expect(r2?.outcome.ret).toBeNull();
    expect(r2?.outcome.warnings).toEqual([W_REMOVE_SECTION]);
    expect(r2?.state.roots).toStrictEqual(r1?.state.roots);
    expect(sectionView(p, r2!.state, 41)).toEqual(
      view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) }),
    );
    expect(hazardsOf(r2!)).toEqual([]);
  });

  /*
   * section 128 (pfn 0x400000): its root (sections 128-255) was never allocated
   * |----------------------------------------------------------------|
   *
   * Expect valid_section(NULL) to be false: WARN_ON_ONCE and skip, no root created, no crash.
   */
  it('row 15: removing a section whose root is NULL WARNs once and allocates nothing', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, removePages(secPfn(128), 0x8000));
    expect(r.outcome.warnings).toEqual([W_REMOVE_SECTION]);
    expect(Object.keys(r.state.roots)).toEqual(['0']);
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 41 (never added)                                           section 42 (sub-sections 0-3 hot-added)
   * |----------------------------------------------------------------|----............................................................|
   *  ^ pfn 0x148000, nr_pages 0x8800
   *
   * Expect section 41 skipped with WARN_ON_ONCE and the loop to go on: section 42's sub-sections
   * are removed in the same call.
   */
  it('row 15: an invalid section is skipped and the following section of the same call is still removed', () => {
    const s0 = bootModel(p);
    const [a, r] = runAll(p, s0, [addPages(secPfn(42), 0x800), removePages(secPfn(41), 0x8800)]);
    expect(sectionView(p, a!.state, 42)).toEqual(view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([0, 3]), machine: 'partial', memmap: cells('v', 4, '.', 60) }));
    expect(r?.outcome.warnings).toEqual([W_REMOVE_SECTION]);
    expect(sectionView(p, r!.state, 41)).toEqual(ZERO_VIEW);
    expect(sectionView(p, r!.state, 42)).toEqual(
      view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) }),
    );
    expect(hazardsOf(r!)).toEqual(['F14:race']);
  });
});
