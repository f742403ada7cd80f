/**
 * Outcome table of kernel-semantics.md §4, hot-remove rows of EARLY sections (20, 21, 22): one
 * `describe` per row, one `it` per version column the row has (see ./columns.ts for the release
 * that stands for each column). Row 18 (!VMEMMAP whole-section removal: leak / F7 crash) is
 * skipped: only SPARSEMEM_VMEMMAP=y is modelled. Row 19 (ppc64 F8 crash in v5.6-rc6/rc7) is
 * skipped: an rc-only ppc64 ordering crash, and F8 is unmodelled (same end state on x86_64).
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    - what the call removes    x what the call removes but is inactive
 *   ^ the pfn named under it
 * Boot layout: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and section 40 (pfn 0x140000)
 */
import { describe, expect, it } from 'vitest';
import { BOOT_FLAGS, HOT_FLAGS, addPages, cells, hazardsOf, mapOf, removePages, run, runAll, secPfn, sectionView, subPfn, view, wordOf } from '../helpers/model.js';
import { ALL, boot, LATE_COLUMNS } from './columns.js';

const DEACTIVATED_NULL = view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });
const DEACTIVATED_ZERO = view({ flags: 0, map: 'zero', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });
const EMPTIED_EARLY_NULL = view({ flags: 0, map: 'encoded_null', usage: 'boot', subsectionMap: mapOf(), machine: 'absent.emptied-early', memmap: '.'.repeat(64) });
const EMPTIED_EARLY_ZERO = view({ flags: 0, map: 'zero', usage: 'boot', subsectionMap: mapOf(), machine: 'absent.emptied-early', memmap: '.'.repeat(64) });
const FULL_HOT = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: ALL, machine: 'full-hotplug', memmap: 'V'.repeat(64) });

describe('row 20: remove part of an EARLY section (v5.2: n/a, whole sections only)', () => {
  /*
   * section 40 (pfn 0x140000), boot vmemmap PMD-mapped ('B') or 4K-mapped ('b', no PSE)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRR----................................|  then  |RRRRRRRRRRRRRRRRRRRRRRRRRRRR++++................................|
   *                             ^ pfn 0x143800, nr_pages 0x800 (boot sub-sections 28-31), removed then re-added
   *
   * Expect the boot vmemmap of 28-31 torn down: 0xFD-filled with a PMD mapping (F10 corruption on
   * removal and on the re-add that reuses it), unmapped with 4K pages (the re-add faults: F10
   * crash). The model dates the F10 fix at 5.9: 5.6 – 5.8 inside the next column still behave so.
   */
  it('v5.3 – v5.5 (5.5): boot vmemmap of that part freed; re-add reuses it → corruption (PMD) / CRASH (4K) (F10)', () => {
    const { p, s0 } = boot('5.5');
    const [r1, r2] = runAll(p, s0, [removePages(subPfn(40, 28), 0x800), addPages(subPfn(40, 28), 0x800)]);
    expect(r1!.outcome.ret).toBeNull();
    expect(r1!.outcome.warnings).toEqual([]);
    expect(hazardsOf(r1!)).toEqual(['F10:corruption']);
    expect(sectionView(p, r1!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: mapOf([0, 27]), machine: 'early.trimmed', memmap: cells('B', 28, 'F', 4, 'B', 32) }),
    );
    expect(r2!.outcome.ret).toBe(0);
    expect(r2!.outcome.warnings).toEqual([]);
    expect(hazardsOf(r2!)).toEqual(['F10:corruption']);
    expect(sectionView(p, r2!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: mapOf([0, 31]), machine: 'early.boot', memmap: cells('B', 28, 'F', 4, 'B', 32) }),
    );

    const k = boot('5.5', { PSE: false });
    const [k1, k2] = runAll(k.p, k.s0, [removePages(subPfn(40, 28), 0x800), addPages(subPfn(40, 28), 0x800)]);
    expect(hazardsOf(k1!)).toEqual(['F10:crash']);
    expect(sectionView(k.p, k1!.state, 40).memmap).toBe(cells('b', 28, '.', 4, 'b', 32));
    expect(k2!.outcome.ret).toBe(0);
    expect(hazardsOf(k2!)).toEqual(['F10:crash']);
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 40 (pfn 0x140000), boot vmemmap PMD-mapped ('B') or 4K-mapped ('b', no PSE)
     * |RRRRRRRRRRRRRRRRRRRRRRRRRRRR----................................|  then  |RRRRRRRRRRRRRRRRRRRRRRRRRRRR++++................................|
     *                             ^ pfn 0x143800, nr_pages 0x800, removed then re-added
     *
     * Expect bits 28-31 cleared and set again, the boot memmap untouched, no hazard, either mapping.
     */
    it(`${column} (${kernel}): bits cleared, memmap untouched, OK`, () => {
      for (const config of [{}, { PSE: false }]) {
        const { p, s0 } = boot(kernel, config);
        const memmap = ('PSE' in config ? 'b' : 'B').repeat(64);
        const [r1, r2] = runAll(p, s0, [removePages(subPfn(40, 28), 0x800), addPages(subPfn(40, 28), 0x800)]);
        expect(r1!.outcome.ret).toBeNull();
        expect(r2!.outcome.ret).toBe(0);
        for (const r of [r1!, r2!]) {
          expect(r.outcome.warnings).toEqual([]);
          expect(hazardsOf(r)).toEqual([]);
          expect(r.outcome.resources).toEqual([]);
        }
        expect(sectionView(p, r1!.state, 40)).toEqual(
          view({ flags: BOOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: mapOf([0, 27]), machine: 'early.trimmed', memmap }),
        );
        expect(sectionView(p, r2!.state, 40)).toEqual(
          view({ flags: BOOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: mapOf([0, 31]), machine: 'early.boot', memmap }),
        );
      }
    });
  }
});

