/**
 * online_mem_sections() / offline_mem_sections() (mm/sparse.c, v5.3; same in 6.1): outcome-table
 * row 24 of kernel-semantics.md §4 — WARN_ON(!valid_section_nr(nr)) and skip, else set / clear
 * SECTION_IS_ONLINE, one section per PAGES_PER_SECTION step.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   ^ the start of the range
 * Boot layout: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and section 40 (pfn 0x140000)
 * early with sub-sections 0-31.
 */
import { expect, it } from 'vitest';
import { BOOT_FLAGS, F, HOT_FLAGS, SEC40_BOOT, addPages, bootModel, forEachProfile, hazardsOf, mapOf, onlineSections, removePages, runAll, secPfn, sectionView, view, wOnlineInvalid, ZERO_VIEW } from './helpers/model.js';

forEachProfile(['5.3'], (p) => {
  /*
   * section 40 (early, online)                                          section 41 (never added)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR................................|................................................................|
   *  ^ offline_mem_sections(0x140000, 0x150000), then online_mem_sections over the same range
   *
   * Expect section 40's ONLINE bit cleared then set again, and section 41 to WARN_ON and be skipped
   * on both calls (WARN_ON is not once).
   */
  it('row 24: offlining and onlining over an invalid section WARN_ON each time and skip it', () => {
    const s0 = bootModel(p);
    const [off, on] = runAll(p, s0, [onlineSections(secPfn(40), secPfn(42), false), onlineSections(secPfn(40), secPfn(42), true)]);
    expect(off?.outcome.ret).toBeNull();
    expect(off?.outcome.warnings).toEqual([wOnlineInvalid('offline_mem_sections')]);
    expect(sectionView(p, off!.state, 40)).toEqual({ ...SEC40_BOOT, flags: BOOT_FLAGS & ~F.ONLINE });
    expect(sectionView(p, off!.state, 41)).toEqual(ZERO_VIEW);
    expect(off?.outcome.sections).toEqual([{ nr: 40, before: 'early.boot', after: 'early.boot' }]);
    expect(on?.outcome.warnings).toEqual([wOnlineInvalid('online_mem_sections')]);
    expect(sectionView(p, on!.state, 40)).toEqual(SEC40_BOOT);
    expect(on?.state.roots).toStrictEqual(s0.roots);
    expect(hazardsOf(on!)).toEqual([]);
  });

  /*
   * section 41 (pfn 0x148000), hot-added whole then removed (word ENCODED_NULL, no HAS_MEM_MAP)
   * |................................................................|
   *  ^ online_mem_sections(0x148000, 0x150000)
   *
   * Expect WARN_ON and no ONLINE bit on the deactivated section.
   */
  it('row 24: onlining a fully removed hot-added section WARN_ONs and leaves it offline', () => {
    const s0 = bootModel(p);
    const [, rm, on] = runAll(p, s0, [addPages(secPfn(41), 0x8000), removePages(secPfn(41), 0x8000), onlineSections(secPfn(41), secPfn(42))]);
    expect(on?.outcome.warnings).toEqual([wOnlineInvalid('online_mem_sections')]);
    expect(on?.state.roots).toStrictEqual(rm?.state.roots);
    expect(sectionView(p, on!.state, 41)).toEqual(
      view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) }),
    );
  });

  /*
   * section 39 (pfn 0x138000), all boot RAM, removed completely (EARLY and ONLINE lost, usage kept)
   * |................................................................|
   *  ^ online_mem_sections(0x138000, 0x140000)
   *
   * Expect WARN_ON: the emptied early section has no HAS_MEM_MAP although it keeps its usage.
   */
  it('row 24: onlining an emptied early section WARN_ONs', () => {
    const s0 = bootModel(p);
    const [rm, on] = runAll(p, s0, [removePages(secPfn(39), 0x8000), onlineSections(secPfn(39), secPfn(40))]);
    expect(on?.outcome.warnings).toEqual([wOnlineInvalid('online_mem_sections')]);
    expect(on?.state.roots).toStrictEqual(rm?.state.roots);
    expect(sectionView(p, on!.state, 39).flags).toBe(0);
  });

  /*
   * section 41 (pfn 0x148000), hot-added whole (PRESENT | HAS_MEM_MAP, not online)
   * |HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH|
   *  ^ online_mem_sections(0x148000, 0x150000), then offline_mem_sections
   *
   * Expect no warning: ONLINE set, then cleared, nothing else changed.
   */
  it('row 24 (valid case): onlining and offlining a hot-added section toggles ONLINE without a warning', () => {
    const s0 = bootModel(p);
    const [a, on, off] = runAll(p, s0, [addPages(secPfn(41), 0x8000), onlineSections(secPfn(41), secPfn(42)), onlineSections(secPfn(41), secPfn(42), false)]);
    const added = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: '0xffffffffffffffff', machine: 'full-hotplug', memmap: 'V'.repeat(64) });
    expect(sectionView(p, a!.state, 41)).toEqual(added);
    expect(on?.outcome.warnings).toEqual([]);
    expect(sectionView(p, on!.state, 41)).toEqual({ ...added, flags: HOT_FLAGS | F.ONLINE });
    expect(off?.outcome.warnings).toEqual([]);
    expect(sectionView(p, off!.state, 41)).toEqual(added);
  });
});
