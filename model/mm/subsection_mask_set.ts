/**
 * subsection_mask_set(map, pfn, nr_pages) — mm/sparse.c, v5.3 (seed commit ba72b4c8cf60; same text
 * in 6.1): sets bits subsection_map_index(pfn) .. subsection_map_index(pfn + nr_pages - 1) in a
 * zeroed local bitmap, rounding partial sub-sections outward. `pfn + nr_pages - 1` is unsigned long
 * arithmetic: nr_pages = 0 on a section-aligned pfn makes the last index SUBSECTIONS_PER_SECTION - 1
 * (all bits); on another sub-section-aligned pfn the count is 0 (nothing set).
 */
import { bitmapSet, bitmapZero } from '../../kernel/bitmap.js';
import type { Bitmap } from '../../kernel/bitmap.js';
import type { Geometry } from '../../kernel/geometry.js';
import { toU64 } from '../../kernel/format.js';

/** The sub-section mask of [pfn, pfn + nr_pages) within pfn's section. */
export function subsection_mask_set(g: Geometry, pfn: number, nr_pages: number): Bitmap {
  const first = Math.floor((pfn % g.PAGES_PER_SECTION) / g.PAGES_PER_SUBSECTION);
  const end = pfn + nr_pages - 1;
  // Only pfn 0 with nr_pages 0 wraps (to ULONG_MAX); everything else stays a safe integer.
  const last = end >= 0 ? Math.floor((end % g.PAGES_PER_SECTION) / g.PAGES_PER_SUBSECTION) : Number((toU64(end) % BigInt(g.PAGES_PER_SECTION)) / BigInt(g.PAGES_PER_SUBSECTION));
  const count = last - first + 1;
  return bitmapSet(bitmapZero(g.SUBSECTIONS_PER_SECTION), first, Math.max(0, count));
}
