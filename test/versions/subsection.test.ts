/**
 * SUBSECTION — ba72b4c8cf60 "mm/sparsemem: support sub-section hotplug" and its series, the seed
 * of v5.3 (kernel-semantics.md §3 rows v5.2 and v5.3, §4 v5.2 column). v5.2 adds and
 * removes whole sections only: __add_pages() widens any range to its sections, __add_section()
 * returns -EEXIST for a section whose start pfn is valid and __add_pages() swallows it ("finally
 * dealt with by ioresource collision check"); __remove_pages() BUG_ONs on a range that is not whole
 * sections. v5.3 keeps a sub-section bitmap, adds sub-sections into a boot section's holes (reusing
 * its boot memmap), propagates -EEXIST, and replaces the BUG_ONs with check_pfn_span()'s
 * WARN + -EINVAL. Boot sections get SECTION_IS_EARLY (new in v5.3).
 *
 * Boot RAM 0x100000000-0x143ffffff: sections 32-39 full, section 40 with RAM in its lower 64 MiB.
 */
import { describe, expect, it } from 'vitest';
import { ERRNO } from '../../kernel/index.js';
import { BOOT_FLAGS, F, SECTION, SEC40_BOOT_MAP, W_ADD_PAGES, __addPages, addPages, hazardsOf, mapOf, removePages, secPfn, wMisaligned } from '../helpers/model.js';
import { across, expectBoundary, fieldsOf } from './boundary.js';

/** A v5.2 boot section: PRESENT | HAS_MEM_MAP | ONLINE, no EARLY flag. */
const V5_2_BOOT_FLAGS = F.PRESENT | F.HAS_MEM_MAP | F.ONLINE;
/** memhp shows a v5.2 valid section (no subsection_map in v5.2) as wholly active. */
const ALL = mapOf([0, 63]);

describe('SUBSECTION: sub-section hotplug (v5.3)', () => {
  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.+++++++........................|
   *                                   ^ add_pages(pfn 0x144200, nr_pages 0xe00)
   * v5.2: widened to section 40, which is valid: -EEXIST swallowed, 0, nothing added.
   * v5.3: 0, sub-sections 33-39 active, boot memmap reused, EARLY and ONLINE kept.
   */
  it('5.2 → 5.3: a sub-section add into a section shared with boot RAM adds nothing (-EEXIST swallowed) / sets its bits', () => {
    expectBoundary('5.2', '5.3', ['SUBSECTION']);
    const { before, after } = across('5.2', '5.3', [addPages(0x144200, 0xe00)]);

    expect(fieldsOf(before.p, before.boot, 40)).toMatchObject({ flags: V5_2_BOOT_FLAGS, usage: 'boot', subsectionMap: [ALL] });
    expect(fieldsOf(after.p, after.boot, 40)).toMatchObject({ flags: BOOT_FLAGS, usage: 'boot', subsectionMap: [SEC40_BOOT_MAP] });

    const b = before.results[0]!;
    expect(b.outcome.ret).toBe(0);
    expect(b.outcome.warnings).toEqual([]);
    expect(b.outcome.hazards).toEqual([]);
    expect(b.outcome.resources).toEqual([]);
    expect(b.outcome.path).toMatch(/__add_section\(40\): .*-EEXIST \(swallowed by __add_pages\)$/);
    expect(b.state).toBe(before.boot);

    const a = after.results[0]!;
    expect(a.outcome.ret).toBe(0);
    expect(a.outcome.warnings).toEqual([]);
    expect(a.outcome.hazards).toEqual([]);
    expect(a.outcome.resources).toEqual([]);
    expect(fieldsOf(after.p, a.state, 40)).toMatchObject({ flags: BOOT_FLAGS, usage: 'boot', subsectionMap: [mapOf([0, 31], [33, 39])], memmap: 'B'.repeat(64), machine: 'early.grown' });
  });

  /*
   * section 32 (pfn 0x100000), all boot RAM
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR|  add the whole section again
   * v5.2: -EEXIST swallowed: 0 from add_pages and from __add_pages, no WARN.
   * v5.3: -EEXIST from section_activate, returned; add_pages() WARN_ON_ONCE(ret).
   */
  it('5.2 → 5.3: adding an active whole section again returns 0 (-EEXIST swallowed) / -EEXIST', () => {
    const { before, after } = across('5.2', '5.3', [addPages(secPfn(32), SECTION), __addPages(secPfn(32), SECTION)]);

    for (const r of before.results) {
      expect(r.outcome.ret).toBe(0);
      expect(r.outcome.warnings).toEqual([]);
      expect(r.outcome.hazards).toEqual([]);
      expect(r.outcome.notes).toEqual(['section 32 (pfn 0x100000) is already valid: -EEXIST, swallowed by __add_pages']);
    }
    expect(before.last).toBe(before.boot);

    const [viaArch, direct] = after.results;
    expect(viaArch!.outcome.ret).toBe(-ERRNO.EEXIST);
    expect(viaArch!.outcome.warnings).toEqual([W_ADD_PAGES]);
    expect(viaArch!.outcome.path).toMatch(/sparse_add_section\(32\) → section_activate: sub-sections already active: -EEXIST$/);
    expect(direct!.outcome.ret).toBe(-ERRNO.EEXIST);
    expect(direct!.outcome.warnings).toEqual([]);
    for (const r of [viaArch!, direct!]) expect(r.outcome.hazards).toEqual([]);
    expect(after.last.roots).toStrictEqual(after.boot.roots);
  });

  /*
   * __remove_pages(pfn 0x144001, nr_pages 0x1000): neither section nor sub-section aligned.
   * v5.2: BUG_ON(phys_start_pfn & ~PAGE_SECTION_MASK) — a kernel BUG (crash hazard).
   * v5.3: WARN "Misaligned __remove_pages start: 0x144001 end: #145000", nothing removed.
   */
  it('5.2 → 5.3: a misaligned remove is a kernel BUG (crash hazard) / a WARN', () => {
    const { before, after } = across('5.2', '5.3', [removePages(0x144001, 0x1000)]);

    const b = before.results[0]!;
    expect(b.outcome.ret).toBeNull();
    expect(b.outcome.warnings).toEqual([]);
    expect(hazardsOf(b)).toEqual(['-:crash']);
    expect(b.outcome.hazards[0]!.text).toMatch(/^kernel BUG at mm\/memory_hotplug\.c in __remove_pages: BUG_ON\(phys_start_pfn & ~PAGE_SECTION_MASK\)/);
    expect(b.state).toBe(before.boot);

    const a = after.results[0]!;
    expect(a.outcome.ret).toBeNull();
    expect(a.outcome.warnings).toEqual([wMisaligned('remove', 'Misaligned __remove_pages start: 0x144001 end: #145000')]);
    expect(a.outcome.hazards).toEqual([]);
    expect(a.state.roots).toStrictEqual(after.boot.roots);
  });
});
