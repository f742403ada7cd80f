/**
 * The values a section's fields take, each list defined once: the section machine's states, what
 * the section word's memmap part holds, where ms->usage came from, and the memmap backing of a
 * sub-section. The types of kernel/types.ts, the log file's schemas, the scenario parser and the
 * viewer's legend are all made from these lists.
 */

/**
 * The section machine's state values, as dotted paths (xstate state values flattened); the part
 * before a dot is a group (`absent`, `early`) an `expect section … state=` may also name.
 */
export const SECTION_STATES = [
  'absent.never',
  'absent.deactivated',
  'absent.emptied-early',
  'early.boot',
  'early.grown',
  'early.trimmed',
  'partial',
  'full-hotplug',
] as const;

/** A section machine state value. */
export type SectionStateValue = (typeof SECTION_STATES)[number];

/** The groups of SECTION_STATES (the part before the dot), in order: `absent`, `early`. */
export const SECTION_STATE_GROUPS: readonly string[] = [...new Set(SECTION_STATES.filter((s) => s.includes('.')).map((s) => s.slice(0, s.indexOf('.'))))];

/** Every state an `expect section … state=` may name: each group just before its first state. */
export const SECTION_STATE_NAMES: readonly string[] = SECTION_STATES.flatMap((s, i) => {
  const group = s.includes('.') ? s.slice(0, s.indexOf('.')) : null;
  const first = group !== null && !SECTION_STATES.slice(0, i).some((t) => t.startsWith(`${group}.`));
  return first ? [group, s] : [s];
});

/**
 * What the encoded memmap part of section_mem_map holds (kernel-semantics §1.3):
 * `zero` the word's map part is 0; `vmemmap` the correct encoding (the vmemmap base for every
 * section); `direct_map` pfn_to_kaddr(section start) written by a sub-section add (bug F5);
 * `encoded_null` sparse_encode_mem_map(NULL, nr) written by a full deactivate in v5.3 – v5.5;
 * `memmap_array` the section's own memmap array (SPARSEMEM_VMEMMAP=n).
 */
export const MAP_KINDS = ['zero', 'vmemmap', 'direct_map', 'encoded_null', 'memmap_array'] as const;

/** What the memmap part of a section word holds. */
export type MapKind = (typeof MAP_KINDS)[number];

/** Where `ms->usage` came from: none (NULL), memblock at boot (PageReserved), kzalloc at hot-add. */
export const USAGE_KINDS = ['none', 'boot', 'slab'] as const;

/** Where ms->usage came from. */
export type UsageKind = (typeof USAGE_KINDS)[number];

/**
 * The memmap (struct page array) backing of one sub-section, one character each, with what it
 * means: `B` the boot memmap is section-sized and PMD-mapped with PSE, `b` 4K-mapped without PSE;
 * `v` a sub-section-sized populate (altmap ignored); `F` x86 remove_pmd_table fills the freed part
 * of a PMD mapping with 0xFD (PAGE_INUSE). Without SPARSEMEM_VMEMMAP a section's memmap is one
 * array: `M` from memblock at boot, `K` at hot-add (alloc_pages / vmalloc, kvmalloc from ~v5.7).
 */
export const MEMMAP_CELLS = [
  ['.', 'not mapped'],
  ['B', 'boot memmap, PMD-mapped'],
  ['b', 'boot memmap, 4K-mapped'],
  ['v', 'hot-added, 4K-mapped'],
  ['V', 'hot-added, PMD-mapped'],
  ['A', 'hot-added, PMD from the altmap'],
  ['F', 'freed part of a PMD, 0xFD-filled'],
  ['M', 'memmap array from memblock'],
  ['K', 'memmap array allocated at hot-add'],
] as const;

/** One memmap backing character. */
export type MemmapCell = (typeof MEMMAP_CELLS)[number][0];

/** The memmap characters in order, as one string: `.BbvVAFMK`. */
export const MEMMAP_CHARS: string = MEMMAP_CELLS.map(([c]) => c).join('');
