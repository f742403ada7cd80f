/**
 * Outcome table of kernel-semantics.md §4, hot-add rows (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 28):
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
import { createProfile } from '../../kernel/index.js';
import { getSection } from '../../model/index.js';
import type { KernelState, Profile } from '../../kernel/index.js';
import { oopsOf } from '../../model/oops.js';
import type { Operation } from '../../kernel/index.js';
import { bootModel } from '../helpers/model.js';
import { parseScenario } from '../../inputs/index.js';
import { BOOT_FLAGS, FULL_BOOT, HOT_FLAGS, SEC40_BOOT, W_ADD_PAGES, W_INVALID_ALTMAP, ZERO_VIEW, __addPages, addPages, cells, hazardsOf, mapOf, run, runAll, secPfn, sectionView, sparseAddSection, subPfn, view, wordOf } from '../helpers/model.js';
import { ALL, ALL_COLUMNS, boot, LATE_COLUMNS, misaligned, SUBSECTION_COLUMNS, V5_2_BOOT, W_POPULATE } from './columns.js';

/** A whole hot-added section with a PMD-mapped memmap, not onlined. */
const FULL_HOT = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: ALL, machine: 'full-hotplug', memmap: 'V'.repeat(64) });
/** A fresh section rolled back in v5.3 – v5.5: word ENCODED_NULL, flags clear, no usage. */
const ROLLED_BACK_NULL = view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });
/** A fresh section rolled back from v5.6 (F4): word 0, flags clear, no usage. */
const ROLLED_BACK_ZERO = view({ flags: 0, map: 'zero', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) });

describe('row 1: __add_pages with pfn or nr_pages not a multiple of PAGES_PER_SUBSECTION', () => {
  /*
   * section 41 (pfn 0x148000), never added
   * |.++++++++.......................................................|
   *   ^ pfn 0x148201 (one pfn past sub-section 1), nr_pages 0xe00 — end pfn 0x149000
   *
   * Expect v5.2 (no alignment check) to widen the range to section 41 and add it whole: 0, no WARN.
   */
  it('v5.2: no check — widened to the whole section, OK', () => {
    const { p, s0 } = boot('5.2');
    const r = run(p, s0, addPages(0x148201, 0xe00));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(hazardsOf(r)).toEqual([]);
    expect(sectionView(p, r.state, 41)).toEqual(FULL_HOT);
  });

  /*
   * section 41 (pfn 0x148000), never added
   * |.++++++++.......................................................|
   *   ^ pfn 0x148201, nr_pages 0xe00
   *
   * Expect the misaligned WARN and -EINVAL on every call, add_pages' WARN_ON_ONCE the first time
   * only, nothing added. Where the WARN sits and its format depend on the column:
   *   v5.3 – v5.5: in check_pfn_span, "end: #149000";
   *   v5.6 – 6.1.192: in __add_pages (v6.0 moved it out of check_pfn_span; the table's column is
   *     coarser: 5.6 – 5.19 still WARN in check_pfn_span), same "end: #" text;
   *   6.12.95: in __add_pages, the fixed format "end: 0x149000".
   */
  it.each([
    ['v5.3 – v5.5 (5.5)', '5.5', 'check_pfn_span', 'Misaligned __add_pages start: 0x148201 end: #149000'],
    ['v5.6 – 6.1.192 (6.1.192)', '6.1.192', '__add_pages', 'Misaligned __add_pages start: 0x148201 end: #149000'],
    ['6.12.95', '6.12.95', '__add_pages', 'Misaligned __add_pages start: 0x148201 end: 0x149000'],
  ] as const)('%s: WARN in %s "%s", -EINVAL, nothing added', (_column, kernel, func, text) => {
    const { p, s0 } = boot(kernel);
    const [r1, r2] = runAll(p, s0, [addPages(0x148201, 0xe00), addPages(0x148201, 0xe00)]);
    const warn = misaligned(func, text);
    expect(r1!.outcome.ret).toBe(-22);
    expect(r1!.outcome.warnings).toEqual([warn, W_ADD_PAGES]);
    expect(r2!.outcome.ret).toBe(-22);
    expect(r2!.outcome.warnings).toEqual([warn]);
    for (const r of [r1!, r2!]) {
      expect(hazardsOf(r)).toEqual([]);
      expect(r.state.roots).toStrictEqual(s0.roots);
    }
    expect(sectionView(p, r2!.state, 41)).toEqual(ZERO_VIEW);
  });
});

