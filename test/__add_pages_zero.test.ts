/**
 * __add_pages() (mm/memory_hotplug.c, v5.3) and the x86_64 arch wrapper add_pages()
 * (arch/x86/mm/init_64.c): outcome-table row 12 (nr_pages 0) of kernel-semantics.md §4,
 * and an add step is pure.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    x what the call adds over an active sub-section
 *   ^ the pfn named under it
 * Boot layout unless said otherwise: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and
 * section 40 (pfn 0x140000) early with sub-sections 0-31.
 */
import { expect, it } from 'vitest';
import { getSection, step } from '../model/index.js';
import { FULL_BOOT, HOT_FLAGS, W_ADD_PAGES, ZERO_VIEW, __addPages, addPages, bootModel, checkFourWays, forEachProfile, mapOf, run, secPfn, sectionView, subPfn, view } from './helpers/model.js';


forEachProfile(['5.3'], (p) => {
  /*
   * section 41 (pfn 0x148000)
   * |................................................................|
   *  ^ pfn 0x148000, nr_pages 0: end_sec = section(0x147fff) = 40 < start_sec 41
   *
   * Expect 0 with no section touched (the v5.3 loop does not run) and no patches.
   */
  it('row 12: nr_pages 0 at a section-aligned pfn returns 0 and touches nothing', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, __addPages(secPfn(41), 0));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.patches).toEqual([]);
    expect(r.state).toBe(s0);
  });

  /*
   * section 41 (pfn 0x148000)
   * |................................................................|
   *   ^ pfn 0x148200, nr_pages 0: one iteration with a chunk of 0 pages, empty sub-section mask
   *
   * Expect -EINVAL from section_activate (no "Misaligned" WARN: 0 is aligned), the usage it
   * allocated freed again and section 41 left as it was; through add_pages, its WARN_ON_ONCE.
   */
  it('row 12: nr_pages 0 at a sub-section-aligned pfn returns -EINVAL without the Misaligned WARN', () => {
    const s0 = bootModel(p);
    const r1 = run(p, s0, __addPages(subPfn(41, 1), 0));
    expect(r1.outcome.ret).toBe(-22);
    expect(r1.outcome.warnings).toEqual([]);
    expect(r1.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r1.state, 41)).toEqual(ZERO_VIEW);
    expect(r1.outcome.resources.map((e) => e.kind)).toEqual(['usage-alloc', 'usage-free']);
    const r2 = run(p, r1.state, addPages(subPfn(41, 1), 0));
    expect(r2.outcome.ret).toBe(-22);
    expect(r2.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(r2.state.roots).toStrictEqual(s0.roots);
  });

  /*
   * section 0 (pfn 0), boot RAM 0x1000-0x9ffff
   * |R...............................................................|
   *  ^ pfn 0, nr_pages 0: end_sec = section(ULONG_MAX) wraps; the first chunk's mask is all 64 bits
   *
   * Expect -EEXIST from the first iteration (sub-section 0 is boot RAM) and nothing changed.
   */
  it('row 12: nr_pages 0 at pfn 0 returns -EEXIST when section 0 has boot RAM', () => {
    const s0 = bootModel(p, [{ startPfn: 0x1, endPfn: 0xa0, nid: 0 }]);
    const r = run(p, s0, __addPages(0, 0));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r.state, 0)).toEqual(view({ ...FULL_BOOT, subsectionMap: mapOf([0, 0]), memmap: 'B'.repeat(64) }));
  });

  /*
   * section 0 (pfn 0), no boot RAM below 4 GiB
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0, nr_pages 0: iteration 1 adds all 64 bits with an empty memmap, iteration 2 (pfn
   *    still 0, chunk 0) collides with them
   *
   * Expect -EEXIST, yet section 0 left fully active with no memmap at all (derived from the v5.3
   * loop: pfn += 0, nr_pages -= 0, the next iteration repeats sparse_add_section(nid, 0, 0)).
   */
  it('row 12: nr_pages 0 at pfn 0 on an empty section 0 activates all of it without a memmap, then returns -EEXIST', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, __addPages(0, 0));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([]);
    expect(sectionView(p, r.state, 0)).toEqual(
      view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: '0xffffffffffffffff', machine: 'full-hotplug', memmap: '.'.repeat(64) }),
    );
    expect(getSection(p, r.state, 1)).toBeUndefined();
  });

  /* The model is pure: stepping the same state twice gives equal results, and the input is not mutated. */
  it('an add step is a pure function of (profile, state, op)', () => {
    const s0 = bootModel(p);
    const snapshot = structuredClone(s0);
    const a = step(p, s0, addPages(0x144200, 0xe00));
    const b = step(p, s0, addPages(0x144200, 0xe00));
    checkFourWays(a, s0);
    expect(a.state).toStrictEqual(b.state);
    expect(a.outcome).toStrictEqual(b.outcome);
    expect(s0).toStrictEqual(snapshot);
  });
});
