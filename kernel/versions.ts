/**
 * Kernel versions as data: the v5.3 model (the seed, ba72b4c8cf60) plus the dated list of changes
 * that apply up to a version (kernel-semantics.md §3 and §4, bug catalogue F-numbers). A version is
 * the set of change ids in effect; kernel functions ask `has(p, id)`. A stable release string
 * (`5.4.19`, `6.1.100`) also picks up the backports the Debian changelog dates (§3, stable table).
 */

/** One dated kernel change. */
export interface KernelChange<Id extends string = ChangeId> {
  /** Stable id used by the model (`F3`, `SUBSECTION`, …). */
  readonly id: Id;
  /** Mainline release that first has it. */
  readonly version: string;
  /** Stable series that took a backport, and the first stable release carrying it. */
  readonly backports: Readonly<Record<string, string>>;
  readonly commit: string | null;
  /** Kernel function(s) it touches. */
  readonly func: string;
  readonly what: string;
  /** Whether memhp's model switches on it (false: listed for the record, not observable here). */
  readonly modelled: boolean;
  /** Kernel source lines checked for it, as `file:line @release` of the traced Debian kernels (5.10.223, 6.1.192, 6.12.95, 7.3.4); empty: not checked. */
  readonly source: readonly string[];
}

const c = <Id extends string>(id: Id, version: string, commit: string | null, func: string, what: string, modelled = true, backports: Record<string, string> = {}, source: readonly string[] = []): KernelChange<Id> => ({ id, version, backports, commit, func, what, modelled, source });