describe('row 2: bad altmap (base_pfn ≠ pfn, or vmem_altmap_offset > nr_pages)', () => {
  /*
   * section 41 (pfn 0x148000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x148000, nr_pages 0x8000, altmap base_pfn 0x148200; then the same with
   *    base_pfn 0x148000 and reserve 0x10 + free 0x8000 > nr_pages
   *
   * Expect pr_warn_once "memory add fail, invalid altmap" with add_pages' WARN_ON_ONCE and -EINVAL
   * the first time, -EINVAL silently the second time (both once-sites fired), nothing added — in
   * every column alike.
   */
  const ALTMAP_RUNS: ReadonlyArray<readonly [string, string]> = [
    ['v5.2', '5.2'],
    ['v5.3 – v5.5', '5.5'],
    ['v5.6 – 6.1.192', '6.1.192'],
    ['6.12.95', '6.12.95'],
  ];
  for (const [column, kernel] of ALTMAP_RUNS) {
    it(`${column} (${kernel}): pr_warn_once "memory add fail, invalid altmap" + -EINVAL, then silent -EINVAL`, () => {
      const { p, s0 } = boot(kernel);
      const [r1, r2] = runAll(p, s0, [
        addPages(secPfn(41), 0x8000, { base_pfn: subPfn(41, 1), free: 0x200 }),
        addPages(secPfn(41), 0x8000, { base_pfn: secPfn(41), free: 0x8000, reserve: 0x10 }),
      ]);
      expect(r1!.outcome.ret).toBe(-22);
      expect(r1!.outcome.warnings).toEqual([W_INVALID_ALTMAP, W_ADD_PAGES]);
      expect(r2!.outcome.ret).toBe(-22);
      expect(r2!.outcome.warnings).toEqual([]);
      for (const r of [r1!, r2!]) {
        expect(hazardsOf(r)).toEqual([]);
        expect(r.outcome.resources).toEqual([]);
        expect(r.state.roots).toStrictEqual(s0.roots);
      }
      expect(sectionView(p, r2!.state, 41)).toEqual(ZERO_VIEW);
    });
  }
});

describe('row 4: range above MAX_PHYSMEM_BITS', () => {
  /*
   * last section below 2^46 (section 0x7ffff)                         beyond MAX_PHYSMEM_BITS
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|++++ …
   *                                            pfn 0x400000000 (MAX_PFN) ^ ^ pfn 0x400008000
   *
   * On 4-level paging (MAX_PHYSMEM_BITS 46) section 0x80001 is in root 4096 = NR_SECTION_ROOTS.
   * Expect each column's own answer, modelled rather than refused when parsed:
   * v5.2 / v5.3 no check: __nr_to_section() gives NULL and the add path oopses (v5.2 in
   * sparse_add_one_section reading section_mem_map at 0, v5.3 in sparse_add_section reading
   * ms->usage at 8); v5.4 – v5.10 check_hotplug_memory_addressable(): WARN + -E2BIG, then
   * add_pages' WARN_ON_ONCE(ret); 6.1.192 / 6.12.95 x86 add_pages: WARN_ON_ONCE(end > PHYSMEM_END)
   * + -ERANGE before __add_pages. With 5-level paging (6.1.192's default) the same range is
   * addressable: one whole section added, 0.
   */
  const OP = 'add_pages pfn=0x400008000 nr_pages=0x8000';
  const E2BIG_TEXT = 'Hotplugged memory exceeds maximum addressable address, range=0x400008000000-0x40000fffffff, maximum=0x7fffffffffff';
  const parsed = (p: Profile): Operation => {
    const r = parseScenario(`ram 0x100000000-0x143ffffff\n${OP}\n`, 'row4.scn', { geometry: p.geometry });
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
    return r.value.steps[0]!.op;
  };
  const at4 = (kernel: string): { p: Profile; s0: KernelState } => {
    const p = createProfile({ kernel, paging: 4 });
    return { p, s0: bootModel(p) };
  };

  it('v5.2 and v5.3 (4-level): a NULL dereference in the add path; the run ends there', () => {
    for (const [kernel, func, addr] of [['5.2', 'sparse_add_one_section', '0000000000000000'], ['5.3', 'sparse_add_section', '0000000000000008']] as const) {
      const { p, s0 } = at4(kernel);
      const r = run(p, s0, parsed(p));
      expect(oopsOf(r.outcome), kernel).toEqual({ line: `BUG: kernel NULL pointer dereference, address: ${addr}`, func });
      expect(r.outcome.ret, kernel).toBeNull();
      expect(hazardsOf(r), kernel).toEqual(['-:corruption', '-:crash']);
      const after = run(p, r.state, parsed(p));
      expect(after.outcome.path, kernel).toBe('not run: the kernel oopsed at an earlier step');
      expect(after.patches, kernel).toEqual([]);
    }
  });

  it('v5.5 (4-level): WARN "Hotplugged memory exceeds maximum addressable address" and -E2BIG', () => {
    const { p, s0 } = at4('5.5');
    const r = run(p, s0, parsed(p));
    expect(r.outcome.ret).toBe(-7);
    expect(r.outcome.warnings).toEqual([{ kind: 'WARN', func: 'check_hotplug_memory_addressable', file: 'mm/memory_hotplug.c', text: E2BIG_TEXT }, W_ADD_PAGES]);
    expect(r.state.roots).toStrictEqual(s0.roots);
  });

  it('6.1.192 and 6.12.95 (4-level): add_pages WARN_ON_ONCE(end > PHYSMEM_END) and -ERANGE; nothing reaches __add_pages', () => {
    for (const kernel of ['6.1.192', '6.12.95']) {
      const { p, s0 } = at4(kernel);
      const r = run(p, s0, parsed(p));
      expect(r.outcome.ret, kernel).toBe(-34);
      expect(r.outcome.warnings, kernel).toEqual([W_ADD_PAGES]);
      expect(r.outcome.path, kernel).toBe('add_pages: end > PHYSMEM_END (2^46 - 1): -ERANGE');
      expect(r.state.roots, kernel).toStrictEqual(s0.roots);
    }
  });

  it('6.1.192 on 5-level paging (its default): the range is addressable and the section is added', () => {
    const { p, s0 } = boot('6.1.192');
    expect(p.geometry.MAX_PHYSMEM_BITS).toBe(52);
    const r = run(p, s0, parsed(p));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(sectionView(p, r.state, 0x80001)).toEqual(FULL_HOT);
  });
});

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

