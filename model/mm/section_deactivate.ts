/**
 * section_deactivate(pfn, nr_pages, altmap) — mm/sparse.c, v5.3 (seed commit ba72b4c8cf60, with
 * Oscar Salvador's early-section fix): EARLY is sampled at entry; no usage, or a mask that is not a
 * subset of the live map → WARN "section already deactivated (%#lx + %ld)" and return (void). Else
 * clear the bits; when the map empties, kfree the usage unless the section was early (even a
 * memblock usage: F3), and write sparse_encode_mem_map(NULL) — ENCODED_NULL, all flags clear (F4).
 * Then an early section just emptied gets free_map_bootmem(); every other case
 * depopulate_section_memmap() of exactly the range — including a partial removal from an early
 * section, which tears down part of the boot memmap (F10). The usage is freed without RCU (F14).
 * Later: v5.5 F3 (usage freed only if not boot-allocated), v5.6 F4 (word 0), v5.9 F10 (an early
 * section's memmap is freed only when it empties), v6.8 / 6.1.76 F14 (kfree_rcu, no race).
 * 7.3 (HOTPLUG_IN_SPARSE_VMEMMAP): the function lives in mm/sparse-vmemmap.c (WARN at :727 @7.3.4)
 * and takes a pgmap (REMOVE_PGMAP, memmap accounting only); the emptied early section's memmap is
 * pfn_to_page(SECTION_ALIGN_DOWN(pfn)) (MEMMAP_FROM_PFN, the same pointer under VMEMMAP).
 */
import { bitmapAnd, bitmapEmpty, bitmapEqual, bitmapXor, bitmapZero } from '../../kernel/bitmap.js';
import { fixOf } from '../../kernel/bugs.js';
import { fmtHexAlt, fmtLong } from '../../kernel/format.js';
import { has, tracksSubsections } from '../../kernel/profile.js';
import { SECTION_HAS_MEM_MAP, SECTION_IS_EARLY } from '../../kernel/types.js';
import type { Hazard } from '../../kernel/types.js';
import { call, decide, recordCall, stepMachine, warn } from './context.js';
import type { KernelCtx, SectionDraft } from './context.js';
import { depopulate_section_memmap, free_map_bootmem } from './depopulate_section_memmap.js';
import { mapFacts } from './relation.js';
import { subsection_mask_set } from './subsection_mask_set.js';
import { cellSpan } from './vmemmap.js';

