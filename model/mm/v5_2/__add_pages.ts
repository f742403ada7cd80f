/**
 * __add_pages(nid, phys_start_pfn, nr_pages, restrictions) — mm/memory_hotplug.c, v5.2: the altmap
 * check as in v5.3, no alignment check (the range is widened to whole sections), then for every
 * section from pfn_to_section_nr(pfn) to pfn_to_section_nr(pfn + nr_pages - 1):
 * __add_section(nid, section start, altmap), which returns -EEXIST for a section whose start pfn is
 * pfn_valid(); -EEXIST is swallowed ("finally dealt with by ioresource collision check"), any other
 * error breaks the loop.
 */
import { ERRNO } from '../../../kernel/errno.js';
import { endSectionNr, pfnToSectionNr, sectionNrToPfn } from '../../../kernel/pfn.js';
import type { Altmap } from '../../../kernel/types.js';
import { SECTION_HAS_MEM_MAP } from '../../../kernel/types.js';
import { checkAltmap } from '../__add_pages.js';
import { call, decide, peekSection } from '../context.js';
import type { KernelCtx } from '../context.js';
import { sectionFrame } from '../outcome.js';
import { sparse_add_one_section } from './sparse_add_one_section.js';

/** Hot-add the sections of [pfn, pfn + nr_pages); 0 or the first error other than -EEXIST. */
export function __add_pages_v5_2(ctx: KernelCtx, nid: number, pfn: number, nr_pages: number, altmap: Altmap | null): number {
  return call(ctx, '__add_pages', () => {
    if (checkAltmap(ctx, pfn, nr_pages, altmap)) return -ERRNO.EINVAL;
    const startSec = pfnToSectionNr(ctx.g, pfn);
    const endSec = endSectionNr(ctx.g, pfn, nr_pages);
    if (pfn + nr_pages === 0) {
      // pfn 0, nr_pages 0: pfn + nr_pages - 1 wraps to ULONG_MAX.
      ctx.hazards.push({ kind: 'undefined', bug: null, text: `__add_pages(pfn 0x${pfn.toString(16)}, nr_pages ${nr_pages}): end_sec wraps to ${endSec}; the loop would walk every section number past NR_MEM_SECTIONS`, fixedBy: null });
      decide(ctx, 'end_sec wrapped: undefined', true);
      return 0;
    }
    for (let nr = startSec; nr <= endSec; nr++) {
      const err = __add_section(ctx, nid, nr, altmap);
      if (err && err !== -ERRNO.EEXIST) return err;
    }
    return 0;
  });
}

/** v5.2 __add_section(): -EEXIST when the section's first pfn is valid, else sparse_add_one_section(). */
export function __add_section(ctx: KernelCtx, nid: number, section_nr: number, altmap: Altmap | null): number {
  return call(ctx, sectionFrame('__add_section', section_nr), () => {
    const ms = peekSection(ctx, section_nr);
    if (ms && (ms.flags & SECTION_HAS_MEM_MAP) !== 0) {
      ctx.notes.push(`section ${section_nr} (pfn 0x${sectionNrToPfn(ctx.g, section_nr).toString(16)}) is already valid: -EEXIST, swallowed by __add_pages`);
      decide(ctx, 'pfn_valid(section start): -EEXIST (swallowed by __add_pages)');
      return -ERRNO.EEXIST;
    }
    return sparse_add_one_section(ctx, nid, section_nr, altmap);
  });
}