describe('row 10: direct sparse_add_section with a range not sub-section aligned (v5.2: n/a, no sparse_add_section)', () => {
  /*
   * section 40 (pfn 0x140000)                                           section 41 (pfn 0x148000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR++..............................|  |++..............................................................|
   *                                  ^ 1. pfn 0x144100, nr 0x200        ^ 2. pfn 0x148100, nr 0x200 (sub-sections 0-1)
   *
   * Expect both to succeed, rounded outward: section 40 gets bits 32-33 over its boot memmap,
   * section 41 bits 0-1 and a 4K memmap populated for pfn 0x148000-0x1483ff; both words DIRECT_MAP (F5).
   */
  it('v5.3 – v5.5 (5.5): bits and populate rounded outward; OK', () => {
    const { p, s0 } = boot('5.5');
    const [r1, r2] = runAll(p, s0, [sparseAddSection(0x144100, 0x200), sparseAddSection(0x148100, 0x200)]);
    expect(r1!.outcome.ret).toBe(0);
    expect(r2!.outcome.ret).toBe(0);
    for (const r of [r1!, r2!]) {
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
    }
    expect(sectionView(p, r2!.state, 40)).toEqual(
      view({ flags: BOOT_FLAGS, map: 'direct_map', usage: 'boot', subsectionMap: mapOf([0, 33]), machine: 'early.grown', memmap: 'B'.repeat(64) }),
    );
    expect(r2!.outcome.resources.filter((e) => e.kind === 'memmap-populate').map((e) => [e.pfn, e.nrPages])).toEqual([[0x148000, 0x400]]);
    expect(sectionView(p, r2!.state, 41)).toEqual(
      view({ flags: HOT_FLAGS, map: 'direct_map', usage: 'slab', subsectionMap: mapOf([0, 1]), machine: 'partial', memmap: cells('v', 2, '.', 62) }),
    );
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 40 (pfn 0x140000)                                           section 41 (pfn 0x148000)
     * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR++..............................|  |xx..............................................................|
     *                                  ^ 1. pfn 0x144100, nr 0x200        ^ 2. pfn 0x148100, nr 0x200
     *
     * Expect the early-section partial add to return 0 without populating (bits 32-33, word kept
     * VMEMMAP_BASE), and the fresh section to hit WARN_ON_ONCE in __populate_section_memmap, be
     * rolled back to word 0 and return -ENOMEM. The model dates this at 5.9 (F10 series): the
     * table's v5.6 – 6.1.192 column is coarser (5.6 – 5.8 still round outward and return 0).
     */
    it(`${column} (${kernel}): W1 in __populate_section_memmap → rollback → E:-ENOMEM; early partial add OK`, () => {
      const { p, s0 } = boot(kernel);
      const [r1, r2] = runAll(p, s0, [sparseAddSection(0x144100, 0x200), sparseAddSection(0x148100, 0x200)]);
      expect(r1!.outcome.ret).toBe(0);
      expect(r1!.outcome.warnings).toEqual([]);
      expect(hazardsOf(r1!)).toEqual([]);
      expect(sectionView(p, r1!.state, 40)).toEqual(
        view({ flags: BOOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: mapOf([0, 33]), machine: 'early.grown', memmap: 'B'.repeat(64) }),
      );
      expect(r2!.outcome.ret).toBe(-12);
      expect(r2!.outcome.warnings).toEqual([W_POPULATE]);
      expect(hazardsOf(r2!)).toEqual([]);
      expect(r2!.outcome.resources.filter((e) => e.kind === 'memmap-populate')).toEqual([]);
      expect(sectionView(p, r2!.state, 41)).toEqual(ROLLED_BACK_ZERO);
    });
  }
});

describe('row 11: direct sparse_add_section with nr_pages = 0 (v5.2: n/a, no sparse_add_section)', () => {
  const RUNS = SUBSECTION_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 40 (pfn 0x140000)  |xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx++++++++++++++++++++++++++++++++|  1. pfn 0x140000, nr 0
     * section 41 (pfn 0x148000)  |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|  2. pfn 0x148000, nr 0
     * section 42 (pfn 0x150000)  |................................................................|  3. pfn 0x150200, nr 0
     *
     * Expect a section-aligned pfn to make an all-bits mask: -EEXIST over section 40's boot RAM,
     * and 0 on the empty section 41 — all 64 sub-sections active with no memmap (a crash hazard:
     * pfn_valid() true over unmapped struct pages); a sub-section-aligned pfn an empty mask:
     * -EINVAL with section 42 untouched. No WARN anywhere (0 is aligned).
     */
    it(`${column} (${kernel}): section-aligned → E:-EEXIST / OK on an empty section; otherwise E:-EINVAL`, () => {
      const { p, s0 } = boot(kernel);
      const [r1, r2, r3] = runAll(p, s0, [sparseAddSection(secPfn(40), 0), sparseAddSection(secPfn(41), 0), sparseAddSection(subPfn(42, 1), 0)]);
      expect(r1!.outcome.ret).toBe(-17);
      expect(sectionView(p, r1!.state, 40)).toEqual(SEC40_BOOT);
      expect(r2!.outcome.ret).toBe(0);
      expect(hazardsOf(r2!)).toEqual(['-:crash']);
      expect(sectionView(p, r2!.state, 41)).toEqual(
        view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: ALL, machine: 'full-hotplug', memmap: '.'.repeat(64) }),
      );
      expect(r3!.outcome.ret).toBe(-22);
      expect(r3!.state.roots).toStrictEqual(r2!.state.roots);
      expect(sectionView(p, r3!.state, 42)).toEqual(ZERO_VIEW);
      for (const r of [r1!, r2!, r3!]) expect(r.outcome.warnings).toEqual([]);
      for (const r of [r1!, r3!]) expect(hazardsOf(r)).toEqual([]);
    });
  }
});