/** Every change after v5.2, oldest first (each entry keeps its id's literal type: ChangeId is their union). */
export const CHANGES = [
  c('SUBSECTION', '5.3', 'ba72b4c8cf60', '__add_pages, sparse_add_section, section_activate, section_deactivate, __remove_pages', 'sub-section hotplug: subsection_map, check_pfn_span, -EEXIST propagated, SECTION_IS_EARLY, ENCODED_NULL on full removal', true, {}, ['mm/memory_hotplug.c:260 @5.10.223', 'mm/sparse.c:685 @5.10.223']),
  c('E2BIG', '5.5', null, '__add_pages', 'check_hotplug_memory_addressable(): a range ending above MAX_PHYSMEM_BITS WARNs "Hotplugged memory exceeds maximum addressable address, …" and returns -E2BIG [release inferred: v7 of the patch was posted 2019-10-02, after the v5.4 merge window]', true, {}, ['mm/memory_hotplug.c:287 @5.10.223', 'mm/memory_hotplug.c:320 @5.10.223']),
  c('ZONELESS_REMOVE', '5.5', null, '__remove_pages', '"mm/memory_hotplug: shrink zones when offlining memory": __remove_pages() takes no zone, no contiguous-zone handling', true, { '5.4': '5.4.9' }, ['mm/memory_hotplug.c:532 @5.10.223']),
  c('F3', '5.5', null, 'section_deactivate', '"don\'t free usage map when removing a re-added early section": usage freed only if not PageReserved', true, { '5.4': '5.4.14' }, ['mm/sparse.c:826 @5.10.223', 'mm/sparse-vmemmap.c:803 @7.3.4']),
  c('LOOP_REWRITE', '5.5', null, '__add_pages, __remove_pages', 'chunk loop "for pfn < end_pfn": nr_pages = 0 runs no iteration', true, {}, ['mm/memory_hotplug.c:340 @5.10.223', 'mm/memory_hotplug.c:544 @5.10.223']),
  c('F4', '5.6', '1f503443e7df', 'section_deactivate', '"reset section\'s mem_map when fully deactivated": word 0 instead of ENCODED_NULL', true, { '5.4': '5.4.19' }, ['mm/sparse.c:843 @5.10.223', 'mm/sparse-vmemmap.c:820 @7.3.4']),
  c('F8', '5.6', 'b943f045a9af', 'section_deactivate', '"fix kernel crash with pfn_section_valid check": HAS_MEM_MAP cleared when the section empties, before the memmap free (a ppc64 ordering fix: same end state here)', false, { '5.5': '5.5.14' }, ['mm/sparse.c:817 @5.10.223']),
  c('F6', '5.6', '18e19f195cd8', 'sparse_add_section', 'poison the memmap section_activate() returned (the SPARSEMEM_VMEMMAP=n + DEBUG_VM page fault, F6)'),
  c('F7', '5.6', 'd41e2f3bd546', 'section_deactivate', 'reset the section word after the memmap free (SPARSEMEM_VMEMMAP=n: v5.3 – v5.5 leak the memmap, the v5.6-rc1..rc5 crash is not modelled)'),
  c('SUBSECTION_MAP_HELPERS', '5.7', null, 'section_activate, section_deactivate', 'Baoquan He\'s refactor: fill_subsection_map() / clear_subsection_map() (the "section already deactivated" WARN now comes from clear_subsection_map); under !VMEMMAP no bitmap at all [release unverified]', true, {}, ['mm/sparse.c:673 @5.10.223', 'mm/sparse.c:765 @5.10.223']),
  c('F5', '5.7', null, 'sparse_add_section', 'memmap realigned with pfn_to_page(section start): section_mem_map stays the vmemmap encoding [release unverified]'),
  c('F10', '5.9', 'ef69bc9f689d', 'section_deactivate, __populate_section_memmap', '"never partially remove memmap for early section"; populate no longer rounds outward and WARN_ON_ONCEs on misaligned ranges', true, {}, ['mm/sparse.c:837 @5.10.223', 'mm/sparse-vmemmap.c:257 @5.10.223', 'mm/sparse-vmemmap.c:557 @7.3.4']),
  c('F16', '5.12', null, 'pfn_valid (arm64)', '"arm64: mm: Fix pfn_valid() for ZONE_DEVICE based memory": arm64\'s memblock-based pfn_valid() asks pfn_section_valid() for non-early sections (ZONE_DEVICE pfns were invalid)', true, { '5.10': '5.10.24' }),
  c('MHP_RANGE_ALLOWED', '5.12', null, '__add_pages', 'check_hotplug_memory_addressable() gone: the range is checked by mhp_range_allowed() in the callers above arch_add_memory() (pr_warn "Hotplug memory [%#llx-%#llx] exceeds maximum addressable range [%#llx-%#llx]", -E2BIG from register_memory_resource); __add_pages() keeps only VM_BUG_ON (DEBUG_VM), so a section past NR_SECTION_ROOTS reaches sparse_add_section() [release inferred: v4 of "Prevalidate the address range being added with platform" was posted 2021-01-25, after the v5.11 merge window; 5.10.223 has the old check]', true, {}, ['mm/memory_hotplug.c:287 @5.10.223', 'mm/memory_hotplug.c:1552 @6.1.192', 'mm/memory_hotplug.c:313 @6.1.192', 'mm/memory_hotplug.c:1774 @7.3.4', 'mm/memory_hotplug.c:395 @7.3.4']),
  c('TAINT', '5.12', null, 'pfn_to_online_page, move_pfn_range_to_zone', 'SECTION_TAINT_ZONE_DEVICE (bit 4); pfn_to_online_page() checks pfn_section_valid(); 5.10 has no such bit (SECTION_MAP_LAST_BIT is 1UL<<4)', true, {}, ['include/linux/mmzone.h:1287 @5.10.223', 'include/linux/mmzone.h:1725 @6.1.192']),
  c('ARM64_GENERIC_PFN_VALID', '5.14', null, 'pfn_valid (arm64)', 'arm64 drops its own pfn_valid() for the generic one [release unverified; 6.1 verified]'),
  c('NID_SHIFT', '5.14', null, 'sparse_encode_early_nid', 'SECTION_NID_SHIFT no longer 3 (F13): from v5.12 a boot section of a node with bit 1 set kept SECTION_TAINT_ZONE_DEVICE from its nid bits; 6 in v5.14, SECTION_MAP_LAST_BIT (5) @6.1.192 and 6.12.95, 6 @7.3.4 [release unverified]', true, {}, ['include/linux/mmzone.h:1289 @5.10.223', 'include/linux/mmzone.h:1738 @6.1.192', 'include/linux/mmzone.h:2110 @7.3.4']),
  c('CALLER_WARN', '6.0', null, 'check_pfn_span, __add_pages, __remove_pages', 'check_pfn_span silent; callers WARN "Misaligned %s start: %#lx end: #%lx"; __add_pages returns an uninitialised err for nr_pages = 0', true, {}, ['mm/memory_hotplug.c:280 @5.10.223', 'mm/memory_hotplug.c:328 @6.1.192', 'mm/memory_hotplug.c:528 @6.1.192']),
  c('NO_HWPOISON', '6.2', null, 'sparse_remove_section', 'no hwpoison clearing on remove (memhp models no hwpoisoned pages)', false, {}, ['mm/sparse.c:930 @6.1.192']),
  c('FMT_0X', '6.5', null, '__add_pages, __remove_pages', 'misaligned WARN prints "end: %#lx" (0x…) instead of "end: #…"', true, {}, ['mm/memory_hotplug.c:328 @6.1.192', 'mm/memory_hotplug.c:395 @6.12.95', 'mm/memory_hotplug.c:410 @7.3.4']),
  c('REMOVE_SECTION', '6.5', null, 'sparse_remove_section, __remove_pages', 'sparse_remove_section(pfn, nr_pages, altmap) owns WARN_ON_ONCE(!valid_section); __remove_section is gone', true, {}, ['mm/memory_hotplug.c:501 @6.1.192', 'mm/sparse.c:937 @6.12.95']),
  c('F14', '6.8', '5ec8e8ea8b77', 'section_deactivate, pfn_valid', '"fix race in accessing memory_section->usage": HAS_MEM_MAP cleared first, usage freed with kfree_rcu', true, { '5.10': '5.10.210', '6.1': '6.1.76' }, ['mm/sparse.c:817 @5.10.223', 'mm/sparse.c:827 @5.10.223', 'mm/sparse.c:810 @6.12.95']),
  c('F15', '6.10', null, 'pfn_section_valid', '"prevent derefencing NULL ptr in pfn_section_valid()"', true, { '5.10': '5.10.222', '6.1': '6.1.100' }, ['include/linux/mmzone.h:1358 @5.10.223', 'include/linux/mmzone.h:1814 @6.1.192']),
  c('PHYSMEM_END', '6.11', null, 'add_pages (x86)', 'WARN_ON_ONCE(end > PHYSMEM_END) → -ERANGE before __add_pages() (DIRECT_MAP_PHYSMEM_END @7.3.4; both are 2^MAX_PHYSMEM_BITS - 1 without KASLR)', true, { '6.1': '6.1.110', '6.10': '6.10.10' }, ['arch/x86/mm/init_64.c:853 @5.10.223', 'arch/x86/mm/init_64.c:974 @6.1.192', 'arch/x86/mm/init_64.c:982 @6.12.95', 'arch/x86/mm/init_64.c:969 @7.3.4', 'arch/x86/mm/kaslr.c:101 @7.3.4']),
  c('ACCOUNTING', '6.11', null, 'section_activate, section_deactivate', 'memmap_pages_add() accounting of populated memmap pages (a counter memhp does not show)', false, {}, ['mm/sparse.c:821 @6.12.95', 'mm/sparse.c:872 @6.12.95']),
  c('VMEMMAP_ONLY', '7.3', null, 'MEMORY_HOTPLUG (mm/Kconfig), check_pfn_span', 'memory hotplug depends on SPARSEMEM_VMEMMAP (6.12: on SPARSEMEM); check_pfn_span() always asks for PAGES_PER_SUBSECTION alignment; the !VMEMMAP hotplug code is gone [first release between 6.13 and 7.3 unverified]', false, {}, ['mm/Kconfig:546 @6.12.95', 'mm/Kconfig:517 @7.3.4', 'mm/memory_hotplug.c:331 @7.3.4']),
  c('HOTPLUG_IN_SPARSE_VMEMMAP', '7.3', null, 'section_deactivate, sparse_remove_section, online_mem_sections', 'the hotplug half of mm/sparse.c lives in mm/sparse-vmemmap.c: WARNs print "mm/sparse-vmemmap.c:727 … section_deactivate" ("section already deactivated") and ":924 … sparse_remove_section" (!valid_section) [first release between 6.13 and 7.3 unverified]', true, {}, ['mm/sparse.c:667 @6.12.95', 'mm/sparse.c:937 @6.12.95', 'mm/sparse-vmemmap.c:727 @7.3.4', 'mm/sparse-vmemmap.c:924 @7.3.4']),
  c('ONLINE_UNCHECKED', '7.3', null, 'online_mem_sections, offline_mem_sections', 'no WARN_ON(!valid_section_nr()): SECTION_IS_ONLINE is set / cleared on whatever section word is there, and a section without a mem_section root is a NULL pointer write [first release between 6.13 and 7.3 unverified]', true, {}, ['mm/sparse.c:602 @6.12.95', 'mm/sparse.c:623 @6.12.95', 'mm/sparse-vmemmap.c:632 @7.3.4', 'mm/sparse-vmemmap.c:645 @7.3.4']),
  c('REMOVE_PGMAP', '7.3', null, '__remove_pages, arch_remove_memory, sparse_remove_section, section_deactivate, depopulate_section_memmap', 'the remove path takes the dev_pagemap too (pgmap=, NULL for System RAM); it only sizes the memmap page count of compound (vmemmap-optimised) device memory [first release between 6.13 and 7.3 unverified]', false, {}, ['mm/memory_hotplug.c:573 @6.12.95', 'mm/memory_hotplug.c:589 @7.3.4', 'mm/sparse-vmemmap.c:776 @7.3.4', 'mm/sparse-vmemmap.c:919 @7.3.4']),
  c('ACCOUNTING_VMEMMAP_PAGES', '7.3', null, 'populate_section_memmap, depopulate_section_memmap, free_map_bootmem', 'memmap_pages_add() moved into populate/depopulate_section_memmap() with section_nr_vmemmap_pages() (compound-page aware; added even when the populate fails, so the rollback balances it); free_map_bootmem() subtracts a whole section from the boot count (6.12: the removed chunk) — counters memhp does not show [first release between 6.13 and 7.3 unverified]', false, {}, ['mm/sparse.c:824 @6.12.95', 'mm/sparse-vmemmap.c:657 @7.3.4', 'mm/sparse-vmemmap.c:689 @7.3.4', 'mm/sparse-vmemmap.c:710 @7.3.4']),
  c('MEMMAP_FROM_PFN', '7.3', null, 'section_deactivate', 'an emptied early section\'s memmap for free_map_bootmem() is pfn_to_page(SECTION_ALIGN_DOWN(pfn)), not sparse_decode_mem_map() of the word: never NULL (same pointer under VMEMMAP) [first release between 6.13 and 7.3 unverified]', false, {}, ['mm/sparse.c:813 @6.12.95', 'mm/sparse-vmemmap.c:807 @7.3.4']),
  c('VMEMMAP_PREINIT_BIT', '7.3', null, 'sparse_init_nid, section_mem_map flags', 'SECTION_IS_VMEMMAP_PREINIT is flag bit 5 (CONFIG_SPARSEMEM_VMEMMAP_PREINIT, x86_64 HugeTLB vmemmap pre-init): SECTION_MAP_LAST_BIT 6, so SECTION_NID_SHIFT 6 and SECTION_MAP_MASK ~0x3f; only boot sections pre-initialised by hugetlb get it, no hot-added one [first release between 6.13 and 7.3 unverified]', false, {}, ['include/linux/mmzone.h:1913 @6.12.95', 'include/linux/mmzone.h:2094 @7.3.4', 'mm/sparse.c:301 @7.3.4']),
  c('NO_INACCESSIBLE_ALTMAP', '7.3', null, 'sparse_add_section, mhp_init_memmap_on_memory', 'MHP_OFFLINE_INACCESSIBLE / altmap->inaccessible gone: sparse_add_section() always poisons the new memmap (DEBUG_VM only) [first release between 6.13 and 7.3 unverified]', false, {}, ['mm/sparse.c:917 @6.12.95', 'mm/sparse-vmemmap.c:906 @7.3.4']),
  c('ADD_MEMORY_ONLINE_TYPE', '7.3', null, '__add_memory_resource, __add_memory_driver_managed', 'add_memory_resource() / add_memory_driver_managed() wrap __add_memory_resource() / __add_memory_driver_managed() that take an online_type (kmem passes its own); the default comes from mhp_get_default_online_type() (MHP_DEFAULT_ONLINE_TYPE_* choice) — above __add_pages, not modelled [first release between 6.13 and 7.3 unverified]', false, {}, ['mm/memory_hotplug.c:1478 @6.12.95', 'mm/memory_hotplug.c:1500 @7.3.4', 'mm/memory_hotplug.c:1609 @7.3.4', 'mm/memory_hotplug.c:1675 @7.3.4']),
] as const;

