/**
 * __nr_to_section(nr) — include/linux/mmzone.h (:1258 @5.10.223, :1691 @6.1.192, :1877 @6.12.95,
 * :2063 @7.3.4): NULL when SECTION_NR_TO_ROOT(nr) ≥ NR_SECTION_ROOTS, i.e. for a section at or
 * above 2^MAX_PHYSMEM_BITS. Its callers on the add path dereference the result unchecked.
 */
import { sectionNrToRoot } from '../../kernel/pfn.js';
import { nullDereference } from '../oops.js';
import { oops } from './context.js';
import type { KernelCtx } from './context.js';

/** True when section `nr` lies past the last mem_section root, where __nr_to_section() returns NULL. */
export function beyondLastRoot(ctx: KernelCtx, nr: number): boolean {
  return ctx.g.SPARSEMEM_EXTREME && sectionNrToRoot(ctx.g, nr) >= ctx.g.NR_SECTION_ROOTS;
}

/**
 * The oops of `func` reading `field` (at byte `offset` of struct mem_section) through the NULL that
 * __nr_to_section() returned for section `nr` — past the last root, or in a root never allocated:
 * the run ends here.
 */
export function nullSectionOops(ctx: KernelCtx, nr: number, func: string, field: string, offset: number): never {
  const g = ctx.g;
  const root = sectionNrToRoot(g, nr);
  const why = beyondLastRoot(ctx, nr)
    ? `section ${nr} is in mem_section root ${root}, past NR_SECTION_ROOTS ${g.NR_SECTION_ROOTS} (MAX_PHYSMEM_BITS ${g.MAX_PHYSMEM_BITS})`
    : `section ${nr} is in mem_section root ${root}, which was never allocated`;
  return oops(ctx, nullDereference(offset, func), `${why}: __nr_to_section() returns NULL and ${field} is read through it`);
}
