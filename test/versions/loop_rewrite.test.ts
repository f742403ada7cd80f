/**
 * LOOP_REWRITE — the ~v5.5 rewrite of the __add_pages / __remove_pages chunk loop as
 * "for (; pfn < end_pfn; …)": with nr_pages = 0 the loop no longer runs. Before it, the loop ran
 * from section(pfn) to section(pfn + nr_pages - 1) on unsigned longs, so nr_pages = 0 on a pfn that
 * is sub-section aligned but not section aligned gave one iteration with a chunk of 0 pages →
 * sparse_add_section(…, 0) → empty mask → -EINVAL, without a WARN (kernel-semantics.md §2.5
 * "nr_pages = 0 quirk" and "Later", §4 row 12, §6 item 14). A section-aligned pfn gave
 * end_sec = start_sec - 1, no iteration and 0 in both.
 *
 * Scenario (boot RAM 0x100000000-0x143ffffff, section 41 = pfn 0x148000 never added), __add_pages
 * called directly so that the x86 add_pages() WARN_ON_ONCE does not blur the return value:
 *   1. __add_pages(pfn 0x148800 = section 41 sub-section 4, nr_pages 0)
 *        v5.4: -EINVAL (a usage is kzalloc'ed and kfree'd again, the section stays untouched)
 *        v5.5: 0, nothing allocated
 *   2. __add_pages(pfn 0x148000 = section 41 start, nr_pages 0) — 0 in both (control)
 * The same rewrite in __remove_pages(): before it, nr_pages = 0 on such a pfn ran one chunk of 0
 * pages, so __remove_section() checked the section — WARN_ON_ONCE for a section that is not valid.
 *   3. __remove_pages(pfn 0x148800, nr_pages 0) — v5.4: WARN_ON_ONCE in __remove_section; v5.5: nothing
 */
import { describe, expect, it } from 'vitest';
import { ERRNO } from '../../kernel/index.js';
import { SUB, W_REMOVE_SECTION, ZERO_VIEW, __addPages, removePages, secPfn, subPfn } from '../helpers/model.js';
import { across, expectBoundary, fieldsOf } from './boundary.js';

const OPS = [__addPages(subPfn(41, 4), 0), __addPages(secPfn(41), 0)];

describe('LOOP_REWRITE: __add_pages(nr_pages 0) runs no chunk (v5.5)', () => {
  it('5.4 → 5.5: nr_pages 0 on a sub-section-aligned, non-section-aligned pfn returns -EINVAL / 0', () => {
    expectBoundary('5.4', '5.5', ['E2BIG', 'F3', 'LOOP_REWRITE', 'ZONELESS_REMOVE']);
    expect(subPfn(41, 4) % SUB).toBe(0);
    const { before, after } = across('5.4', '5.5', OPS);

    const [b1, b2] = before.results;
    expect(b1!.outcome.ret).toBe(-ERRNO.EINVAL);
    expect(b1!.outcome.warnings).toEqual([]);
    expect(b1!.outcome.hazards).toEqual([]);
    expect(b1!.outcome.path).toMatch(/sparse_add_section\(41\) → section_activate: empty sub-section mask: -EINVAL$/);
    expect(b1!.outcome.resources.map((r) => `${r.kind}:${r.how}`)).toEqual(['usage-alloc:kzalloc', 'usage-free:kfree']);
    expect(fieldsOf(before.p, b1!.state, 41)).toMatchObject({ flags: 0, map: 'zero', usage: 'none', subsectionMap: ZERO_VIEW.subsectionMap });

    const [a1, a2] = after.results;
    expect(a1!.outcome.ret).toBe(0);
    expect(a1!.outcome.warnings).toEqual([]);
    expect(a1!.outcome.hazards).toEqual([]);
    expect(a1!.outcome.resources).toEqual([]);
    expect(a1!.patches).toEqual([]);

    // Control: a section-aligned pfn runs no iteration in either version.
    for (const r of [b2!, a2!]) {
      expect(r.outcome.ret).toBe(0);
      expect(r.outcome.warnings).toEqual([]);
      expect(r.outcome.hazards).toEqual([]);
      expect(r.outcome.resources).toEqual([]);
    }
    expect(after.last).toStrictEqual(after.boot);
    expect(before.last.roots).toStrictEqual(before.boot.roots);
  });

  it('5.4 → 5.5: __remove_pages(nr_pages 0) on a sub-section-aligned pfn of an invalid section WARN_ON_ONCEs / does nothing', () => {
    const { before, after } = across('5.4', '5.5', [removePages(subPfn(41, 4), 0)]);
    const b = before.results[0]!;
    expect(b.outcome.warnings).toEqual([W_REMOVE_SECTION]);
    expect(b.outcome.path).toBe('__remove_pages → __remove_section: section 41 not valid: WARN_ON_ONCE, skipped');
    const a = after.results[0]!;
    expect(a.outcome.warnings).toEqual([]);
    expect(a.outcome.path).toBe('__remove_pages: nr_pages 0: no section to remove');
    for (const r of [a, b]) {
      expect(r.outcome.ret).toBeNull();
      expect(r.outcome.hazards).toEqual([]);
      expect(r.outcome.resources).toEqual([]);
    }
    expect(after.last.roots).toStrictEqual(after.boot.roots);
    expect(before.last.roots).toStrictEqual(before.boot.roots);
  });
});
