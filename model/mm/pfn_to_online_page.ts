/**
 * pfn_to_online_page(pfn) — include/linux/memory_hotplug.h, v5.3 – v5.11 (a macro): a struct page
 * for any pfn of an ONLINE section (pfn_valid_within() is true without HOLES_IN_ZONE), with no
 * sub-section check — so also for inactive or ZONE_DEVICE sub-sections of an online section, which
 * v5.12's "mm: teach pfn_to_online_page() to consider subsection validity" fixed (TAINT): from then
 * on an inactive sub-section (or a hole of an early section) gives NULL. memhp does not model
 * ZONE_DEVICE taint yet, so the get_dev_pagemap() slow path is not taken.
 */
import { bitmapTest } from '../../kernel/bitmap.js';
import { pfnToSectionNr, subsectionMapIndex } from '../../kernel/pfn.js';
import { SECTION_IS_EARLY, SECTION_IS_ONLINE, SECTION_TAINT_ZONE_DEVICE } from '../../kernel/types.js';
import { isDevicePfn } from './move_pfn_range_to_zone.js';
import { has } from '../../kernel/profile.js';
import { call, decide, peekSection } from './context.js';
import type { KernelCtx } from './context.js';
import { pfn_section_valid } from './pfn_valid.js';

/** True when pfn_to_online_page() returns a page (false: NULL). */
export function pfn_to_online_page(ctx: KernelCtx, pfn: number): boolean {
  return call(ctx, 'pfn_to_online_page', () => {
    const nr = pfnToSectionNr(ctx.g, pfn);
    const ms = peekSection(ctx, nr);
    if (nr >= ctx.g.NR_MEM_SECTIONS || !ms || (ms.flags & SECTION_IS_ONLINE) === 0) {
      decide(ctx, `section ${nr} not online: NULL`);
      return false;
    }
    const idx = subsectionMapIndex(ctx.g, pfn);
    if (has(ctx.p, 'TAINT')) {
      if (!pfn_section_valid(ctx, pfn)) {
        decide(ctx, `sub-section ${idx} not active: NULL`);
        return false;
      }
      // online_device_section(): ONLINE and SECTION_TAINT_ZONE_DEVICE → the get_dev_pagemap() slow path.
      if ((ms.flags & SECTION_TAINT_ZONE_DEVICE) !== 0 && isDevicePfn(ctx, pfn)) {
        decide(ctx, `section ${nr} tainted and the pfn is ZONE_DEVICE (get_dev_pagemap): NULL`);
        return false;
      }
      decide(ctx, `section ${nr} online, sub-section ${idx} active: page`);
      return true;
    }
    if (!pfn_section_valid(ctx, pfn)) {
      const what = (ms.flags & SECTION_IS_EARLY) !== 0 ? 'a hole of this early section' : 'not active';
      ctx.hazards.push({
        kind: 'wrong-result',
        bug: null,
        text: `section ${nr} is online but sub-section ${idx} is ${what}: a struct page is returned for a pfn without memory`,
        fixedBy: '"mm: teach pfn_to_online_page() to consider subsection validity", v5.12',
      });
    }
    if (isDevicePfn(ctx, pfn)) {
      ctx.hazards.push({
        kind: 'wrong-result',
        bug: null,
        text: `section ${nr} is online and pfn 0x${pfn.toString(16)} is ZONE_DEVICE memory: a struct page that is not online is returned`,
        fixedBy: '"mm: teach pfn_to_online_page() about ZONE_DEVICE section collisions", v5.12',
      });
    } else if ((ms.flags & SECTION_IS_EARLY) !== 0 && ms.bootMap && !bitmapTest(ms.bootMap, idx) && pfn_section_valid(ctx, pfn)) {
      ctx.hazards.push({
        kind: 'wrong-result',
        bug: null,
        text: `section ${nr} is online and early, and sub-section ${idx} was hot-added into its hole: if that is ZONE_DEVICE memory, a struct page that is not online is returned`,
        fixedBy: '"mm: teach pfn_to_online_page() about ZONE_DEVICE section collisions", v5.12',
      });
    }
    if (ms.memmap[idx] === '.') {
      ctx.hazards.push({
        kind: 'crash',
        bug: null,
        text: `section ${nr}: the struct page returned for sub-section ${idx} is not mapped: the caller faults on it`,
        fixedBy: null,
      });
    }
    decide(ctx, `section ${nr} online: page`);
    return true;
  });
}
