/**
 * __add_pages(nid, pfn, nr_pages, restrictions) — mm/memory_hotplug.c, v5.3: altmap check
 * (pr_warn_once "memory add fail, invalid altmap", -EINVAL; else altmap->alloc = 0), then
 * check_pfn_span(…, "add"), then one sparse_add_section() per section chunk, breaking on the first
 * error with no rollback (-EEXIST is no longer swallowed as in v5.2). Loop bounds are unsigned long:
 * nr_pages = 0 on a section-aligned pfn runs no iteration; on pfn 0 end_sec wraps.
 * v5.5 (LOOP_REWRITE): "for (; pfn < end_pfn; …)" — nr_pages = 0 runs no iteration and returns the
 * 0 of check_pfn_span; v6.0 (CALLER_WARN): that `err` is never assigned, so the return is garbage.
 * v5.4 – v5.10 (E2BIG until MHP_RANGE_ALLOWED): check_hotplug_memory_addressable() comes first.
 */
import { endSectionNr, pfnToSectionNr } from '../../kernel/pfn.js';
import { ERRNO } from '../../kernel/errno.js';
import type { Altmap } from '../../kernel/types.js';
import { has } from '../../kernel/profile.js';
import { call, decide, warnOnce } from './context.js';
import type { KernelCtx } from './context.js';
import { check_hotplug_memory_addressable } from './check_hotplug_memory_addressable.js';
import { check_pfn_span } from './check_pfn_span.js';
import { sparse_add_section } from './sparse_add_section.js';

/** Hot-add [pfn, pfn + nr_pages); 0 or the first error. */
export function __add_pages(ctx: KernelCtx, nid: number, pfn: number, nr_pages: number, altmap: Altmap | null): number {
  return call(ctx, '__add_pages', () => {
    if (has(ctx.p, 'E2BIG') && !has(ctx.p, 'MHP_RANGE_ALLOWED')) {
      const err = check_hotplug_memory_addressable(ctx, pfn, nr_pages);
      if (err) return err;
    }
    if (checkAltmap(ctx, pfn, nr_pages, altmap)) return -ERRNO.EINVAL;
    const err = check_pfn_span(ctx, pfn, nr_pages, 'add');
    if (err) return err;
    if (nr_pages === 0 && has(ctx.p, 'LOOP_REWRITE')) return noPages(ctx);
    const startSec = pfnToSectionNr(ctx.g, pfn);
    const endSec = endSectionNr(ctx.g, pfn, nr_pages);
    let rc = 0;
    let cur = pfn;
    let left = nr_pages;
    for (let nr = startSec; nr <= endSec; nr++) {
      const pfns = Math.min(left, ctx.g.PAGES_PER_SECTION - (cur % ctx.g.PAGES_PER_SECTION));
      rc = sparse_add_section(ctx, nid, cur, pfns, altmap);
      if (rc) break;
      cur += pfns;
      left -= pfns;
    }
    if (rc === 0 && endSec < startSec) decide(ctx, 'nr_pages 0: no section to add');
    return rc;
  });
}

/** __add_pages' altmap check (v5.2 on): base_pfn must be pfn and vmem_altmap_offset() ≤ nr_pages, else pr_warn_once and true (-EINVAL). */
export function checkAltmap(ctx: KernelCtx, pfn: number, nr_pages: number, altmap: Altmap | null): boolean {
  if (!altmap) return false;
  if (altmap.base_pfn !== pfn || altmap.reserve + altmap.free > nr_pages) {
    warnOnce(ctx, { kind: 'pr_warn_once', func: '__add_pages', file: 'mm/memory_hotplug.c', text: 'memory add fail, invalid altmap' });
    decide(ctx, 'invalid altmap: -EINVAL', true);
    return true;
  }
  ctx.altmapAlloc = 0;
  return false;
}

// --- internal ---

/** nr_pages = 0 from v5.5: the loop does not run. */
function noPages(ctx: KernelCtx): number {
  if (has(ctx.p, 'CALLER_WARN')) {
    ctx.hazards.push({ kind: 'undefined', bug: null, text: '__add_pages(nr_pages 0): the chunk loop never runs and err is never assigned: the return value is stack garbage (memhp shows 0)', fixedBy: null });
  }
  decide(ctx, 'nr_pages 0: no section to add');
  return 0;
}
