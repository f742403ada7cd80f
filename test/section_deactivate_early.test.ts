/**
 * section_deactivate() (mm/sparse.c, v5.3, seed commit ba72b4c8cf60 with Oscar Salvador's
 * early-section fix), reached through __remove_pages → __remove_section → sparse_remove_section:
 * outcome-table rows 20, 21 and 22 of kernel-semantics.md §4 (EARLY sections), and the F10 worked example
 * of §2.12 end to end.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    - what the call removes    x what the call removes but is inactive
 *   ^ the pfn named under it
 * Boot layout unless said otherwise: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and
 * section 40 (pfn 0x140000) early with sub-sections 0-31.
 */
import { expect, it } from 'vitest';
import { BOOT_FLAGS, FULL_BOOT, HOT_FLAGS, addPages, bootModel, cells, forEachProfile, hazardsOf, mapOf, profileOf, removePages, run, runAll, secPfn, sectionView, subPfn, view, wordOf } from './helpers/model.js';

/** A fully deactivated hot-added section in v5.3: word ENCODED_NULL, all flags clear, usage freed. */
const DEACTIVATED = view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });
/** A fully removed early section in v5.3: word ENCODED_NULL (EARLY lost), boot usage kept, memmap freed. */
const EMPTIED_EARLY = view({ flags: 0, map: 'encoded_null', usage: 'boot', subsectionMap: mapOf(), machine: 'absent.emptied-early', memmap: '.'.repeat(64) });

