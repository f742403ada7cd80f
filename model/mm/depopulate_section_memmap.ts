/**
 * depopulate_section_memmap(pfn, nr_pages, altmap) — mm/sparse-vmemmap.c, v5.3 (seed series):
 * vmemmap_free() over exactly the struct pages of [pfn, pfn + nr_pages), no rounding.
 * free_map_bootmem(memmap) — mm/sparse.c, v5.3, VMEMMAP: vmemmap_free() over the whole section's
 * memmap (boot-allocated), NULL altmap.
 */
import type { KernelCtx, SectionDraft } from './context.js';
import { call } from './context.js';
import { vmemmapFree } from './vmemmap.js';

/** Free the vmemmap backing [pfn, pfn + nr_pages). */
export function depopulate_section_memmap(ctx: KernelCtx, ms: SectionDraft, pfn: number, nr_pages: number): void {
  call(ctx, 'depopulate_section_memmap', () => {
    const how = vmemmapFree(ctx, ms, pfn, nr_pages, 'vmemmap_free');
    if (nr_pages > 0) ctx.resources.push({ kind: 'memmap-free', section: ms.nr, pfn, nrPages: nr_pages, how });
  });
}

/** Free a whole early section's boot memmap. */
export function free_map_bootmem(ctx: KernelCtx, ms: SectionDraft): void {
  call(ctx, 'free_map_bootmem', () => {
    const start = ms.nr * ctx.g.PAGES_PER_SECTION;
    const how = vmemmapFree(ctx, ms, start, ctx.g.PAGES_PER_SECTION, 'free_map_bootmem');
    ctx.resources.push({ kind: 'memmap-free', section: ms.nr, pfn: start, nrPages: ctx.g.PAGES_PER_SECTION, how });
  });
}
