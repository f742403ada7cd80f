/**
 * CALLER_WARN — Anshuman Khandual's "mm/memory_hotplug: Drop 'reason' argument from
 * check_pfn_span()" (v6.0, release unverified; kernel-semantics.md §2.4, §2.5 "Later", §5):
 * check_pfn_span() becomes silent and __add_pages() / __remove_pages() WARN
 * "Misaligned %s start: %#lx end: #%lx\n" with __func__ — the same text as v5.3's
 * "Misaligned __%s_pages start: %#lx end: #%lx\n", printed from another function. The rewrite also
 * leaves __add_pages()' `err` unassigned when nr_pages = 0 (the loop does not run): the return
 * value is stack garbage (§4 row 12, §6 item 14).
 *
 * Scenario (boot RAM 0x100000000-0x143ffffff):
 *   1. __add_pages(pfn 0x144001, nr_pages 0x1000)     — misaligned: WARN, -EINVAL
 *   2. __remove_pages(pfn 0x144001, nr_pages 0x1000)  — misaligned: WARN, nothing removed
 *   3. __add_pages(pfn 0x148800, nr_pages 0)          — sub-section aligned, nr_pages 0
 *   4. __add_pages(pfn 0x148000, nr_pages 0)          — section aligned, nr_pages 0
 * v5.19: WARNs from check_pfn_span; 0 from steps 3-4 (check_pfn_span's 0), no hazard.
 * v6.0:  WARNs from __add_pages / __remove_pages, same text; steps 3-4 hazard 'undefined'.
 */
import { describe, expect, it } from 'vitest';
import { ERRNO } from '../../kernel/index.js';
import type { Warning } from '../../kernel/index.js';
import { __addPages, hazardsOf, removePages, secPfn, subPfn } from '../helpers/model.js';
import { across, expectBoundary } from './boundary.js';

const OPS = [__addPages(0x144001, 0x1000), removePages(0x144001, 0x1000), __addPages(subPfn(41, 4), 0), __addPages(secPfn(41), 0)];
const ADD_TEXT = 'Misaligned __add_pages start: 0x144001 end: #145000';
const REMOVE_TEXT = 'Misaligned __remove_pages start: 0x144001 end: #145000';

const misaligned = (func: string, text: string): Warning => ({ kind: 'WARN', func, file: 'mm/memory_hotplug.c', text });

describe('CALLER_WARN: the misaligned WARN moves from check_pfn_span to its callers (v6.0)', () => {
  it('5.19 → 6.0: WARN func check_pfn_span / __add_pages and __remove_pages, same text; nr_pages 0 becomes undefined', () => {
    expectBoundary('5.19', '6.0', ['CALLER_WARN']);
    const { before, after } = across('5.19', '6.0', OPS);

    const [bAdd, bRemove, bZeroSub, bZeroSec] = before.results;
    expect(bAdd!.outcome.ret).toBe(-ERRNO.EINVAL);
    expect(bAdd!.outcome.warnings).toEqual([misaligned('check_pfn_span', ADD_TEXT)]);
    expect(bRemove!.outcome.ret).toBeNull();
    expect(bRemove!.outcome.warnings).toEqual([misaligned('check_pfn_span', REMOVE_TEXT)]);
    for (const r of [bZeroSub!, bZeroSec!]) {
      expect(r.outcome.ret).toBe(0);
      expect(r.outcome.warnings).toEqual([]);
      expect(r.outcome.hazards).toEqual([]);
    }

    const [aAdd, aRemove, aZeroSub, aZeroSec] = after.results;
    expect(aAdd!.outcome.ret).toBe(-ERRNO.EINVAL);
    expect(aAdd!.outcome.warnings).toEqual([misaligned('__add_pages', ADD_TEXT)]);
    expect(aRemove!.outcome.ret).toBeNull();
    expect(aRemove!.outcome.warnings).toEqual([misaligned('__remove_pages', REMOVE_TEXT)]);
    for (const r of [aZeroSub!, aZeroSec!]) {
      expect(r.outcome.ret).toBe(0);
      expect(r.outcome.warnings).toEqual([]);
      expect(hazardsOf(r)).toEqual(['-:undefined']);
      expect(r.outcome.hazards[0]!.text).toMatch(/err is never assigned: the return value is stack garbage/);
    }

    for (const v of [before, after]) expect(v.last).toStrictEqual(v.boot);
  });
});
