/**
 * sparse_add_one_section(nid, start_pfn, altmap) — mm/sparse.c, v5.2 (the seed's pre-image, before
 * sub-section hotplug): sparse_index_init() (-EEXIST ignored), a whole-section memmap
 * (populate_section_memmap of PAGES_PER_SECTION, -ENOMEM), a kzalloc'd usemap (-ENOMEM, memmap
 * freed again), -EEXIST if the section is already PRESENT, else mark it present and
 * sparse_init_one_section(): HAS_MEM_MAP. v5.2 has no subsection_map: memhp shows a valid
 * section's map as full (the whole section is active) and never sets EARLY (v5.3 added the flag).
 * Simplification: the PRESENT check is made before populating (the kernel allocates, then frees).
 */
import { bitmapSet, bitmapZero } from '../../../kernel/bitmap.js';
import { ERRNO } from '../../../kernel/errno.js';
import { sectionNrToPfn } from '../../../kernel/pfn.js';
import type { Altmap } from '../../../kernel/types.js';
import { SECTION_HAS_MEM_MAP, SECTION_MARKED_PRESENT } from '../../../kernel/types.js';
import { allocFails, call, decide, sectionForWrite, stepMachine } from '../context.js';
import type { KernelCtx } from '../context.js';
import { sectionFrame } from '../outcome.js';
import { populate_section_memmap } from '../populate_section_memmap.js';
import { mapFacts } from '../relation.js';
import { sparse_index_init } from '../sparse_index_init.js';
import { nullSectionOops } from '../__nr_to_section.js';

/** Add the whole section `section_nr`; 0 or a negative errno. */
export function sparse_add_one_section(ctx: KernelCtx, nid: number, section_nr: number, altmap: Altmap | null): number {
  return call(ctx, sectionFrame('sparse_add_one_section', section_nr), () => {
    const ret = sparse_index_init(ctx, section_nr);
    if (ret < 0) return ret;
    const ms = sectionForWrite(ctx, section_nr);
    // [unverified for v5.2's __nr_to_section: 5.10.223 has the root bound]
    if (!ms) return nullSectionOops(ctx, section_nr, 'sparse_add_one_section', 'ms->section_mem_map', 0);
    if (ms.flags & SECTION_MARKED_PRESENT) {
      decide(ctx, 'section already present: -EEXIST', true);
      return -ERRNO.EEXIST;
    }
    const start = sectionNrToPfn(ctx.g, section_nr);
    if (!populate_section_memmap(ctx, ms, start, ctx.g.PAGES_PER_SECTION, altmap)) {
      decide(ctx, 'memmap allocation failed: -ENOMEM', true);
      return -ERRNO.ENOMEM;
    }
    if (allocFails(ctx, 'usage')) {
      ms.memmap = '.'.repeat(ctx.g.SUBSECTIONS_PER_SECTION);
      ctx.resources.push({ kind: 'memmap-free', section: section_nr, pfn: start, nrPages: ctx.g.PAGES_PER_SECTION, how: '__kfree_section_memmap' });
      decide(ctx, 'usemap allocation failed (injected): -ENOMEM', true);
      return -ERRNO.ENOMEM;
    }
    ms.usage = 'slab';
    ctx.resources.push({ kind: 'usage-alloc', section: section_nr, pfn: start, nrPages: ctx.g.PAGES_PER_SECTION, how: 'kzalloc (usemap)' });
    ms.subsectionMap = bitmapSet(bitmapZero(ctx.g.SUBSECTIONS_PER_SECTION), 0, ctx.g.SUBSECTIONS_PER_SECTION);
    ms.nid = nid;
    ms.flags |= SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP;
    ms.map = 'vmemmap';
    if (section_nr > ctx.s.highestPresentSectionNr) ctx.s.highestPresentSectionNr = section_nr;
    stepMachine(ms, { type: 'activate', ...mapFacts(ctx.g, ms) });
    decide(ctx, 'section added');
    return 0;
  });
}
