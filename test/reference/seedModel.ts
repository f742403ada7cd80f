/**
 * An independent reference model of v5.3 sub-section hotplug, written straight from the seed
 * commit ba72b4c8cf60 "mm/sparsemem: support sub-section hotplug" (mainline v5.3), the v5.3
 * `mm/memory_hotplug.c` text
 * (`check_pfn_span`, `__add_pages`, `__remove_pages`, `__remove_section`) and f46edbd1b151
 * (`subsection_mask_set`, `subsection_map_init`), as summarised in kernel-semantics.md §2.1–2.9.
 *
 * It deliberately shares nothing with `model/`: no bitmap helpers, no geometry, no types.
 * One `bigint` holds the whole 64-bit `usage->subsection_map` of a section (x86_64 4K has
 * SUBSECTIONS_PER_SECTION = 64, i.e. exactly one unsigned long), where `model/` keeps 32-bit
 * words. Loop variables that are `unsigned long` in the kernel are `bigint`s wrapped to 64 bits.
 *
 * Scope: x86_64, 4K pages, 4-level paging, CONFIG_SPARSEMEM_VMEMMAP=y, CONFIG_SPARSEMEM_EXTREME=y,
 * kernel v5.3, no allocation ever fails, altmap always NULL. Only what decides return codes and
 * subsection_maps is kept: per section HAS_MEM_MAP ("valid"), SECTION_IS_EARLY, PRESENT, where
 * `ms->usage` came from, and the bitmap. Memmap backing, WARN once-flags and zones are out of scope
 * (they never change a return code or a bitmap in v5.3 without allocation failures).
 */
import { EEXIST, EINVAL, NOT_PAGE_SECTION_MASK, PAGES_PER_SECTION, PAGES_PER_SUBSECTION, type RefNote, type RefRange, type RefSection, SECTIONS_PER_ROOT, SUBSECTIONS_PER_SECTION, emptySection, min, pfnToSectionNr, subsectionMask, toBig, ulong } from './seed_geometry.js';
import { removeSection } from './seed_remove.js';

export { EEXIST, EINVAL, subsectionMask, type RefRange, type RefSection, type RefUsage, type RefNote } from './seed_geometry.js';

/**
 * The reference kernel: mutable, one instance per sequence. Build it with {@link SeedModel.boot}.
 */
export class SeedModel {
  /** `mem_section[root]` allocated (SPARSEMEM_EXTREME). Roots are never freed. */
  readonly roots = new Set<bigint>();
  /** Sections of allocated roots that were ever written; a missing one is all-zero. */
  readonly sections = new Map<bigint, RefSection>();
  /** What the last call did. */
  notes: RefNote[] = [];

  private constructor() {}

  /**
   * Boot (kernel-semantics.md §2.10 and §2.2):
   * - `memory_present()` per memblock range: every section from the section-aligned start to the
   *   range end gets its root and PRESENT;
   * - `sparse_init_nid()`: each present section gets a memblock usage and
   *   `sparse_init_one_section(…, SECTION_IS_EARLY)` → HAS_MEM_MAP | EARLY;
   * - `free_area_init_nodes()`: `for_each_mem_pfn_range(…) subsection_map_init(start_pfn,
   *   end_pfn - start_pfn);` which ORs the rounded-outward sub-sections into each live map.
   */
  static boot(ranges: readonly RefRange[]): SeedModel {
    const m = new SeedModel();
    for (const r of ranges) {
      if (r.endPfn <= r.startPfn) continue; // memblock has no empty ranges
      const first = pfnToSectionNr(toBig(r.startPfn));
      const last = pfnToSectionNr(toBig(r.endPfn - 1));
      for (let nr = first; nr <= last; nr++) {
        m.roots.add(nr / SECTIONS_PER_ROOT);
        const ms = m.sectionForWrite(nr);
        ms.present = true;
      }
    }
    for (const ms of m.sections.values()) {
      if (!ms.present) continue;
      ms.usage = 'boot';
      ms.valid = true;
      ms.early = true;
    }
    for (const r of ranges) {
      if (r.endPfn <= r.startPfn) continue;
      m.subsectionMapInit(toBig(r.startPfn), toBig(r.endPfn - r.startPfn));
    }
    return m;
  }

