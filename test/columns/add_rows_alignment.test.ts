/**
 * Outcome table of kernel-semantics.md §4, hot-add rows that check the range (1, 2, 4):
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
import type { KernelState, Profile } from '../../kernel/index.js';
import { oopsOf } from '../../model/oops.js';
import type { Operation } from '../../kernel/index.js';
import { bootModel } from '../helpers/model.js';
import { parseScenario } from '../../inputs/index.js';
import { HOT_FLAGS, W_ADD_PAGES, W_INVALID_ALTMAP, ZERO_VIEW, __addPages, addPages, hazardsOf, mapOf, run, runAll, secPfn, sectionView, subPfn, view } from '../helpers/model.js';
import { ALL, boot, misaligned } from './columns.js';

/** A whole hot-added section with a PMD-mapped memmap, not onlined. */
const FULL_HOT = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: ALL, machine: 'full-hotplug', memmap: 'V'.repeat(64) });

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
