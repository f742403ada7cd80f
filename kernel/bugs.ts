/**
 * The bug catalogue (kernel-semantics.md, F-numbers) for hazards memhp reports under v5.3, with the
 * fix that removed each one.
 */

/** One catalogued kernel bug. */
export interface KnownBug {
  readonly id: string;
  readonly title: string;
  /** The fixing commit (title, id where known) and the first release carrying it. */
  readonly fixedBy: string;
}

/** Bugs by id. */
export const BUGS: Readonly<Record<string, KnownBug>> = {
  F3: {
    id: 'F3',
    title: 'section_deactivate kfree()s the memblock-allocated usage of a re-added early section',
    fixedBy: '"mm/memory_hotplug: don\'t free usage map when removing a re-added early section", v5.5 (5.4.14)',
  },
  F4: {
    id: 'F4',
    title: 'a fully deactivated section keeps a non-zero section_mem_map (ENCODED_NULL)',
    fixedBy: '1f503443e7df "mm/sparse.c: reset section\'s mem_map when fully deactivated", v5.6-rc1 (5.4.19)',
  },
  F5: {
    id: 'F5',
    title: 'sparse_add_section realigns the memmap with pfn_to_kaddr(): a direct-map address in section_mem_map',
    fixedBy: 'Wei Yang, "realign with pfn_to_page(section start)", v5.6/v5.7 [release unverified]',
  },
  F6: {
    id: 'F6',
    title: 'without SPARSEMEM_VMEMMAP, DEBUG_VM poisoning of a hot-added memmap goes through pfn_to_page() of an unset section word',
    fixedBy: '18e19f195cd8 (poison the memmap section_activate() returned), v5.6-rc3',
  },
  F7: {
    id: 'F7',
    title: 'without SPARSEMEM_VMEMMAP, the memmap of a fully removed section is looked up after its word was reset',
    fixedBy: 'd41e2f3bd546 (reset the section word after the memmap free), v5.6 (the v5.3 – v5.5 leak ends with F4 + F7)',
  },
  F10: {
    id: 'F10',
    title: 'partial removal from an early section tears down part of its boot vmemmap',
    fixedBy: 'ef69bc9f689d "mm/sparse: never partially remove memmap for early section", v5.9-rc1',
  },
  F13: {
    id: 'F13',
    title: 'SECTION_NID_SHIFT 3 lets a boot section\'s nid bits overlap the section flags',
    fixedBy: 'Horiguchi, "set SECTION_NID_SHIFT to 6", v5.14 [release unverified]',
  },
  F14: {
    id: 'F14',
    title: 'usage freed without RCU while pfn_valid() may read it',
    fixedBy: '5ec8e8ea8b77 "mm/sparsemem: fix race in accessing memory_section->usage", v6.8 (6.1.76)',
  },
};

/** The fixedBy text of a catalogued bug. */
export function fixOf(id: string): string | null {
  return BUGS[id]?.fixedBy ?? null;
}