  /**
   * `subsection_map_init(pfn, nr_pages)` (f46edbd1b151):
   *   if (!nr_pages) return;
   *   for (i = start_sec; i <= end_sec; i++) {
   *     pfns = min(nr_pages, PAGES_PER_SECTION - (pfn & ~PAGE_SECTION_MASK));
   *     ms = __nr_to_section(i);
   *     subsection_mask_set(ms->usage->subsection_map, pfn, pfns);
   *     pfn += pfns; nr_pages -= pfns;
   *   }
   */
  private subsectionMapInit(pfn: bigint, nrPages: bigint): void {
    if (nrPages === 0n) return;
    const endSec = pfnToSectionNr(pfn + nrPages - 1n);
    for (let i = pfnToSectionNr(pfn); i <= endSec; i++) {
      const pfns = min(nrPages, PAGES_PER_SECTION - (pfn & NOT_PAGE_SECTION_MASK));
      const ms = this.sectionForWrite(i);
      ms.map |= subsectionMask(pfn, pfns);
      pfn += pfns;
      nrPages -= pfns;
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** `__nr_to_section(nr)`: NULL when the root is not allocated. */
  nrToSection(nr: bigint): RefSection | null {
    if (!this.roots.has(nr / SECTIONS_PER_ROOT)) return null;
    return this.sectionForWrite(nr);
  }

  /** The (zero-initialised) slot of an allocated root. */
  sectionForWrite(nr: bigint): RefSection {
    let ms = this.sections.get(nr);
    if (!ms) {
      ms = emptySection();
      this.sections.set(nr, ms);
    }
    return ms;
  }

  /** Read access for the tests: undefined when the section was never written. */
  section(nr: number): Readonly<RefSection> | undefined {
    return this.sections.get(toBig(nr));
  }

  /** The section's subsection_map as 16 lowercase hex digits (all zero when never touched). */
  mapHex(nr: number): string {
    const ms = this.section(nr);
    return (ms?.map ?? 0n).toString(16).padStart(16, '0');
  }

  /**
   * `check_pfn_span(pfn, nr_pages, reason)` (v5.3 mm/memory_hotplug.c), VMEMMAP=y:
   *   min_align = PAGES_PER_SUBSECTION;
   *   if (!IS_ALIGNED(pfn, min_align) || !IS_ALIGNED(nr_pages, min_align)) {
   *     WARN(1, "Misaligned __%s_pages start: %#lx end: #%lx\n", …);
   *     return -EINVAL;
   *   }
   *   return 0;
   */
  checkPfnSpan(pfn: bigint, nrPages: bigint): number {
    if (pfn % PAGES_PER_SUBSECTION !== 0n || nrPages % PAGES_PER_SUBSECTION !== 0n) return -EINVAL;
    return 0;
  }

  // ---- add path --------------------------------------------------------------------------------

  /**
   * `__add_pages(nid, pfn, nr_pages, restrictions)` with a NULL altmap (v5.3):
   *   err = check_pfn_span(pfn, nr_pages, "add");
   *   if (err) return err;
   *   start_sec = pfn_to_section_nr(pfn);
   *   end_sec = pfn_to_section_nr(pfn + nr_pages - 1);
   *   for (nr = start_sec; nr <= end_sec; nr++) {
   *     pfns = min(nr_pages, PAGES_PER_SECTION - (pfn & ~PAGE_SECTION_MASK));
   *     err = sparse_add_section(nid, pfn, pfns, altmap);
   *     if (err) break;
   *     pfn += pfns; nr_pages -= pfns;
   *   }
   *   return err;
   * No rollback of earlier chunks. nr_pages = 0: a section-aligned pfn gives end_sec = start_sec - 1
   * (no iteration, returns 0); another sub-section-aligned pfn gives one iteration with pfns = 0.
   */
  addPages(nid: number, pfnIn: number, nrPagesIn: number): number {
    this.notes = [];
    let pfn = toBig(pfnIn);
    let nrPages = toBig(nrPagesIn);
    let err = this.checkPfnSpan(pfn, nrPages);
    if (err) {
      this.notes.push({ kind: 'misaligned', fn: '__add_pages' });
      return err;
    }
    const startSec = pfnToSectionNr(pfn);
    const endSec = pfnToSectionNr(ulong(pfn + nrPages - 1n));
    for (let nr = startSec; nr <= endSec; nr++) {
      const pfns = min(nrPages, PAGES_PER_SECTION - (pfn & NOT_PAGE_SECTION_MASK));
      err = this.sparseAddSection(nid, pfn, pfns);
      this.notes.push({ kind: 'add_section', section: Number(nr), pfn: Number(pfn), nr: Number(pfns), ret: err });
      if (err) break;
      pfn = ulong(pfn + pfns);
      nrPages -= pfns;
    }
    return err;
  }

  /**
   * `sparse_add_section(nid, start_pfn, nr_pages, altmap)` (seed post-image):
   *   ret = sparse_index_init(section_nr, nid);
   *   if (ret < 0) return ret;
   *   memmap = section_activate(nid, start_pfn, nr_pages, altmap);
   *   if (IS_ERR(memmap)) return PTR_ERR(memmap);
   *   page_init_poison(…);                     // no state here
   *   ms = __pfn_to_section(start_pfn);
   *   set_section_nid(section_nr, nid);
   *   section_mark_present(ms);
   *   if (section_nr_to_pfn(section_nr) != start_pfn)
   *     memmap = pfn_to_kaddr(section_nr_to_pfn(section_nr));   // F5, not modelled
   *   sparse_init_one_section(ms, section_nr, memmap, ms->usage, 0);
   *   return 0;
   * `sparse_init_one_section` keeps the low flag bits and ORs in SECTION_HAS_MEM_MAP (flags 0:
   * EARLY is never newly set, but is kept if already there).
   */
  private sparseAddSection(_nid: number, startPfn: bigint, nrPages: bigint): number {
    const sectionNr = pfnToSectionNr(startPfn);
    this.sparseIndexInit(sectionNr);
    const rc = this.sectionActivate(startPfn, nrPages);
    if (rc) return rc;
    const ms = this.sectionForWrite(sectionNr);
    ms.present = true;
    ms.valid = true;
    return 0;
  }

  /**
   * `sparse_index_init(section_nr, nid)` (seed hunk):
   *   if (mem_section[root]) return 0;      // was -EEXIST before the seed
   *   section = sparse_index_alloc(nid);    // never fails here
   *   mem_section[root] = section;
   */
  private sparseIndexInit(sectionNr: bigint): void {
    this.roots.add(sectionNr / SECTIONS_PER_ROOT);
  }

  /**
   * `section_activate(nid, pfn, nr_pages, altmap)` (seed post-image):
   *   subsection_mask_set(map, pfn, nr_pages);
   *   if (!ms->usage) {
   *     usage = kzalloc(mem_section_usage_size(), GFP_KERNEL);
   *     ms->usage = usage;
   *   }
   *   subsection_map = &ms->usage->subsection_map[0];
   *   if (bitmap_empty(map, SUBSECTIONS_PER_SECTION))
   *     rc = -EINVAL;
   *   else if (bitmap_intersects(map, subsection_map, SUBSECTIONS_PER_SECTION))
   *     rc = -EEXIST;
   *   else
   *     bitmap_or(subsection_map, map, subsection_map, SUBSECTIONS_PER_SECTION);
   *   if (rc) {
   *     if (usage) ms->usage = NULL;
   *     kfree(usage);
   *     return ERR_PTR(rc);
   *   }
   *   if (nr_pages < PAGES_PER_SECTION && early_section(ms))
   *     return pfn_to_page(pfn);             // reuse the boot memmap
   *   memmap = populate_section_memmap(pfn, nr_pages, nid, altmap);   // never fails here
   *   return memmap;
   * Returns 0 for success or the negative errno.
   */
  private sectionActivate(pfn: bigint, nrPages: bigint): number {
    const ms = this.sectionForWrite(pfnToSectionNr(pfn));
    const map = subsectionMask(pfn, nrPages);
    let newUsage = false;
    if (ms.usage === 'none') {
      ms.usage = 'slab';
      ms.map = 0n; // kzalloc
      newUsage = true;
    }
    let rc = 0;
    if (map === 0n) rc = -EINVAL;
    else if ((map & ms.map) !== 0n) rc = -EEXIST;
    else ms.map |= map;
    if (rc) {
      if (newUsage) {
        ms.usage = 'none';
        ms.map = 0n;
      }
      return rc;
    }
    return 0;
  }

  // ---- remove path -----------------------------------------------------------------------------

  /**
   * `__remove_pages(zone, pfn, nr_pages, altmap)` (v5.3), void:
   *   if (check_pfn_span(pfn, nr_pages, "remove")) return;
   *   start_sec = pfn_to_section_nr(pfn);
   *   end_sec = pfn_to_section_nr(pfn + nr_pages - 1);
   *   for (nr = start_sec; nr <= end_sec; nr++) {
   *     pfns = min(nr_pages, PAGES_PER_SECTION - (pfn & ~PAGE_SECTION_MASK));
   *     __remove_section(zone, pfn, pfns, map_offset, altmap);
   *     pfn += pfns; nr_pages -= pfns; map_offset = 0;
   *   }
   * There is no break: every chunk is attempted.
   */
  removePages(pfnIn: number, nrPagesIn: number): null {
    this.notes = [];
    let pfn = toBig(pfnIn);
    let nrPages = toBig(nrPagesIn);
    if (this.checkPfnSpan(pfn, nrPages)) {
      this.notes.push({ kind: 'misaligned', fn: '__remove_pages' });
      return null;
    }
    const startSec = pfnToSectionNr(pfn);
    const endSec = pfnToSectionNr(ulong(pfn + nrPages - 1n));
    for (let nr = startSec; nr <= endSec; nr++) {
      const pfns = min(nrPages, PAGES_PER_SECTION - (pfn & NOT_PAGE_SECTION_MASK));
      const before = this.notes.length;
      removeSection(this, pfn, pfns);
      // Only pfn = 0 with nr_pages = 0 wraps end_sec to ~2^49; its chunks are all (0, 0), so once
      // an iteration changes nothing the remaining ones are identical: stop instead of spinning.
      if (pfns === 0n && this.notes[before]?.kind !== 'deactivated') break;
      pfn = ulong(pfn + pfns);
      nrPages -= pfns;
    }
    return null;
  }
}
