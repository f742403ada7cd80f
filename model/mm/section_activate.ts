/**
 * section_activate(nid, pfn, nr_pages, altmap) — mm/sparse.c, v5.3 (seed commit ba72b4c8cf60):
 * allocate ms->usage if missing (-ENOMEM); empty mask → -EINVAL; mask intersecting the live
 * subsection_map → -EEXIST (a usage allocated here is freed again); else OR the mask in. An early
 * section with nr_pages < PAGES_PER_SECTION reuses its boot memmap (nothing populated, altmap
 * unused); otherwise populate_section_memmap(), and on NULL roll back with section_deactivate()
 * and return -ENOMEM.
 */
import { bitmapBits, bitmapEmpty, bitmapIntersects, bitmapOr, bitmapSet, bitmapZero } from '../../kernel/bitmap.js';
import { tracksSubsections } from '../../kernel/profile.js';
import type { Bitmap } from '../../kernel/bitmap.js';
import { fixOf } from '../../kernel/bugs.js';
import { ERRNO } from '../../kernel/errno.js';
import { fmtHexAlt } from '../../kernel/format.js';
import { SECTION_HAS_MEM_MAP, SECTION_IS_EARLY } from '../../kernel/types.js';
import type { Altmap } from '../../kernel/types.js';
import { allocFails, call, decide, stepMachine } from './context.js';
import type { KernelCtx, SectionDraft } from './context.js';
import { populate_section_memmap } from './populate_section_memmap.js';
import { mapFacts } from './relation.js';
import { section_deactivate } from './section_deactivate.js';
import { subsection_mask_set } from './subsection_mask_set.js';
import { cellSpan } from './vmemmap.js';

/** 0 when the sub-sections are active and have a memmap, else a negative errno (ERR_PTR). */
export function section_activate(ctx: KernelCtx, ms: SectionDraft, pfn: number, nr_pages: number, altmap: Altmap | null): number {
  return call(ctx, 'section_activate', () => {
    const map = subsection_mask_set(ctx.g, pfn, nr_pages);
    let allocated = false;
    if (ms.usage === 'none') {
      if (allocFails(ctx, 'usage')) {
        decide(ctx, 'kzalloc(mem_section_usage) failed (injected): -ENOMEM', true);
        return -ERRNO.ENOMEM;
      }
      ms.usage = 'slab';
      allocated = true;
      ctx.resources.push({ kind: 'usage-alloc', section: ms.nr, pfn, nrPages: nr_pages, how: 'kzalloc' });
    }
    let rc = 0;
    if (!tracksSubsections(ctx.p)) {
      // ~v5.7 !VMEMMAP: fill_subsection_map() returns 0 — a second add of an active section is not
      // detected: a new memmap replaces the old one in the section word (row 5).
      if (ms.flags & SECTION_HAS_MEM_MAP) {
        ctx.hazards.push({ kind: 'leak', bug: null, text: `section ${ms.nr} is already active: without SPARSEMEM_VMEMMAP nothing detects it; a new memmap is allocated, the section word overwritten and the old memmap leaked [inferred]`, fixedBy: null });
      }
      ms.subsectionMap = bitmapSet(bitmapZero(ctx.g.SUBSECTIONS_PER_SECTION), 0, ctx.g.SUBSECTIONS_PER_SECTION);
    } else if (bitmapEmpty(map)) rc = -ERRNO.EINVAL;
    else if (bitmapIntersects(map, ms.subsectionMap)) rc = -ERRNO.EEXIST;
    else ms.subsectionMap = bitmapOr(map, ms.subsectionMap);
    if (rc) {
      if (allocated) {
        ms.usage = 'none';
        ctx.resources.push({ kind: 'usage-free', section: ms.nr, pfn, nrPages: nr_pages, how: 'kfree' });
      }
      decide(ctx, rc === -ERRNO.EINVAL ? 'empty sub-section mask: -EINVAL' : 'sub-sections already active: -EEXIST', true);
      return rc;
    }
    stepMachine(ms, { type: 'activate', ...mapFacts(ctx.g, ms) });

    if (nr_pages < ctx.g.PAGES_PER_SECTION && (ms.flags & SECTION_IS_EARLY) !== 0) {
      checkReusedMemmap(ctx, ms, pfn, nr_pages);
      decide(ctx, 'early section: boot memmap reused, nothing populated');
      return 0;
    }
    if (!populate_section_memmap(ctx, ms, pfn, nr_pages, altmap)) {
      section_deactivate(ctx, ms, pfn, nr_pages);
      decide(ctx, 'populate_section_memmap: NULL → rollback: -ENOMEM', true);
      return -ERRNO.ENOMEM;
    }
    checkMaskHasMemmap(ctx, ms, map);
    return 0;
  });
}

// --- internal ---

/** nr_pages = 0 on a section-aligned pfn activates every sub-section but populates nothing. */
function checkMaskHasMemmap(ctx: KernelCtx, ms: SectionDraft, map: Bitmap): void {
  const bare = bitmapBits(map).filter((i) => ms.memmap[i] === '.');
  if (!bare.length) return;
  ctx.hazards.push({
    kind: 'crash',
    bug: null,
    text: `section ${ms.nr}: ${bare.length} sub-section(s) marked active with no memmap populated for them: pfn_valid() is true for struct pages that are not mapped [inferred]`,
    fixedBy: null,
  });
}

/** The reused boot memmap of an early section may have been torn down by an earlier removal (F10). */
function checkReusedMemmap(ctx: KernelCtx, ms: SectionDraft, pfn: number, nr_pages: number): void {
  const span = cellSpan(ctx, pfn, nr_pages);
  if (!span) return;
  const cells = ms.memmap.slice(span.first, span.last + 1);
  const range = `pfn ${fmtHexAlt(pfn)}-${fmtHexAlt(pfn + nr_pages - 1)}`;
  if (cells.includes('.')) {
    ctx.hazards.push({
      kind: 'crash',
      bug: 'F10',
      text: `section ${ms.nr}: the reused boot memmap of ${range} was freed by an earlier partial removal (4K-mapped vmemmap): initialising those struct pages faults`,
      fixedBy: fixOf('F10'),
    });
  } else if (cells.includes('F')) {
    ctx.hazards.push({
      kind: 'corruption',
      bug: 'F10',
      text: `section ${ms.nr}: the reused boot memmap of ${range} was 0xFD-filled by an earlier partial removal (PMD-mapped vmemmap): the struct pages read as garbage`,
      fixedBy: fixOf('F10'),
    });
  }
}
