/**
 * __remove_section(zone, pfn, nr_pages, map_offset, altmap) — mm/memory_hotplug.c, v5.3:
 * WARN_ON_ONCE(!valid_section(ms)) and skip; else __remove_zone() (shrinks the zone span — before
 * section_deactivate can still refuse) and sparse_remove_section().
 */
import { pfnToSectionNr } from '../../kernel/pfn.js';
import { SECTION_HAS_MEM_MAP } from '../../kernel/types.js';
import { call, decide, peekSection, warnOnce } from './context.js';
import type { KernelCtx } from './context.js';
import { sparse_remove_section } from './sparse_remove_section.js';

/** Remove one section chunk if its section is valid. */
export function __remove_section(ctx: KernelCtx, pfn: number, nr_pages: number, map_offset: number): void {
  call(ctx, '__remove_section', () => {
    const ms = peekSection(ctx, pfnToSectionNr(ctx.g, pfn));
    if (!ms || (ms.flags & SECTION_HAS_MEM_MAP) === 0) {
      warnOnce(ctx, { kind: 'WARN_ON_ONCE', func: '__remove_section', file: 'mm/memory_hotplug.c', text: '' });
      decide(ctx, `section ${pfnToSectionNr(ctx.g, pfn)} not valid: WARN_ON_ONCE, skipped`, true);
      return;
    }
    sparse_remove_section(ctx, pfn, nr_pages, map_offset);
  });
}
