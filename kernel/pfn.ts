/**
 * pfn, section and address arithmetic over a Geometry, as the kernel's macros do it
 * (include/linux/mmzone.h, include/linux/pfn.h): pfn_to_section_nr, SECTION_NR_TO_ROOT,
 * subsection_map_index, PFN_PHYS … — in division and multiplication, never JavaScript's 32-bit
 * bit operators, over the sizes of a Geometry.
 */

/** The sizes of a Geometry the arithmetic needs (kept here so pfn.ts imports nothing from geometry.ts). */
export interface PfnSizes {
  readonly PAGE_SIZE: number;
  readonly PAGES_PER_SECTION: number;
  readonly PAGES_PER_SUBSECTION: number;
  readonly SECTIONS_PER_ROOT: number;
}

/** pfn_to_section_nr(pfn): pfn >> PFN_SECTION_SHIFT. */
export function pfnToSectionNr(g: PfnSizes, pfn: number): number {
  return Math.floor(pfn / g.PAGES_PER_SECTION);
}

/** section_nr_to_pfn(nr): nr << PFN_SECTION_SHIFT. */
export function sectionNrToPfn(g: PfnSizes, nr: number): number {
  return nr * g.PAGES_PER_SECTION;
}

/** SECTION_NR_TO_ROOT(nr): nr / SECTIONS_PER_ROOT. */
export function sectionNrToRoot(g: PfnSizes, nr: number): number {
  return Math.floor(nr / g.SECTIONS_PER_ROOT);
}

/** subsection_map_index(pfn): (pfn & ~PAGE_SECTION_MASK) / PAGES_PER_SUBSECTION. */
export function subsectionMapIndex(g: PfnSizes, pfn: number): number {
  return Math.floor((pfn % g.PAGES_PER_SECTION) / g.PAGES_PER_SUBSECTION);
}

/** PFN_PHYS(pfn). */
export function pfnToPhys(g: PfnSizes, pfn: number): number {
  return pfn * g.PAGE_SIZE;
}

/** PFN_PHYS(end_pfn) - 1 in u64 arithmetic: the last byte of a range ending at `end_pfn` (end_pfn 0 wraps to 2^64 - 1). */
export function lastByte(g: PfnSizes, end_pfn: number): bigint {
  return (BigInt(end_pfn) * BigInt(g.PAGE_SIZE) - 1n + (1n << 64n)) % (1n << 64n);
}

/** PHYS_PFN(addr) (rounds down). */
export function physToPfn(g: PfnSizes, addr: number): number {
  return Math.floor(addr / g.PAGE_SIZE);
}

/** True when `value` is a multiple of `align` (IS_ALIGNED for non-negative integers). */
export function isAligned(value: number, align: number): boolean {
  return value % align === 0;
}

/** pfn_to_section_nr(pfn + nr_pages - 1) in unsigned long arithmetic (pfn 0, nr_pages 0 wraps to ULONG_MAX). */
export function endSectionNr(g: PfnSizes, pfn: number, nr_pages: number): number {
  const end = pfn + nr_pages - 1;
  if (end >= 0) return Math.floor(end / g.PAGES_PER_SECTION);
  return Number(((1n << 64n) + BigInt(end)) / BigInt(g.PAGES_PER_SECTION));
}
