/**
 * pfn_valid(pfn) and pfn_section_valid(ms, pfn) — include/linux/mmzone.h, v5.3 (f46edbd1b151):
 * section beyond NR_MEM_SECTIONS → 0; section NULL or without HAS_MEM_MAP → 0; else
 * early_section(ms) || test_bit(subsection_map_index(pfn), ms->usage->subsection_map) — early
 * sections are valid over their whole span, holes included; no NULL check on usage.
 */
import { bitmapTest } from '../bitmap.js';
import { pfnToSectionNr, subsectionMapIndex } from '../geometry.js';
import { SECTION_HAS_MEM_MAP, SECTION_IS_EARLY } from '../types.js';
import { has } from '../profile.js';
import { call, decide, peekSection } from './context.js';
import type { KernelCtx } from './context.js';

/** pfn_section_valid(): the pfn's sub-section is active (VMEMMAP); always true without VMEMMAP. */
export function pfn_section_valid(ctx: KernelCtx, pfn: number): boolean {
  if (!ctx.p.config.SPARSEMEM_VMEMMAP) return true;
  const ms = peekSection(ctx, pfnToSectionNr(ctx.g, pfn));
  return !!ms && bitmapTest(ms.subsectionMap, subsectionMapIndex(ctx.g, pfn));
}

/** pfn_valid(): does the pfn have a struct page the kernel may use. */
export function pfn_valid(ctx: KernelCtx, pfn: number): boolean {
  return call(ctx, 'pfn_valid', () => {
    const nr = pfnToSectionNr(ctx.g, pfn);
    if (nr >= ctx.g.NR_MEM_SECTIONS) return answer(ctx, false, 'beyond NR_MEM_SECTIONS');
    const ms = peekSection(ctx, nr);
    if (!ms || (ms.flags & SECTION_HAS_MEM_MAP) === 0) return answer(ctx, false, `section ${nr} not valid`);
    if ((ms.flags & SECTION_IS_EARLY) !== 0) return answer(ctx, true, `section ${nr} is early: valid over its whole span`);
    if (ms.usage === 'none') {
      // 6.10 / 6.1.100 (F15): pfn_section_valid() returns 0 for a NULL usage.
      if (has(ctx.p, 'F15')) return answer(ctx, false, 'usage NULL (F15)');
      ctx.hazards.push({ kind: 'crash', bug: 'F14', text: `section ${nr}: valid section without usage: pfn_section_valid() dereferences NULL`, fixedBy: null });
      return answer(ctx, false, 'usage NULL');
    }
    const ok = pfn_section_valid(ctx, pfn);
    return answer(ctx, ok, `pfn_section_valid: sub-section ${subsectionMapIndex(ctx.g, pfn)} ${ok ? 'active' : 'not active'}`);
  });
}

// --- internal ---

function answer(ctx: KernelCtx, value: boolean, why: string): boolean {
  decide(ctx, `${why}: ${value}`);
  return value;
}
