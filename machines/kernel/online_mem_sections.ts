/**
 * online_mem_sections(start_pfn, end_pfn) / offline_mem_sections() — mm/sparse.c, v5.3 (same in
 * 6.1): for pfn = start; pfn < end; pfn += PAGES_PER_SECTION: WARN_ON(!valid_section_nr(nr)) and
 * skip, else set / clear SECTION_IS_ONLINE.
 */
import { pfnToSectionNr } from '../geometry.js';
import { SECTION_HAS_MEM_MAP, SECTION_IS_ONLINE } from '../types.js';
import { call, decide, peekSection, sectionForWrite, stepMachine, warn } from './context.js';
import type { KernelCtx } from './context.js';

/** Set (online) or clear (offline) SECTION_IS_ONLINE over the sections of [start_pfn, end_pfn). */
export function online_mem_sections(ctx: KernelCtx, start_pfn: number, end_pfn: number, online: boolean): void {
  const func = online ? 'online_mem_sections' : 'offline_mem_sections';
  call(ctx, func, () => {
    for (let pfn = start_pfn; pfn < end_pfn; pfn += ctx.g.PAGES_PER_SECTION) {
      const nr = pfnToSectionNr(ctx.g, pfn);
      const peek = peekSection(ctx, nr);
      if (!peek || (peek.flags & SECTION_HAS_MEM_MAP) === 0) {
        warn(ctx, { kind: 'WARN_ON', func, file: 'mm/sparse.c', text: '' });
        decide(ctx, `section ${nr} not valid: WARN_ON, skipped`, true);
        continue;
      }
      const ms = sectionForWrite(ctx, nr);
      if (!ms) continue;
      ms.flags = online ? ms.flags | SECTION_IS_ONLINE : ms.flags & ~SECTION_IS_ONLINE;
      stepMachine(ms, { type: online ? 'online' : 'offline' });
    }
    decide(ctx, online ? 'sections onlined' : 'sections offlined');
  });
}
