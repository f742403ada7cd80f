/**
 * The nested calls an outcome records (Outcome.calls), in the compact form the model writes —
 * four numbers per call: the function (an index into SUBCALL_FNS), pfn, nr_pages, and the return
 * (read for sparse_add_section only: the others are void) — and their decoding.
 */
import { SUBCALL_FNS } from './types.js';
import type { Outcome, SubCall } from './types.js';

export { SUBCALL_FNS } from './types.js';

/** The calls of `outcome`, decoded, in call order. */
export function subCalls(outcome: Pick<Outcome, 'calls'>): SubCall[] {
  const flat = outcome.calls;
  const out: SubCall[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    const fn = SUBCALL_FNS[flat[i] as number];
    if (fn === undefined) continue;
    out.push({ fn, pfn: flat[i + 1] as number, nr_pages: flat[i + 2] as number, ret: fn === 'sparse_add_section' ? (flat[i + 3] as number) : null });
  }
  return out;
}

/** A call as text: `sparse_add_section(0x4c000, 0x4000) = 0` (no ` = …` for the void ones). */
export function subCallText(c: { readonly fn: string; readonly pfn: number; readonly nr_pages: number; readonly ret: number | null }): string {
  return `${c.fn}(0x${c.pfn.toString(16)}, 0x${c.nr_pages.toString(16)})${c.ret === null ? '' : ` = ${c.ret}`}`;
}