forEachProfile(['5.3'], (p) => {
  /*
   * section 40 (pfn 0x140000), boot vmemmap PMD-mapped (PSE)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRR----................................|  then  |RRRRRRRRRRRRRRRRRRRRRRRRRRRR++++................................|
   *                             ^ pfn 0x143800, nr_pages 0x800 (boot sub-sections 28-31), removed then re-added
   *
   * Expect the removal to clear bits 28-31 and 0xFD-fill that part of the boot PMD (F10: v5.3
   * depopulates a partial removal from an early section, while pfn_valid() stays true there: an
   * F10 corruption hazard already), and the re-add to return 0 reusing
   * those 0xFD-filled struct pages: an F10 corruption hazard.
   */
  it('row 20: removing part of an early section 0xFD-fills its boot PMD memmap; re-adding it reuses garbage (F10)', () => {
    const s0 = bootModel(p);
    const [r1, r2] = runAll(p, s0, [removePages(subPfn(40, 28), 0x800), addPages(subPfn(40, 28), 0x800)]);
    expect(r1?.outcome.ret).toBeNull();
    expect(r1?.outcome.warnings).toEqual([]);
    expect(sectionView(p, r1!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: mapOf([0, 27]), machine: 'early.trimmed', memmap: cells('B', 28, 'F', 4, 'B', 32) }),
    );
    expect(hazardsOf(r1!)).toEqual(['F10:corruption']);
    expect(r2?.outcome.ret).toBe(0);
    expect(r2?.outcome.warnings).toEqual([]);
    expect(sectionView(p, r2!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: mapOf([0, 31]), machine: 'early.boot', memmap: cells('B', 28, 'F', 4, 'B', 32) }),
    );
    expect(hazardsOf(r2!)).toEqual(['F10:corruption']);
    expect(r2?.outcome.hazards[0]?.fixedBy).toMatch(/ef69bc9f689d/);
  });

  /*
   * section 40 (pfn 0x140000), boot vmemmap 4K-mapped (no PSE)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRR----................................|  then  |RRRRRRRRRRRRRRRRRRRRRRRRRRRR++++................................|
   *                             ^ pfn 0x143800, nr_pages 0x800
   *
   * Expect the removal to free the 4K vmemmap pages of sub-sections 28-31 outright, and the re-add
   * to return 0 over unmapped struct pages: an F10 crash hazard (the next struct-page init faults).
   */
  it('row 20: with a 4K boot vmemmap the partial removal frees it and the re-add faults (F10 crash)', () => {
    const p4k = profileOf(p.kernel, { PSE: false });
    const s0 = bootModel(p4k);
    expect(sectionView(p4k, s0, 40).memmap).toBe('b'.repeat(64));
    const [r1, r2] = runAll(p4k, s0, [removePages(subPfn(40, 28), 0x800), addPages(subPfn(40, 28), 0x800)]);
    expect(sectionView(p4k, r1!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: mapOf([0, 27]), machine: 'early.trimmed', memmap: cells('b', 28, '.', 4, 'b', 32) }),
    );
    expect(r2?.outcome.ret).toBe(0);
    expect(sectionView(p4k, r2!.state, 40).subsectionMap).toEqual([mapOf([0, 31])]);
    expect(hazardsOf(r2!)).toEqual(['F10:crash']);
  });

  /*
   * kernel-semantics §2.12, the F10 reproduction: devdax 0x144200000 size 0xe00000 in the hole of
   * section 40
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.+++++++........................|  add
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.-------........................|  remove
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.+++++++........................|  add again
   *                                   ^ pfn 0x144200, nr_pages 0xe00 (sub-sections 33-39)
   *
   * Expect: add → 0, bits 33-39, boot memmap reused, word DIRECT_MAP (F5); remove → bits cleared,
   * the reused boot memmap of 33-39 0xFD-filled (F10), word still DIRECT_MAP; add again → 0 but an
   * F10 hazard (corruption with PMD boot vmemmap, crash with 4K).
   */
  it('row 20: the §2.12 worked example (add, remove, re-add a devdax range in an early section) ends in F10', () => {
    const s0 = bootModel(p);
    const [a, r, b] = runAll(p, s0, [addPages(0x144200, 0xe00), removePages(0x144200, 0xe00), addPages(0x144200, 0xe00)]);
    expect(a?.outcome.ret).toBe(0);
    expect(sectionView(p, a!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: '0x000000feffffffff', machine: 'early.grown', memmap: 'B'.repeat(64) }),
    );
    expect(hazardsOf(a!)).toEqual([]);
    expect(r?.outcome.ret).toBeNull();
    expect(r?.outcome.warnings).toEqual([]);
    expect(sectionView(p, r!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: '0x00000000ffffffff', machine: 'early.boot', memmap: cells('B', 33, 'F', 7, 'B', 24) }),
    );
    expect(r?.outcome.resources.map((e) => [e.kind, e.pfn, e.nrPages])).toEqual([['memmap-free', 0x144200, 0xe00]]);
    expect(b?.outcome.ret).toBe(0);
    expect(b?.outcome.warnings).toEqual([]);
    expect(sectionView(p, b!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: '0x000000feffffffff', machine: 'early.grown', memmap: cells('B', 33, 'F', 7, 'B', 24) }),
    );
    expect(hazardsOf(b!)).toEqual(['F10:corruption']);

    const p4k = profileOf(p.kernel, { PSE: false });
    const [, r4k, b4k] = runAll(p4k, bootModel(p4k), [addPages(0x144200, 0xe00), removePages(0x144200, 0xe00), addPages(0x144200, 0xe00)]);
    expect(sectionView(p4k, r4k!.state, 40).memmap).toBe(cells('b', 33, '.', 7, 'b', 24));
    expect(b4k?.outcome.ret).toBe(0);
    expect(hazardsOf(b4k!)).toEqual(['F10:crash']);
  });

  /*
   * section 39 (pfn 0x138000), all boot RAM
   * |----------------------------------------------------------------|
   *  ^ pfn 0x138000, nr_pages 0x8000
   *
   * Expect the boot usage kept (EARLY sampled at entry), the whole boot memmap freed by
   * free_map_bootmem, and the word ENCODED_NULL with every flag — EARLY too — clear; no usage is
   * freed, so no F14.
   */
  it('row 21: removing an early section completely keeps its boot usage, frees its boot memmap, leaves ENCODED_NULL', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, removePages(secPfn(39), 0x8000));
    expect(r.outcome.ret).toBeNull();
    expect(r.outcome.warnings).toEqual([]);
    expect(sectionView(p, r.state, 39)).toEqual(EMPTIED_EARLY);
    expect(wordOf(p, r.state, 39)).toBe('0xfffffffffb200000');
    expect(r.outcome.sections).toEqual([{ nr: 39, before: 'early.boot', after: 'absent.emptied-early' }]);
    expect(r.outcome.resources.map((e) => [e.kind, e.how.split(':')[0]])).toEqual([['memmap-free', 'free_map_bootmem']]);
    expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 40 (pfn 0x140000)
   * |--------------------------------................................|
   *  ^ pfn 0x140000, nr_pages 0x4000: all of its boot RAM (sub-sections 0-31)
   *
   * Expect the same as a full early section: the map empties, free_map_bootmem frees the whole
   * section's boot memmap (holes included), boot usage kept.
   */
  it('row 21: removing all the boot RAM of a half-populated early section frees the whole boot memmap', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, removePages(secPfn(40), 0x4000));
    expect(r.outcome.warnings).toEqual([]);
    expect(sectionView(p, r.state, 40)).toEqual(EMPTIED_EARLY);
    expect(wordOf(p, r.state, 40)).toBe('0xfffffffffb000000');
    expect(r.outcome.resources.map((e) => [e.kind, e.pfn, e.nrPages])).toEqual([['memmap-free', secPfn(40), 0x8000]]);
    expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 40 (pfn 0x140000), sub-sections 33-39 hot-added (word DIRECT_MAP, F5)
   * |--------------------------------.HHHHHHH........................|  then  |.................................-------........................|
   *
   * Expect the second removal to empty the early section and hand the direct-map address left by
   * F5 to free_map_bootmem: an F5 hazard. section_deactivate frees what
   * sparse_decode_mem_map(ms->section_mem_map) returns — pfn_to_kaddr(0x140000), not the vmemmap —
   * so vmemmap_free() walks the direct map and the section's real boot vmemmap (0xFD-filled for
   * 0-31 by the first removal, intact for 32-63) stays mapped: leaked, not freed.
   */
  it('row 21: emptying an early section whose word F5 realigned passes a direct-map address to free_map_bootmem', () => {
    const s0 = bootModel(p);
    const [, r1, r2] = runAll(p, s0, [addPages(0x144200, 0xe00), removePages(secPfn(40), 0x4000), removePages(0x144200, 0xe00)]);
    expect(sectionView(p, r1!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: mapOf([33, 39]), machine: 'early.trimmed', memmap: cells('F', 32, 'B', 32) }),
    );
    expect(hazardsOf(r2!)).toEqual(['F5:corruption']);
    expect(sectionView(p, r2!.state, 40)).toEqual({ ...EMPTIED_EARLY, memmap: cells('F', 32, 'B', 32) });
  });

  /*
   * section 39 (pfn 0x138000)
   * |----------------------------------------------------------------|  remove (early: usage kept)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|  re-add (not early any more)
   * |----------------------------------------------------------------|  remove again
   *
   * Expect the re-add to reuse the memblock usage and populate a PMD memmap, and the second
   * removal — the section no longer EARLY — to kfree() that memblock usage: F3, "kernel BUG at
   * mm/slub.c" in v5.3/v5.4 (plus the F14 race of any kfree'd usage).
   */
  it('row 22: removing a re-added early section kfree()s its memblock usage (F3)', () => {
    const s0 = bootModel(p);
    const [r1, r2, r3] = runAll(p, s0, [removePages(secPfn(39), 0x8000), addPages(secPfn(39), 0x8000), removePages(secPfn(39), 0x8000)]);
    expect(sectionView(p, r1!.state, 39)).toEqual(EMPTIED_EARLY);
    expect(r2?.outcome.ret).toBe(0);
    expect(r2?.outcome.warnings).toEqual([]);
    expect(sectionView(p, r2!.state, 39)).toEqual(
      view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: '0xffffffffffffffff', machine: 'full-hotplug', memmap: 'V'.repeat(64) }),
    );
    expect(r2?.outcome.resources.map((e) => e.kind)).toEqual(['memmap-populate']);
    expect(r3?.outcome.ret).toBeNull();
    expect(r3?.outcome.warnings).toEqual([]);
    expect(hazardsOf(r3!)).toEqual(['F3:crash', 'F14:race']);
    expect(r3?.outcome.hazards[0]?.text).toMatch(/kernel BUG at mm\/slub\.c/);
    expect(sectionView(p, r3!.state, 39)).toEqual(DEACTIVATED);
  });

  /*
   * section 38 (pfn 0x130000)                                          section 39 (pfn 0x138000)
   * |----------------------------------------------------------------|RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR|
   *  ^ remove, re-add, remove section 38 only
   *
   * Expect section 39 to stay exactly as booted through every step of the F3 cycle on section 38.
   */
  it('row 22: the F3 cycle on one section leaves its neighbour as booted', () => {
    const s0 = bootModel(p);
    const rs = runAll(p, s0, [removePages(secPfn(38), 0x8000), addPages(secPfn(38), 0x8000), removePages(secPfn(38), 0x8000)]);
    for (const r of rs) expect(sectionView(p, r.state, 39)).toEqual(FULL_BOOT);
  });
});
