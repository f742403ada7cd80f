/**
 * pfn_valid() / pfn_section_valid() (include/linux/mmzone.h, v5.3, f46edbd1b151) and
 * pfn_to_online_page() (include/linux/memory_hotplug.h, v5.3 macro): outcome-table rows 23, 25,
 * 26 and 27 of kernel-semantics.md §4.
 *
 * Pictures: one character per sub-section (2 MiB = 512 pfns), 64 per 128 MiB section:
 *   R active boot RAM    H active hot-added    . inactive (hole, never added)
 *   - what the call removes    ^ the pfn queried
 * Boot layout: RAM 0x100000000-0x143ffffff, i.e. sections 32-39 full and section 40 (pfn 0x140000)
 * early with sub-sections 0-31.
 */
import { expect, it } from 'vitest';
import type { KernelState, Profile } from '../kernel/index.js';
import type { StepResult } from '../model/index.js';
import { F, HOT_FLAGS, addPages, bootModel, cells, forEachProfile, hazardsOf, mapOf, onlineSections, pfnToOnlinePage, pfnValid, removePages, run, runAll, secPfn, sectionView, subPfn, view } from './helpers/model.js';

/** Run a query and check it is one: no return code, no warning, no state change. */
function query(p: Profile, s: KernelState, op: Parameters<typeof run>[2]): StepResult {
  const r = run(p, s, op);
  expect(r.outcome.ret).toBeNull();
  expect(r.outcome.warnings).toEqual([]);
  expect(r.patches).toEqual([]);
  expect(r.state).toStrictEqual(s);
  return r;
}