/** The id of a change in CHANGES: `has(p, id)` takes nothing else, so a misspelt id does not compile. */
export type ChangeId = (typeof CHANGES)[number]['id'];

/** The newest release memhp models; `newest` names it. */
export const NEWEST_RELEASE = '7.3';

/** A parsed version: mainline X.Y with an optional stable .Z; `newest` is NEWEST_RELEASE. */
export interface KernelVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  /** Stable sub-release (0 for a plain X.Y release). */
  readonly patch: number;
  /** True when written `newest`. */
  readonly newest: boolean;
}

/**
 * The upstream version of a kernel release as `uname -r` prints it: Debian's ABI names stand for
 * the traced builds (`6.1.0-56-amd64` is 6.1.192, `6.12.95+deb12-amd64` 6.12.95), any other
 * `X.Y.Z…` is X.Y.Z; null when it does not start with a version.
 */
export function releaseVersion(release: string): string | null {
  if (/^6\.1\.0-/.test(release)) return '6.1.192';
  const m = /^(\d+\.\d+\.\d+)/.exec(release);
  return m?.[1] ?? null;
}

/**
 * Parse `5.10`, `7.3.4`, `v6.1`, a `uname -r` release (`6.1.0-56-amd64`, `7.3.4+deb13-amd64`:
 * releaseVersion) or `newest` (= NEWEST_RELEASE); undefined for anything else, before 5.2, 5.20+,
 * or after NEWEST_RELEASE. `text` is the version as memhp names it (`6.1.192` for `6.1.0-56-amd64`).
 */
