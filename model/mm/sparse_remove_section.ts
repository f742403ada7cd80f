/**
 * sparse_remove_section(ms, pfn, nr_pages, map_offset, altmap) — mm/sparse.c, v5.3 (seed commit):
 * clear_hwpoisoned_pages(pfn_to_page(pfn) + map_offset, nr_pages - map_offset) — which returns at
 * once while no page is hwpoisoned (memhp models none) — then section_deactivate(). `ms` is unused.
 * ~v6.5 (REMOVE_SECTION): sparse_remove_section(pfn, nr_pages, altmap) starts with
 * WARN_ON_ONCE(!valid_section(ms)) and returns, the check __remove_section() made before
 * (mm/sparse.c:937 @6.12.95). 7.3: in mm/sparse-vmemmap.c (:924 @7.3.4), with a pgmap argument
 * that only sizes the memmap page count (REMOVE_PGMAP, not modelled).
 */
import { pfnToSectionNr } from '../../kernel/pfn.js';
import { has } from '../../kernel/profile.js';
import { SECTION_HAS_MEM_MAP } from '../../kernel/types.js';
import { call, decide, peekSection, recordCall, rootPresent, sectionForWrite, warnOnce } from './context.js';
import { sectionFrame } from './outcome.js';
import type { KernelCtx } from './context.js';
import { section_deactivate } from './section_deactivate.js';

/** Remove [pfn, pfn + nr_pages) of one section. */
export function sparse_remove_section(ctx: KernelCtx, pfn: number, nr_pages: number, _map_offset: number): void {
  const nr = pfnToSectionNr(ctx.g, pfn);
  recordCall(ctx, 'sparse_remove_section', pfn, nr_pages);
  call(ctx, sectionFrame('sparse_remove_section', nr), () => {
    if (has(ctx.p, 'REMOVE_SECTION')) {
      const peek = peekSection(ctx, nr);
      if (!peek || (peek.flags & SECTION_HAS_MEM_MAP) === 0) {
        warnOnce(ctx, { kind: 'WARN_ON_ONCE', func: 'sparse_remove_section', file: has(ctx.p, 'HOTPLUG_IN_SPARSE_VMEMMAP') ? 'mm/sparse-vmemmap.c' : 'mm/sparse.c', text: '' });
        decide(ctx, `section ${nr} not valid: WARN_ON_ONCE, skipped`, true);
        return;
      }
    }
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
