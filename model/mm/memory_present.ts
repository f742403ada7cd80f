/**
 * memory_present(nid, start, end) — mm/sparse.c, v5.3 (unchanged by the seed): from the section
 * boundary at or below `start`, for every section up to `end`: sparse_index_init() (memblock root;
 * boot failures panic and are not modelled), set_section_nid(), and a still-zero word becomes
 * sparse_encode_early_nid(nid) | SECTION_IS_ONLINE, marked present.
 */
import { pfnToSectionNr } from '../../kernel/pfn.js';
import { SECTION_IS_ONLINE, SECTION_MARKED_PRESENT } from '../../kernel/types.js';
import { sectionForWrite } from './context.js';
import type { KernelCtx } from './context.js';
import { sparse_index_init } from './sparse_index_init.js';

/** Mark the sections of boot range [start, end) present and online. */
export function memory_present(ctx: KernelCtx, nid: number, start: number, end: number): void {
  const first = start - (start % ctx.g.PAGES_PER_SECTION);
  for (let pfn = first; pfn < end; pfn += ctx.g.PAGES_PER_SECTION) {
    const nr = pfnToSectionNr(ctx.g, pfn);
    sparse_index_init(ctx, nr);
    const ms = sectionForWrite(ctx, nr);
    if (!ms) continue;
    ms.nid = nid;
    if (ms.flags === 0 && ms.map === 'zero') {
      ms.flags = SECTION_IS_ONLINE | SECTION_MARKED_PRESENT;
      if (nr > ctx.s.highestPresentSectionNr) ctx.s.highestPresentSectionNr = nr;
    }
  }
}
