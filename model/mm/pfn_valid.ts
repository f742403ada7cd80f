/**
 * pfn_valid(pfn) and pfn_section_valid(ms, pfn) — include/linux/mmzone.h, v5.3 (f46edbd1b151):
 * section beyond NR_MEM_SECTIONS → 0; section NULL or without HAS_MEM_MAP → 0; else
 * early_section(ms) || test_bit(subsection_map_index(pfn), ms->usage->subsection_map) — early
 * sections are valid over their whole span, holes included; no NULL check on usage.
 * arm64 until ~v5.14 has its own memblock-based pfn_valid (F16 fixed its view of ZONE_DEVICE).
 */
import { bitmapTest } from '../../kernel/bitmap.js';
import { pfnToSectionNr, subsectionMapIndex } from '../../kernel/pfn.js';
import { SECTION_HAS_MEM_MAP, SECTION_IS_EARLY } from '../../kernel/types.js';
import { has } from '../../kernel/profile.js';
import { call, decide, peekSection } from './context.js';
import { isDevicePfn } from './move_pfn_range_to_zone.js';
import type { MemSection } from '../../kernel/types.js';
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
    const early = (ms.flags & SECTION_IS_EARLY) !== 0;
    if (ctx.g.name.startsWith('arm64') && !has(ctx.p, 'ARM64_GENERIC_PFN_VALID')) {
      // arm64's own pfn_valid (arch/arm64/mm/init.c) before ~v5.14: valid_section, then
      // memblock_is_map_memory(); F16 (v5.12, 5.10.24) asks pfn_section_valid() for non-early sections.
      if (!early && has(ctx.p, 'F16')) return answer(ctx, pfn_section_valid(ctx, pfn), 'arm64, non-early section (F16): pfn_section_valid');
      const inMemblock = memblockHas(ctx, ms, pfn);
      return answer(ctx, inMemblock, `arm64: memblock_is_map_memory ${inMemblock ? 'yes' : 'no'}`);
    }
    if (early) return answer(ctx, true, `section ${nr} is early: valid over its whole span`);
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

/**
 * memblock_is_map_memory(PFN_PHYS(pfn)) on arm64, at sub-section granularity: boot RAM (the
 * section's boot map) and hot-added System RAM (add_memory_resource() memblock_add()s it); a
 * ZONE_DEVICE range has no memblock entry (the F16 bug: its pfns read as invalid).
 */
function memblockHas(ctx: KernelCtx, ms: MemSection, pfn: number): boolean {
  const idx = subsectionMapIndex(ctx.g, pfn);
  if (ms.bootMap && bitmapTest(ms.bootMap, idx)) return true;
  return bitmapTest(ms.subsectionMap, idx) && !isDevicePfn(ctx, pfn);
}

function answer(ctx: KernelCtx, value: boolean, why: string): boolean {
  decide(ctx, `${why}: ${value}`);
  return value;
}
