/**
 * subsection_map_init(pfn, nr_pages) — mm/sparse.c, v5.3 (f46edbd1b151), called per memblock
 * memory range after sparse_init(): for each section of the range, subsection_mask_set() of the
 * chunk up to the section end, OR-ed into the live usage->subsection_map (rounded outward, so the
 * bits are exactly the sub-sections that intersect boot memory). nr_pages = 0 returns.
 */
import { bitmapOr } from '../../kernel/bitmap.js';
import { pfnToSectionNr } from '../../kernel/pfn.js';
import { sectionForWrite } from './context.js';
import type { KernelCtx } from './context.js';
import { subsection_mask_set } from './subsection_mask_set.js';

/** Mark the sub-sections of boot range [pfn, pfn + nr_pages) active. */
export function subsection_map_init(ctx: KernelCtx, pfn: number, nr_pages: number): void {
  if (nr_pages === 0) return;
  const end = pfn + nr_pages;
  let cur = pfn;
  while (cur < end) {
    const nr = pfnToSectionNr(ctx.g, cur);
    const chunk = Math.min(end - cur, ctx.g.PAGES_PER_SECTION - (cur % ctx.g.PAGES_PER_SECTION));
    const ms = sectionForWrite(ctx, nr);
    if (ms) {
      ms.subsectionMap = bitmapOr(ms.subsectionMap, subsection_mask_set(ctx.g, cur, chunk));
      ms.bootMap = ms.subsectionMap;
    }
    cur += chunk;
  }
}
