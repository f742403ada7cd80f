/**
 * sparse_add_section(nid, start_pfn, nr_pages, altmap) — mm/sparse.c, v5.3 (seed commit
 * ba72b4c8cf60): sparse_index_init() (-ENOMEM), section_activate() (its errno), page_init_poison()
 * (DEBUG_VM only), set_section_nid() and section_mark_present(), then — when start_pfn is not the
 * section start — memmap = pfn_to_kaddr(section start), a direct-map address (F5), and
 * sparse_init_one_section(…, 0): keep the flag bits, replace the encoded map, OR in HAS_MEM_MAP.
 * EARLY and ONLINE survive a hot-add into an early section; EARLY is never newly set.
 */
import { pfnToSectionNr, sectionNrToPfn } from '../../kernel/pfn.js';
import { SECTION_HAS_MEM_MAP, SECTION_MARKED_PRESENT } from '../../kernel/types.js';
import type { Altmap } from '../../kernel/types.js';
import { fixOf } from '../../kernel/bugs.js';
import { has } from '../../kernel/profile.js';
import { call, decide, recordCall, recordReturn, sectionForWrite } from './context.js';
import { sectionFrame } from './outcome.js';
import type { KernelCtx } from './context.js';
import { section_activate } from './section_activate.js';
import { sparse_index_init } from './sparse_index_init.js';
import { nullSectionOops } from './__nr_to_section.js';

/** Add [start_pfn, start_pfn + nr_pages) (within one section); 0 or a negative errno. */
export function sparse_add_section(ctx: KernelCtx, nid: number, start_pfn: number, nr_pages: number, altmap: Altmap | null): number {
  const section_nr = pfnToSectionNr(ctx.g, start_pfn);
  const rec = recordCall(ctx, 'sparse_add_section', start_pfn, nr_pages);
  const ret = call(ctx, sectionFrame('sparse_add_section', section_nr), () => {
    const ret = sparse_index_init(ctx, section_nr);
    if (ret < 0) return ret;
    const ms = sectionForWrite(ctx, section_nr);
    if (!ms) return nullSectionOops(ctx, section_nr, 'sparse_add_section', 'ms->usage (section_activate(), inlined in Debian\'s 5.10 – 7.3 builds)', 8);
    const rc = section_activate(ctx, ms, start_pfn, nr_pages, altmap);
    if (rc) return rc;
    if (ctx.p.config.DEBUG_VM) {
      if (!ctx.p.config.SPARSEMEM_VMEMMAP && !has(ctx.p, 'F6')) {
        // v5.3: page_init_poison(pfn_to_page(start_pfn), …) — without VMEMMAP pfn_to_page() reads
        // the section word, which is not written yet.
        ctx.hazards.push({ kind: 'crash', bug: 'F6', text: `section ${section_nr}: page_init_poison() writes through pfn_to_page() of a section whose word is not set yet: page fault`, fixedBy: fixOf('F6') });
      } else {
        ctx.notes.push(`page_init_poison: struct pages of ${nr_pages} pfns filled with PAGE_POISON_PATTERN`);
      }
    }
    ms.nid = nid;
    ms.flags |= SECTION_MARKED_PRESENT;
    if (section_nr > ctx.s.highestPresentSectionNr) ctx.s.highestPresentSectionNr = section_nr;
    // v5.3: pfn_to_kaddr(section start) when start_pfn is mid-section (F5); fixed ~v5.7: pfn_to_page().
    if (!ctx.p.config.SPARSEMEM_VMEMMAP) ms.map = 'memmap_array';
    else ms.map = sectionNrToPfn(ctx.g, section_nr) !== start_pfn && !has(ctx.p, 'F5') ? 'direct_map' : 'vmemmap';
    ms.flags |= SECTION_HAS_MEM_MAP;
    decide(ctx, ms.map === 'direct_map' ? 'added; section_mem_map realigned with pfn_to_kaddr (F5)' : 'added');
    return 0;
  });
  recordReturn(ctx, rec, ret);
  return ret;
}
