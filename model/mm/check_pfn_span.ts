/**
 * check_pfn_span(pfn, nr_pages, reason) — mm/memory_hotplug.c, v5.3 – v5.19: with
 * SPARSEMEM_VMEMMAP both must be multiples of PAGES_PER_SUBSECTION (else PAGES_PER_SECTION), or
 * WARN(1, "Misaligned __%s_pages start: %#lx end: #%lx\n") and -EINVAL. v6.0 (CALLER_WARN): the
 * check is silent and __add_pages / __remove_pages WARN "Misaligned %s start: %#lx end: #%lx\n"
 * with __func__ — the same text. ~v6.5 (FMT_0X): "end: %#lx". The "#" was the kernel's typo.
 */
import { ERRNO } from '../../kernel/errno.js';
import { fmtHex, fmtHexAlt } from '../../kernel/format.js';
import { isAligned } from '../../kernel/pfn.js';
import { has } from '../../kernel/profile.js';
import { call, decide, warn } from './context.js';
import type { KernelCtx } from './context.js';

/** 0 when [pfn, pfn + nr_pages) is aligned to the hotplug granularity, else -EINVAL after a WARN. */
export function check_pfn_span(ctx: KernelCtx, pfn: number, nr_pages: number, reason: 'add' | 'remove'): number {
  return call(ctx, 'check_pfn_span', () => {
    const minAlign = ctx.p.config.SPARSEMEM_VMEMMAP ? ctx.g.PAGES_PER_SUBSECTION : ctx.g.PAGES_PER_SECTION;
    if (isAligned(pfn, minAlign) && isAligned(nr_pages, minAlign)) return 0;
    const end = has(ctx.p, 'FMT_0X') ? fmtHexAlt(pfn + nr_pages - 1) : `#${fmtHex(pfn + nr_pages - 1)}`;
    warn(ctx, {
      kind: 'WARN',
      func: has(ctx.p, 'CALLER_WARN') ? `__${reason}_pages` : 'check_pfn_span',
      file: 'mm/memory_hotplug.c',
      text: `Misaligned __${reason}_pages start: ${fmtHexAlt(pfn)} end: ${end}`,
    });
    decide(ctx, 'misaligned: -EINVAL', true);
    return -ERRNO.EINVAL;
  });
}
