/**
 * sparse_index_init(section_nr, nid) — mm/sparse.c, v5.3 (seed hunk): with SPARSEMEM_EXTREME, an
 * existing root returns 0 (v5.2 returned -EEXIST); otherwise a zeroed root of SECTIONS_PER_ROOT
 * sections is allocated, -ENOMEM when that fails after boot. Roots are never freed.
 */
import { ERRNO } from '../errno.js';
import { sectionNrToPfn, sectionNrToRoot } from '../geometry.js';
import { allocFails, call, decide, rootPresent } from './context.js';
import type { KernelCtx } from './context.js';

/** Make sure mem_section[SECTION_NR_TO_ROOT(section_nr)] exists; 0 or -ENOMEM. */
export function sparse_index_init(ctx: KernelCtx, section_nr: number): number {
  if (!ctx.g.SPARSEMEM_EXTREME || rootPresent(ctx, section_nr)) return 0;
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
