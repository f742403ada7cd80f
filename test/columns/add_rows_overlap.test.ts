/**
 * Outcome table of kernel-semantics.md §4, hot-add rows over active sub-sections (5, 6, 7):
 * one `describe` per row, one `it` per version column the row has (see ./columns.ts for the
 * release that stands for each column). Row 3 (`params->pgprot` empty → WARN_ON_ONCE + -EINVAL,
 * ~v5.7+) is skipped: memhp's operations carry no `mhp_params`/pgprot, so the input cannot be
 * written. Row 13 (!VMEMMAP poisoning crash, F6) is skipped: only SPARSEMEM_VMEMMAP=y is modelled.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    x what the call adds over an active sub-section
 *   ^ the pfn named under it
 * Boot layout: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and section 40 (pfn 0x140000)
 * early with sub-sections 0-31 (in v5.2: sections 32-40 wholly valid, no EARLY flag); root 0 holds
 * sections 0-127.
 */
import { describe, expect, it } from 'vitest';
import { FULL_BOOT, HOT_FLAGS, SEC40_BOOT, W_ADD_PAGES, ZERO_VIEW, __addPages, addPages, cells, hazardsOf, mapOf, run, runAll, secPfn, sectionView, subPfn, view, wordOf } from '../helpers/model.js';
import { ALL, boot, LATE_COLUMNS, SUBSECTION_COLUMNS, V5_2_BOOT } from './columns.js';

/** A whole hot-added section with a PMD-mapped memmap, not onlined. */
const FULL_HOT = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: ALL, machine: 'full-hotplug', memmap: 'V'.repeat(64) });
/** A fresh section rolled back in v5.3 – v5.5: word ENCODED_NULL, flags clear, no usage. */
const ROLLED_BACK_NULL = view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });
/** A fresh section rolled back from v5.6 (F4): word 0, flags clear, no usage. */
const ROLLED_BACK_ZERO = view({ flags: 0, map: 'zero', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });

describe('row 5: add a whole section that is already fully active', () => {
  /*
   * section 39 (pfn 0x138000), all boot RAM
   * |xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|
   *  ^ pfn 0x138000, nr_pages 0x8000
   *
   * Expect __add_section() to find section 39 valid and return -EEXIST, which __add_pages()
   * swallows: 0, no WARN, no patch at all.
   */
  it('v5.2: -EEXIST swallowed → OK, nothing changes', () => {
    const { p, s0 } = boot('5.2');
    const r = run(p, s0, addPages(secPfn(39), 0x8000));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(hazardsOf(r)).toEqual([]);
    expect(r.outcome.notes).toEqual(['section 39 (pfn 0x138000) is already valid: -EEXIST, swallowed by __add_pages']);
    expect(r.state).toBe(s0);
    expect(sectionView(p, r.state, 39)).toEqual(V5_2_BOOT);
  });

  const EEXIST_RUNS: ReadonlyArray<readonly [string, string]> = [
    ['v5.3 – v5.5', '5.5'],
    ['v5.6 – 6.1.192', '6.1.192'],
    ['6.12.95', '6.12.95'],
  ];
  for (const [column, kernel] of EEXIST_RUNS) {
    /*
     * section 39 (pfn 0x138000), all boot RAM
     * |xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|
     *  ^ pfn 0x138000, nr_pages 0x8000
     *
     * Expect -EEXIST from section_activate() (the mask meets the live map), add_pages'
     * WARN_ON_ONCE, and section 39 exactly as booted.
     */
    it(`${column} (${kernel}): E:-EEXIST, section unchanged`, () => {
      const { p, s0 } = boot(kernel);
      const r = run(p, s0, addPages(secPfn(39), 0x8000));
      expect(r.outcome.ret).toBe(-17);
      expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.outcome.resources).toEqual([]);
      expect(r.state.roots).toStrictEqual(s0.roots);
      expect(sectionView(p, r.state, 39)).toEqual(FULL_BOOT);
    });
  }
});