describe('row 21: remove an EARLY section completely', () => {
  /*
   * section 39 (pfn 0x138000), boot section (v5.2: no EARLY flag)
   * |----------------------------------------------------------------|
   *  ^ pfn 0x138000, nr_pages 0x8000
   *
   * Expect sparse_remove_one_section(): word 0, ms->pageblock_flags = NULL (the boot usemap is
   * kept in memory — not kfree'd — but detached), boot memmap to free_map_bootmem(). With no usage
   * left the section is indistinguishable from a removed hot-added one, so its machine state is
   * absent.deactivated — what classifySection() reads off these v5.2 fields.
   * KNOWN MODEL BUG (fails): the section machine's early → empty transition always goes to
   * absent.emptied-early ("EARLY lost, boot usage kept", v5.3 semantics), ignoring the
   * usageKept: false the v5.2 model passes, so sectionView()'s machine = classifySection() check fails.
   */
  it('v5.2: usemap detached (kept in memory, not kfree\'d); free_map_bootmem; word 0', () => {
    const { p, s0 } = boot('5.2');
    const r = run(p, s0, removePages(secPfn(39), 0x8000));
    expect(r.outcome.ret).toBeNull();
    expect(r.outcome.warnings).toEqual([]);
    expect(hazardsOf(r)).toEqual([]);
    expect(r.outcome.notes).toEqual(['section 39: boot usemap kept but detached (ms->pageblock_flags = NULL)']);
    expect(r.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['memmap-free:free_map_bootmem: PMD freed']);
    expect(sectionView(p, r.state, 39)).toEqual(DEACTIVATED_ZERO);
  });

  /*
   * section 39 (pfn 0x138000), all boot RAM
   * |----------------------------------------------------------------|
   *  ^ pfn 0x138000, nr_pages 0x8000
   *
   * Expect the boot usage kept, the boot memmap freed by free_map_bootmem, and the word
   * ENCODED_NULL (0xfffffffffb200000) with EARLY lost.
   */
  it('v5.3 – v5.5 (5.5): boot usage kept; free_map_bootmem; word ENCODED_NULL (EARLY lost)', () => {
    const { p, s0 } = boot('5.5');
    const r = run(p, s0, removePages(secPfn(39), 0x8000));
    expect(r.outcome.ret).toBeNull();
    expect(r.outcome.warnings).toEqual([]);
    expect(hazardsOf(r)).toEqual([]);
    expect(r.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['memmap-free:free_map_bootmem: PMD freed']);
    expect(sectionView(p, r.state, 39)).toEqual(EMPTIED_EARLY_NULL);
    expect(wordOf(p, r.state, 39)).toBe('0xfffffffffb200000');
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 39 (pfn 0x138000), all boot RAM
     * |----------------------------------------------------------------|
     *  ^ pfn 0x138000, nr_pages 0x8000
     *
     * Expect the usage kept (PageReserved), free_map_bootmem, word 0 (F4).
     */
    it(`${column} (${kernel}): usage kept (PageReserved); free_map_bootmem; word 0`, () => {
      const { p, s0 } = boot(kernel);
      const r = run(p, s0, removePages(secPfn(39), 0x8000));
      expect(r.outcome.ret).toBeNull();
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['memmap-free:free_map_bootmem: PMD freed']);
      expect(sectionView(p, r.state, 39)).toEqual(EMPTIED_EARLY_ZERO);
      expect(wordOf(p, r.state, 39)).toBe('0x0000000000000000');
    });
  }
});

