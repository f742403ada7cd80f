/**
 * __remove_pages(zone, pfn, nr_pages, altmap) — mm/memory_hotplug.c, v5.3: map_offset =
 * vmem_altmap_offset(altmap); clear_zone_contiguous(zone); check_pfn_span(…, "remove") fails →
 * return (nothing removed, and the zone is left non-contiguous); else __remove_section() per
 * section chunk (map_offset for the first chunk only), then set_zone_contiguous(zone). Void.
 * v5.5 (ZONELESS_REMOVE, 5.4.9): no zone, no contiguous-zone handling; (LOOP_REWRITE): nr_pages = 0
 * runs no iteration. ~v6.5 (REMOVE_SECTION): sparse_remove_section() per chunk does the valid check.
 */
import { endSectionNr, pfnToSectionNr } from '../../kernel/pfn.js';
import type { Altmap } from '../../kernel/types.js';
import { has } from '../../kernel/profile.js';
import { call, decide } from './context.js';
import type { KernelCtx } from './context.js';
import { check_pfn_span } from './check_pfn_span.js';
import { __remove_section } from './__remove_section.js';
import { sparse_remove_section } from './sparse_remove_section.js';

/** Hot-remove [pfn, pfn + nr_pages). */
export function __remove_pages(ctx: KernelCtx, pfn: number, nr_pages: number, altmap: Altmap | null): void {
  call(ctx, '__remove_pages', () => {
    let mapOffset = altmap ? altmap.reserve + altmap.free : 0;
    if (check_pfn_span(ctx, pfn, nr_pages, 'remove')) {
      if (!has(ctx.p, 'ZONELESS_REMOVE')) ctx.notes.push('zone left non-contiguous: clear_zone_contiguous() ran, set_zone_contiguous() did not');
      return;
    }
    if (nr_pages === 0 && has(ctx.p, 'LOOP_REWRITE')) {
      decide(ctx, 'nr_pages 0: no section to remove');
      return;
    }
    const startSec = pfnToSectionNr(ctx.g, pfn);
    const endSec = endSectionNr(ctx.g, pfn, nr_pages);
    let cur = pfn;
    let left = nr_pages;
    for (let nr = startSec; nr <= endSec; nr++) {
      const pfns = Math.min(left, ctx.g.PAGES_PER_SECTION - (cur % ctx.g.PAGES_PER_SECTION));
      if (pfns === 0 && nr > startSec) {
        ctx.hazards.push({
          kind: 'undefined',
          bug: null,
          text: `nr_pages 0 at pfn 0: end_sec wraps to ${endSec}; the loop repeats __remove_section(0, 0) for every remaining section number (a soft lockup)`,
          fixedBy: null,
        });
        break;
      }
      if (has(ctx.p, 'REMOVE_SECTION')) sparse_remove_section(ctx, cur, pfns, 0);
      else __remove_section(ctx, cur, pfns, mapOffset);
      cur += pfns;
      left -= pfns;
      mapOffset = 0;
    }
    if (endSec < startSec) decide(ctx, 'nr_pages 0: no section to remove');
  });
}
