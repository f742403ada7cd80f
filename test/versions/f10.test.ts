/**
 * F10 — ef69bc9f689d "mm/sparse: never partially remove memmap for early section" and its series
 * (v5.9-rc1; no stable backport, kernel-semantics.md §3): a partial removal from an early section
 * touches no memmap any more (before, section_deactivate() depopulated exactly the range, tearing
 * down part of the boot vmemmap — 0xFD-filled with a PMD-mapped one, §2.8 step 5, §4 row 20), and
 * __populate_section_memmap() no longer rounds a misaligned range outward but WARN_ON_ONCE()s and
 * returns NULL, so section_activate() rolls back and returns -ENOMEM (§2.7 step 6 and "Later",
 * §4 row 10).
 */
import { describe, expect, it } from 'vitest';
import { ERRNO } from '../../kernel/index.js';
import { BOOT_FLAGS, HOT_FLAGS, SEC40_BOOT_MAP, SUB, addPages, cells, hazardsOf, mapOf, removePages, sparseAddSection, subPfn } from '../helpers/model.js';
import { across, expectBoundary, fieldsOf } from './boundary.js';

describe('F10: no partial memmap removal for early sections, no outward rounding in populate (v5.9)', () => {
  /*
   * section 40 (pfn 0x140000), boot RAM in sub-sections 0-31, boot memmap PMD-mapped ('B')
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.+++++++........................|   1. add_pages(0x144200, 0xe00)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.-------........................|   2. __remove_pages(0x144200, 0xe00)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.+++++++........................|   3. add_pages(0x144200, 0xe00) again
   *
   * v5.8: step 2 fills the boot memmap of sub-sections 33-39 with 0xFD (hazard F10 corruption),
   *       step 3 reuses the 0xFD-filled struct pages (hazard F10 corruption again).
   * v5.9: step 2 clears the bits only; the boot memmap stays intact; no hazard anywhere.
   */
  it('5.8 → 5.9: a partial removal from an early section 0xFD-fills its boot memmap (F10) / leaves it intact', () => {
    expectBoundary('5.8', '5.9', ['F10']);
    const OPS = [addPages(0x144200, 0xe00), removePages(0x144200, 0xe00), addPages(0x144200, 0xe00)];
    const { before, after } = across('5.8', '5.9', OPS);

    const [bAdd, bRemove, bReadd] = before.results;
    expect(bAdd!.outcome.ret).toBe(0);
    expect(bRemove!.outcome.warnings).toEqual([]);
    expect(hazardsOf(bRemove!)).toEqual(['F10:corruption']);
    expect(bRemove!.outcome.hazards[0]!.text).toBe(
      'section 40: the boot memmap of pfn 0x144200-0x144fff is now filled with 0xFD, yet pfn_valid() stays true there (early section): pfn walkers read it',
    );
    expect(bRemove!.outcome.resources.map((r) => ({ kind: r.kind, section: r.section, pfn: r.pfn, nrPages: r.nrPages }))).toEqual([
      { kind: 'memmap-free', section: 40, pfn: 0x144200, nrPages: 0xe00 },
    ]);
    expect(fieldsOf(before.p, bRemove!.state, 40)).toMatchObject({
      flags: BOOT_FLAGS,
      usage: 'boot',
      subsectionMap: [SEC40_BOOT_MAP],
      memmap: cells('B', 33, 'F', 7, 'B', 24),
    });
    expect(bReadd!.outcome.ret).toBe(0);
    expect(hazardsOf(bReadd!)).toEqual(['F10:corruption']);

    const [aAdd, aRemove, aReadd] = after.results;
    expect(aAdd!.outcome.ret).toBe(0);
    expect(aRemove!.outcome.warnings).toEqual([]);
    expect(hazardsOf(aRemove!)).toEqual([]);
    expect(aRemove!.outcome.resources).toEqual([]);
    expect(fieldsOf(after.p, aRemove!.state, 40)).toMatchObject({
      flags: BOOT_FLAGS,
      usage: 'boot',
      subsectionMap: [SEC40_BOOT_MAP],
      memmap: 'B'.repeat(64),
    });
    expect(aReadd!.outcome.ret).toBe(0);
    expect(hazardsOf(aReadd!)).toEqual([]);
    expect(fieldsOf(after.p, after.last, 40).subsectionMap).toEqual([mapOf([0, 31], [33, 39])]);
  });

  /*
   * section 41 (pfn 0x148000), never added
   * |..++............................................................|
   *      ^ sparse_add_section(pfn 0x148405, nr_pages 0x300): pfns 0x148405-0x148704, sub-sections 2-3
   *
   * v5.8: bits 2-3 set, memmap of sub-sections 2-3 populated (rounded outward to 0x148400-0x1487ff), 0.
   * v5.9: WARN_ON_ONCE in __populate_section_memmap, rollback (usage freed), -ENOMEM.
   */
  it('5.8 → 5.9: a direct sparse_add_section with a misaligned range is rounded outward / WARN_ON_ONCE and -ENOMEM', () => {
    const pfn = subPfn(41, 2) + 5;
    const OPS = [sparseAddSection(pfn, 0x300)];
    const { before, after } = across('5.8', '5.9', OPS);

    const b = before.results[0]!;
    expect(b.outcome.ret).toBe(0);
    expect(b.outcome.warnings).toEqual([]);
    expect(b.outcome.hazards).toEqual([]);
    expect(b.outcome.resources.filter((r) => r.kind === 'memmap-populate').map((r) => [r.pfn, r.nrPages])).toEqual([[subPfn(41, 2), 2 * SUB]]);
    expect(fieldsOf(before.p, b.state, 41)).toMatchObject({ flags: HOT_FLAGS, usage: 'slab', subsectionMap: [mapOf([2, 3])], memmap: cells('.', 2, 'v', 2, '.', 60) });

    const a = after.results[0]!;
    expect(a.outcome.ret).toBe(-ERRNO.ENOMEM);
    expect(a.outcome.warnings).toEqual([{ kind: 'WARN_ON_ONCE', func: '__populate_section_memmap', file: 'mm/sparse-vmemmap.c', text: '' }]);
    expect(a.outcome.hazards).toEqual([]);
    expect(a.outcome.resources.filter((r) => r.kind === 'memmap-populate')).toEqual([]);
    expect(a.outcome.resources.filter((r) => r.kind.startsWith('usage')).map((r) => `${r.kind}:${r.how}`)).toEqual(['usage-alloc:kzalloc', 'usage-free:kfree']);
    expect(fieldsOf(after.p, a.state, 41)).toMatchObject({ flags: 0, map: 'zero', usage: 'none', subsectionMap: [mapOf()], memmap: '.'.repeat(64) });
  });
});
