/**
 * Sparse-memory geometry as data. Rules: include/linux/mmzone.h (SUBSECTION_SHIFT, PFN_SECTION_SHIFT,
 * SUBSECTIONS_PER_SECTION, SECTIONS_PER_ROOT), include/linux/page-flags-layout.h (SECTIONS_SHIFT),
 * arch/x86/include/asm/sparsemem.h (SECTION_SIZE_BITS 27, MAX_PHYSMEM_BITS 46) — v5.3 and 6.1.
 *
 * Only the base row is typed in; every derived constant is computed, so another architecture is one
 * more row. All arithmetic is done with division and multiplication, never with JavaScript's 32-bit
 * bit operators: pfns above 2^31 are ordinary on a 46-bit physical address space.
 */

/** The typed-in constants of one architecture configuration. */
export interface GeometryRow {
  /** Profile name, e.g. `x86_64`. */
  readonly name: string;
  readonly PAGE_SHIFT: number;
  readonly SECTION_SIZE_BITS: number;
  /** 21 on every architecture (2 MiB sub-sections), include/linux/mmzone.h. */
  readonly SUBSECTION_SHIFT: number;
  readonly MAX_PHYSMEM_BITS: number;
  /** CONFIG_SPARSEMEM_EXTREME: sections are grouped in separately allocated roots. */
  readonly SPARSEMEM_EXTREME: boolean;
  /** sizeof(struct mem_section): 16, or 32 with CONFIG_PAGE_EXTENSION (Debian amd64). */
  readonly MEM_SECTION_BYTES: number;
  /** sizeof(struct page) on production 64-bit configs. */
  readonly STRUCT_PAGE_BYTES: number;
}

/** A row plus every constant the kernel derives from it. */
export interface Geometry extends GeometryRow {
  readonly PAGE_SIZE: number;
  readonly PFN_SECTION_SHIFT: number;
  readonly PAGES_PER_SECTION: number;
  readonly PFN_SUBSECTION_SHIFT: number;
  readonly PAGES_PER_SUBSECTION: number;
  readonly SUBSECTIONS_PER_SECTION: number;
  /** Number of 32-bit words memhp uses to hold one subsection_map. */
  readonly MAP_WORDS: number;
  /** Number of `unsigned long`s the kernel uses for one subsection_map (64-bit longs). */
  readonly MAP_LONGS: number;
  readonly SECTION_BYTES: number;
  readonly SUBSECTION_BYTES: number;
  readonly SECTIONS_SHIFT: number;
  readonly NR_MEM_SECTIONS: number;
  readonly SECTIONS_PER_ROOT: number;
  readonly NR_SECTION_ROOTS: number;
  /** One past the highest pfn addressable under MAX_PHYSMEM_BITS. */
  readonly MAX_PFN: number;
  /** Bytes of struct page backing one section (the vmemmap PMD size test in x86 vmemmap_populate). */
  readonly SECTION_MEMMAP_BYTES: number;
}

/** x86_64, 4-level paging, 4K pages, Debian's config (CONFIG_PAGE_EXTENSION=y → 32-byte mem_section). */
export const X86_64: GeometryRow = {
  name: 'x86_64',
  PAGE_SHIFT: 12,
  SECTION_SIZE_BITS: 27,
  SUBSECTION_SHIFT: 21,
  MAX_PHYSMEM_BITS: 46,
  SPARSEMEM_EXTREME: true,
  MEM_SECTION_BYTES: 32,
  STRUCT_PAGE_BYTES: 64,
};

/** Every geometry row memhp knows, by name. */
export const GEOMETRY_ROWS: Readonly<Record<string, GeometryRow>> = { x86_64: X86_64 };

