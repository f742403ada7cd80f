/**
 * The x86_64 vmemmap page tables at sub-section granularity (arch/x86/mm/init_64.c, v5.3 and 6.1):
 * which struct-page ranges are mapped, and how. One section's memmap is 2 MiB (one PMD): a
 * section-sized populate maps it with a PMD when the CPU has PSE (from the altmap if one is given),
 * a smaller one with 4K pages and no altmap. vmemmap_free() of part of a PMD mapping fills that part
 * with 0xFD (PAGE_INUSE) and frees the PMD only once all of it is 0xFD (remove_pmd_table); 4K pages
 * are freed outright (remove_pte_table).
 */
import type { MemmapCell } from '../../kernel/types.js';
import type { KernelCtx, SectionDraft } from './context.js';

/** First and last sub-section index touched by [pfn, pfn + nr_pages) inside its section, and whether each end is partial. */
export function cellSpan(ctx: KernelCtx, pfn: number, nr_pages: number): { first: number; last: number; partialFirst: boolean; partialLast: boolean } | null {
  if (nr_pages <= 0) return null;
  const off = pfn % ctx.g.PAGES_PER_SECTION;
  const end = Math.min(off + nr_pages, ctx.g.PAGES_PER_SECTION);
  const sub = ctx.g.PAGES_PER_SUBSECTION;
  return {
    first: Math.floor(off / sub),
    last: Math.floor((end - 1) / sub),
    partialFirst: off % sub !== 0,
    partialLast: end % sub !== 0,
  };
}

/** Set cells first..last of `ms.memmap` to `cell`. */
export function mapCells(ms: SectionDraft, first: number, last: number, cell: MemmapCell): void {
  ms.memmap = ms.memmap.slice(0, first) + cell.repeat(last - first + 1) + ms.memmap.slice(last + 1);
}

/** True for cells that belong to a PMD mapping. */
export function isPmdCell(c: string): boolean {
  return c === 'B' || c === 'V' || c === 'A' || c === 'F';
}

/**
 * vmemmap_free() over the struct pages of [pfn, pfn + nr_pages): 4K cells become unmapped, PMD
 * cells 0xFD-filled, and a PMD whose every cell is 0xFD is freed. Returns what happened, as one of
 * a few fixed texts (outcomes are kept for every step of a log).
 */
export function vmemmapFree(ctx: KernelCtx, ms: SectionDraft, pfn: number, nr_pages: number, caller: 'vmemmap_free' | 'free_map_bootmem'): string {
  const texts = FREE_TEXT[caller];
  const span = cellSpan(ctx, pfn, nr_pages);
  if (!span) return texts[0] as string;
  const old = ms.memmap;
  let span_ = '';
  let filled = 0;
  let freed = 0;
  for (let i = span.first; i <= span.last; i++) {
    const c = old[i] ?? '.';
    const partial = (i === span.first && span.partialFirst) || (i === span.last && span.partialLast);
    if (isPmdCell(c)) {
      if (c !== 'F') filled = 1;
      span_ += 'F';
    } else if (c === 'b' || c === 'v') {
      span_ += partial ? 'F' : '.';
      freed = 1;
    } else {
      span_ += c;
    }
  }
  let cells = old.slice(0, span.first) + span_ + old.slice(span.last + 1);
  let pmdFreed = 0;
  if (cells.includes('F') && ONLY_FREED.test(cells)) {
    cells = '.'.repeat(cells.length);
    pmdFreed = 1;
  }
  ms.memmap = cells;
  return texts[freed | (pmdFreed ? 4 : filled << 1)] as string;
}

// --- internal ---

const ONLY_FREED = /^[F.]*$/;

/** Texts per caller for (4K freed) | (PMD part 0xFD-filled) << 1 | (PMD freed) << 2. */
function freeTexts(caller: string): readonly string[] {
  return Array.from({ length: 8 }, (_, code) => {
    const parts: string[] = [];
    if (code & 1) parts.push('4K vmemmap freed');
    if (code & 2) parts.push('part of a PMD mapping filled with 0xFD');
    if (code & 4) parts.push('PMD freed');
    return `${caller}: ${parts.join('; ') || 'nothing mapped'}`;
  });
}

const FREE_TEXT = { vmemmap_free: freeTexts('vmemmap_free'), free_map_bootmem: freeTexts('free_map_bootmem') } as const;
