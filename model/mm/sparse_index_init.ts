/**
 * sparse_index_init(section_nr, nid) — mm/sparse.c, v5.3 (seed hunk): with SPARSEMEM_EXTREME, an
 * existing root returns 0 (v5.2 returned -EEXIST); otherwise a zeroed root of SECTIONS_PER_ROOT
 * sections is allocated, -ENOMEM when that fails after boot. Roots are never freed.
 * Nothing bounds the root number (mm/sparse.c:93 @5.10.223, the same through 7.3.4): for a section
 * past NR_SECTION_ROOTS, `mem_section[root]` reads past the end of the pointer array; memhp takes
 * that word as non-zero (return 0) and says the read (or, were it 0, the store) is out of bounds.
 */
import { ERRNO } from '../../kernel/errno.js';
import { sectionNrToPfn, sectionNrToRoot } from '../../kernel/pfn.js';
import { allocFails, call, decide, rootPresent } from './context.js';
import { beyondLastRoot } from './__nr_to_section.js';
import type { KernelCtx } from './context.js';

/** Make sure mem_section[SECTION_NR_TO_ROOT(section_nr)] exists; 0 or -ENOMEM. */
export function sparse_index_init(ctx: KernelCtx, section_nr: number): number {
  if (!ctx.g.SPARSEMEM_EXTREME || rootPresent(ctx, section_nr)) return 0;
  if (beyondLastRoot(ctx, section_nr)) {
    const root = sectionNrToRoot(ctx.g, section_nr);
    ctx.hazards.push({
      kind: 'corruption',
      bug: null,
      text: `sparse_index_init(): mem_section[${root}] is read past the end of the ${ctx.g.NR_SECTION_ROOTS}-entry root array (whatever word lies there; were it 0, a new root would be stored there)`,
      fixedBy: null,
    });
    return 0;
  }
  return call(ctx, 'sparse_index_init', () => {
    if (allocFails(ctx, 'root')) {
      decide(ctx, 'sparse_index_alloc failed (injected): -ENOMEM', true);
      return -ERRNO.ENOMEM;
    }
    const root = sectionNrToRoot(ctx.g, section_nr);
    ctx.s.addRoot(root);
    const first = root * ctx.g.SECTIONS_PER_ROOT;
    ctx.resources.push({
      kind: 'root-alloc',
      section: first,
      pfn: sectionNrToPfn(ctx.g, first),
      nrPages: ctx.g.SECTIONS_PER_ROOT * ctx.g.PAGES_PER_SECTION,
      how: `kzalloc_node root ${root} (${ctx.g.SECTIONS_PER_ROOT} sections)`,
    });
    return 0;
  });
}
