/**
 * __remove_pages(zone, phys_start_pfn, nr_pages, altmap) — mm/memory_hotplug.c, v5.2:
 * BUG_ON(phys_start_pfn & ~PAGE_SECTION_MASK) and BUG_ON(nr_pages % PAGES_PER_SECTION) — whole
 * sections only — then __remove_section() per section: WARN_ON_ONCE(!valid_section(ms)) and skip,
 * else sparse_remove_one_section(): word = 0 and the usemap pointer cleared, then
 * free_section_usemap(): a hot-added usemap is kfree'd and its memmap freed; a boot usemap is kept
 * (detached) and the boot memmap goes to free_map_bootmem().
 */
import { sectionNrToPfn } from '../../../kernel/pfn.js';
import { bitmapZero } from '../../../kernel/bitmap.js';
import { SECTION_HAS_MEM_MAP } from '../../../kernel/types.js';
import { call, decide, peekSection, sectionForWrite, stepMachine, warnOnce } from '../context.js';
import type { KernelCtx } from '../context.js';
import { depopulate_section_memmap, free_map_bootmem } from '../depopulate_section_memmap.js';
import { sectionFrame } from '../outcome.js';
import { mapFacts } from '../relation.js';

/** Hot-remove the whole sections of [pfn, pfn + nr_pages); a misaligned range is a kernel BUG. */
export function __remove_pages_v5_2(ctx: KernelCtx, pfn: number, nr_pages: number): void {
  call(ctx, '__remove_pages', () => {
    const pps = ctx.g.PAGES_PER_SECTION;
    if (pfn % pps !== 0 || nr_pages % pps !== 0) {
      const which = pfn % pps !== 0 ? 'BUG_ON(phys_start_pfn & ~PAGE_SECTION_MASK)' : 'BUG_ON(nr_pages % PAGES_PER_SECTION)';
      ctx.hazards.push({ kind: 'crash', bug: null, text: `kernel BUG at mm/memory_hotplug.c in __remove_pages: ${which} — v5.2 removes whole sections only`, fixedBy: 'sub-section hotplug (ba72b4c8cf60, v5.3) replaced the BUG_ONs with check_pfn_span()' });
      decide(ctx, `${which}: kernel BUG`, true);
      return;
    }
    for (let i = 0; i < nr_pages / pps; i++) sparse_remove_one_section(ctx, pfn / pps + i, true);
  });
}

/** v5.2 __remove_section() + sparse_remove_one_section() for one section. */
export function sparse_remove_one_section(ctx: KernelCtx, section_nr: number, checkValid: boolean): void {
  call(ctx, sectionFrame(checkValid ? '__remove_section' : 'sparse_remove_one_section', section_nr), () => {
    const peek = peekSection(ctx, section_nr);
    if (!peek || (peek.flags & SECTION_HAS_MEM_MAP) === 0) {
      if (checkValid) {
        warnOnce(ctx, { kind: 'WARN_ON_ONCE', func: '__remove_section', file: 'mm/memory_hotplug.c', text: '' });
        decide(ctx, `section ${section_nr} not valid: WARN_ON_ONCE, skipped`, true);
      }
      return;
    }
    const ms = sectionForWrite(ctx, section_nr);
    if (!ms) return;
    const boot = ms.usage === 'boot';
    const start = sectionNrToPfn(ctx.g, section_nr);
    ms.flags = 0;
    ms.map = 'zero';
    ms.usage = 'none';
    ms.subsectionMap = bitmapZero(ctx.g.SUBSECTIONS_PER_SECTION);
    stepMachine(ms, { type: 'deactivate', ...mapFacts(ctx.g, ms), usageKept: false });
    if (boot) {
      ctx.notes.push(`section ${section_nr}: boot usemap kept but detached (ms->pageblock_flags = NULL)`);
      free_map_bootmem(ctx, ms);
    } else {
      ctx.resources.push({ kind: 'usage-free', section: section_nr, pfn: start, nrPages: ctx.g.PAGES_PER_SECTION, how: 'kfree (usemap)' });
      depopulate_section_memmap(ctx, ms, start, ctx.g.PAGES_PER_SECTION);
    }
    decide(ctx, 'section removed');
  });
}
