/**
 * F4 — 1f503443e7df "mm/sparse.c: reset section's mem_map when fully deactivated" (v5.6-rc1, 5.4.19
 * in the 5.4 stable series): a fully deactivated section's section_mem_map becomes 0. Before it,
 * section_deactivate() wrote sparse_encode_mem_map(NULL, nr) = ENCODED_NULL =
 * -(section_nr_to_pfn(nr) * sizeof(struct page)) mod 2^64: non-zero, all flags clear
 * (kernel-semantics.md §2.8 step 4 and "Later", §1.3, §4 row 17).
 *
 * Scenario (boot RAM 0x100000000-0x143ffffff; section 41 = pfn 0x148000):
 *   1. add_pages(section 41)       — a full hot-added section (PMD memmap)
 *   2. __remove_pages(section 41)  — fully deactivated:
 *        v5.5 / 5.4.18: map 'encoded_null', word -(0x148000 * 64) = 0xfffffffffae00000
 *        v5.6 / 5.4.19: map 'zero', word 0
 */
import { describe, expect, it } from 'vitest';
import { SECTION, addPages, mapOf, removePages, secPfn, wordOf } from '../helpers/model.js';
import { across, expectBoundary, fieldsOf } from './boundary.js';
import type { VersionRun } from './boundary.js';

const OPS = [addPages(secPfn(41), SECTION), removePages(secPfn(41), SECTION)];

/** ENCODED_NULL of section 41 on x86_64 (sizeof(struct page) = 64), as "0x%016lx". */
const ENCODED_NULL_41 = `0x${((1n << 64n) - BigInt(secPfn(41)) * 64n).toString(16)}`;

function expectRemoved(v: VersionRun, map: 'encoded_null' | 'zero', word: string): void {
  const [add, remove] = v.results;
  expect(add!.outcome.ret).toBe(0);
  expect(remove!.outcome.warnings).toEqual([]);
  expect(fieldsOf(v.p, v.last, 41)).toMatchObject({ flags: 0, map, usage: 'none', subsectionMap: [mapOf()], memmap: '.'.repeat(64) });
  expect(wordOf(v.p, v.last, 41)).toBe(word);
}

function f4Notes(v: VersionRun): string[] {
  return v.results[1]!.outcome.notes.filter((n) => /F4/.test(n));
}

describe('F4: a fully deactivated section gets section_mem_map 0 (v5.6, 5.4.19)', () => {
  it('ENCODED_NULL of section 41 is 0xfffffffffae00000', () => {
    expect(ENCODED_NULL_41).toBe('0xfffffffffae00000');
  });

  it('5.5 → 5.6: after full removal the word is ENCODED_NULL / 0', () => {
    expectBoundary('5.5', '5.6', ['F4', 'F6', 'F7', 'F8']);
    const { before, after } = across('5.5', '5.6', OPS);
    expectRemoved(before, 'encoded_null', ENCODED_NULL_41);
    expectRemoved(after, 'zero', '0x0000000000000000');
    expect(f4Notes(before)).toEqual(['section 41: section_mem_map = sparse_encode_mem_map(NULL) (non-zero, all flags clear; F4)']);
    expect(f4Notes(after)).toEqual([]);
  });

  it('5.4.18 → 5.4.19 (stable backport): the same two outcomes', () => {
    expectBoundary('5.4.18', '5.4.19', ['F4']);
    const { before, after } = across('5.4.18', '5.4.19', OPS);
    expectRemoved(before, 'encoded_null', ENCODED_NULL_41);
    expectRemoved(after, 'zero', '0x0000000000000000');
    expect(f4Notes(before)).toHaveLength(1);
    expect(f4Notes(after)).toEqual([]);
  });
});
