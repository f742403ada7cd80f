/**
 * The raw `section_mem_map` word (kernel-semantics §1.3): encoded memmap | flags. The encoded part
 * is the struct page of the section's first pfn minus section_start_pfn × sizeof(struct page)
 * (sparse_encode_mem_map, mm/sparse.c). x86_64 4-level, no KASLR: vmemmap base
 * 0xffffea0000000000, direct map (PAGE_OFFSET) 0xffff888000000000.
 */
import { toU64 } from './format.js';
import type { Geometry } from './geometry.js';
import type { MemSection } from './types.js';

/** x86_64 VMEMMAP_START without KASLR. */
export const VMEMMAP_BASE = 0xffffea0000000000n;
/** x86_64 PAGE_OFFSET (4-level) without KASLR. */
export const PAGE_OFFSET = 0xffff888000000000n;

/** The 64-bit section_mem_map value a section's fields stand for. */
export function sectionWord(g: Geometry, ms: MemSection): bigint {
  const startPfn = BigInt(ms.nr) * BigInt(g.PAGES_PER_SECTION);
  const bias = startPfn * BigInt(g.STRUCT_PAGE_BYTES);
  let encoded = 0n;
  switch (ms.map) {
    case 'vmemmap':
      encoded = VMEMMAP_BASE;
      break;
    case 'direct_map':
      encoded = toU64(PAGE_OFFSET + startPfn * BigInt(g.PAGE_SIZE) - bias);
      break;
    case 'encoded_null':
      encoded = toU64(-bias);
      break;
    case 'zero':
      encoded = 0n;
      break;
    case 'memmap_array':
      // SPARSEMEM_VMEMMAP=n: the address of an allocated array, which memhp does not model; the
      // printed word shows only the flags (the map kind is printed beside it).
      encoded = 0n;
      break;
  }
  return encoded | BigInt(ms.flags);
}
