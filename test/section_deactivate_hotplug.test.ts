/**
 * section_deactivate() (mm/sparse.c, v5.3, seed commit ba72b4c8cf60 with Oscar Salvador's
 * early-section fix), reached through __remove_pages → __remove_section → sparse_remove_section:
 * outcome-table rows 16 and 17 of kernel-semantics.md §4 (hot-added sections).
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    - what the call removes    x what the call removes but is inactive
 *   ^ the pfn named under it
 * Boot layout unless said otherwise: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and
 * section 40 (pfn 0x140000) early with sub-sections 0-31.
 */
import { expect, it } from 'vitest';
import { HOT_FLAGS, SEC40_BOOT, addPages, bootModel, cells, forEachProfile, hazardsOf, mapOf, removePages, run, runAll, secPfn, sectionView, subPfn, view, wAlreadyDeactivated, wordOf } from './helpers/model.js';

/** A fully deactivated hot-added section in v5.3: word ENCODED_NULL, all flags clear, usage freed. */
const DEACTIVATED = view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });

forEachProfile(['5.3'], (p) => {
  /*
   * section 40 (pfn 0x140000), after add + remove of sub-sections 33-39
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.xxxxxxx........................|
   *                                   ^ pfn 0x144200, nr_pages 0xe00, removed a second and third time
   *
   * Expect WARN "section already deactivated (0x144200 + 3584)" on each repeat (a plain WARN, not
   * once) and the section unchanged.
   */
  it('row 16: removing sub-sections twice WARNs "section already deactivated" and changes nothing', () => {
    const s0 = bootModel(p);
    const [, r1, r2, r3] = runAll(p, s0, [addPages(0x144200, 0xe00), removePages(0x144200, 0xe00), removePages(0x144200, 0xe00), removePages(0x144200, 0xe00)]);
    const after = sectionView(p, r1!.state, 40);
    const warn = wAlreadyDeactivated('section already deactivated (0x144200 + 3584)');
    for (const r of [r2!, r3!]) {
      expect(r.outcome.ret).toBeNull();
      expect(r.outcome.warnings).toEqual([warn]);
      expect(sectionView(p, r.state, 40)).toEqual(after);
      expect(r.state.roots).toStrictEqual(r1!.state.roots);
      expect(r.outcome.resources).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
    }
  });

  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRR--xx..............................|
   *                               ^ pfn 0x143c00, nr_pages 0x800 (sub-sections 30-33; 32-33 are holes)
   *
   * Expect WARN "section already deactivated (0x143c00 + 2048)" and no bit cleared, not even 30-31.
   */
  it('row 16: a removal overlapping inactive sub-sections WARNs and clears none of them', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, removePages(subPfn(40, 30), 0x800));
    expect(r.outcome.ret).toBeNull();
    expect(r.outcome.warnings).toEqual([wAlreadyDeactivated('section already deactivated (0x143c00 + 2048)')]);
    expect(sectionView(p, r.state, 40)).toEqual(SEC40_BOOT);
    expect(r.state.roots).toStrictEqual(s0.roots);
  });

  /*
   * section 41 (pfn 0x148000), hot-added sub-sections 0-7, then 0-3 removed
   * |xxxxHHHH........................................................|
   *  ^ pfn 0x148000, nr_pages 0x800 removed again
   *
   * Expect WARN "section already deactivated (0x148000 + 2048)" with sub-sections 4-7 untouched.
   */
  it('row 16: removing a hot-added range twice WARNs while the section stays valid', () => {
    const s0 = bootModel(p);
    const [, r1, r2] = runAll(p, s0, [addPages(secPfn(41), 0x1000), removePages(secPfn(41), 0x800), removePages(secPfn(41), 0x800)]);
    const partial = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([4, 7]), machine: 'partial', memmap: cells('.', 4, 'v', 4, '.', 56) });
    expect(sectionView(p, r1!.state, 41)).toEqual(partial);
    expect(r2?.outcome.warnings).toEqual([wAlreadyDeactivated('section already deactivated (0x148000 + 2048)')]);
    expect(sectionView(p, r2!.state, 41)).toEqual(partial);
  });

  /*
   * section 41 (pfn 0x148000)
   * |----............................................................|
   *  ^ pfn 0x148000, nr_pages 0x800: the only active sub-sections of a hot-added section
   *
   * Expect the usage kfree'd (reported as the F14 race: plain kfree while pfn_valid may read it),
   * the word set to ENCODED_NULL with every flag clear, the 4K memmap freed, and
   * __highest_present_section_nr not lowered.
   */
  it('row 17: removing the last sub-sections of a hot-added section frees usage and memmap, leaves ENCODED_NULL (F14)', () => {
    const s0 = bootModel(p);
    const [r0, r] = runAll(p, s0, [addPages(secPfn(41), 0x800), removePages(secPfn(41), 0x800)]);
    expect(sectionView(p, r0!.state, 41)).toEqual(view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([0, 3]), machine: 'partial', memmap: cells('v', 4, '.', 60) }));
    expect(r?.outcome.ret).toBeNull();
    expect(r?.outcome.warnings).toEqual([]);
    expect(sectionView(p, r!.state, 41)).toEqual(DEACTIVATED);
    expect(wordOf(p, r!.state, 41)).toBe('0xfffffffffae00000');
    expect(r?.outcome.sections).toEqual([{ nr: 41, before: 'partial', after: 'absent.deactivated' }]);
    expect(hazardsOf(r!)).toEqual(['F14:race']);
    expect(r?.outcome.hazards[0]?.fixedBy).toMatch(/5ec8e8ea8b77/);
    expect(r?.outcome.resources.map((e) => e.kind)).toEqual(['usage-free', 'memmap-free']);
    expect(r?.state.highestPresentSectionNr).toBe(41);
  });

  /*
   * section 41 (pfn 0x148000), hot-added whole (PMD-mapped memmap)
   * |----------------------------------------------------------------|
   *  ^ pfn 0x148000, nr_pages 0x8000
   *
   * Expect the PMD of the memmap freed as a whole, usage freed (F14) and ENCODED_NULL.
   */
  it('row 17: removing a whole hot-added section frees its PMD memmap and usage', () => {
    const s0 = bootModel(p);
    const [r0, r] = runAll(p, s0, [addPages(secPfn(41), 0x8000), removePages(secPfn(41), 0x8000)]);
    expect(sectionView(p, r0!.state, 41).memmap).toBe('V'.repeat(64));
    expect(r?.outcome.warnings).toEqual([]);
    expect(sectionView(p, r!.state, 41)).toEqual(DEACTIVATED);
    expect(hazardsOf(r!)).toEqual(['F14:race']);
  });

  /*
   * section 41 (pfn 0x148000), hot-added 0-3 and 4-7 in two calls
   * |----HHHH........................................................|  then  |....----........................................................|
   *
   * Expect the first removal to leave a partial section (usage kept, no F14) and only the second,
   * which empties the map, to free the usage (F14) and write ENCODED_NULL.
   */
  it('row 17: only the removal that empties the map frees the usage', () => {
    const s0 = bootModel(p);
    const [, , r1, r2] = runAll(p, s0, [addPages(secPfn(41), 0x800), addPages(subPfn(41, 4), 0x800), removePages(secPfn(41), 0x800), removePages(subPfn(41, 4), 0x800)]);
    // The second add started at sub-section 4, not the section start: its word is the F5 direct-map realignment.
    expect(sectionView(p, r1!.state, 41)).toEqual(view({ flags: HOT_FLAGS, map: 'direct_map', usage: 'slab', subsectionMap: mapOf([4, 7]), machine: 'partial', memmap: cells('.', 4, 'v', 4, '.', 56) }));
    expect(hazardsOf(r1!)).toEqual([]);
    expect(sectionView(p, r2!.state, 41)).toEqual(DEACTIVATED);
    expect(hazardsOf(r2!)).toEqual(['F14:race']);
  });
});
