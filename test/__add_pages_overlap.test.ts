/**
 * __add_pages() (mm/memory_hotplug.c, v5.3) and the x86_64 arch wrapper add_pages()
 * (arch/x86/mm/init_64.c): outcome-table rows 5, 6 and 7 (over active sub-sections) of kernel-semantics.md §4.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    x what the call adds over an active sub-section
 *   ^ the pfn named under it
 * Boot layout unless said otherwise: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and
 * section 40 (pfn 0x140000) early with sub-sections 0-31.
 */
import { expect, it } from 'vitest';
import { FULL_BOOT, HOT_FLAGS, SEC40_BOOT, W_ADD_PAGES, __addPages, addPages, bootModel, cells, forEachProfile, hazardsOf, mapOf, run, runAll, secPfn, sectionView, subPfn, view } from './helpers/model.js';

/** Section 41, whole, hot-added with a PMD-mapped memmap and not yet onlined. */
const SEC41_FULL = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: '0xffffffffffffffff', machine: 'full-hotplug', memmap: 'V'.repeat(64) });

forEachProfile(['5.3'], (p) => {
  /*
   * section 39 (pfn 0x138000)
   * |xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|
   *  ^ pfn 0x138000, nr_pages 0x8000 over a section that is all boot RAM
   *
   * Expect -EEXIST from section_activate (no longer swallowed as in v5.2) and the section unchanged.
   */
  it('row 5: adding a whole section that boot already fully activated returns -EEXIST and changes nothing', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, addPages(secPfn(39), 0x8000));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r.state, 39)).toEqual(FULL_BOOT);
    expect(r.outcome.resources).toEqual([]);
    expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 41 (pfn 0x148000), after a first whole-section hot-add
   * |xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|
   *  ^ pfn 0x148000, nr_pages 0x8000, added twice more
   *
   * Expect the second add to return -EEXIST with add_pages' WARN_ON_ONCE, the third -EEXIST
   * silently, and section 41 to stay fully hot-added with its first memmap.
   */
  it('row 5: re-adding a fully hot-added section returns -EEXIST; add_pages WARNs only the first time', () => {
    const s0 = bootModel(p);
    const [r1, r2, r3] = runAll(p, s0, [addPages(secPfn(41), 0x8000), addPages(secPfn(41), 0x8000), addPages(secPfn(41), 0x8000)]);
    expect(r1?.outcome.ret).toBe(0);
    expect(sectionView(p, r1!.state, 41)).toEqual(SEC41_FULL);
    expect(r2?.outcome.ret).toBe(-17);
    expect(r2?.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(r2?.state.roots).toStrictEqual(r1?.state.roots);
    expect(r3?.outcome.ret).toBe(-17);
    expect(r3?.outcome.warnings).toEqual([]);
    expect(sectionView(p, r3!.state, 41)).toEqual(SEC41_FULL);
  });

  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRx+...............................|
   *                                ^ pfn 0x143e00, nr_pages 0x400 (sub-sections 31-32)
   *
   * Expect -EEXIST because sub-section 31 is boot RAM, and no bit of the call (not even 32) set.
   */
  it('row 6: adding sub-sections that overlap an active one returns -EEXIST and sets none of them', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, addPages(subPfn(40, 31), 0x400));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r.state, 40)).toEqual(SEC40_BOOT);
  });

  /*
   * section 41 (pfn 0x148000)                                          section 42 (pfn 0x150000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|x...............................................................|
   *  ^ pfn 0x148000, nr_pages 0x8200                                  ^ sub-section 0 already hot-added
   *
   * Expect the first chunk (section 41) to be added, the second to fail with -EEXIST, the loop to
   * stop there and section 41 to stay added (no rollback).
   */
  it('row 6: a multi-section add stops at the section whose sub-sections are active; the earlier section stays added', () => {
    const s0 = bootModel(p);
    const r0 = run(p, s0, addPages(secPfn(42), 0x200));
    expect(r0.outcome.ret).toBe(0);
    const sec42 = sectionView(p, r0.state, 42);
    expect(sec42).toEqual(view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([0, 0]), machine: 'partial', memmap: cells('v', 1, '.', 63) }));
    const r = run(p, r0.state, addPages(secPfn(41), 0x8200));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(sectionView(p, r.state, 41)).toEqual(SEC41_FULL);
    expect(sectionView(p, r.state, 42)).toEqual(sec42);
    expect(r.outcome.sections).toEqual([
      { nr: 41, before: 'absent.never', after: 'full-hotplug' },
      { nr: 42, before: 'partial', after: 'partial' },
    ]);
  });

  /*
   * section 41 (pfn 0x148000)                                          section 42 (pfn 0x150000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|++++++++++++++++................................................|
   *  ^ pfn 0x148000, nr_pages 0xa000: the second vmemmap_populate fails (-ENOMEM injected)
   *
   * Expect section 41 to stay added, section 42 to be rolled back by section_deactivate (usage
   * freed, word ENCODED_NULL) and -ENOMEM returned with add_pages' WARN_ON_ONCE: no caller undoes
   * section 41.
   */
  it('row 7: a failure in a later section of a multi-section add returns its error; earlier sections stay added', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, addPages(secPfn(41), 0xa000), [{ kind: 'memmap', nth: 2 }]);
    expect(r.outcome.ret).toBe(-12);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(sectionView(p, r.state, 41)).toEqual(SEC41_FULL);
    expect(sectionView(p, r.state, 42)).toEqual(
      view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) }),
    );
    expect(r.state.highestPresentSectionNr).toBe(41);
  });
});
