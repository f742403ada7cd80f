/**
 * ZONE_DEVICE next to System RAM in one section (kernel-semantics.md §2.11 "TAINT", §4 row 27):
 * move_pfn_range_to_zone(ZONE_DEVICE) taints the sections at unaligned ends from v5.12, and
 * pfn_to_online_page() then asks get_dev_pagemap() for pfns of a tainted online section.
 */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../kernel/operation.js';
import { bootState, getSection, step } from '../model/index.js';
import { createProfile, SECTION_TAINT_ZONE_DEVICE } from '../kernel/index.js';
import type { KernelState, Profile } from '../kernel/index.js';
import type { StepResult } from '../model/index.js';
import { applyPatches } from '../log/index.js';

/** Boot RAM 0x100000000-0x143ffffff: section 40 holds RAM in sub-sections 0-31. */
function boot(kernel: string, config: object = {}): { p: Profile; s: KernelState } {
  const p = createProfile({ kernel, config });
  return { p, s: bootState(p, { ranges: [{ startPfn: 0x100000, endPfn: 0x144000, nid: 0 }], iomem: [], source: { file: 't', line: 1 } }).state };
}
/** Run ops, checking each step's patches and inverse patches. */
function run(p: Profile, s: KernelState, ops: Operation[]): StepResult[] {
  const out: StepResult[] = [];
  for (const op of ops) {
    const r = step(p, s, op);
    expect(applyPatches(s, r.patches)).toEqual(r.state);
    expect(applyPatches(r.state, r.inversePatches)).toEqual(s);
    out.push(r);
    s = r.state;
  }
  return out;
}
/** devdax at 0x144200000 + 14 MiB in the hole of section 40: hot-add, then move to ZONE_DEVICE. */
const DEVICE: Operation[] = [
  { kind: 'add_pages', nid: 0, pfn: 0x144200, nr_pages: 0xe00, altmap: null },
  { kind: 'move_pfn_range_to_zone', pfn: 0x144200, nr_pages: 0xe00, zone: 'device' },
];
const onlinePage = (pfn: number): Operation => ({ kind: 'pfn_to_online_page', pfn });

describe('ZONE_DEVICE in a section shared with System RAM', () => {
  /*
   * section 40 |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR.DDDDDDD........................|
   *                                              ^ 0x144200 (not section-aligned)  ^ end 0x145000
   * Expect v5.12 to set SECTION_TAINT_ZONE_DEVICE on section 40 (both ends unaligned, one section),
   * and v5.11 to set nothing.
   */
  it.each([
    ['5.11', 0],
    ['5.12', SECTION_TAINT_ZONE_DEVICE],
    ['6.1.192', SECTION_TAINT_ZONE_DEVICE],
  ] as const)('%s: the taint on section 40', (kernel, taint) => {
    const { p, s } = boot(kernel);
    const [, moved] = run(p, s, DEVICE);
    expect(getSection(p, moved!.state, 40)!.flags & SECTION_TAINT_ZONE_DEVICE).toBe(taint);
    expect(moved!.state.deviceRanges).toEqual([[0x144200, 0x145000]]);
  });

  /*
   * Expect pfn_to_online_page() on the devdax pfn 0x144400 of the online section 40: a page before
   * v5.12 (wrong: flagged), NULL from v5.12 (the get_dev_pagemap() slow path); a RAM pfn stays a page.
   */
  it.each([
    ['5.11', true, ['wrong-result']],
    ['6.1.192', false, []],
  ] as const)('row 27 (%s): pfn_to_online_page of a ZONE_DEVICE pfn in an online section', (kernel, page, hazards) => {
    const { p, s } = boot(kernel);
    const [, moved] = run(p, s, DEVICE);
    const dev = step(p, moved!.state, onlinePage(0x144400));
    expect(dev.outcome.value).toBe(page);
    expect(dev.outcome.hazards.map((h) => h.kind)).toEqual(hazards);
    expect(step(p, moved!.state, onlinePage(0x140000)).outcome.value).toBe(true);
  });

  /*
   * Expect remove_pfn_range_from_zone() to drop the ZONE_DEVICE range, the taint to stay (it is only
   * cleared by a full removal's word reset), and pfn_to_online_page() to return to a page.
   */
  it('removing the range from ZONE_DEVICE keeps the taint but not the pgmap', () => {
    const { p, s } = boot('6.1.192');
    const [, moved, removed] = run(p, s, [...DEVICE, { kind: 'remove_pfn_range_from_zone', pfn: 0x144200, nr_pages: 0xe00, zone: 'device' }]);
    expect(removed!.state.deviceRanges).toEqual([]);
    expect(getSection(p, removed!.state, 40)!.flags & SECTION_TAINT_ZONE_DEVICE).toBe(SECTION_TAINT_ZONE_DEVICE);
    expect(step(p, moved!.state, onlinePage(0x144400)).outcome.value).toBe(false);
    expect(step(p, removed!.state, onlinePage(0x144400)).outcome.value).toBe(true);
  });

  /*
   * Expect CONFIG_ZONE_DEVICE=n to have no ZONE_DEVICE: the move does nothing and says so.
   */
  it('CONFIG_ZONE_DEVICE=n: no ZONE_DEVICE', () => {
    const { p, s } = boot('6.1.192', { ZONE_DEVICE: false });
    const [, moved] = run(p, s, DEVICE);
    expect(moved!.state.deviceRanges).toEqual([]);
    expect(moved!.outcome.notes).toEqual(['CONFIG_ZONE_DEVICE=n: there is no ZONE_DEVICE; nothing done']);
  });

  /*
   * section 40 |RRRR…R.ddddddd…|  v5.3 without PSE: add, remove (F10 frees the 4K boot memmap), add
   * Expect memmap_init_range() in move_pfn_range_to_zone() to fault on the freed struct pages: this is
   * where F10's crash happens.
   */
  it('F10 (v5.3, PSE=n): the move after a re-add initialises unmapped struct pages', () => {
    const { p, s } = boot('5.3', { PSE: false });
    const rs = run(p, s, [DEVICE[0]!, { kind: '__remove_pages', pfn: 0x144200, nr_pages: 0xe00, altmap: null }, DEVICE[0]!, DEVICE[1]!]);
    expect(rs[3]!.outcome.hazards.map((h) => h.kind)).toEqual(['crash']);
    expect(rs[3]!.outcome.hazards[0]!.text).toBe('section 40: memmap_init_range() writes struct pages that are not mapped: page fault');
  });
});
