/**
 * The seed reference model's remove path: `__remove_section()` and `section_deactivate()` as v5.3
 * has them (the seed post-image), called by SeedModel.removePages().
 */
import { FULL_MAP, pfnToSectionNr, subsectionMask, type RefUsage } from './seed_geometry.js';
import type { SeedModel } from './seedModel.js';

/**
 * `__remove_section(zone, pfn, nr_pages, map_offset, altmap)` (v5.3):
 *   struct mem_section *ms = __nr_to_section(pfn_to_section_nr(pfn));
 *   if (WARN_ON_ONCE(!valid_section(ms))) return;
 *   __remove_zone(zone, pfn, nr_pages);          // zones are not modelled
 *   sparse_remove_section(ms, pfn, nr_pages, map_offset, altmap);
 * and `sparse_remove_section` (seed): clear_hwpoisoned_pages(…); section_deactivate(pfn, nr_pages, altmap);
 */
export function removeSection(m: SeedModel, pfn: bigint, nrPages: bigint): void {
  const sectionNr = pfnToSectionNr(pfn);
  const ms = m.nrToSection(sectionNr);
  if (!ms || !ms.valid) {
    m.notes.push({ kind: 'remove_invalid_section', section: Number(sectionNr) });
    return;
  }
  sectionDeactivate(m, pfn, nrPages);
}

/**
 * `section_deactivate(pfn, nr_pages, altmap)` (seed post-image, with Oscar Salvador's early fix):
 *   bool section_is_early = early_section(ms);
 *   unsigned long *subsection_map = ms->usage ? &ms->usage->subsection_map[0] : NULL;
 *   subsection_mask_set(map, pfn, nr_pages);
 *   if (subsection_map) bitmap_and(tmp, map, subsection_map, SUBSECTIONS_PER_SECTION);
 *   if (WARN(!subsection_map || !bitmap_equal(tmp, map, SUBSECTIONS_PER_SECTION),
 *            "section already deactivated (%#lx + %ld)\n", pfn, nr_pages))
 *     return;
 *   bitmap_xor(subsection_map, map, subsection_map, SUBSECTIONS_PER_SECTION);
 *   if (bitmap_empty(subsection_map, SUBSECTIONS_PER_SECTION)) {
 *     if (!section_is_early) { kfree(ms->usage); ms->usage = NULL; }
 *     memmap = sparse_decode_mem_map(ms->section_mem_map, section_nr);
 *     ms->section_mem_map = sparse_encode_mem_map(NULL, section_nr);   // every flag bit clear
 *   }
 *   … free_map_bootmem / depopulate_section_memmap (memmap only, not modelled)
 */
function sectionDeactivate(m: SeedModel, pfn: bigint, nrPages: bigint): void {
  const sectionNr = pfnToSectionNr(pfn);
  const ms = m.sectionForWrite(sectionNr);
  const sectionIsEarly = ms.early;
  const hasMap = ms.usage !== 'none';
  const map = subsectionMask(pfn, nrPages);
  const tmp = hasMap ? map & ms.map : 0n;
  if (!hasMap || tmp !== map) {
    m.notes.push({ kind: 'already_deactivated', section: Number(sectionNr), pfn: Number(pfn), nr: Number(nrPages) });
    return;
  }
  ms.map = (ms.map ^ map) & FULL_MAP;
  let freedUsage: RefUsage | null = null;
  const emptied = ms.map === 0n;
  if (emptied) {
    if (!sectionIsEarly) {
      // For a once-early section re-added after a full removal this kfree()s the memblock usage:
      // bug F3 (fixed in v5.5). The reference only records that usage is gone.
      freedUsage = ms.usage;
      ms.usage = 'none';
      ms.map = 0n;
    }
    // sparse_encode_mem_map(NULL, section_nr): the flag bits are all zero.
    ms.present = false;
    ms.valid = false;
    ms.early = false;
  }
  m.notes.push({ kind: 'deactivated', section: Number(sectionNr), emptied, freedUsage });
}