/** Deactivate [pfn, pfn + nr_pages) of section `ms` (void, as in the kernel). */
export function section_deactivate(ctx: KernelCtx, ms: SectionDraft, pfn: number, nr_pages: number): void {
  recordCall(ctx, 'section_deactivate', pfn, nr_pages);
  call(ctx, 'section_deactivate', () => {
    const sectionIsEarly = (ms.flags & SECTION_IS_EARLY) !== 0;
    // pfn_valid() reads usage only of a valid section: a rollback on a never-valid one races with nobody.
    const wasValid = (ms.flags & SECTION_HAS_MEM_MAP) !== 0;
    const map = subsection_mask_set(ctx.g, pfn, nr_pages);
    const hasUsage = ms.usage !== 'none';
    const tracks = tracksSubsections(ctx.p);
    if (tracks && (!hasUsage || !bitmapEqual(bitmapAnd(map, ms.subsectionMap), map))) {
      warn(ctx, {
        kind: 'WARN',
        func: has(ctx.p, 'SUBSECTION_MAP_HELPERS') ? 'clear_subsection_map' : 'section_deactivate',
        file: has(ctx.p, 'HOTPLUG_IN_SPARSE_VMEMMAP') ? 'mm/sparse-vmemmap.c' : 'mm/sparse.c',
        text: `section already deactivated (${fmtHexAlt(pfn)} + ${fmtLong(nr_pages)})`,
      });
      decide(ctx, 'section already deactivated: WARN, nothing changed', true);
      return;
    }
    // ~v5.7 !VMEMMAP: clear_subsection_map() returns 0 and is_subsection_map_empty() is true —
    // every removal is a full one.
    ms.subsectionMap = tracks ? bitmapXor(map, ms.subsectionMap) : bitmapZero(ctx.g.SUBSECTIONS_PER_SECTION);
    let memmapDecoded = false;
    let directMap = false;
    let usageKept = true;
    if (bitmapEmpty(ms.subsectionMap)) {
      // v5.3: free unless early at entry; v5.5 (F3): free unless the usage page is PageReserved (boot).
      const freeUsage = has(ctx.p, 'F3') ? ms.usage === 'slab' : !sectionIsEarly;
      if (freeUsage) {
        if (ms.usage === 'boot') {
          ctx.hazards.push({
            kind: 'crash',
            bug: 'F3',
            text: `section ${ms.nr}: kfree() of a memblock-allocated usage (the section was early at boot, EARLY is gone): kernel BUG at mm/slub.c`,
            fixedBy: fixOf('F3'),
          });
        }
        const rcu = has(ctx.p, 'F14');
        ctx.resources.push({ kind: 'usage-free', section: ms.nr, pfn, nrPages: nr_pages, how: ms.usage === 'boot' ? 'kfree of memblock memory (F3)' : rcu ? 'kfree_rcu' : 'kfree' });
        if (wasValid && !rcu) noteF14(ctx, ms.nr);
        ms.usage = 'none';
        usageKept = false;
      }
      // sparse_decode_mem_map(): NULL only for ENCODED_NULL (and for a zero word in section 0).
      memmapDecoded = ms.map !== 'encoded_null' && !(ms.map === 'zero' && ms.nr === 0);
      directMap = ms.map === 'direct_map';
      if (sectionIsEarly && directMap) {
        ctx.hazards.push({
          kind: 'corruption',
          bug: 'F5',
          text: `section ${ms.nr}: free_map_bootmem() gets the direct-map address left by an earlier sub-section add (F5): vmemmap_free() walks the direct map, and the boot memmap leaks [inferred]`,
          fixedBy: fixOf('F5'),
        });
      }
      ms.flags = 0;
      if (has(ctx.p, 'F4')) {
        ms.map = 'zero';
      } else {
        ms.map = 'encoded_null';
        ctx.notes.push(perSection(F4_NOTES, ms.nr, (nr) => `section ${nr}: section_mem_map = sparse_encode_mem_map(NULL) (non-zero, all flags clear; F4)`));
      }
    }
    stepMachine(ms, { type: 'deactivate', ...mapFacts(ctx.g, ms), usageKept });
    if (!ctx.p.config.SPARSEMEM_VMEMMAP) {
      freeMemmapArray(ctx, ms, sectionIsEarly && memmapDecoded, bitmapEmpty(ms.subsectionMap));
      return;
    }
    if (sectionIsEarly && memmapDecoded) {
      if (directMap) {
        // free_map_bootmem(pfn_to_kaddr(section start)): vmemmap_free() walks the direct map; the
        // boot vmemmap stays mapped and leaks.
        ctx.resources.push({ kind: 'memmap-free', section: ms.nr, pfn: ms.nr * ctx.g.PAGES_PER_SECTION, nrPages: ctx.g.PAGES_PER_SECTION, how: 'free_map_bootmem of a direct-map address (F5): boot vmemmap not freed' });
      } else {
        free_map_bootmem(ctx, ms);
      }
      decide(ctx, 'early section emptied: free_map_bootmem');
    } else if (sectionIsEarly && has(ctx.p, 'F10')) {
      // v5.9: "never partially remove memmap for early section".
      decide(ctx, 'early section: sub-sections deactivated, boot memmap kept');
    } else {
      depopulate_section_memmap(ctx, ms, pfn, nr_pages);
      if (sectionIsEarly) reportF10Teardown(ctx, ms, pfn, nr_pages);
      const emptied = usageKept ? 'section emptied: boot usage kept, memmap depopulated' : 'section emptied: usage freed, memmap depopulated';
      decide(ctx, bitmapEmpty(ms.subsectionMap) ? emptied : 'sub-sections deactivated, memmap depopulated');
    }
  });
}

// --- internal ---

/**
 * SPARSEMEM_VMEMMAP=n, the free step of v5.3: an early section just emptied → free_map_bootmem()
 * (put_page_bootmem on the boot memmap); else depopulate_section_memmap() frees the array found
 * through pfn_to_page(pfn) — which reads the section word. v5.3 – v5.5 reset that word first, so
 * a full removal frees NULL and leaks the memmap [inferred]; F7 (v5.6) frees after the reset. A
 * partial removal (only by a direct sparse_remove_section) frees the array still in use [inferred].
 */
