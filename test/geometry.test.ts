/**
 * Geometry as data: every derived constant comes from the typed-in row (include/linux/mmzone.h,
 * page-flags-layout.h, arch/x86/include/asm/sparsemem.h), and another architecture is one row.
 */
import { describe, expect, it } from 'vitest';
import { X86_64, deriveGeometry } from '../kernel/geometry.js';
import { pfnToSectionNr, sectionNrToRoot, subsectionMapIndex } from '../kernel/pfn.js';

describe('x86_64 geometry (PAGE_SHIFT 12, SECTION_SIZE_BITS 27, SUBSECTION_SHIFT 21, MAX_PHYSMEM_BITS 46)', () => {
  const g = deriveGeometry(X86_64);
  it('derives the kernel constants of kernel-semantics.md §1.2', () => {
    expect(g.PAGES_PER_SECTION).toBe(32768);
    expect(g.PAGES_PER_SUBSECTION).toBe(512);
    expect(g.SUBSECTIONS_PER_SECTION).toBe(64);
    expect(g.MAP_LONGS).toBe(1);
    expect(g.NR_MEM_SECTIONS).toBe(2 ** 19);
    expect(g.SECTIONS_PER_ROOT).toBe(128); // 4096 / 32-byte mem_section (CONFIG_PAGE_EXTENSION=y)
    expect(g.NR_SECTION_ROOTS).toBe(4096);
    expect(g.SECTION_BYTES).toBe(0x8000000);
    expect(g.SECTION_MEMMAP_BYTES).toBe(2 * 1024 * 1024); // one PMD of struct pages
    expect(g.MAX_PFN).toBe(2 ** 34);
  });

  it('maps pfns to sections, roots and sub-section indices without 32-bit overflow', () => {
    // 0x144000000 → pfn 0x144000, section 40, sub-section 32 (kernel-semantics §1.2).
    expect(pfnToSectionNr(g, 0x144000)).toBe(40);
    expect(subsectionMapIndex(g, 0x144000)).toBe(32);
    // The last pfn below 2^46: well above 2^31.
    expect(pfnToSectionNr(g, 2 ** 34 - 1)).toBe(2 ** 19 - 1);
    expect(sectionNrToRoot(g, 2 ** 19 - 1)).toBe(4095);
    expect(subsectionMapIndex(g, 2 ** 34 - 1)).toBe(63);
  });
});

describe('other rows are one line each', () => {
  it.each([
    // name, PAGE_SHIFT, SECTION_SIZE_BITS, MAX_PHYSMEM_BITS, sub-sections, PAGES_PER_SUBSECTION, SPR with 32-byte mem_section
    ['arm64 4K before v5.12', 12, 30, 48, 512, 512, 128],
    ['arm64 64K since v5.12', 16, 29, 48, 256, 32, 2048],
    ['ppc64 64K', 16, 24, 51, 8, 32, 2048],
    ['s390', 12, 28, 46, 128, 512, 128],
  ])('%s', (name, PAGE_SHIFT, SECTION_SIZE_BITS, MAX_PHYSMEM_BITS, subs, pps, spr) => {
    const g = deriveGeometry({ ...X86_64, name, PAGE_SHIFT, SECTION_SIZE_BITS, MAX_PHYSMEM_BITS });
    expect(g.SUBSECTIONS_PER_SECTION).toBe(subs);
    expect(g.PAGES_PER_SUBSECTION).toBe(pps);
    expect(g.SECTIONS_PER_ROOT).toBe(spr);
    expect(g.MAP_WORDS).toBe(Math.ceil(subs / 32));
  });

  it('refuses a row whose sub-section is larger than its section', () => {
    expect(() => deriveGeometry({ ...X86_64, name: 'bad', SECTION_SIZE_BITS: 20 })).toThrow('Subsection size exceeds section size');
  });
});

describe('the model on a 512-sub-section geometry (1 GiB sections, 8 unsigned longs a map)', () => {
  it('boots, adds a sub-section into an early section hole and removes it again', async () => {
    const { bootState, step, getSection } = await import('../model/index.js');
    const { createProfile, bitmapToLongs } = await import('../kernel/index.js');
    const g = deriveGeometry({ ...X86_64, name: 'arm64-4k-v5.3', SECTION_SIZE_BITS: 30, MAX_PHYSMEM_BITS: 48 });
    const p = { ...createProfile({ kernel: '5.3' }), geometry: g };
    // Boot RAM: the first 130 MiB of section 1 (pfn 0x40000 ..), i.e. sub-sections 0-64.
    const boot = bootState(p, { ranges: [{ startPfn: 0x40000, endPfn: 0x40000 + 130 * 256, nid: 0 }], iomem: [], source: { file: 't', line: 1 } });
    expect(bitmapToLongs(getSection(p, boot.state, 1)!.subsectionMap)).toEqual(['0xffffffffffffffff', '0x0000000000000001', ...Array(6).fill('0x0000000000000000')]);
    // Hot-add sub-section 511 (the last 2 MiB of the section).
    const add = step(p, boot.state, { kind: '__add_pages', nid: 0, pfn: 0x40000 + 511 * 512, nr_pages: 512, altmap: null });
    expect(add.outcome.ret).toBe(0);
    expect(bitmapToLongs(getSection(p, add.state, 1)!.subsectionMap)[7]).toBe('0x8000000000000000');
    expect(getSection(p, add.state, 1)!.machine).toBe('early.grown');
    const rm = step(p, add.state, { kind: '__remove_pages', pfn: 0x40000 + 511 * 512, nr_pages: 512, altmap: null });
    expect(rm.outcome.warnings).toEqual([]);
    expect(getSection(p, rm.state, 1)!.machine).toBe('early.boot');
  });
});
