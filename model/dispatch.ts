/**
 * Route an Operation to the kernel function it names (the entry of each x86_64 call path). Before
 * v5.3 (no SUBSECTION change) the v5.2 functions in kernel/v5_2/ take the add and remove paths.
 */
import type { Operation } from '../kernel/operation.js';
import { pfnToSectionNr } from '../kernel/pfn.js';
import { __add_pages } from './mm/__add_pages.js';
import { __remove_pages } from './mm/__remove_pages.js';
import { add_pages } from './mm/add_pages.js';
import type { KernelCtx } from './mm/context.js';
import { move_pfn_range_to_zone, remove_pfn_range_from_zone } from './mm/move_pfn_range_to_zone.js';
import { online_mem_sections } from './mm/online_mem_sections.js';
import { pfn_to_online_page } from './mm/pfn_to_online_page.js';
import { pfn_valid } from './mm/pfn_valid.js';
import { sparse_add_section } from './mm/sparse_add_section.js';
import { sparse_remove_section } from './mm/sparse_remove_section.js';
import { __add_pages_v5_2 } from './mm/v5_2/__add_pages.js';
import { __remove_pages_v5_2, sparse_remove_one_section } from './mm/v5_2/__remove_pages.js';
import { sparse_add_one_section } from './mm/v5_2/sparse_add_one_section.js';
import { has } from '../kernel/profile.js';

/** Run `op` in `ctx`; returns its return value (null for void) and query value. */
export function dispatch(ctx: KernelCtx, op: Operation): { ret: number | null; value: boolean | null } {
  const v5_2 = !has(ctx.p, 'SUBSECTION');
  switch (op.kind) {
    case 'add_pages':
      return { ret: add_pages(ctx, op.nid, op.pfn, op.nr_pages, op.altmap), value: null };
    case '__add_pages':
      return { ret: v5_2 ? __add_pages_v5_2(ctx, op.nid, op.pfn, op.nr_pages, op.altmap) : __add_pages(ctx, op.nid, op.pfn, op.nr_pages, op.altmap), value: null };
    case '__remove_pages':
      if (v5_2) __remove_pages_v5_2(ctx, op.pfn, op.nr_pages);
      else __remove_pages(ctx, op.pfn, op.nr_pages, op.altmap);
      return { ret: null, value: null };
    case 'sparse_add_section':
      if (!v5_2) return { ret: sparse_add_section(ctx, op.nid, op.pfn, op.nr_pages, op.altmap), value: null };
      ctx.notes.push('v5.2 has no sparse_add_section(): sparse_add_one_section() adds the whole section');
      return { ret: sparse_add_one_section(ctx, op.nid, pfnToSectionNr(ctx.g, op.pfn), op.altmap), value: null };
    case 'sparse_remove_section':
      if (!v5_2) sparse_remove_section(ctx, op.pfn, op.nr_pages, op.map_offset);
      else {
        ctx.notes.push('v5.2 has no sparse_remove_section(): sparse_remove_one_section() removes the whole section');
        sparse_remove_one_section(ctx, pfnToSectionNr(ctx.g, op.pfn), false);
      }
      return { ret: null, value: null };
    case 'online_mem_sections':
    case 'offline_mem_sections':
      online_mem_sections(ctx, op.start_pfn, op.end_pfn, op.kind === 'online_mem_sections');
      return { ret: null, value: null };
    case 'pfn_valid':
      return { ret: null, value: pfn_valid(ctx, op.pfn) };
    case 'pfn_to_online_page':
      return { ret: null, value: pfn_to_online_page(ctx, op.pfn) };
    case 'move_pfn_range_to_zone':
      move_pfn_range_to_zone(ctx, op.pfn, op.nr_pages, op.zone);
      return { ret: null, value: null };
    case 'remove_pfn_range_from_zone':
      remove_pfn_range_from_zone(ctx, op.pfn, op.nr_pages, op.zone);
      return { ret: null, value: null };
  }
}
