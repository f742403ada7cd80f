/**
 * move_pfn_range_to_zone(zone, start_pfn, nr_pages, altmap, migratetype) and
 * remove_pfn_range_from_zone(zone, start_pfn, nr_pages) — mm/memory_hotplug.c, 6.1 (v5.12 for the
 * taint): memmap_init_range() initialises every struct page of the range (so an unmapped memmap
 * faults here); for ZONE_DEVICE, section_taint_zone_device() marks the section of start_pfn when it
 * is not section-aligned, and the section of start_pfn + nr_pages when that is not section-aligned
 * (v5.12 on; never cleared but by the word reset of a full removal).
 * memhp also keeps the range as ZONE_DEVICE memory (what get_dev_pagemap() finds) from the move to
 * the remove — in the kernel memremap_pages() / memunmap_pages() add and drop the pgmap around
 * these calls. Zone spans are not modelled.
 */
import { pfnToSectionNr } from '../../kernel/pfn.js';
import { has } from '../../kernel/profile.js';
import { SECTION_TAINT_ZONE_DEVICE } from '../../kernel/types.js';
import { call, decide, peekSection, sectionForWrite } from './context.js';
import type { KernelCtx } from './context.js';
import { cellSpan } from './vmemmap.js';

/** Associate [pfn, pfn + nr_pages) with `zone`, initialising its memmap. */
export function move_pfn_range_to_zone(ctx: KernelCtx, pfn: number, nr_pages: number, zone: 'normal' | 'movable' | 'device'): void {
  call(ctx, 'move_pfn_range_to_zone', () => {
    if (zone === 'device' && !ctx.p.config.ZONE_DEVICE) {
      ctx.notes.push('CONFIG_ZONE_DEVICE=n: there is no ZONE_DEVICE; nothing done');
      decide(ctx, 'no ZONE_DEVICE in this configuration');
      return;
    }
    checkMemmapInit(ctx, pfn, nr_pages);
    if (zone === 'device') {
      if (has(ctx.p, 'TAINT')) {
        const pps = ctx.g.PAGES_PER_SECTION;
        if (pfn % pps !== 0) taint(ctx, pfn);
        if ((pfn + nr_pages) % pps !== 0) taint(ctx, pfn + nr_pages);
      }
      ctx.s.deviceRanges = addRange(ctx.s.deviceRanges, pfn, pfn + nr_pages);
    }
    decide(ctx, `pfns moved to ZONE_${zone.toUpperCase()}`);
  });
}

/** Undo move_pfn_range_to_zone(): memhp drops the ZONE_DEVICE range (the pgmap goes with memunmap_pages()). */
export function remove_pfn_range_from_zone(ctx: KernelCtx, pfn: number, nr_pages: number, zone: 'normal' | 'movable' | 'device'): void {
  call(ctx, 'remove_pfn_range_from_zone', () => {
    if (zone === 'device') ctx.s.deviceRanges = removeRange(ctx.s.deviceRanges, pfn, pfn + nr_pages);
    decide(ctx, `pfns removed from ZONE_${zone.toUpperCase()}`);
  });
}

/** True when `pfn` lies in a ZONE_DEVICE range (get_dev_pagemap() finds a pgmap). */
export function isDevicePfn(ctx: KernelCtx, pfn: number): boolean {
  return ctx.s.deviceRanges.some(([s, e]) => pfn >= s && pfn < e);
}

// --- internal ---

function taint(ctx: KernelCtx, pfn: number): void {
  const nr = pfnToSectionNr(ctx.g, pfn);
  if (!peekSection(ctx, nr)) return;
  const ms = sectionForWrite(ctx, nr);
  if (ms) ms.flags |= SECTION_TAINT_ZONE_DEVICE;
}

/** memmap_init_range() writes every struct page of the range: unmapped or 0xFD-filled memmap is a hazard here. */
function checkMemmapInit(ctx: KernelCtx, pfn: number, nr_pages: number): void {
  const pps = ctx.g.PAGES_PER_SECTION;
  for (let cur = pfn; cur < pfn + nr_pages; ) {
    const chunk = Math.min(pfn + nr_pages - cur, pps - (cur % pps));
    const nr = pfnToSectionNr(ctx.g, cur);
    const ms = peekSection(ctx, nr);
    const span = cellSpan(ctx, cur, chunk);
    const cells = ms && span ? ms.memmap.slice(span.first, span.last + 1) : '.';
    if (cells.includes('.')) {
      ctx.hazards.push({ kind: 'crash', bug: null, text: `section ${nr}: memmap_init_range() writes struct pages that are not mapped: page fault`, fixedBy: null });
    } else if (cells.includes('F')) {
      ctx.hazards.push({ kind: 'corruption', bug: 'F10', text: `section ${nr}: memmap_init_range() initialises struct pages in a 0xFD-filled memmap`, fixedBy: 'ef69bc9f689d "mm/sparse: never partially remove memmap for early section", v5.9-rc1' });
    }
    cur += chunk;
  }
}

/**
 * The ZONE_DEVICE ranges with [s, e) added, sorted, as a set of pfns: a range overlapping ones already
 * there is merged with them (the same range moved again adds nothing), so the list never holds a
 * pfn twice and does not grow with repeated moves; unchanged input comes back as the same array.
 */
function addRange(list: ReadonlyArray<readonly [number, number]>, s: number, e: number): ReadonlyArray<readonly [number, number]> {
  if (list.some(([a, b]) => a <= s && e <= b)) return list;
  const out: Array<readonly [number, number]> = [];
  let lo = s;
  let hi = e;
  for (const r of list) {
    if (r[1] <= s || r[0] >= e) out.push(r);
    else {
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
    }
  }
  out.push([lo, hi]);
  return out.sort((a, b) => a[0] - b[0]);
}

function removeRange(list: ReadonlyArray<readonly [number, number]>, s: number, e: number): ReadonlyArray<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (const [a, b] of list) {
    if (b <= s || a >= e) out.push([a, b]);
    else {
      if (a < s) out.push([a, s]);
      if (b > e) out.push([e, b]);
    }
  }
  return out.length === list.length && out.every((r, i) => r === list[i]) ? list : out;
}