describe('row 12: __add_pages with nr_pages = 0', () => {
  /*
   * section 41 (pfn 0x148000)  |................................................................|  1. pfn 0x148000, nr 0
   * section 42 (pfn 0x150000)  |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|  2. pfn 0x150200, nr 0
   *
   * Expect 0 from both, no WARN. The table says "OK (no-op) [inferred]"; the v5.2 loop runs from
   * section(pfn) to section(pfn + nr_pages - 1), so a section-aligned pfn runs no iteration (a
   * no-op) but pfn 0x150200 runs one for section 42 and __add_section() adds it whole — the
   * table is right about OK, not about no-op (v5.2 __add_pages text: start_sec/end_sec loop, e.g.
   * the pre-image of the sub-section series' "mm/hotplug: …" patches).
   */
  it('v5.2: OK; a section-aligned pfn is a no-op, another pfn adds its whole section', () => {
    const { p, s0 } = boot('5.2');
    const [r1, r2] = runAll(p, s0, [__addPages(secPfn(41), 0), __addPages(subPfn(42, 1), 0)]);
    for (const r of [r1!, r2!]) {
      expect(r.outcome.ret).toBe(0);
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
    }
    expect(r1!.state).toBe(s0);
    expect(sectionView(p, r2!.state, 41)).toEqual(ZERO_VIEW);
    expect(sectionView(p, r2!.state, 42)).toEqual(FULL_HOT);
  });

  /*
   * section 41 (pfn 0x148000)  |................................................................|  1. pfn 0x148000, nr 0
   * section 42 (pfn 0x150000)  |................................................................|  2. pfn 0x150200, nr 0
   *
   * Expect v5.3's loop (start_sec..end_sec) to run no iteration for the section-aligned pfn (0)
   * and one chunk of 0 pages for pfn 0x150200: an empty mask, -EINVAL without any WARN.
   */
  it('v5.3 (inside the v5.3 – v5.5 column): section-aligned pfn OK; other sub-section-aligned pfn E:-EINVAL (no WARN)', () => {
    const { p, s0 } = boot('5.3');
    const [r1, r2] = runAll(p, s0, [__addPages(secPfn(41), 0), __addPages(subPfn(42, 1), 0)]);
    expect(r1!.outcome.ret).toBe(0);
    expect(r1!.state).toBe(s0);
    expect(r2!.outcome.ret).toBe(-22);
    expect(r2!.outcome.resources.map((e) => e.kind)).toEqual(['usage-alloc', 'usage-free']);
    for (const r of [r1!, r2!]) {
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.state.roots).toStrictEqual(s0.roots);
    }
    expect(sectionView(p, r2!.state, 42)).toEqual(ZERO_VIEW);
  });

  /*
   * section 41 (pfn 0x148000)  |................................................................|  1. pfn 0x148000, nr 0
   * section 42 (pfn 0x150000)  |................................................................|  2. pfn 0x150200, nr 0
   *
   * Expect the v5.5 loop rewrite ("for pfn < end_pfn") to run no iteration either way: 0, no
   * patch.
   */
  it('v5.5 (end of the v5.3 – v5.5 column): OK — the rewritten loop does not run', () => {
    const { p, s0 } = boot('5.5');
    const [r1, r2] = runAll(p, s0, [__addPages(secPfn(41), 0), __addPages(subPfn(42, 1), 0)]);
    for (const r of [r1!, r2!]) {
      expect(r.outcome.ret).toBe(0);
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.patches).toEqual([]);
    }
    expect(r2!.state).toBe(s0);
  });

  const RUNS = LATE_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 41 (pfn 0x148000)  |................................................................|  1. pfn 0x148000, nr 0
     * section 42 (pfn 0x150000)  |................................................................|  2. pfn 0x150200, nr 0
     *
     * Expect no section touched and an 'undefined' hazard each time: from v6.0 `err` is never
     * assigned when the loop does not run, the return value is stack garbage (memhp shows 0).
     * The table's column is coarser: 5.6 – 5.19 return a defined 0.
     */
    it(`${column} (${kernel}): err never assigned → undefined return (stack garbage)`, () => {
      const { p, s0 } = boot(kernel);
      const [r1, r2] = runAll(p, s0, [__addPages(secPfn(41), 0), __addPages(subPfn(42, 1), 0)]);
      for (const r of [r1!, r2!]) {
        expect(r.outcome.ret).toBe(0);
        expect(r.outcome.warnings).toEqual([]);
        expect(hazardsOf(r)).toEqual(['-:undefined']);
        expect(r.outcome.hazards[0]!.text).toMatch(/err is never assigned: the return value is stack garbage/);
        expect(r.patches).toEqual([]);
      }
      expect(r2!.state).toBe(s0);
    });
  }
});

describe('row 28: root allocation fails at hot-add', () => {
  const RUNS = ALL_COLUMNS;
  for (const [column, kernel] of RUNS) {
    /*
     * section 128 (pfn 0x400000, 16 GiB): root 1 (sections 128-255) does not exist yet
     * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
     *  ^ pfn 0x400000, nr_pages 0x8000: the root's kzalloc fails (-ENOMEM injected)
     *
     * Expect -ENOMEM from sparse_index_init with add_pages' WARN_ON_ONCE, and still only root 0.
     */
    it(`${column} (${kernel}): E:-ENOMEM, no root created`, () => {
      const { p, s0 } = boot(kernel);
      const r = run(p, s0, addPages(secPfn(128), 0x8000), [{ kind: 'root', nth: 1 }]);
      expect(r.outcome.ret).toBe(-12);
      expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
      expect(hazardsOf(r)).toEqual([]);
      expect(r.outcome.resources).toEqual([]);
      expect(Object.keys(r.state.roots)).toEqual(['0']);
      expect(getSection(p, r.state, 128)).toBeUndefined();
      expect(sectionView(p, r.state, 128)).toEqual(ZERO_VIEW);
    });
  }
});
