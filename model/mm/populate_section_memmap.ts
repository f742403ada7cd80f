/**
 * populate_section_memmap(pfn, nr_pages, nid, altmap) — mm/sparse-vmemmap.c
 * __populate_section_memmap, v5.3 – v5.8 (seed series, v9 04/12): rounds the range outward to
 * sub-section boundaries and calls the arch vmemmap_populate(); returns NULL on failure.
 * x86_64 vmemmap_populate (arch/x86/mm/init_64.c, v5.3): less than one section's memmap → 4K pages,
 * altmap ignored; else PMDs with PSE (from the altmap when given, -ENOMEM when it is exhausted);
 * without PSE an altmap gives pr_err_once("%s: no cpu support for altmap allocations\n") → -ENOMEM.
 * v5.9 (F10 series): no outward rounding; WARN_ON_ONCE(!IS_ALIGNED(pfn | nr_pages,
 * PAGES_PER_SUBSECTION)) → NULL [exact release of the WARN unverified].
 * Without SPARSEMEM_VMEMMAP (mm/sparse.c): one whole-section memmap array (see populateArray).
 */
import { sectionNrToPfn } from '../../kernel/pfn.js';
import type { Altmap } from '../../kernel/types.js';
import { has } from '../../kernel/profile.js';
import { allocFails, call, decide, recordCall, warnOnce } from './context.js';
import type { KernelCtx, SectionDraft } from './context.js';
import { cellSpan, mapCells } from './vmemmap.js';

/** Populate the memmap of [pfn, pfn + nr_pages); true for a memmap, false for NULL. */
export function populate_section_memmap(ctx: KernelCtx, ms: SectionDraft, pfn: number, nr_pages: number, altmap: Altmap | null): boolean {
  return call(ctx, 'populate_section_memmap', () => {
    if (!ctx.p.config.SPARSEMEM_VMEMMAP) return populateArray(ctx, ms);
    recordCall(ctx, '__populate_section_memmap', pfn, nr_pages);
    const sub = ctx.g.PAGES_PER_SUBSECTION;
    if (has(ctx.p, 'F10') && (pfn % sub !== 0 || nr_pages % sub !== 0)) {
      warnOnce(ctx, { kind: 'WARN_ON_ONCE', func: '__populate_section_memmap', file: 'mm/sparse-vmemmap.c', text: '' });
      decide(ctx, 'range not sub-section aligned: WARN_ON_ONCE, NULL', true);
      return false;
    }
    const start = Math.floor(pfn / sub) * sub;
    const end = Math.ceil((pfn + nr_pages) / sub) * sub;
    if (allocFails(ctx, 'memmap')) {
      decide(ctx, 'vmemmap_populate failed (injected): NULL', true);
      return false;
    }
    const bytes = (end - start) * ctx.g.STRUCT_PAGE_BYTES;
    const span = cellSpan(ctx, start, end - start);
    let cell: 'v' | 'V' | 'A' = 'v';
    let how = 'vmemmap_populate_basepages (4K, altmap ignored)';
    if (bytes >= ctx.g.SECTION_MEMMAP_BYTES) {
      if (ctx.p.config.PSE) {
        const pmdPages = ctx.g.SECTION_MEMMAP_BYTES / ctx.g.PAGE_SIZE;
        if (altmap) {
          if (altmap.free - ctx.altmapAlloc < pmdPages) {
            decide(ctx, `vmemmap_populate: altmap exhausted (${altmap.free - ctx.altmapAlloc} of ${pmdPages} pages free): NULL`, true);
            return false;
          }
          ctx.altmapAlloc += pmdPages;
          ctx.notes.push(`altmap: ${pmdPages} pages consumed for the memmap of section ${ms.nr}`);
          cell = 'A';
          how = 'vmemmap_populate_hugepages (PMD from altmap)';
        } else {
          cell = 'V';
          how = 'vmemmap_populate_hugepages (PMD)';
        }
      } else if (altmap) {
        warnOnce(ctx, { kind: 'pr_err_once', func: 'vmemmap_populate', file: 'arch/x86/mm/init_64.c', text: 'vmemmap_populate: no cpu support for altmap allocations' });
        decide(ctx, 'vmemmap_populate: no PSE for altmap: NULL', true);
        return false;
      }
    }
    if (span) {
      if (ms.memmap.slice(span.first, span.last + 1).includes('F')) {
        ctx.notes.push(`section ${ms.nr}: 4K populate over a partly 0xFD-filled PMD mapping is not modelled beyond marking the cells mapped`);
      }
      mapCells(ms, span.first, span.last, cell);
    }
    ctx.resources.push({ kind: 'memmap-populate', section: ms.nr, pfn: start, nrPages: end - start, how });
    decide(ctx, 'memmap populated');
    return true;
  });
}

// --- internal ---

/**
 * SPARSEMEM_VMEMMAP=n: a whole-section memmap array whatever pfn and nr_pages are (v5.3 – ~v5.6
 * __kmalloc_section_memmap: alloc_pages, else vmalloc; ~v5.7 kvmalloc_node); NULL on failure.
 * The altmap is not used.
 */
function populateArray(ctx: KernelCtx, ms: SectionDraft): boolean {
  if (allocFails(ctx, 'memmap')) {
    decide(ctx, 'memmap allocation failed (injected): NULL', true);
    return false;
  }
  ms.memmap = 'K'.repeat(ctx.g.SUBSECTIONS_PER_SECTION);
  const how = has(ctx.p, 'SUBSECTION_MAP_HELPERS') ? 'kvmalloc_node (whole-section memmap)' : 'alloc_pages / vmalloc (whole-section memmap)';
  ctx.resources.push({ kind: 'memmap-populate', section: ms.nr, pfn: sectionNrToPfn(ctx.g, ms.nr), nrPages: ctx.g.PAGES_PER_SECTION, how });
  decide(ctx, 'memmap array allocated');
  return true;
}
