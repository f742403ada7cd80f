/**
 * sparse_add_section() / section_activate() / sparse_index_init() (mm/sparse.c, v5.3, seed commit
 * ba72b4c8cf60): outcome-table rows 8, 9, 10, 11 and 28 of kernel-semantics.md §4.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    x what the call adds over an active sub-section
 *   ^ the pfn named under it
 * Boot layout unless said otherwise: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and
 * section 40 (pfn 0x140000) early with sub-sections 0-31; root 0 holds sections 0-127.
 */
import { expect, it } from 'vitest';
import { getSection } from '../model/index.js';
import { BOOT_FLAGS, HOT_FLAGS, SEC40_BOOT, W_ADD_PAGES, ZERO_VIEW, __addPages, addPages, bootModel, cells, hazardsOf, mapOf, forEachProfile, run, runAll, secPfn, sectionView, sparseAddSection, subPfn, view, wordOf } from './helpers/model.js';

/** A hot-added section whose first rollback left it: word ENCODED_NULL, no usage, no bits, no memmap. */
const ROLLED_BACK = view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });

forEachProfile(['5.3'], (p) => {
  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.+++++++........................|
   *                                   ^ pfn 0x144200, nr_pages 0xe00 (sub-sections 33-39)
   *
   * Expect 0: bits 33-39 set, the boot memmap reused (nothing populated), EARLY and ONLINE kept,
   * and section_mem_map realigned with pfn_to_kaddr() — a direct-map address (F5).
   */
  it('row 8: adding into the holes of an early section reuses the boot memmap and writes a direct-map word (F5)', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, addPages(0x144200, 0xe00));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(sectionView(p, r.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: mapOf([0, 31], [33, 39]), machine: 'early.grown', memmap: 'B'.repeat(64) }),
    );
    expect(wordOf(p, s0, 40)).toBe('0xffffea000000000f');
    expect(wordOf(p, r.state, 40)).toBe('0xffff88813b00000f');
    expect(r.outcome.sections).toEqual([{ nr: 40, before: 'early.boot', after: 'early.grown' }]);
    expect(r.outcome.resources).toEqual([]);
    expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR++++++++++++++++++++++++++++++++|
   *                                 ^ pfn 0x144000, nr_pages 0x4000 with an altmap at 0x144000
   *
   * Expect 0 with the upper half active and the altmap not consumed: the early-partial path
   * returns before populate_section_memmap().
   */
  it('row 8: an altmap given for a hole of an early section is not used', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, __addPages(0x144000, 0x4000, { base_pfn: 0x144000, free: 0x200 }));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(sectionView(p, r.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: '0xffffffffffffffff', machine: 'early.grown', memmap: 'B'.repeat(64) }),
    );
    expect(r.outcome.resources.filter((e) => e.kind === 'memmap-populate')).toEqual([]);
    expect(r.outcome.notes.filter((n) => n.startsWith('altmap'))).toEqual([]);
  });

  /*
   * section 41 (pfn 0x148000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x148000, nr_pages 0x8000: vmemmap_populate fails (-ENOMEM injected)
   *
   * Expect -ENOMEM after the rollback through section_deactivate: bits cleared, the new usage
   * kfree'd and the never-valid section's word set to ENCODED_NULL (flags all clear). The section
   * was never valid (no HAS_MEM_MAP), so a concurrent pfn_valid() stops at valid_section() and
   * never reads the usage: no F14 race.
   */
  it('row 9: a failed vmemmap populate of a fresh section is rolled back to an ENCODED_NULL word and returns -ENOMEM', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, addPages(secPfn(41), 0x8000), [{ kind: 'memmap', nth: 1 }]);
    expect(r.outcome.ret).toBe(-12);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(sectionView(p, r.state, 41)).toEqual(ROLLED_BACK);
    expect(wordOf(p, r.state, 41)).toBe('0xfffffffffae00000');
    expect(r.outcome.sections).toEqual([{ nr: 41, before: 'absent.never', after: 'absent.deactivated' }]);
    expect(r.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['usage-alloc:kzalloc', 'usage-free:kfree', 'memmap-free:vmemmap_free: nothing mapped']);
    expect(r.state.highestPresentSectionNr).toBe(s0.highestPresentSectionNr);
    expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 41 (pfn 0x148000)
   * |HHHH++++........................................................|
   *      ^ pfn 0x148800, nr_pages 0x800: vmemmap_populate fails (-ENOMEM injected)
   *
   * Expect -ENOMEM with section 41 exactly as before: the rollback clears bits 4-7 only, the map
   * does not empty, so the usage and the word stay.
   */
  it('row 9: a failed populate in a partly hot-added section clears only its own bits', () => {
    const s0 = bootModel(p);
    const r0 = run(p, s0, addPages(secPfn(41), 0x800));
    const before = sectionView(p, r0.state, 41);
    expect(before).toEqual(view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([0, 3]), machine: 'partial', memmap: cells('v', 4, '.', 60) }));
    const r = run(p, r0.state, addPages(subPfn(41, 4), 0x800), [{ kind: 'memmap', nth: 1 }]);
    expect(r.outcome.ret).toBe(-12);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(sectionView(p, r.state, 41)).toEqual(before);
    expect(r.state.roots).toStrictEqual(r0.state.roots);
    expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 41 (pfn 0x148000)
   * |++..............................................................|
   *  ^ pfn 0x148100 (half a sub-section in), nr_pages 0x200: covers sub-sections 0 and 1
   *
   * Expect 0 (v5.3 has no alignment check below __add_pages): the mask and the 4K populate are
   * rounded outward to sub-sections 0-1, and the word is the direct-map realignment (F5).
   */
  it('row 10: a direct sparse_add_section of an unaligned range rounds bits and memmap outward and returns 0', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, sparseAddSection(0x148100, 0x200));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(sectionView(p, r.state, 41)).toEqual(
      view({ flags: HOT_FLAGS, map: 'direct_map', usage: 'slab', subsectionMap: mapOf([0, 1]), machine: 'partial', memmap: cells('v', 2, '.', 62) }),
    );
    expect(r.outcome.resources.filter((e) => e.kind === 'memmap-populate').map((e) => [e.pfn, e.nrPages])).toEqual([[0x148000, 0x400]]);
    expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR++..............................|
   *                                  ^ pfn 0x144100, nr_pages 0x200: sub-sections 32-33
   *
   * Expect 0 with bits 32-33 set and the boot memmap reused.
   */
  it('row 10: an unaligned direct add into an early section sets the rounded bits and reuses the boot memmap', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, sparseAddSection(0x144100, 0x200));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(sectionView(p, r.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: mapOf([0, 33]), machine: 'early.grown', memmap: 'B'.repeat(64) }),
    );
  });

  /*
   * section 40 (pfn 0x140000)
   * |xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x140000, nr_pages 0: subsection_mask_set(pfn, 0) sets all 64 bits
   *
   * Expect -EEXIST and nothing changed.
   */
  it('row 11: nr_pages 0 at a section start over active sub-sections returns -EEXIST', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, sparseAddSection(secPfn(40), 0));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r.state, 40)).toEqual(SEC40_BOOT);
  });

  /*
   * section 41 (pfn 0x148000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x148000, nr_pages 0 on a never-used section
   *
   * Expect 0 with all 64 bits active and no memmap populated at all (the populate range rounds to
   * zero pages) — a fully "valid" section without struct pages.
   */
  it('row 11: nr_pages 0 at the start of an empty section returns 0 and activates all of it without a memmap', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, sparseAddSection(secPfn(41), 0));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(sectionView(p, r.state, 41)).toEqual(
      view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: '0xffffffffffffffff', machine: 'full-hotplug', memmap: '.'.repeat(64) }),
    );
  });

  /*
   * section 41 (pfn 0x148000)
   * |................................................................|
   *   ^ pfn 0x148200, nr_pages 0: first index 1, last index 0 — an empty mask
   *
   * Expect -EINVAL, the usage allocated for the call freed again and the section untouched.
   */
  it('row 11: nr_pages 0 inside a section returns -EINVAL and leaves the section untouched', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, sparseAddSection(subPfn(41, 1), 0));
    expect(r.outcome.ret).toBe(-22);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r.state, 41)).toEqual(ZERO_VIEW);
    expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 128 (pfn 0x400000, 16 GiB): root 1 (sections 128-255) does not exist yet
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x400000, nr_pages 0x8000: kzalloc of the root fails (-ENOMEM injected)
   *
   * Expect -ENOMEM from sparse_index_init with add_pages' WARN_ON_ONCE, and still no root 1.
   */
  it('row 28: a failed root allocation returns -ENOMEM and creates nothing', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, addPages(secPfn(128), 0x8000), [{ kind: 'root', nth: 1 }]);
    expect(r.outcome.ret).toBe(-12);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(Object.keys(r.state.roots)).toEqual(['0']);
    expect(getSection(p, r.state, 128)).toBeUndefined();
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(r.outcome.resources).toEqual([]);
  });

  /*
   * section 127 (root 0)                                                section 128 (root 1, missing)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x3f8000, nr_pages 0x10000; the root allocation for section 128 fails, then succeeds on retry
   *
   * Expect -ENOMEM with section 127 added (no rollback, row 7), then a retry of section 128 alone
   * to allocate root 1 and add it.
   */
  it('row 28: a root failure in the second section leaves the first added; a retry allocates the root', () => {
    const s0 = bootModel(p);
    const [r1, r2] = runAll(p, s0, [[addPages(secPfn(127), 0x10000), [{ kind: 'root', nth: 1 }]], addPages(secPfn(128), 0x8000)]);
    const full = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: '0xffffffffffffffff', machine: 'full-hotplug', memmap: 'V'.repeat(64) });
    expect(r1?.outcome.ret).toBe(-12);
    expect(r1?.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(sectionView(p, r1!.state, 127)).toEqual(full);
    expect(Object.keys(r1!.state.roots)).toEqual(['0']);
    expect(r2?.outcome.ret).toBe(0);
    expect(r2?.outcome.warnings).toEqual([]);
    expect(Object.keys(r2!.state.roots).sort()).toEqual(['0', '1']);
    expect(sectionView(p, r2!.state, 128)).toEqual(full);
    expect(r2?.outcome.resources.map((e) => e.kind)).toEqual(['root-alloc', 'usage-alloc', 'memmap-populate']);
    expect(r2?.state.highestPresentSectionNr).toBe(128);
  });
});