describe('row 6: add sub-sections overlapping active ones; the loop stops, earlier chunks stay', () => {
  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRx+...............................|   1. add_pages(0x143e00, 0x400)
   *                                ^ sub-sections 31-32
   * section 41 (pfn 0x148000)                                          section 42 (pfn 0x150000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|x+++…   2. add_pages(0x150000, 0x200)
   *                                                                       3. add_pages(0x148000, 0x8200)
   *
   * Expect v5.2 to widen every call to whole sections: step 1 meets valid section 40 (-EEXIST
   * swallowed, 0, nothing added), step 2 adds section 42 whole, step 3 adds section 41 and
   * swallows section 42's -EEXIST: 0 throughout, no WARN.
   */
  it('v5.2: widened to sections → row 5: -EEXIST swallowed, OK', () => {
    const { p, s0 } = boot('5.2');
    const [r1, r2, r3] = runAll(p, s0, [addPages(subPfn(40, 31), 0x400), addPages(secPfn(42), 0x200), addPages(secPfn(41), 0x8200)]);
    for (const r of [r1!, r2!, r3!]) {
      expect(r.outcome.ret).toBe(0);
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
    }
    expect(r1!.state).toBe(s0);
    expect(sectionView(p, r3!.state, 40)).toEqual(V5_2_BOOT);
    expect(sectionView(p, r3!.state, 41)).toEqual(FULL_HOT);
    expect(sectionView(p, r3!.state, 42)).toEqual(FULL_HOT);
  });

  const RUNS = SUBSECTION_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 40 (pfn 0x140000)
     * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRx+...............................|   1. add_pages(0x143e00, 0x400)
     * section 41 (pfn 0x148000)                                          section 42 (pfn 0x150000)
     * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|x...…   2. add_pages(0x150000, 0x200)
     *                                                                          3. add_pages(0x148000, 0x8200)
     *
     * Expect step 1 to return -EEXIST (sub-section 31 is boot RAM) setting neither bit, step 2 to
     * add sub-section 0 of section 42, and step 3 to add section 41 whole, then stop with -EEXIST
     * at section 42 without undoing section 41; add_pages' WARN_ON_ONCE only in step 1.
     */
    it(`${column} (${kernel}): E:-EEXIST; the loop stops; earlier chunks of the call stay added`, () => {
      const { p, s0 } = boot(kernel);
      const [r1, r2, r3] = runAll(p, s0, [addPages(subPfn(40, 31), 0x400), addPages(secPfn(42), 0x200), addPages(secPfn(41), 0x8200)]);
      expect(r1!.outcome.ret).toBe(-17);
      expect(r1!.outcome.warnings).toEqual([W_ADD_PAGES]);
      expect(r1!.state.roots).toStrictEqual(s0.roots);
      expect(sectionView(p, r1!.state, 40)).toEqual(SEC40_BOOT);
      expect(r2!.outcome.ret).toBe(0);
      const sec42 = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([0, 0]), machine: 'partial', memmap: cells('v', 1, '.', 63) });
      expect(sectionView(p, r2!.state, 42)).toEqual(sec42);
      expect(r3!.outcome.ret).toBe(-17);
      expect(r3!.outcome.warnings).toEqual([]);
      expect(sectionView(p, r3!.state, 41)).toEqual(FULL_HOT);
      expect(sectionView(p, r3!.state, 42)).toEqual(sec42);
      expect(r3!.outcome.sections).toEqual([
        { nr: 41, before: 'absent.never', after: 'full-hotplug' },
        { nr: 42, before: 'partial', after: 'partial' },
      ]);
      for (const r of [r1!, r2!, r3!]) expect(hazardsOf(r)).toEqual([]);
    });
  }
});

describe('row 7: failure in a later section of a multi-section add', () => {
  /*
   * section 41 (pfn 0x148000)                                          section 42 (pfn 0x150000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|++++++++++++++++....…
   *  ^ pfn 0x148000, nr_pages 0xa000: the second memmap allocation fails (-ENOMEM injected)
   *
   * Expect v5.2's sparse_add_one_section() to fail for section 42 before writing it: -ENOMEM
   * breaks the loop, section 41 stays added, section 42 untouched.
   */
  it('v5.2: -ENOMEM breaks the loop, earlier sections stay', () => {
    const { p, s0 } = boot('5.2');
    const r = run(p, s0, addPages(secPfn(41), 0xa000), [{ kind: 'memmap', nth: 2 }]);
    expect(r.outcome.ret).toBe(-12);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(hazardsOf(r)).toEqual([]);
    expect(sectionView(p, r.state, 41)).toEqual(FULL_HOT);
    expect(sectionView(p, r.state, 42)).toEqual(ZERO_VIEW);
  });

  /*
   * section 41 (pfn 0x148000)                                          section 42 (pfn 0x150000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|++++++++++++++++....…
   *  ^ pfn 0x148000, nr_pages 0xa000: the second vmemmap_populate fails (-ENOMEM injected)
   *
   * Expect section 41 to stay added and section 42 rolled back by section_deactivate() to an
   * ENCODED_NULL word (0xfffffffffac00000), -ENOMEM returned, nobody undoing section 41.
   */
  it('v5.3 – v5.5 (5.5): error breaks, no rollback of earlier sections; the failing one ENCODED_NULL', () => {
    const { p, s0 } = boot('5.5');
    const r = run(p, s0, addPages(secPfn(41), 0xa000), [{ kind: 'memmap', nth: 2 }]);
    expect(r.outcome.ret).toBe(-12);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(hazardsOf(r)).toEqual([]);
    expect(sectionView(p, r.state, 41)).toEqual(FULL_HOT);
    expect(sectionView(p, r.state, 42)).toEqual(ROLLED_BACK_NULL);
    expect(wordOf(p, r.state, 42)).toBe('0xfffffffffac00000');
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 41 (pfn 0x148000)                                          section 42 (pfn 0x150000)
     * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|++++++++++++++++....…
     *  ^ pfn 0x148000, nr_pages 0xa000: the second vmemmap_populate fails (-ENOMEM injected)
     *
     * Expect the same, but section 42's word rolled back to 0 (F4).
     */
    it(`${column} (${kernel}): error breaks, no rollback of earlier sections; the failing one word 0`, () => {
      const { p, s0 } = boot(kernel);
      const r = run(p, s0, addPages(secPfn(41), 0xa000), [{ kind: 'memmap', nth: 2 }]);
      expect(r.outcome.ret).toBe(-12);
      expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
      expect(hazardsOf(r)).toEqual([]);
      expect(sectionView(p, r.state, 41)).toEqual(FULL_HOT);
      expect(sectionView(p, r.state, 42)).toEqual(ROLLED_BACK_ZERO);
      expect(wordOf(p, r.state, 42)).toBe('0x0000000000000000');
    });
  }
});