function freeMemmapArray(ctx: KernelCtx, ms: SectionDraft, bootmem: boolean, emptied: boolean): void {
  const start = ms.nr * ctx.g.PAGES_PER_SECTION;
  const freed = (how: string): void => {
    ms.memmap = '.'.repeat(ctx.g.SUBSECTIONS_PER_SECTION);
    ctx.resources.push({ kind: 'memmap-free', section: ms.nr, pfn: start, nrPages: ctx.g.PAGES_PER_SECTION, how });
  };
  if (bootmem) {
    freed('free_map_bootmem (put_page_bootmem)');
    decide(ctx, 'early section emptied: free_map_bootmem');
  } else if (!emptied) {
    ctx.hazards.push({ kind: 'corruption', bug: null, text: `section ${ms.nr}: a partial removal frees the whole memmap array through pfn_to_page() while the section's other sub-sections still use it [inferred]`, fixedBy: null });
    freed('depopulate_section_memmap: whole memmap array freed while in use');
    decide(ctx, 'partial removal without VMEMMAP: memmap array freed while in use', true);
  } else if (!has(ctx.p, 'F7')) {
    ctx.hazards.push({ kind: 'leak', bug: 'F7', text: `section ${ms.nr}: depopulate_section_memmap() looks the memmap up through pfn_to_page() after the section word was reset: it frees NULL and the memmap array leaks [inferred]`, fixedBy: fixOf('F7') });
    ctx.resources.push({ kind: 'memmap-free', section: ms.nr, pfn: start, nrPages: ctx.g.PAGES_PER_SECTION, how: 'depopulate_section_memmap: free of NULL (memmap leaked)' });
    decide(ctx, 'section emptied: memmap array leaked', true);
  } else {
    freed('depopulate_section_memmap: kvfree of the memmap array');
    decide(ctx, 'section emptied: memmap array freed');
  }
}

/** v5.3 depopulates part of an early section's boot memmap (F10) while pfn_valid() stays true there. */
function reportF10Teardown(ctx: KernelCtx, ms: SectionDraft, pfn: number, nr_pages: number): void {
  const span = cellSpan(ctx, pfn, nr_pages);
  if (!span) return;
  const cells = ms.memmap.slice(span.first, span.last + 1);
  if (!/[.F]/.test(cells)) return;
  const how = cells.includes('.') ? 'unmapped' : 'filled with 0xFD';
  ctx.hazards.push({
    kind: cells.includes('.') ? 'crash' : 'corruption',
    bug: 'F10',
    text: `section ${ms.nr}: the boot memmap of pfn ${fmtHexAlt(pfn)}-${fmtHexAlt(pfn + nr_pages - 1)} is now ${how}, yet pfn_valid() stays true there (early section): pfn walkers read it`,
    fixedBy: fixOf('F10'),
  });
}

/** One F14 race hazard per step, naming every section whose usage was freed (its text written once, when the step ends). */
function noteF14(ctx: KernelCtx, nr: number): void {
  const open = F14_OPEN.get(ctx);
  if (open !== undefined) {
    open.push(nr);
    return;
  }
  const sections = [nr];
  const i = ctx.hazards.push(perSection(F14_HAZARDS, nr, (n) => f14([n]))) - 1;
  F14_OPEN.set(ctx, sections);
  ctx.finishers.push(() => {
    if (sections.length > 1) ctx.hazards[i] = f14(sections);
  });
}
/** The sections of the current step's F14 hazard, while the step runs. */
const F14_OPEN = new WeakMap<KernelCtx, number[]>();

function f14(sections: readonly number[]): Hazard {
  return {
    kind: 'race',
    bug: 'F14',
    text: `usage of section(s) ${sections.join(',')} freed with plain kfree() while a concurrent pfn_valid() may still read usage->subsection_map`,
    fixedBy: fixOf('F14'),
  };
}

/** Immutable per-section texts and hazards are made once per section (a log keeps every step's outcome). */
function perSection<T>(cache: Map<number, T>, nr: number, make: (nr: number) => T): T {
  let v = cache.get(nr);
  if (v === undefined) {
    v = make(nr);
    if (cache.size < 65536) cache.set(nr, v);
  }
  return v;
}
const F4_NOTES = new Map<number, string>();
const F14_HAZARDS = new Map<number, Hazard>();

