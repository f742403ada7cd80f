/**
 * What one operation may read of the state before it: the sections of its pfn span (and the
 * mem_section roots holding them), and whether it reads __highest_present_section_nr or the
 * ZONE_DEVICE ranges. Once sites are not listed: a step may read any of them (WARN_ON_ONCE,
 * pr_warn_once, the oops that stops the run), so a caller treats them all as read. The sets follow
 * the call paths in model/mm/ (test/step_reads.test.ts runs the model and checks that every read it
 * makes is inside them). A fork reuses the original's record of a step whose reads its change left
 * equal (query/fork.ts).
 */
import type { Geometry } from '../kernel/geometry.js';
import type { Operation } from '../kernel/operation.js';
import { pfnToSectionNr } from '../kernel/pfn.js';

/** Sections first..last (none when first > last), and the two global fields a step may read. */
export interface StepReads {
  readonly first: number;
  readonly last: number;
  /** __highest_present_section_nr: section_mark_present() (v5.3 sparse_add_section, v5.2 sparse_add_one_section) compares with it. */
  readonly highest: boolean;
  /** The ZONE_DEVICE ranges: move_pfn_range_to_zone / remove_pfn_range_from_zone write them, pfn_valid (arm64) and pfn_to_online_page ask get_dev_pagemap(). */
  readonly device: boolean;
}

/** What `op` may read under geometry `g`, or null when it may read anything (a span that wraps: nr_pages 0 at pfn 0 loops over every section). */
export function stepReads(g: Geometry, op: Operation): StepReads | null {
  switch (op.kind) {
    case 'add_pages':
    case '__add_pages':
    case 'sparse_add_section':
      return span(g, op.pfn, op.nr_pages, true, false);
    case '__remove_pages':
    case 'sparse_remove_section':
      return span(g, op.pfn, op.nr_pages, false, false);
    case 'move_pfn_range_to_zone':
    case 'remove_pfn_range_from_zone':
      return span(g, op.pfn, op.nr_pages, false, true);
    case 'online_mem_sections':
    case 'offline_mem_sections': {
      // for (pfn = start_pfn; pfn < end_pfn; pfn += PAGES_PER_SECTION): the sections of start_pfn + k·PAGES_PER_SECTION.
      const n = op.end_pfn > op.start_pfn ? Math.ceil((op.end_pfn - op.start_pfn) / g.PAGES_PER_SECTION) : 0;
      const first = pfnToSectionNr(g, op.start_pfn);
      return { first, last: first + n - 1, highest: false, device: false };
    }
    case 'pfn_valid':
    case 'pfn_to_online_page': {
      const nr = pfnToSectionNr(g, op.pfn);
      return { first: nr, last: nr, highest: false, device: true };
    }
  }
}

// --- internal ---

/** The sections of [pfn, pfn + nr_pages); null when the span is empty or wraps (the kernel's end_sec arithmetic is unsigned). */
function span(g: Geometry, pfn: number, nr_pages: number, highest: boolean, device: boolean): StepReads | null {
  if (!(nr_pages > 0) || pfn < 0) return null;
  return { first: pfnToSectionNr(g, pfn), last: pfnToSectionNr(g, pfn + nr_pages - 1), highest, device };
}
