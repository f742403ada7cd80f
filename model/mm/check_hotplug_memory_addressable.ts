/**
 * check_hotplug_memory_addressable(pfn, nr_pages) — mm/memory_hotplug.c:287 @5.10.223, called
 * first in __add_pages() from v5.4 (E2BIG) until mhp_range_allowed() replaced it (MHP_RANGE_ALLOWED):
 * a range whose last byte is at or above 2^MAX_PHYSMEM_BITS WARNs and returns -E2BIG. The WARN
 * prints `maximum=` as (1 << (MAX_PHYSMEM_BITS + 1)) - 1, one bit too many, as the kernel does.
 */
import { ERRNO } from '../../kernel/errno.js';
import { lastByte } from '../../kernel/pfn.js';
import { call, decide, warn } from './context.js';
import type { KernelCtx } from './context.js';

/** 0, or -E2BIG with the kernel's WARN when [pfn, pfn + nr_pages) ends above MAX_PHYSMEM_BITS. */
export function check_hotplug_memory_addressable(ctx: KernelCtx, pfn: number, nr_pages: number): number {
  const g = ctx.g;
  // const u64 max_addr = PFN_PHYS(pfn + nr_pages) - 1
  const maxAddr = lastByte(g, pfn + nr_pages);
  if (maxAddr >> BigInt(g.MAX_PHYSMEM_BITS) === 0n) return 0;
  return call(ctx, 'check_hotplug_memory_addressable', () => {
    const maxAllowed = (1n << BigInt(g.MAX_PHYSMEM_BITS + 1)) - 1n;
    const hex = (n: bigint): string => `0x${n.toString(16)}`;
    warn(ctx, {
      kind: 'WARN',
      func: 'check_hotplug_memory_addressable',
      file: 'mm/memory_hotplug.c',
      text: `Hotplugged memory exceeds maximum addressable address, range=${hex(BigInt(pfn) * BigInt(g.PAGE_SIZE))}-${hex(maxAddr)}, maximum=${hex(maxAllowed)}`,
    });
    decide(ctx, `range ends above MAX_PHYSMEM_BITS ${g.MAX_PHYSMEM_BITS}: -E2BIG`, true);
    return -ERRNO.E2BIG;
  });
}
