/**
 * __add_pages() (mm/memory_hotplug.c, v5.3) and the x86_64 arch wrapper add_pages()
 * (arch/x86/mm/init_64.c): outcome-table rows 1, 2 and 4 (the range checked) of kernel-semantics.md §4.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    x what the call adds over an active sub-section
 *   ^ the pfn named under it
 * Boot layout unless said otherwise: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and
 * section 40 (pfn 0x140000) early with sub-sections 0-31.
 */
import { expect, it } from 'vitest';
import { parseScenario } from '../inputs/index.js';
import { HOT_FLAGS, SEC40_BOOT, W_ADD_PAGES, W_INVALID_ALTMAP, ZERO_VIEW, __addPages, addPages, bootModel, forEachProfile, hazardsOf, run, runAll, secPfn, sectionView, subPfn, view, wMisaligned } from './helpers/model.js';

/** Section 41, whole, hot-added with a PMD-mapped memmap and not yet onlined. */
const SEC41_FULL = view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: '0xffffffffffffffff', machine: 'full-hotplug', memmap: 'V'.repeat(64) });

forEachProfile(['5.3'], (p) => {
  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.+++++++........................|
   *                                   ^ pfn 0x144201 (one pfn past a sub-section start), nr_pages 0xe00
   *
   * Expect check_pfn_span to WARN "Misaligned __add_pages start: 0x144201 end: #145000" and return
   * -EINVAL before any section is touched; add_pages adds its WARN_ON_ONCE the first time only,
   * while the check_pfn_span WARN repeats on the identical second call.
   */
  it('row 1: a misaligned start WARNs "Misaligned __add_pages" and returns -EINVAL with nothing added', () => {
    const s0 = bootModel(p);
    const [r1, r2] = runAll(p, s0, [addPages(0x144201, 0xe00), addPages(0x144201, 0xe00)]);
    const warn = wMisaligned('add', 'Misaligned __add_pages start: 0x144201 end: #145000');
    expect(r1?.outcome.ret).toBe(-22);
    expect(r1?.outcome.warnings).toEqual([warn, W_ADD_PAGES]);
    expect(r1?.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r1!.state, 40)).toEqual(SEC40_BOOT);
    expect(r1?.outcome.sections).toEqual([]);
    expect(hazardsOf(r1!)).toEqual([]);
    expect(r2?.outcome.ret).toBe(-22);
    expect(r2?.outcome.warnings).toEqual([warn]);
    expect(r2?.state.roots).toStrictEqual(s0.roots);
  });

  /*
   * section 41 (pfn 0x148000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x148000, nr_pages 0x7fff (one pfn short of a whole section)
   *
   * Expect the misaligned size to WARN with the inclusive end "#14fffe" and return -EINVAL; called
   * as __add_pages directly there is no add_pages WARN_ON_ONCE.
   */
  it('row 1: a misaligned size WARNs with the end "#14fffe" and returns -EINVAL', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, __addPages(secPfn(41), 0x7fff));
    expect(r.outcome.ret).toBe(-22);
    expect(r.outcome.warnings).toEqual([wMisaligned('add', 'Misaligned __add_pages start: 0x148000 end: #14fffe')]);
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r.state, 41)).toEqual(ZERO_VIEW);
  });

  /*
   * section 41 (pfn 0x148000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x148000, altmap base_pfn 0x148200 (not the start of the range)
   *
   * Expect pr_warn_once "memory add fail, invalid altmap" and -EINVAL with nothing added; a second
   * invalid altmap in the same run prints nothing at all (pr_warn_once and add_pages' WARN_ON_ONCE
   * have both fired).
   */
  it('row 2: an altmap whose base_pfn is not the start pfn gives "memory add fail, invalid altmap" once and -EINVAL', () => {
    const s0 = bootModel(p);
    const bad = { base_pfn: subPfn(41, 1), free: 0x200 };
    const [r1, r2] = runAll(p, s0, [addPages(secPfn(41), 0x8000, bad), addPages(secPfn(41), 0x8000, bad)]);
    expect(r1?.outcome.ret).toBe(-22);
    expect(r1?.outcome.warnings).toEqual([W_INVALID_ALTMAP, W_ADD_PAGES]);
    expect(r1?.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r1!.state, 41)).toEqual(ZERO_VIEW);
    expect(r2?.outcome.ret).toBe(-22);
    expect(r2?.outcome.warnings).toEqual([]);
    expect(r2?.state.roots).toStrictEqual(s0.roots);
  });

  /*
   * section 41 (pfn 0x148000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0x148000, nr_pages 0x8000, altmap reserve 0x10 + free 0x8000 = 0x8010 > nr_pages
   *
   * Expect vmem_altmap_offset() > nr_pages to be refused like a wrong base: pr_warn_once, -EINVAL,
   * nothing added; the same call with a fitting altmap (free 0x200) then succeeds and maps the
   * section's memmap with a PMD taken from the altmap.
   */
  it('row 2: an altmap offset larger than nr_pages is refused with -EINVAL; a fitting altmap maps the memmap from it', () => {
    const s0 = bootModel(p);
    const r1 = run(p, s0, addPages(secPfn(41), 0x8000, { base_pfn: secPfn(41), free: 0x8000, reserve: 0x10 }));
    expect(r1.outcome.ret).toBe(-22);
    expect(r1.outcome.warnings).toEqual([W_INVALID_ALTMAP, W_ADD_PAGES]);
    expect(r1.state.roots).toStrictEqual(s0.roots);
    const r2 = run(p, r1.state, addPages(secPfn(41), 0x8000, { base_pfn: secPfn(41), free: 0x200 }));
    expect(r2.outcome.ret).toBe(0);
    expect(r2.outcome.warnings).toEqual([]);
    expect(sectionView(p, r2.state, 41)).toEqual({ ...SEC41_FULL, memmap: 'A'.repeat(64) });
  });

  /*
   * last section below 2^46 (section 0x7ffff, pfn 0x3ffff8000)      beyond MAX_PHYSMEM_BITS
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|++++ …
   *                                                    pfn 0x400000000 ^ (MAX_PFN)
   *
   * v5.3 has no addressability check (v5.4 added a WARN + -E2BIG): __nr_to_section() returns NULL
   * for root 4096 = NR_SECTION_ROOTS and section_activate() reads ms->usage through it. Expect
   * memhp to parse such a call (only a range past the 64-bit physical address space is refused),
   * to model the oops, and to accept and model the last addressable section.
   */
  it('row 4: a pfn beyond MAX_PHYSMEM_BITS oopses in sparse_add_section; past 2^64 bytes is refused at parse time; the last section below it is added', () => {
    const parse = (op: string): ReturnType<typeof parseScenario> => parseScenario(`ram 0x100000000-0x143ffffff\n${op}\n`, 'row4.scn', { geometry: p.geometry });
    const beyondStart = parse('add_pages pfn=0x400008000 nr_pages=0x8000');
    expect(beyondStart.ok).toBe(true);
    if (!beyondStart.ok) return;
    const crashed = run(p, bootModel(p), beyondStart.value.steps[0]!.op);
    expect(crashed.outcome.path).toBe('add_pages → __add_pages → sparse_add_section(524289): BUG: kernel NULL pointer dereference, address: 0000000000000008 (RIP: sparse_add_section)');
    const past64 = parse('__add_pages pfn=0xffffffffffff8 nr_pages=0x8000');
    expect(past64).toEqual({
      ok: false,
      errors: [
        {
          code: 'E_RANGE',
          file: 'row4.scn',
          line: 2,
          message: 'pfn=0xffffffffffff8 + nr_pages=0x8000 = 0x10000000007ff8 is past the end of the 64-bit physical address space (PFN_PHYS() overflows from pfn 0x10000000000000)',
        },
      ],
    });
    const bytes = parse('add 0xfffffffff8000000 256M');
    expect(bytes.ok).toBe(false);
    if (!bytes.ok) expect(bytes.errors[0]?.message).toMatch(/0xfffffffff8000000 \+ 256M overflows 64 bits/);
    const query = parse('pfn_valid pfn=0x400000001');
    expect(query.ok).toBe(true);

    const last = parse('add_pages pfn=0x3ffff8000 nr_pages=0x8000');
    expect(last.ok).toBe(true);
    if (!last.ok) return;
    const op = last.value.steps[0]?.op;
    expect(op).toEqual({ kind: 'add_pages', nid: 0, pfn: 0x3ffff8000, nr_pages: 0x8000, altmap: null });
    const s0 = bootModel(p);
    const r = run(p, s0, op!);
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(Object.keys(r.state.roots).sort()).toEqual(['0', String(Math.floor(0x7ffff / 128))]);
    expect(sectionView(p, r.state, 0x7ffff)).toEqual({ ...SEC41_FULL });
  });
});
