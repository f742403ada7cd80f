/**
 * Kernel versions as data: the v5.3 model (the seed, ba72b4c8cf60) plus the dated list of changes
 * that apply up to a version (kernel-semantics.md §3 and §4, bug catalogue F-numbers). A version is
 * the set of change ids in effect; kernel functions ask `has(p, id)`. A stable release string
 * (`5.4.19`, `6.1.100`) also picks up the backports the Debian changelog dates (§3, stable table).
 */

/** One dated kernel change. */
export interface KernelChange {
  /** Stable id used by the model (`F3`, `SUBSECTION`, …). */
  readonly id: string;
  /** Mainline release that first has it ("newest" for the mm tree after 6.12). */
  readonly version: string;
  /** Stable series that took a backport, and the first stable release carrying it. */
  readonly backports: Readonly<Record<string, string>>;
  readonly commit: string | null;
  /** Kernel function(s) it touches. */
  readonly func: string;
  readonly what: string;
  /** Whether memhp's model switches on it (false: listed for the record, not observable here). */
  readonly modelled: boolean;
}

const c = (id: string, version: string, commit: string | null, func: string, what: string, modelled = true, backports: Record<string, string> = {}): KernelChange => ({ id, version, backports, commit, func, what, modelled });

/** Every change after v5.2, oldest first. */
export const CHANGES: readonly KernelChange[] = [
  c('SUBSECTION', '5.3', 'ba72b4c8cf60', '__add_pages, sparse_add_section, section_activate, section_deactivate, __remove_pages', 'sub-section hotplug: subsection_map, check_pfn_span, -EEXIST propagated, SECTION_IS_EARLY, ENCODED_NULL on full removal'),
  c('E2BIG', '5.4', null, '__add_pages', 'check_hotplug_memory_addressable: WARN + -E2BIG above MAX_PHYSMEM_BITS (memhp refuses such input before the model)', false),
  c('ZONELESS_REMOVE', '5.5', null, '__remove_pages', '"mm/memory_hotplug: shrink zones when offlining memory": __remove_pages() takes no zone, no contiguous-zone handling', true, { '5.4': '5.4.9' }),
  c('F3', '5.5', null, 'section_deactivate', '"don\'t free usage map when removing a re-added early section": usage freed only if not PageReserved', true, { '5.4': '5.4.14' }),
  c('LOOP_REWRITE', '5.5', null, '__add_pages, __remove_pages', 'chunk loop "for pfn < end_pfn": nr_pages = 0 runs no iteration'),
  c('F4', '5.6', '1f503443e7df', 'section_deactivate', '"reset section\'s mem_map when fully deactivated": word 0 instead of ENCODED_NULL', true, { '5.4': '5.4.19' }),
  c('F8', '5.6', 'b943f045a9af', 'section_deactivate', '"fix kernel crash with pfn_section_valid check": HAS_MEM_MAP cleared when the section empties, before the memmap free (a ppc64 ordering fix: same end state here)', false, { '5.5': '5.5.14' }),
  c('F6', '5.6', '18e19f195cd8', 'sparse_add_section', 'poison the memmap section_activate() returned (the SPARSEMEM_VMEMMAP=n + DEBUG_VM page fault, F6)'),
  c('F7', '5.6', 'd41e2f3bd546', 'section_deactivate', 'reset the section word after the memmap free (SPARSEMEM_VMEMMAP=n: v5.3 – v5.5 leak the memmap, the v5.6-rc1..rc5 crash is not modelled)'),
  c('SUBSECTION_MAP_HELPERS', '5.7', null, 'section_activate, section_deactivate', 'Baoquan He\'s refactor: fill_subsection_map() / clear_subsection_map() (the "section already deactivated" WARN now comes from clear_subsection_map); under !VMEMMAP no bitmap at all [release unverified]'),
  c('F5', '5.7', null, 'sparse_add_section', 'memmap realigned with pfn_to_page(section start): section_mem_map stays the vmemmap encoding [release unverified]'),
  c('F10', '5.9', 'ef69bc9f689d', 'section_deactivate, __populate_section_memmap', '"never partially remove memmap for early section"; populate no longer rounds outward and WARN_ON_ONCEs on misaligned ranges'),
  c('F16', '5.12', null, 'pfn_valid (arm64)', '"arm64: mm: Fix pfn_valid() for ZONE_DEVICE based memory": arm64\'s memblock-based pfn_valid() asks pfn_section_valid() for non-early sections (ZONE_DEVICE pfns were invalid)', true, { '5.10': '5.10.24' }),
  c('TAINT', '5.12', null, 'pfn_to_online_page, move_pfn_range_to_zone', 'SECTION_TAINT_ZONE_DEVICE; pfn_to_online_page() checks pfn_section_valid()'),
  c('ARM64_GENERIC_PFN_VALID', '5.14', null, 'pfn_valid (arm64)', 'arm64 drops its own pfn_valid() for the generic one [release unverified; 6.1 verified]'),
  c('NID_SHIFT', '5.14', null, 'sparse_encode_early_nid', 'SECTION_NID_SHIFT 6 (F13): from v5.12 a boot section of a node with bit 1 set kept SECTION_TAINT_ZONE_DEVICE from its nid bits [release unverified]'),
  c('CALLER_WARN', '6.0', null, 'check_pfn_span, __add_pages, __remove_pages', 'check_pfn_span silent; callers WARN "Misaligned %s start: %#lx end: #%lx"; __add_pages returns an uninitialised err for nr_pages = 0'),
  c('NO_HWPOISON', '6.2', null, 'sparse_remove_section', 'no hwpoison clearing on remove (memhp models no hwpoisoned pages)', false),
  c('FMT_0X', '6.5', null, '__add_pages, __remove_pages', 'misaligned WARN prints "end: %#lx" (0x…) instead of "end: #…"'),
  c('REMOVE_SECTION', '6.5', null, 'sparse_remove_section, __remove_pages', 'sparse_remove_section(pfn, nr_pages, altmap) owns WARN_ON_ONCE(!valid_section); __remove_section is gone'),
  c('F14', '6.8', '5ec8e8ea8b77', 'section_deactivate, pfn_valid', '"fix race in accessing memory_section->usage": HAS_MEM_MAP cleared first, usage freed with kfree_rcu', true, { '6.1': '6.1.76' }),
  c('F15', '6.10', null, 'pfn_section_valid', '"prevent derefencing NULL ptr in pfn_section_valid()"', true, { '6.1': '6.1.100' }),
  c('PHYSMEM_END', '6.11', null, 'add_pages (x86)', 'WARN_ON_ONCE(end > PHYSMEM_END) → -ERANGE (memhp refuses such input before the model)', false, { '6.1': '6.1.110' }),
  c('ACCOUNTING', '6.11', null, 'section_activate, section_deactivate', 'memmap_pages_add() accounting of populated memmap pages (a counter memhp does not show)', false),
  c('VMEMMAP_ONLY', 'newest', null, 'sparse-vmemmap.c', 'hotplug code moved to sparse-vmemmap.c, VMEMMAP only [unverified]', false),
];

