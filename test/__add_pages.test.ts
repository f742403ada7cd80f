/**
 * __add_pages() (mm/memory_hotplug.c, v5.3) and the x86_64 arch wrapper add_pages()
 * (arch/x86/mm/init_64.c): outcome-table rows 1, 2, 4, 5, 6, 7 and 12 of kernel-semantics.md §4.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   + what the call adds    x what the call adds over an active sub-section
 *   ^ the pfn named under it
 * Boot layout unless said otherwise: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and
 * section 40 (pfn 0x140000) early with sub-sections 0-31.
 */
import { expect, it } from 'vitest';
import { getSection, step } from '../model/index.js';
import { parseScenario } from '../inputs/index.js';
import { FULL_BOOT, HOT_FLAGS, SEC40_BOOT, W_ADD_PAGES, W_INVALID_ALTMAP, ZERO_VIEW, __addPages, addPages, bootModel, cells, checkFourWays, forEachProfile, hazardsOf, mapOf, run, runAll, secPfn, sectionView, subPfn, view, wMisaligned } from './helpers/model.js';

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

  /*
   * section 39 (pfn 0x138000)
   * |xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|
   *  ^ pfn 0x138000, nr_pages 0x8000 over a section that is all boot RAM
   *
   * Expect -EEXIST from section_activate (no longer swallowed as in v5.2) and the section unchanged.
   */
  it('row 5: adding a whole section that boot already fully activated returns -EEXIST and changes nothing', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, addPages(secPfn(39), 0x8000));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r.state, 39)).toEqual(FULL_BOOT);
    expect(r.outcome.resources).toEqual([]);
    expect(hazardsOf(r)).toEqual([]);
  });

  /*
   * section 41 (pfn 0x148000), after a first whole-section hot-add
   * |xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|
   *  ^ pfn 0x148000, nr_pages 0x8000, added twice more
   *
   * Expect the second add to return -EEXIST with add_pages' WARN_ON_ONCE, the third -EEXIST
   * silently, and section 41 to stay fully hot-added with its first memmap.
   */
  it('row 5: re-adding a fully hot-added section returns -EEXIST; add_pages WARNs only the first time', () => {
    const s0 = bootModel(p);
    const [r1, r2, r3] = runAll(p, s0, [addPages(secPfn(41), 0x8000), addPages(secPfn(41), 0x8000), addPages(secPfn(41), 0x8000)]);
    expect(r1?.outcome.ret).toBe(0);
    expect(sectionView(p, r1!.state, 41)).toEqual(SEC41_FULL);
    expect(r2?.outcome.ret).toBe(-17);
    expect(r2?.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(r2?.state.roots).toStrictEqual(r1?.state.roots);
    expect(r3?.outcome.ret).toBe(-17);
    expect(r3?.outcome.warnings).toEqual([]);
    expect(sectionView(p, r3!.state, 41)).toEqual(SEC41_FULL);
  });

  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRx+...............................|
   *                                ^ pfn 0x143e00, nr_pages 0x400 (sub-sections 31-32)
   *
   * Expect -EEXIST because sub-section 31 is boot RAM, and no bit of the call (not even 32) set.
   */
  it('row 6: adding sub-sections that overlap an active one returns -EEXIST and sets none of them', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, addPages(subPfn(40, 31), 0x400));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r.state, 40)).toEqual(SEC40_BOOT);
  });

  /*
   * section 41 (pfn 0x148000)                                          section 42 (pfn 0x150000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|x...............................................................|
   *  ^ pfn 0x148000, nr_pages 0x8200                                  ^ sub-section 0 already hot-added
   *
   * Expect the first chunk (section 41) to be added, the second to fail with -EEXIST, the loop to
   * stop there and section 41 to stay added (no rollback).
   */
  it('row 6: a multi-section add stops at the section whose sub-sections are active; the earlier section stays added', () => {
    const s0 = bootModel(p);
    const r0 = run(p, s0, addPages(secPfn(42), 0x200));
    expect(r0.outcome.ret).toBe(0);
    const sec42 = sectionView(p, r0.state, 42);
    expect(sec42).toEqual(view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([0, 0]), machine: 'partial', memmap: cells('v', 1, '.', 63) }));
    const r = run(p, r0.state, addPages(secPfn(41), 0x8200));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(sectionView(p, r.state, 41)).toEqual(SEC41_FULL);
    expect(sectionView(p, r.state, 42)).toEqual(sec42);
    expect(r.outcome.sections).toEqual([
      { nr: 41, before: 'absent.never', after: 'full-hotplug' },
      { nr: 42, before: 'partial', after: 'partial' },
    ]);
  });

  /*
   * section 41 (pfn 0x148000)                                          section 42 (pfn 0x150000)
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|++++++++++++++++................................................|
   *  ^ pfn 0x148000, nr_pages 0xa000: the second vmemmap_populate fails (-ENOMEM injected)
   *
   * Expect section 41 to stay added, section 42 to be rolled back by section_deactivate (usage
   * freed, word ENCODED_NULL) and -ENOMEM returned with add_pages' WARN_ON_ONCE: no caller undoes
   * section 41.
   */
  it('row 7: a failure in a later section of a multi-section add returns its error; earlier sections stay added', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, addPages(secPfn(41), 0xa000), [{ kind: 'memmap', nth: 2 }]);
    expect(r.outcome.ret).toBe(-12);
    expect(r.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(sectionView(p, r.state, 41)).toEqual(SEC41_FULL);
    expect(sectionView(p, r.state, 42)).toEqual(
      view({ flags: 0, map: 'encoded_null', usage: 'none', subsectionMap: mapOf(), machine: 'absent.deactivated', memmap: '.'.repeat(64) }),
    );
    expect(r.state.highestPresentSectionNr).toBe(41);
  });

  /*
   * section 41 (pfn 0x148000)
   * |................................................................|
   *  ^ pfn 0x148000, nr_pages 0: end_sec = section(0x147fff) = 40 < start_sec 41
   *
   * Expect 0 with no section touched (the v5.3 loop does not run) and no patches.
   */
  it('row 12: nr_pages 0 at a section-aligned pfn returns 0 and touches nothing', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, __addPages(secPfn(41), 0));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.patches).toEqual([]);
    expect(r.state).toBe(s0);
  });

  /*
   * section 41 (pfn 0x148000)
   * |................................................................|
   *   ^ pfn 0x148200, nr_pages 0: one iteration with a chunk of 0 pages, empty sub-section mask
   *
   * Expect -EINVAL from section_activate (no "Misaligned" WARN: 0 is aligned), the usage it
   * allocated freed again and section 41 left as it was; through add_pages, its WARN_ON_ONCE.
   */
  it('row 12: nr_pages 0 at a sub-section-aligned pfn returns -EINVAL without the Misaligned WARN', () => {
    const s0 = bootModel(p);
    const r1 = run(p, s0, __addPages(subPfn(41, 1), 0));
    expect(r1.outcome.ret).toBe(-22);
    expect(r1.outcome.warnings).toEqual([]);
    expect(r1.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r1.state, 41)).toEqual(ZERO_VIEW);
    expect(r1.outcome.resources.map((e) => e.kind)).toEqual(['usage-alloc', 'usage-free']);
    const r2 = run(p, r1.state, addPages(subPfn(41, 1), 0));
    expect(r2.outcome.ret).toBe(-22);
    expect(r2.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(r2.state.roots).toStrictEqual(s0.roots);
  });

  /*
   * section 0 (pfn 0), boot RAM 0x1000-0x9ffff
   * |R...............................................................|
   *  ^ pfn 0, nr_pages 0: end_sec = section(ULONG_MAX) wraps; the first chunk's mask is all 64 bits
   *
   * Expect -EEXIST from the first iteration (sub-section 0 is boot RAM) and nothing changed.
   */
  it('row 12: nr_pages 0 at pfn 0 returns -EEXIST when section 0 has boot RAM', () => {
    const s0 = bootModel(p, [{ startPfn: 0x1, endPfn: 0xa0, nid: 0 }]);
    const r = run(p, s0, __addPages(0, 0));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.state.roots).toStrictEqual(s0.roots);
    expect(sectionView(p, r.state, 0)).toEqual(view({ ...FULL_BOOT, subsectionMap: mapOf([0, 0]), memmap: 'B'.repeat(64) }));
  });

  /*
   * section 0 (pfn 0), no boot RAM below 4 GiB
   * |++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++|
   *  ^ pfn 0, nr_pages 0: iteration 1 adds all 64 bits with an empty memmap, iteration 2 (pfn
   *    still 0, chunk 0) collides with them
   *
   * Expect -EEXIST, yet section 0 left fully active with no memmap at all (derived from the v5.3
   * loop: pfn += 0, nr_pages -= 0, the next iteration repeats sparse_add_section(nid, 0, 0)).
   */
  it('row 12: nr_pages 0 at pfn 0 on an empty section 0 activates all of it without a memmap, then returns -EEXIST', () => {
    const s0 = bootModel(p);
    const r = run(p, s0, __addPages(0, 0));
    expect(r.outcome.ret).toBe(-17);
    expect(r.outcome.warnings).toEqual([]);
    expect(sectionView(p, r.state, 0)).toEqual(
      view({ flags: HOT_FLAGS, map: 'vmemmap', usage: 'slab', subsectionMap: '0xffffffffffffffff', machine: 'full-hotplug', memmap: '.'.repeat(64) }),
    );
    expect(getSection(p, r.state, 1)).toBeUndefined();
  });

  /* The model is pure: stepping the same state twice gives equal results, and the input is not mutated. */
  it('an add step is a pure function of (profile, state, op)', () => {
    const s0 = bootModel(p);
    const snapshot = structuredClone(s0);
    const a = step(p, s0, addPages(0x144200, 0xe00));
    const b = step(p, s0, addPages(0x144200, 0xe00));
    checkFourWays(a, s0);
    expect(a.state).toStrictEqual(b.state);
    expect(a.outcome).toStrictEqual(b.outcome);
    expect(s0).toStrictEqual(snapshot);
  });
});
