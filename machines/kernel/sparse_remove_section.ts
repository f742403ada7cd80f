/**
 * sparse_remove_section(ms, pfn, nr_pages, map_offset, altmap) — mm/sparse.c, v5.3 (seed commit):
 * clear_hwpoisoned_pages(pfn_to_page(pfn) + map_offset, nr_pages - map_offset) — which returns at
 * once while no page is hwpoisoned (memhp models none) — then section_deactivate(). `ms` is unused.
 */
import { pfnToSectionNr } from '../geometry.js';
import { call, decide, rootPresent, sectionForWrite } from './context.js';
import { sectionFrame } from './outcome.js';
import type { KernelCtx } from './context.js';
import { section_deactivate } from './section_deactivate.js';

/** Remove [pfn, pfn + nr_pages) of one section. */
export function sparse_remove_section(ctx: KernelCtx, pfn: number, nr_pages: number, _map_offset: number): void {
  const nr = pfnToSectionNr(ctx.g, pfn);
  call(ctx, sectionFrame('sparse_remove_section', nr), () => {
    if (!rootPresent(ctx, nr)) {
      // __pfn_to_section() is NULL: section_deactivate() dereferences it (early_section(NULL) is
      // false, then ms->usage faults).
      ctx.hazards.push({
        kind: 'crash',
        bug: null,
        text: `section ${nr} has no mem_section root: section_deactivate() dereferences a NULL mem_section`,
        fixedBy: null,
      });
      decide(ctx, 'NULL mem_section: crash', true);
      return;
    }
    const ms = sectionForWrite(ctx, nr);
    if (ms) section_deactivate(ctx, ms, pfn, nr_pages);
  });
}
