/**
 * F5 — Wei Yang's fix "realign with pfn_to_page(section start)" (the model dates it v5.7; the
 * release is unverified, kernel-semantics.md §2.6 "Later", §3, §7): a sparse_add_section() whose
 * start_pfn is not the section start used to realign the memmap with pfn_to_kaddr(section start),
 * a direct-map address, so section_mem_map encoded PAGE_OFFSET-based garbage; from the fix on it
 * stays the vmemmap encoding (§2.6 step 5, §4 row 8).
 *
 * Scenario (boot RAM 0x100000000-0x143ffffff; section 40 early with sub-sections 0-31; section 41
 * = pfn 0x148000 never added):
 *   1. add_pages(pfn 0x148800, nr_pages 0x800) — sub-sections 4-7 of a fresh section
 *        v5.6: map 'direct_map', word 0xffff888142e00003 (PAGE_OFFSET + 0x148000 pages - 0x148000 *
 *              64, | PRESENT | HAS_MEM_MAP)
 *        v5.7: map 'vmemmap', word 0xffffea0000000003 (VMEMMAP_BASE | PRESENT | HAS_MEM_MAP)
 *   2. add_pages(pfn 0x144200, nr_pages 0xe00) — sub-sections 33-39 into the hole of early section
 *      40 (the F10 report's request): the same difference, flags PRESENT | HAS_MEM_MAP | ONLINE | EARLY.
 */
import { describe, expect, it } from 'vitest';
import { BOOT_FLAGS, HOT_FLAGS, SEC40_BOOT_MAP, SUB, addPages, cells, mapOf, secPfn, subPfn, wordOf } from '../helpers/model.js';
import { across, expectBoundary, fieldsOf } from './boundary.js';
import type { VersionRun } from './boundary.js';

const OPS = [addPages(subPfn(41, 4), 4 * SUB), addPages(0x144200, 0xe00)];

function expectAdded(v: VersionRun, map: 'direct_map' | 'vmemmap', word41: string, word40: string): void {
  const [hot, early] = v.results;
  expect(hot!.outcome.ret).toBe(0);
  expect(hot!.outcome.warnings).toEqual([]);
  expect(fieldsOf(v.p, hot!.state, 41)).toMatchObject({ flags: HOT_FLAGS, map, usage: 'slab', subsectionMap: [mapOf([4, 7])], memmap: cells('.', 4, 'v', 4, '.', 56) });
  expect(wordOf(v.p, hot!.state, 41)).toBe(word41);
  expect(early!.outcome.ret).toBe(0);
  expect(early!.outcome.warnings).toEqual([]);
  expect(fieldsOf(v.p, early!.state, 40)).toMatchObject({ flags: BOOT_FLAGS, map, usage: 'boot', memmap: 'B'.repeat(64) });
  expect(fieldsOf(v.p, early!.state, 40).subsectionMap).toEqual([mapOf([0, 31], [33, 39])]);
  expect(wordOf(v.p, early!.state, 40)).toBe(word40);
}

describe('F5: a mid-section add keeps the vmemmap encoding of section_mem_map (v5.7)', () => {
  it('5.6 → 5.7: a sub-section add not at the section start leaves map direct_map / vmemmap', () => {
    expectBoundary('5.6', '5.7', ['F5', 'SUBSECTION_MAP_HELPERS']);
    expect(SEC40_BOOT_MAP).toBe(mapOf([0, 31]));
    expect(secPfn(41)).not.toBe(subPfn(41, 4));
    const { before, after } = across('5.6', '5.7', OPS);
    // direct map: PAGE_OFFSET + pfn * 4096 - pfn * 64, pfn = section start (0x148000 / 0x140000).
    expectAdded(before, 'direct_map', '0xffff888142e00003', '0xffff88813b00000f');
    expectAdded(after, 'vmemmap', '0xffffea0000000003', '0xffffea000000000f');
  });
});