/** A parsed version: mainline X.Y, optional stable .Z, or the newest mm tree. */
export interface KernelVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  /** Stable sub-release (0 for a plain X.Y release). */
  readonly patch: number;
  readonly newest: boolean;
}

/** Parse `5.10`, `6.1.192`, `newest`; undefined for anything else, anything before 5.2, or 5.20+. */
export function parseVersion(text: string): KernelVersion | undefined {
  if (text === 'newest') return { text, major: 99, minor: 0, patch: 0, newest: true };
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const v = { text, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), newest: false };
  if (v.major < 5 || (v.major === 5 && (v.minor < 2 || v.minor > 19))) return undefined;
  return v;
}

/** The change ids in effect at `v`. */
export function changesAt(v: KernelVersion): ReadonlySet<string> {
  const out = new Set<string>();
  for (const ch of CHANGES) {
    if (ch.version === 'newest') {
      if (v.newest) out.add(ch.id);
      continue;
    }
    const main = parseVersion(ch.version);
    if (main && compare(main, { ...v, patch: 0 }) <= 0) {
      out.add(ch.id);
      continue;
    }
    const bp = ch.backports[`${v.major}.${v.minor}`];
    const stable = bp === undefined ? undefined : parseVersion(bp);
    if (stable && !v.newest && v.patch >= stable.patch) out.add(ch.id);
  }
  return out;
}

// --- internal ---

function compare(a: KernelVersion, b: KernelVersion): number {
  if (a.newest !== b.newest) return a.newest ? 1 : -1;
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
