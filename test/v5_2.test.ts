/**
 * v5.2, the kernel before the seed commit: whole-section hot-add through __add_section() and
 * sparse_add_one_section(), -EEXIST swallowed by __add_pages(), BUG_ON on a misaligned remove
 * (kernel-semantics.md §3 "v5.2" and §4, v5.2 column).
 */
import { describe, expect, it } from 'vitest';
import { bitmapToLongs, createProfile } from '../kernel/index.js';
import { bootState, getSection, step } from '../model/index.js';
import type { Operation } from '../kernel/operation.js';
import type { KernelState } from '../kernel/index.js';

const p = createProfile({ kernel: '5.2' });
const FULL = ['0xffffffffffffffff'];
/** Boot RAM 0x100000000-0x143ffffff: sections 32-40, section 40 only half RAM. */
function boot(): KernelState {
  return bootState(p, { ranges: [{ startPfn: 0x100000, endPfn: 0x144000, nid: 0 }], iomem: [], source: { file: 't', line: 1 } }).state;
}
const add = (pfn: number, nr_pages: number): Operation => ({ kind: 'add_pages', nid: 0, pfn, nr_pages, altmap: null });
const remove = (pfn: number, nr_pages: number): Operation => ({ kind: '__remove_pages', pfn, nr_pages, altmap: null });

describe('linux 5.2: whole sections', () => {
  /*
   *  section 40 |RRRRRRRRRRRRRRRR................|  valid at boot (no EARLY flag, no subsection_map)
   *                               ^ add 0x144200 +0xe00
   * Expect __add_section() to see a valid section and return -EEXIST, which __add_pages() swallows:
   * ret 0, no WARN, section 40 unchanged.
   */
  it('row 8: an add into a boot section returns 0 and adds nothing (-EEXIST swallowed)', () => {
    const s0 = boot();
    const r = step(p, s0, add(0x144200, 0xe00));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.state).toBe(s0);
    expect(getSection(p, s0, 40)).toMatchObject({ flags: 0b0111, usage: 'boot', machine: 'early.boot' });
  });

  /*
   *  section 48 |..o.............................|  absent; add 2 MiB at sub-section 2
   * Expect the range to be widened to the whole section: one PMD-mapped memmap, a usemap, PRESENT|HAS_MEM_MAP.
   */
  it('row 1: a sub-section-sized add is widened to the whole section, without a WARN', () => {
    const r = step(p, boot(), add(0x180400, 0x200));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    const ms = getSection(p, r.state, 48);
    expect(ms).toMatchObject({ flags: 0b0011, usage: 'slab', map: 'vmemmap', memmap: 'V'.repeat(64), machine: 'full-hotplug' });
    expect(bitmapToLongs(ms!.subsectionMap)).toEqual(FULL);
  });

  /*
   *  section 48 |VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV|  hot-added; remove 2 MiB of it
   * Expect BUG_ON(nr_pages % PAGES_PER_SECTION): a crash hazard, and nothing removed.
   */
  it('row 14: a misaligned remove is a kernel BUG and removes nothing', () => {
    const s1 = step(p, boot(), add(0x180000, 0x8000)).state;
    const r = step(p, s1, remove(0x180000, 0x200));
    expect(r.outcome.hazards.map((h) => h.kind)).toEqual(['crash']);
    expect(r.outcome.hazards[0]?.text).toContain('BUG_ON(nr_pages % PAGES_PER_SECTION)');
    expect(r.state).toBe(s1);
  });

  /*
   *  section 48 |VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV|  → |................................|
   * Expect sparse_remove_one_section(): word 0, usemap kfree'd, memmap freed; a second add works again.
   */
  it('row 17: removing a hot-added section frees it; adding it again works', () => {
    const s1 = step(p, boot(), add(0x180000, 0x8000)).state;
    const r = step(p, s1, remove(0x180000, 0x8000));
    expect(getSection(p, r.state, 48)).toMatchObject({ flags: 0, map: 'zero', usage: 'none', memmap: '.'.repeat(64), machine: 'absent.deactivated' });
    expect(r.outcome.resources.map((x) => x.kind)).toEqual(['usage-free', 'memmap-free']);
    const again = step(p, r.state, add(0x180000, 0x8000));
    expect(again.outcome.ret).toBe(0);
    expect(getSection(p, again.state, 48)?.machine).toBe('full-hotplug');
  });

  /*
   *  section 33 |BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB|  boot section, removed whole
   * Expect the boot usemap kept but detached, the boot memmap given to free_map_bootmem(), word 0.
   */
  it('row 21: removing a boot section keeps its usemap (detached) and frees its memmap', () => {
    const r = step(p, boot(), remove(0x108000, 0x8000));
    expect(getSection(p, r.state, 33)).toMatchObject({ flags: 0, map: 'zero', usage: 'none', memmap: '.'.repeat(64) });
    expect(r.outcome.resources.map((x) => x.how)).toEqual(['free_map_bootmem: PMD freed']);
    expect(r.outcome.hazards).toEqual([]);
  });

  /*
   * Expect an invalid section to be skipped with a WARN_ON_ONCE in __remove_section, once per run.
   */
  it('row 15: removing a section that is not valid WARNs once and skips it', () => {
    const r1 = step(p, boot(), remove(0x180000, 0x8000));
    expect(r1.outcome.warnings).toEqual([{ kind: 'WARN_ON_ONCE', func: '__remove_section', file: 'mm/memory_hotplug.c', text: '' }]);
    const r2 = step(p, r1.state, remove(0x180000, 0x8000));
    expect(r2.outcome.warnings).toEqual([]);
  });
});