forEachProfile(['5.3'], (p) => {
  /*
   * section 41 (pfn 0x148000), sub-section 0 hot-added
   * |-...............................................................|
   *  ^ pfn 0x148000, nr_pages 0x200: the last active sub-section
   *
   * Expect the step that frees the usage to report the F14 race (usage kfree'd without RCU while a
   * pfn_valid() that already passed valid_section() may read usage->subsection_map), fixed by
   * 5ec8e8ea8b77; afterwards pfn_valid() sees an invalid section and answers false.
   */
  it('row 23: freeing a hot-added section\'s usage is reported as the F14 pfn_valid race', () => {
    const s0 = bootModel(p);
    const [, r] = runAll(p, s0, [addPages(secPfn(41), 0x200), removePages(secPfn(41), 0x200)]);
    expect(r?.outcome.ret).toBeNull();
    expect(r?.outcome.warnings).toEqual([]);
    expect(hazardsOf(r!)).toEqual(['F14:race']);
    expect(r?.outcome.hazards[0]?.text).toMatch(/section\(s\) 41 .*pfn_valid/);
    expect(r?.outcome.hazards[0]?.fixedBy).toMatch(/5ec8e8ea8b77/);
    expect(query(p, r!.state, pfnValid(secPfn(41))).outcome.value).toBe(false);
  });

  /*
   * section 41 (pfn 0x148000), sub-sections 0-1 hot-added     section 39, all boot RAM
   * |-H..............................................................|   |------ … ------|
   *
   * Expect no F14 hazard when the usage survives: a partial removal (the map does not empty) and
   * the full removal of an early section (the boot usage is kept).
   */
  it('row 23: removals that keep the usage report no F14 race', () => {
    const s0 = bootModel(p);
    const [, partial, early] = runAll(p, s0, [addPages(secPfn(41), 0x400), removePages(secPfn(41), 0x200), removePages(secPfn(39), 0x8000)]);
    expect(hazardsOf(partial!)).toEqual([]);
    expect(hazardsOf(early!)).toEqual([]);
  });

  /*
   * section 40 (pfn 0x140000)
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR................................|
   *  ^ 0x140000                      ^ 0x144000 (hole)  0x147fff (last pfn, hole) ^
   *
   * Expect pfn_valid() true for the boot RAM and for every hole pfn: an early section is valid
   * over its whole span, whatever its subsection_map says.
   */
  it('row 25: pfn_valid is true on the hole sub-sections of an early section', () => {
    const s0 = bootModel(p);
    expect(query(p, s0, pfnValid(secPfn(40))).outcome.value).toBe(true);
    expect(query(p, s0, pfnValid(subPfn(40, 32))).outcome.value).toBe(true);
    expect(query(p, s0, pfnValid(secPfn(41) - 1)).outcome.value).toBe(true);
    expect(query(p, s0, pfnValid(secPfn(41))).outcome.value).toBe(false);
  });

  /*
   * section 41 (pfn 0x148000), sub-sections 0-3 hot-added
   * |HHHH............................................................|
   *  ^ 0x148000  ^ 0x1487ff (last active pfn)  ^ 0x148800 (sub-section 4)
   *
   * Expect pfn_valid() true inside the active sub-sections and false from sub-section 4 on.
   */
  it('row 26: pfn_valid is false on an inactive sub-section of a hot-added section', () => {
    const s0 = bootModel(p);
    const a = run(p, s0, addPages(secPfn(41), 0x800));
    expect(query(p, a.state, pfnValid(secPfn(41))).outcome.value).toBe(true);
    expect(query(p, a.state, pfnValid(subPfn(41, 4) - 1)).outcome.value).toBe(true);
    expect(query(p, a.state, pfnValid(subPfn(41, 4))).outcome.value).toBe(false);
    expect(query(p, a.state, pfnValid(subPfn(41, 63))).outcome.value).toBe(false);
  });

  /*
   * section 41 (pfn 0x148000), sub-sections 0-3 hot-added, then the section onlined
   * |HHHH............................................................|
   *  ^ 0x148000 (active)  ^ 0x149000 (sub-section 8, inactive, no memmap)
   *
   * Expect pfn_to_online_page() NULL before onlining, then a page for both pfns: the v5.3 macro
   * checks only the section's ONLINE bit — a wrong result for the inactive pfn, whose struct page
   * is not even mapped (v5.12 "mm: teach pfn_to_online_page() to consider subsection validity").
   */
  it('row 27: pfn_to_online_page returns a page for an inactive sub-section of an online section', () => {
    const s0 = bootModel(p);
    const a = run(p, s0, addPages(secPfn(41), 0x800));
    expect(query(p, a.state, pfnToOnlinePage(secPfn(41))).outcome.value).toBe(false);
    const o = run(p, a.state, onlineSections(secPfn(41), secPfn(42)));
    expect(sectionView(p, o.state, 41)).toEqual(
      view({ flags: HOT_FLAGS | F.ONLINE, map: 'vmemmap', usage: 'slab', subsectionMap: mapOf([0, 3]), machine: 'partial', memmap: cells('v', 4, '.', 60) }),
    );
    const good = query(p, o.state, pfnToOnlinePage(secPfn(41)));
    expect(good.outcome.value).toBe(true);
    expect(hazardsOf(good)).toEqual([]);
    const wrong = query(p, o.state, pfnToOnlinePage(subPfn(41, 8)));
    expect(wrong.outcome.value).toBe(true);
    expect(hazardsOf(wrong)).toEqual(['-:wrong-result', '-:crash']);
    expect(wrong.outcome.hazards[0]?.fixedBy).toMatch(/v5\.12/);
  });

  /*
   * section 40 (pfn 0x140000), online since boot, a devdax range hot-added in its hole
   * |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.HHHHHHH........................|
   *                                   ^ 0x144200 (ZONE_DEVICE)       ^ 0x145000 (hole)
   *
   * Expect pfn_to_online_page() to return a page for the ZONE_DEVICE pfn and for the hole pfn
   * alike (both wrong: v5.12+ returns NULL — the taint check / pfn_section_valid). memhp does not
   * record which sub-sections are ZONE_DEVICE, so only the value is asserted here.
   */
  it('row 27: pfn_to_online_page returns a page for ZONE_DEVICE and hole pfns of an online early section', () => {
    const s0 = bootModel(p);
    const a = run(p, s0, addPages(0x144200, 0xe00));
    expect(query(p, a.state, pfnToOnlinePage(0x144200)).outcome.value).toBe(true);
    expect(query(p, a.state, pfnToOnlinePage(0x145000)).outcome.value).toBe(true);
  });
});
