/**
 * sparse_init() — mm/sparse.c, v5.3 (sparse_init_nid): every present section gets a
 * memblock-allocated usage (its page is PageReserved) and a full-section boot memmap (PMD-mapped
 * with PSE), then sparse_init_one_section(…, SECTION_IS_EARLY): word = encoded map | HAS_MEM_MAP |
 * EARLY, keeping PRESENT and ONLINE. (At boot every section is written by memory_present() first.)
 */
import { sectionNrToPfn } from '../../kernel/pfn.js';
import { SECTION_HAS_MEM_MAP, SECTION_IS_EARLY, SECTION_MARKED_PRESENT, SECTION_TAINT_ZONE_DEVICE } from '../../kernel/types.js';
import { fixOf } from '../../kernel/bugs.js';
import { bitmapSet, bitmapZero } from '../../kernel/bitmap.js';
import { has, tracksSubsections } from '../../kernel/profile.js';
import { sectionForWrite } from './context.js';
import type { KernelCtx } from './context.js';

/** Give every present section its boot usage and memmap and mark it early. */
export function sparse_init(ctx: KernelCtx): void {
  const nrs = ctx.s
    .writtenSections()
    .filter((nr) => (ctx.s.peek(nr)?.flags ?? 0) & SECTION_MARKED_PRESENT)
    .sort((a, b) => a - b);
  for (const nr of nrs) {
    const ms = sectionForWrite(ctx, nr);
    if (!ms) continue;
    ms.usage = 'boot';
    const vm = ctx.p.config.SPARSEMEM_VMEMMAP;
    ms.memmap = (vm ? (ctx.p.config.PSE ? 'B' : 'b') : 'M').repeat(ctx.g.SUBSECTIONS_PER_SECTION);
    ms.map = vm ? 'vmemmap' : 'memmap_array';
    // SECTION_IS_EARLY arrived with the sub-section series (v5.3).
    // memhp shows a section without a subsection_map (v5.2; !VMEMMAP from ~v5.7) as wholly active.
    ms.flags |= has(ctx.p, 'SUBSECTION') ? SECTION_HAS_MEM_MAP | SECTION_IS_EARLY : SECTION_HAS_MEM_MAP;
    // F13: memory_present() wrote nid << SECTION_NID_SHIFT (3 until v5.14) and
    // sparse_init_one_section() keeps the bits below SECTION_MAP_LAST_BIT (1 << 5 from v5.12): a nid
    // with bit 1 set leaves SECTION_TAINT_ZONE_DEVICE behind (bit 3, EARLY, is set anyway).
    if (has(ctx.p, 'TAINT') && !has(ctx.p, 'NID_SHIFT') && (ms.nid & 2) !== 0) {
      ms.flags |= SECTION_TAINT_ZONE_DEVICE;
      ctx.hazards.push({ kind: 'wrong-result', bug: 'F13', text: `section ${nr}: node ${ms.nid}'s early nid bits survive as SECTION_TAINT_ZONE_DEVICE (SECTION_NID_SHIFT 3 overlaps the flags)`, fixedBy: fixOf('F13') });
    }
    if (!has(ctx.p, 'SUBSECTION') || !tracksSubsections(ctx.p)) {
      ms.subsectionMap = bitmapSet(bitmapZero(ctx.g.SUBSECTIONS_PER_SECTION), 0, ctx.g.SUBSECTIONS_PER_SECTION);
      ms.bootMap = ms.subsectionMap;
    }
    const pfn = sectionNrToPfn(ctx.g, nr);
    ctx.resources.push({ kind: 'usage-alloc', section: nr, pfn, nrPages: ctx.g.PAGES_PER_SECTION, how: 'memblock (sparse_init_nid)' });
    ctx.resources.push({ kind: 'memmap-populate', section: nr, pfn, nrPages: ctx.g.PAGES_PER_SECTION, how: vm ? (ctx.p.config.PSE ? 'boot vmemmap (PMD)' : 'boot vmemmap (4K)') : 'boot memmap array (memblock)' });
  }
}
