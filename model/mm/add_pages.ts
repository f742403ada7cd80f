/**
 * add_pages(nid, start_pfn, nr_pages, restrictions) — arch/x86/mm/init_64.c, v5.3: __add_pages(),
 * then WARN_ON_ONCE(ret) on any error, then max_pfn/high_memory are updated even on error.
 * This is what arch_add_memory() calls on x86_64 (v5.2 too, around the v5.2 __add_pages).
 * v6.11 / 6.1.110 (PHYSMEM_END): first WARN_ON_ONCE(end > PHYSMEM_END) → -ERANGE, where end is the
 * range's last byte (arch/x86/mm/init_64.c:974 @6.1.192; DIRECT_MAP_PHYSMEM_END, :969 @7.3.4). Both
 * are 2^MAX_PHYSMEM_BITS - 1 unless KASLR shrinks the direct map (memhp assumes it does not).
 */
import type { Altmap } from '../../kernel/types.js';
import { lastByte } from '../../kernel/pfn.js';
import { call, decide, warnOnce } from './context.js';
import type { KernelCtx } from './context.js';
import { __add_pages } from './__add_pages.js';
import { __add_pages_v5_2 } from './v5_2/__add_pages.js';
import { has } from '../../kernel/profile.js';
import { ERRNO } from '../../kernel/errno.js';

/** The x86_64 arch hot-add path; returns __add_pages()'s result. */
export function add_pages(ctx: KernelCtx, nid: number, start_pfn: number, nr_pages: number, altmap: Altmap | null): number {
  return call(ctx, 'add_pages', () => {
    // unsigned long end = ((start_pfn + nr_pages) << PAGE_SHIFT) - 1
    if (has(ctx.p, 'PHYSMEM_END') && lastByte(ctx.g, start_pfn + nr_pages) > (1n << BigInt(ctx.g.MAX_PHYSMEM_BITS)) - 1n) {
      warnOnce(ctx, { kind: 'WARN_ON_ONCE', func: 'add_pages', file: 'arch/x86/mm/init_64.c', text: '' }, 'end > PHYSMEM_END');
      decide(ctx, `end > PHYSMEM_END (2^${ctx.g.MAX_PHYSMEM_BITS} - 1): -ERANGE`, true);
      return -ERRNO.ERANGE;
    }
    const ret = has(ctx.p, 'SUBSECTION') ? __add_pages(ctx, nid, start_pfn, nr_pages, altmap) : __add_pages_v5_2(ctx, nid, start_pfn, nr_pages, altmap);
    if (ret) warnOnce(ctx, { kind: 'WARN_ON_ONCE', func: 'add_pages', file: 'arch/x86/mm/init_64.c', text: '' });
    return ret;
  });
}
