/**
 * Outcome table of kernel-semantics.md §4, hot-add rows into an EARLY section and a failed populate (8, 9):
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
import { BOOT_FLAGS, HOT_FLAGS, W_ADD_PAGES, ZERO_VIEW, __addPages, addPages, hazardsOf, mapOf, run, secPfn, sectionView, view, wordOf } from '../helpers/model.js';
import { ALL, boot, LATE_COLUMNS, V5_2_BOOT } from './columns.js';

/** A fresh section rolled back in v5.3 – v5.5: word ENCODED_NULL, flags clear, no usage. */
const ROLLED_BACK_NULL = view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });
/** A fresh section rolled back from v5.6 (F4): word 0, flags clear, no usage. */
const ROLLED_BACK_ZERO = view({ flags: 0, map: 'zero', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });

describe('row 8: add into hole sub-sections of an EARLY section', () => {
  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.+++++++........................|
   *                                   ^ pfn 0x144200, nr_pages 0xe00 (sub-sections 33-39)
   *
   * Expect v5.2 to see a valid section 40: -EEXIST swallowed, 0, nothing added, no patch.
   */
  it('v5.2: section valid → -EEXIST swallowed, OK, nothing added', () => {
    const { p, s0 } = boot('5.2');
    const r = run(p, s0, addPages(0x144200, 0xe00));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(hazardsOf(r)).toEqual([]);
    expect(r.state).toBe(s0);
    expect(sectionView(p, r.state, 40)).toEqual(V5_2_BOOT);
  });

  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.+++++++........................|
   *                                   ^ pfn 0x144200, nr_pages 0xe00
   *
   * Expect 0 with bits 33-39 set, the boot memmap reused (nothing populated), EARLY and ONLINE
   * kept, and the word realigned to the direct map (F5): 0xffff88813b00000f.
   */
  it('v5.3 – v5.5 (5.5): OK; bits set; boot memmap reused; EARLY/ONLINE kept; word DIRECT_MAP (F5)', () => {
    const { p, s0 } = boot('5.5');
    const r = run(p, s0, addPages(0x144200, 0xe00));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(hazardsOf(r)).toEqual([]);
    expect(r.outcome.resources).toEqual([]);
    expect(sectionView(p, r.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: mapOf([0, 31], [33, 39]), machine: 'early.grown', memmap: 'B'.repeat(64) }),
    );
    expect(wordOf(p, r.state, 40)).toBe('0xffff88813b00000f');
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 40 (pfn 0x140000)
     * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.+++++++........................|
     *                                   ^ pfn 0x144200, nr_pages 0xe00
     *
     * Expect the same, but the word stays the vmemmap encoding 0xffffea000000000f (F5 fix; the
     * model dates it 5.7, so the table's v5.6 – 6.1.192 column is coarser: 5.6 still writes
     * DIRECT_MAP).
     */
    it(`${column} (${kernel}): OK; word stays VMEMMAP_BASE`, () => {
      const { p, s0 } = boot(kernel);
      const r = run(p, s0, addPages(0x144200, 0xe00));
      expect(r.outcome.ret).toBe(0);
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.outcome.resources).toEqual([]);
      expect(sectionView(p, r.state, 40)).toEqual(
        view({ flags: BOOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: mapOf([0, 31], [33, 39]), machine: 'early.grown', memmap: 'B'.repeat(64) }),
      );
      expect(wordOf(p, r.state, 40)).toBe('0xffffea000000000f');
    });
  }
});

describe('row 9: vmemmap populate fails', () => {
  /*
   * section 41 (pfn 0x148000), never added
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x148000, nr_pages 0x8000: the memmap allocation fails (-ENOMEM injected)
   *
   * Expect -ENOMEM with add_pages' WARN_ON_ONCE and section 41 never written.
   */
  it('v5.2: E:-ENOMEM, section untouched', () => {
    const { p, s0 } = boot('5.2');
    const r = run(p, s0, addPages(secPfn(41), 0x8000), [{ kind: 'memmap', nth: 1 }]);
    expect(r.outcome.ret).toBe(-12);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(hazardsOf(r)).toEqual([]);
    expect(sectionView(p, r.state, 41)).toEqual(ZERO_VIEW);
  });

  /*
   * section 41 (pfn 0x148000), never added
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x148000, nr_pages 0x8000: vmemmap_populate fails (-ENOMEM injected)
   *
   * Expect the rollback through section_deactivate(): bits cleared, the new usage kfree'd, the
   * fresh section's word ENCODED_NULL (0xfffffffffae00000), -ENOMEM.
   */
  it('v5.3 – v5.5 (5.5): rollback via deactivate → word ENCODED_NULL; E:-ENOMEM', () => {
    const { p, s0 } = boot('5.5');
    const r = run(p, s0, addPages(secPfn(41), 0x8000), [{ kind: 'memmap', nth: 1 }]);
    expect(r.outcome.ret).toBe(-12);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(hazardsOf(r)).toEqual([]);
    expect(r.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['usage-alloc:kzalloc', 'usage-free:kfree', 'memmap-free:vmemmap_free: nothing mapped']);
    expect(sectionView(p, r.state, 41)).toEqual(ROLLED_BACK_NULL);
    expect(wordOf(p, r.state, 41)).toBe('0xfffffffffae00000');
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 41 (pfn 0x148000), never added
     * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
     *  ^ pfn 0x148000, nr_pages 0x8000: vmemmap_populate fails (-ENOMEM injected)
     *
     * Expect the rollback to leave word 0 (F4), the usage freed with kfree_rcu (F14), -ENOMEM.
     */
    it(`${column} (${kernel}): rollback; fresh section word 0; E:-ENOMEM`, () => {
      const { p, s0 } = boot(kernel);
      const r = run(p, s0, addPages(secPfn(41), 0x8000), [{ kind: 'memmap', nth: 1 }]);
      expect(r.outcome.ret).toBe(-12);
      expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['usage-alloc:kzalloc', 'usage-free:kfree_rcu', 'memmap-free:vmemmap_free: nothing mapped']);
      expect(sectionView(p, r.state, 41)).toEqual(ROLLED_BACK_ZERO);
      expect(wordOf(p, r.state, 41)).toBe('0x0000000000000000');
    });
  }
});