/** Compute every derived constant of a row; throws on a row the kernel would refuse to build. */
export function deriveGeometry(row: GeometryRow): Geometry {
  if (row.SUBSECTION_SHIFT > row.SECTION_SIZE_BITS) {
    // include/linux/mmzone.h: #error "Subsection size exceeds section size"
    throw new Error(`geometry ${row.name}: Subsection size exceeds section size`);
  }
  const PAGE_SIZE = 2 ** row.PAGE_SHIFT;
  const PFN_SECTION_SHIFT = row.SECTION_SIZE_BITS - row.PAGE_SHIFT;
  const PFN_SUBSECTION_SHIFT = row.SUBSECTION_SHIFT - row.PAGE_SHIFT;
  const SUBSECTIONS_PER_SECTION = 2 ** (row.SECTION_SIZE_BITS - row.SUBSECTION_SHIFT);
  const SECTIONS_SHIFT = row.MAX_PHYSMEM_BITS - row.SECTION_SIZE_BITS;
  const NR_MEM_SECTIONS = 2 ** SECTIONS_SHIFT;
  const SECTIONS_PER_ROOT = row.SPARSEMEM_EXTREME ? PAGE_SIZE / row.MEM_SECTION_BYTES : 1;
  const PAGES_PER_SECTION = 2 ** PFN_SECTION_SHIFT;
  return {
    ...row,
    PAGE_SIZE,
    PFN_SECTION_SHIFT,
    PAGES_PER_SECTION,
    PFN_SUBSECTION_SHIFT,
    PAGES_PER_SUBSECTION: 2 ** PFN_SUBSECTION_SHIFT,
    SUBSECTIONS_PER_SECTION,
    MAP_WORDS: Math.ceil(SUBSECTIONS_PER_SECTION / 32),
    MAP_LONGS: Math.ceil(SUBSECTIONS_PER_SECTION / 64),
    SECTION_BYTES: 2 ** row.SECTION_SIZE_BITS,
    SUBSECTION_BYTES: 2 ** row.SUBSECTION_SHIFT,
    SECTIONS_SHIFT,
    NR_MEM_SECTIONS,
    SECTIONS_PER_ROOT,
    NR_SECTION_ROOTS: Math.ceil(NR_MEM_SECTIONS / SECTIONS_PER_ROOT),
    MAX_PFN: 2 ** (row.MAX_PHYSMEM_BITS - row.PAGE_SHIFT),
    SECTION_MEMMAP_BYTES: PAGES_PER_SECTION * row.STRUCT_PAGE_BYTES,
  };
}

/** pfn_to_section_nr(pfn): pfn >> PFN_SECTION_SHIFT. */
export function pfnToSectionNr(g: Geometry, pfn: number): number {
  return Math.floor(pfn / g.PAGES_PER_SECTION);
}

/** section_nr_to_pfn(nr): nr << PFN_SECTION_SHIFT. */
export function sectionNrToPfn(g: Geometry, nr: number): number {
  return nr * g.PAGES_PER_SECTION;
}

/** SECTION_NR_TO_ROOT(nr): nr / SECTIONS_PER_ROOT. */
export function sectionNrToRoot(g: Geometry, nr: number): number {
  return Math.floor(nr / g.SECTIONS_PER_ROOT);
}

/** subsection_map_index(pfn): (pfn & ~PAGE_SECTION_MASK) / PAGES_PER_SUBSECTION. */
export function subsectionMapIndex(g: Geometry, pfn: number): number {
  return Math.floor((pfn % g.PAGES_PER_SECTION) / g.PAGES_PER_SUBSECTION);
}

/** PFN_PHYS(pfn). */
export function pfnToPhys(g: Geometry, pfn: number): number {
  return pfn * g.PAGE_SIZE;
}

/** PHYS_PFN(addr) (rounds down). */
export function physToPfn(g: Geometry, addr: number): number {
  return Math.floor(addr / g.PAGE_SIZE);
}

/** True when `value` is a multiple of `align` (IS_ALIGNED for non-negative integers). */
export function isAligned(value: number, align: number): boolean {
  return value % align === 0;
}

/** pfn_to_section_nr(pfn + nr_pages - 1) in unsigned long arithmetic (pfn 0, nr_pages 0 wraps to ULONG_MAX). */
export function endSectionNr(g: Geometry, pfn: number, nr_pages: number): number {
  const end = pfn + nr_pages - 1;
  if (end >= 0) return Math.floor(end / g.PAGES_PER_SECTION);
  return Number(((1n << 64n) + BigInt(end)) / BigInt(g.PAGES_PER_SECTION));
}