export function parseVersion(input: string): KernelVersion | undefined {
  if (input === 'newest') {
    const v = parseVersion(NEWEST_RELEASE) as KernelVersion;
    return { ...v, text: input, newest: true };
  }
  const plain = input.replace(/^v(?=\d)/, '');
  const text = /^\d+\.\d+(?:\.\d+)?$/.test(plain) ? plain : (releaseVersion(plain) ?? plain);
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const v = { text, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), newest: false };
  if (v.major < 5 || (v.major === 5 && (v.minor < 2 || v.minor > 19))) return undefined;
  const [nMajor, nMinor] = NEWEST_RELEASE.split('.').map(Number) as [number, number];
  if (v.major > nMajor || (v.major === nMajor && v.minor > nMinor)) return undefined;
  return v;
}

/** The change ids in effect at `v`. */
export function changesAt(v: KernelVersion): ReadonlySet<ChangeId> {
  const out = new Set<ChangeId>();
  for (const ch of CHANGES) {
    const main = parseVersion(ch.version);
    if (main && compare(main, { ...v, patch: 0 }) <= 0) {
      out.add(ch.id);
      continue;
    }
    const bp = ch.backports[`${v.major}.${v.minor}`];
    const stable = bp === undefined ? undefined : parseVersion(bp);
    if (stable && v.patch >= stable.patch) out.add(ch.id);
  }
  return out;
}

// --- internal ---

function compare(a: KernelVersion, b: KernelVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
