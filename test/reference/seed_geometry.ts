/**
 * The seed reference model's geometry, state types and bit helpers (x86_64 4K, v5.3), shared by
 * seedModel.ts (boot and the add path) and seed_remove.ts (the remove path). Like them it shares
 * nothing with `model/`.
 */
// ---- Geometry (x86_64 4K, include/linux/mmzone.h + arch/x86/include/asm/sparsemem.h) ----------

/** `PAGE_SHIFT`. */
export const PAGE_SHIFT = 12n;
/** `SECTION_SIZE_BITS` (x86_64: 27, 128 MiB sections). */
export const SECTION_SIZE_BITS = 27n;
/** `#define PFN_SECTION_SHIFT (SECTION_SIZE_BITS - PAGE_SHIFT)` = 15. */
export const PFN_SECTION_SHIFT = SECTION_SIZE_BITS - PAGE_SHIFT;
/** `#define PAGES_PER_SECTION (1UL << PFN_SECTION_SHIFT)` = 32768. */
export const PAGES_PER_SECTION = 1n << PFN_SECTION_SHIFT;
/** `#define PAGE_SECTION_MASK (~(PAGES_PER_SECTION-1))` — only its complement is used below. */
export const NOT_PAGE_SECTION_MASK = PAGES_PER_SECTION - 1n;
/** `#define SUBSECTION_SHIFT 21`. */
export const SUBSECTION_SHIFT = 21n;
/** `#define PFN_SUBSECTION_SHIFT (SUBSECTION_SHIFT - PAGE_SHIFT)` = 9. */
export const PFN_SUBSECTION_SHIFT = SUBSECTION_SHIFT - PAGE_SHIFT;
/** `#define PAGES_PER_SUBSECTION (1UL << PFN_SUBSECTION_SHIFT)` = 512. */
export const PAGES_PER_SUBSECTION = 1n << PFN_SUBSECTION_SHIFT;
/** `#define SUBSECTIONS_PER_SECTION (1UL << (SECTION_SIZE_BITS - SUBSECTION_SHIFT))` = 64. */
export const SUBSECTIONS_PER_SECTION = 1n << (SECTION_SIZE_BITS - SUBSECTION_SHIFT);
/** SPARSEMEM_EXTREME: `PAGE_SIZE / sizeof(struct mem_section)` with page_ext (32 bytes) = 128. */
export const SECTIONS_PER_ROOT = 128n;

/** Every bit of a 64-sub-section bitmap. */
export const FULL_MAP = (1n << SUBSECTIONS_PER_SECTION) - 1n;
/** `unsigned long` arithmetic wraps modulo 2^64. */
export const ULONG_MASK = (1n << 64n) - 1n;

/** errno values (include/uapi/asm-generic/errno-base.h), written here rather than imported. */
export const EEXIST = 17;
export const EINVAL = 22;

// ---- State ------------------------------------------------------------------------------------

/** Where `ms->usage` points. */
export type RefUsage = 'none' | 'boot' | 'slab';

/** The parts of one `struct mem_section` that matter here. */
export interface RefSection {
  /** SECTION_MARKED_PRESENT. */
  present: boolean;
  /** SECTION_HAS_MEM_MAP, i.e. `valid_section()`. */
  valid: boolean;
  /** SECTION_IS_EARLY, i.e. `early_section()`. */
  early: boolean;
  /** `ms->usage`: NULL, the memblock copy from boot, or a kzalloc'ed one from hot-add. */
  usage: RefUsage;
  /** `ms->usage->subsection_map[0]` (meaningful only when usage is not 'none'; kept 0n then). */
  map: bigint;
}

/** A memblock.memory range in pfns, end exclusive. */
export interface RefRange {
  readonly startPfn: number;
  readonly endPfn: number;
}

/** What a call did, for debugging a counterexample (not compared against `model/`). */
export type RefNote =
  | { readonly kind: 'misaligned'; readonly fn: '__add_pages' | '__remove_pages' }
  | { readonly kind: 'add_section'; readonly section: number; readonly pfn: number; readonly nr: number; readonly ret: number }
  | { readonly kind: 'remove_invalid_section'; readonly section: number }
  | { readonly kind: 'already_deactivated'; readonly section: number; readonly pfn: number; readonly nr: number }
  | { readonly kind: 'deactivated'; readonly section: number; readonly emptied: boolean; readonly freedUsage: RefUsage | null };

/** A JavaScript number as a bigint. */
export const toBig = (n: number): bigint => BigInt(n);
/** Wrap to 64 bits, as `unsigned long` arithmetic does. */
export const ulong = (n: bigint): bigint => n & ULONG_MASK;
/** `min()` of two bigints. */
export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** `pfn_to_section_nr(pfn)`: `((pfn) >> PFN_SECTION_SHIFT)`. */
export const pfnToSectionNr = (pfn: bigint): bigint => pfn >> PFN_SECTION_SHIFT;

/**
 * `subsection_map_index(pfn)`:
 *   `return (pfn & ~(PAGE_SECTION_MASK)) / PAGES_PER_SUBSECTION;`
 */
export function subsectionMapIndex(pfn: bigint): bigint {
  return (ulong(pfn) & NOT_PAGE_SECTION_MASK) / PAGES_PER_SUBSECTION;
}

/**
 * `subsection_mask_set(map, pfn, nr_pages)` (f46edbd1b151), returning the bits to OR in:
 *   int idx = subsection_map_index(pfn);
 *   int end = subsection_map_index(pfn + nr_pages - 1);
 *   bitmap_set(map, idx, end - idx + 1);
 * With nr_pages = 0 and a section-aligned pfn, end = index(pfn - 1) = 63 → all 64 bits; with a
 * sub-section-aligned, not section-aligned pfn, end = idx - 1 → count 0 → nothing.
 */
export function subsectionMask(pfn: bigint, nrPages: bigint): bigint {
  const idx = subsectionMapIndex(pfn);
  const end = subsectionMapIndex(ulong(pfn + nrPages - 1n));
  const count = end - idx + 1n;
  if (count < 0n) {
    // bitmap_set() takes an unsigned int count: a negative one is a wild out-of-bounds write.
    // No path of __add_pages/__remove_pages after check_pfn_span can get here.
    throw new Error(`subsection_mask_set(${pfn}, ${nrPages}): negative count ${count} (out-of-bounds bitmap_set)`);
  }
  if (count === 0n) return 0n;
  return ((1n << count) - 1n) << idx;
}

/** An all-zero `struct mem_section`. */
export function emptySection(): RefSection {
  return { present: false, valid: false, early: false, usage: 'none', map: 0n };
}
