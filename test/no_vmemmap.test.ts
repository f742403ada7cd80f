/**
 * CONFIG_SPARSEMEM_VMEMMAP=n (kernel-semantics.md §2.4, §2.7 – §2.8 "!VMEMMAP", §4 rows 1, 5, 13,
 * 18, 26): whole-section hotplug through the sub-section code, a memmap array per section, the
 * bitmap and its double-add detection gone from ~v5.7, F6 and F7.
 */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../kernel/operation.js';
import { bitmapToLongs, createProfile } from '../kernel/index.js';
import { bootState, getSection, step } from '../model/index.js';
import type { KernelState, Profile } from '../kernel/index.js';
import type { StepResult } from '../model/index.js';

const VM_OFF = { SPARSEMEM_VMEMMAP: false };
/** Boot RAM 0x100000000-0x143ffffff: sections 32-40 (section 40 half RAM). */
function boot(kernel: string, config: object = VM_OFF): { p: Profile; s: KernelState } {
  const p = createProfile({ kernel, config });
  return { p, s: bootState(p, { ranges: [{ startPfn: 0x100000, endPfn: 0x144000, nid: 0 }], iomem: [], source: { file: 't', line: 1 } }).state };
}
const add = (pfn: number, nr_pages: number): Operation => ({ kind: '__add_pages', nid: 0, pfn, nr_pages, altmap: null });
const remove = (pfn: number, nr_pages: number): Operation => ({ kind: '__remove_pages', pfn, nr_pages, altmap: null });
const ids = (r: StepResult): string[] => r.outcome.hazards.map((h) => `${h.bug ?? '-'}:${h.kind}`);
const SECTION_48 = 0x180000;

describe('SPARSEMEM_VMEMMAP=n', () => {
  /*
   * section 48 |..oo............................|  a 4 MiB add
   * Expect check_pfn_span() to demand whole sections without VMEMMAP: WARN and -EINVAL.
   */
  it('row 1: a sub-section add is misaligned (PAGES_PER_SECTION granularity)', () => {
    const { p, s } = boot('5.3');
    const r = step(p, s, add(SECTION_48 + 0x400, 0x400));
    expect(r.outcome.ret).toBe(-22);
    expect(r.outcome.warnings.map((w) => w.text)).toEqual(['Misaligned __add_pages start: 0x180400 end: #1807ff']);
  });

  /*
   * section 48 |................................| → |KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK|
   * Expect a whole-section memmap array (no vmemmap), PRESENT|HAS_MEM_MAP, map word = the array.
   */
  it('a whole-section add allocates a memmap array', () => {
    const { p, s } = boot('6.1.192');
    const r = step(p, s, add(SECTION_48, 0x8000));
    expect(r.outcome.ret).toBe(0);
    expect(getSection(p, r.state, 48)).toMatchObject({ flags: 0b0011, map: 'memmap_array', usage: 'slab', memmap: 'K'.repeat(64), machine: 'full-hotplug' });
    expect(r.outcome.resources.map((x) => x.how)).toEqual(['kzalloc', 'kvmalloc_node (whole-section memmap)']);
  });

  /*
   * section 48 |KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK|  add it again
   * Expect v5.3 (bitmap still checked) to refuse with -EEXIST, and from ~v5.7 (fill_subsection_map()
   * returns 0 without VMEMMAP) the double add to go undetected: 0, a new memmap, the old one leaked.
   */
  it.each([
    ['5.3', -17, []],
    ['6.1.192', 0, ['-:leak']],
  ] as const)('row 5 (%s): adding an active section again', (kernel, ret, hazards) => {
    const { p, s } = boot(kernel);
    const once = step(p, s, add(SECTION_48, 0x8000));
    const twice = step(p, once.state, add(SECTION_48, 0x8000));
    expect(twice.outcome.ret).toBe(ret);
    expect(ids(twice)).toEqual(hazards);
  });

  /*
   * Expect, with DEBUG_VM, the v5.3 – v5.5 poisoning of a hot-added memmap to go through
   * pfn_to_page() of a section whose word is not set yet (F6: a page fault); fixed in v5.6.
   */
  it.each([
    ['5.5', ['F6:crash']],
    ['5.6', []],
  ] as const)('row 13 (%s): hot-add with DEBUG_VM', (kernel, hazards) => {
    const { p, s } = boot(kernel, { SPARSEMEM_VMEMMAP: false, DEBUG_VM: true });
    const r = step(p, s, add(SECTION_48, 0x8000));
    expect(r.outcome.ret).toBe(0);
    expect(ids(r)).toEqual(hazards);
  });

  /*
   * section 48 |KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK| → removed whole
   * Expect v5.3 – v5.5 to reset the section word before depopulate_section_memmap() looks the array
   * up through pfn_to_page(): a free of NULL, the memmap leaks (F7 hazard); v5.6 frees it.
   */
  it.each([
    ['5.5', ['F7:leak'], 'K'.repeat(64), 'encoded_null'],
    ['5.6', [], '.'.repeat(64), 'zero'],
  ] as const)('row 18 (%s): removing a whole hot-added section', (kernel, hazards, memmap, map) => {
    const { p, s } = boot(kernel);
    const added = step(p, s, add(SECTION_48, 0x8000));
    const r = step(p, added.state, remove(SECTION_48, 0x8000));
    expect(r.outcome.warnings).toEqual([]);
    expect(ids(r).filter((h) => !h.startsWith('F14'))).toEqual(hazards);
    expect(getSection(p, r.state, 48)).toMatchObject({ flags: 0, usage: 'none', memmap, map, machine: 'absent.deactivated' });
  });

  /*
   * Expect pfn_section_valid() to be 1 without VMEMMAP: any pfn of a valid section is valid.
   */
  it('row 26: pfn_valid is true over a whole valid section', () => {
    const { p, s } = boot('6.1.192');
    const r = step(p, s, { kind: 'pfn_valid', pfn: 0x147000 });
    expect(r.outcome.value).toBe(true);
  });

  /*
   * Expect the boot sections to carry their memmap arrays from memblock, EARLY set, and (from ~v5.7,
   * no bitmap) a map shown whole.
   */
  it('boot: memblock memmap arrays; no subsection_map from ~v5.7', () => {
    const old = boot('5.3');
    expect(bitmapToLongs(getSection(old.p, old.s, 40)!.subsectionMap)).toEqual(['0x00000000ffffffff']);
    const now = boot('6.1.192');
    expect(getSection(now.p, now.s, 40)).toMatchObject({ flags: 0b1111, memmap: 'M'.repeat(64), map: 'memmap_array' });
    expect(bitmapToLongs(getSection(now.p, now.s, 40)!.subsectionMap)).toEqual(['0xffffffffffffffff']);
  });
});
