/**
 * The raw `section_mem_map` word (kernel-semantics §1.3): encoded memmap | flags. The encoded part
 * is the struct page of the section's first pfn minus section_start_pfn × sizeof(struct page)
 * (sparse_encode_mem_map, mm/sparse.c). Default x86_64 4-level, no KASLR: vmemmap base
 * 0xffffea0000000000, direct map (PAGE_OFFSET) 0xffff888000000000; a trace's own vmemmap_base
 * (5-level: 0xffd4000000000000, direct map 0xff11000000000000) is used for its steps.
 */
import { toU64 } from './format.js';
import type { Geometry } from './geometry.js';
import { SECTION_FLAG_NAMES } from './types.js';
import type { MemSection } from './types.js';

/** x86_64 VMEMMAP_START without KASLR. */
export const VMEMMAP_BASE = 0xffffea0000000000n;
/** x86_64 PAGE_OFFSET (4-level) without KASLR. */
export const PAGE_OFFSET = 0xffff888000000000n;

/** Where the vmemmap and the direct map start (they move with 5-level paging and KASLR). */
export interface AddressLayout {
  readonly vmemmapBase: bigint;
  readonly pageOffset: bigint;
}

/** x86_64 4-level paging without KASLR (the default). */
export const LAYOUT_4LEVEL: AddressLayout = { vmemmapBase: VMEMMAP_BASE, pageOffset: PAGE_OFFSET };

/** x86_64 5-level paging without KASLR: vmemmap_base 0xffd4000000000000 (as in the recorded traces' vmb=). */
export const LAYOUT_5LEVEL: AddressLayout = { vmemmapBase: 0xffd4000000000000n, pageOffset: 0xff11000000000000n };

/** The layout of a kernel whose vmemmap_base a trace recorded (`vmb=`): 5-level's direct map when the base is 5-level's. */
export function layoutForVmemmapBase(vmb: bigint): AddressLayout {
  return { vmemmapBase: vmb, pageOffset: vmb >= 0xff00000000000000n && vmb < 0xffe0000000000000n ? LAYOUT_5LEVEL.pageOffset : PAGE_OFFSET };
}

/** The 64-bit section_mem_map value a section's fields stand for, under `layout`. */
export function sectionWord(g: Geometry, ms: MemSection, layout: AddressLayout = LAYOUT_4LEVEL): bigint {
  const startPfn = BigInt(ms.nr) * BigInt(g.PAGES_PER_SECTION);
  const bias = startPfn * BigInt(g.STRUCT_PAGE_BYTES);
  let encoded = 0n;
  switch (ms.map) {
    case 'vmemmap':
      encoded = layout.vmemmapBase;
      break;
    case 'direct_map':
      encoded = toU64(layout.pageOffset + startPfn * BigInt(g.PAGE_SIZE) - bias);
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

/** The flag bits of a section_mem_map word by name, joined with '|' ('0' when none; unknown bits as hex). */
export function flagNames(flags: number): string {
  const names = SECTION_FLAG_NAMES.filter(([, bit]) => (flags & bit) !== 0).map(([n]) => n);
  const rest = flags & ~SECTION_FLAG_NAMES.reduce((m, [, bit]) => m | bit, 0);
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.length ? names.join('|') : '0';
}