describe('row 22: fully remove an EARLY section, re-add it, remove it again', () => {
  const OPS = [removePages(secPfn(39), 0x8000), addPages(secPfn(39), 0x8000), removePages(secPfn(39), 0x8000)];

  /*
   * section 39 (pfn 0x138000)
   * |----------------------------------------------------------------|  remove
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|  re-add (a fresh usemap)
   * |----------------------------------------------------------------|  remove again
   *
   * Expect OK throughout: the re-add kzallocs a new usemap, the second removal kfrees that one.
   * Fails at step 1 for the same model bug as row 21's v5.2 test (machine absent.emptied-early
   * for a section whose usage was detached).
   */
  it('v5.2: OK (the re-add allocates its own usemap, the second removal frees it)', () => {
    const { p, s0 } = boot('5.2');
    const [r1, r2, r3] = runAll(p, s0, OPS);
    expect(sectionView(p, r1!.state, 39)).toEqual(DEACTIVATED_ZERO);
    expect(r2!.outcome.ret).toBe(0);
    expect(r2!.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['memmap-populate:vmemmap_populate_hugepages (PMD)', 'usage-alloc:kzalloc (usemap)']);
    expect(sectionView(p, r2!.state, 39)).toEqual(FULL_HOT);
    expect(r3!.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['usage-free:kfree (usemap)', 'memmap-free:vmemmap_free: PMD freed']);
    expect(sectionView(p, r3!.state, 39)).toEqual(DEACTIVATED_ZERO);
    for (const r of [r1!, r2!, r3!]) {
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
    }
  });

  /*
   * section 39 (pfn 0x138000)
   * |----------------------------------------------------------------|  remove (early: usage kept)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|  re-add (no longer EARLY, memblock usage reused)
   * |----------------------------------------------------------------|  remove again
   *
   * Expect the second removal to kfree() the memblock usage: F3 crash ("kernel BUG at
   * mm/slub.c"), plus the F14 race of a kfree'd usage; word ENCODED_NULL, usage gone.
   */
  it('v5.3 (inside the v5.3 – v5.5 column): second removal kfree()s the memblock usage → CRASH (F3)', () => {
    const { p, s0 } = boot('5.3');
    const [r1, r2, r3] = runAll(p, s0, OPS);
    expect(sectionView(p, r1!.state, 39)).toEqual(EMPTIED_EARLY_NULL);
    expect(r2!.outcome.ret).toBe(0);
    expect(sectionView(p, r2!.state, 39)).toEqual({ ...FULL_HOT, usage: 'boot' });
    expect(r3!.outcome.ret).toBeNull();
    expect(hazardsOf(r3!)).toEqual(['F3:crash', 'F14:race']);
    expect(r3!.outcome.hazards[0]!.text).toMatch(/kernel BUG at mm\/slub\.c/);
    expect(sectionView(p, r3!.state, 39)).toEqual(DEACTIVATED_NULL);
    for (const r of [r1!, r2!, r3!]) expect(r.outcome.warnings).toEqual([]);
    for (const r of [r1!, r2!]) expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 39 (pfn 0x138000): remove, re-add, remove again
   *
   * Expect the F3 fix (v5.5): the usage page is PageReserved, so it stays; the section ends
   * emptied with its boot usage and an ENCODED_NULL word; no hazard.
   */
  it('v5.5 (end of the v5.3 – v5.5 column): OK — usage kept (F3 fix)', () => {
    const { p, s0 } = boot('5.5');
    const [r1, r2, r3] = runAll(p, s0, OPS);
    expect(sectionView(p, r1!.state, 39)).toEqual(EMPTIED_EARLY_NULL);
    expect(r2!.outcome.ret).toBe(0);
    expect(r3!.outcome.resources.map((e) => `${e.kind}:${e.how}`)).toEqual(['memmap-free:vmemmap_free: PMD freed']);
    expect(sectionView(p, r3!.state, 39)).toEqual(EMPTIED_EARLY_NULL);
    for (const r of [r1!, r2!, r3!]) {
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
    }
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 39 (pfn 0x138000): remove, re-add, remove again
     *
     * Expect OK: usage kept (PageReserved), word 0 after each removal, no hazard.
     */
    it(`${column} (${kernel}): OK`, () => {
      const { p, s0 } = boot(kernel);
      const [r1, r2, r3] = runAll(p, s0, OPS);
      expect(sectionView(p, r1!.state, 39)).toEqual(EMPTIED_EARLY_ZERO);
      expect(r2!.outcome.ret).toBe(0);
      expect(sectionView(p, r2!.state, 39)).toEqual({ ...FULL_HOT, usage: 'boot' });
      expect(sectionView(p, r3!.state, 39)).toEqual(EMPTIED_EARLY_ZERO);
      for (const r of [r1!, r2!, r3!]) {
        expect(r.outcome.warnings).toEqual([]);
        expect(hazardsOf(r)).toEqual([]);
      }
    });
  }
});
