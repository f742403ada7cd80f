/**
 * online_mem_sections(start_pfn, end_pfn) / offline_mem_sections() — mm/sparse.c, v5.3 (same in
 * 5.10.223, 6.1.192, 6.12.95: mm/sparse.c:602 / :623 @6.12.95): for pfn = start; pfn < end;
 * pfn += PAGES_PER_SECTION: WARN_ON(!valid_section_nr(nr)) and skip, else set / clear
 * SECTION_IS_ONLINE. 7.3 (ONLINE_UNCHECKED, mm/sparse-vmemmap.c:632 / :645 @7.3.4): no check — the
 * bit is set / cleared on whatever word the section holds, and a section whose mem_section root is
 * missing (__nr_to_section() NULL) is a NULL pointer write.
 */
import { classifySection } from '../../kernel/classify.js';
import { pfnToSectionNr } from '../../kernel/pfn.js';
import { has } from '../../kernel/profile.js';
import { SECTION_HAS_MEM_MAP, SECTION_IS_ONLINE } from '../../kernel/types.js';
import { call, decide, peekSection, rootPresent, sectionForWrite, stepMachine, warn } from './context.js';
import type { KernelCtx } from './context.js';
import { nullSectionOops } from './__nr_to_section.js';

/** Set (online) or clear (offline) SECTION_IS_ONLINE over the sections of [start_pfn, end_pfn). */
export function online_mem_sections(ctx: KernelCtx, start_pfn: number, end_pfn: number, online: boolean): void {
  const func = online ? 'online_mem_sections' : 'offline_mem_sections';
  call(ctx, func, () => {
    const unchecked = has(ctx.p, 'ONLINE_UNCHECKED');
    for (let pfn = start_pfn; pfn < end_pfn; pfn += ctx.g.PAGES_PER_SECTION) {
      const nr = pfnToSectionNr(ctx.g, pfn);
      const peek = peekSection(ctx, nr);
      const valid = peek !== undefined && (peek.flags & SECTION_HAS_MEM_MAP) !== 0;
      if (!valid && !unchecked) {
        warn(ctx, { kind: 'WARN_ON', func, file: 'mm/sparse.c', text: '' });
        decide(ctx, `section ${nr} not valid: WARN_ON, skipped`, true);
        continue;
      }
      // 7.3: `ms->section_mem_map |= SECTION_IS_ONLINE` through the NULL __nr_to_section() returns: the run ends.
      if (!valid && !rootPresent(ctx, nr)) nullSectionOops(ctx, nr, func, 'ms->section_mem_map', 0);
      const ms = sectionForWrite(ctx, nr);
      if (!ms) continue;
      ms.flags = online ? ms.flags | SECTION_IS_ONLINE : ms.flags & ~SECTION_IS_ONLINE;
      if (!valid) {
        // A never-used section is stored for the first time: its fields (word 0 plus ONLINE, no usage)
        // cannot tell it from a removed one, so the machine takes the state the fields imply.
        if (!peek) ms.machine = classifySection(ctx.g, ms, ctx.p);
        ctx.notes.push(`section ${nr} has no memmap (not valid): ${func}() ${online ? 'sets' : 'clears'} SECTION_IS_ONLINE unchecked`);
        decide(ctx, `section ${nr} not valid: SECTION_IS_ONLINE ${online ? 'set' : 'cleared'} unchecked`, true);
        continue;
      }
      stepMachine(ms, { type: online ? 'online' : 'offline' });
    }
    decide(ctx, online ? 'sections onlined' : 'sections offlined');
  });
}
