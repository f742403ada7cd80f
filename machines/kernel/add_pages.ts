/**
 * add_pages(nid, start_pfn, nr_pages, restrictions) — arch/x86/mm/init_64.c, v5.3: __add_pages(),
 * then WARN_ON_ONCE(ret) on any error, then max_pfn/high_memory are updated even on error.
 * This is what arch_add_memory() calls on x86_64 (v5.2 too, around the v5.2 __add_pages).
 */
import type { Altmap } from '../types.js';
import { call, warnOnce } from './context.js';
import type { KernelCtx } from './context.js';
import { __add_pages } from './__add_pages.js';
import { __add_pages_v5_2 } from './v5_2/__add_pages.js';
import { has } from '../profile.js';

/** The x86_64 arch hot-add path; returns __add_pages()'s result. */
export function add_pages(ctx: KernelCtx, nid: number, start_pfn: number, nr_pages: number, altmap: Altmap | null): number {
  return call(ctx, 'add_pages', () => {
    const ret = has(ctx.p, 'SUBSECTION') ? __add_pages(ctx, nid, start_pfn, nr_pages, altmap) : __add_pages_v5_2(ctx, nid, start_pfn, nr_pages, altmap);
    if (ret) warnOnce(ctx, { kind: 'WARN_ON_ONCE', func: 'add_pages', file: 'arch/x86/mm/init_64.c', text: '' });
    return ret;
  });
}
