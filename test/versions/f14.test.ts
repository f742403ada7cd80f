/**
 * F14 — 5ec8e8ea8b77 "mm/sparsemem: fix race in accessing memory_section->usage" (v6.8; 6.1.76 in
 * the 6.1 stable series): section_deactivate() clears HAS_MEM_MAP first and frees the usage with
 * kfree_rcu(), so a concurrent pfn_valid() (now under rcu_read_lock_sched) cannot read a freed
 * usage. Before, the usage was kfree()d while pfn_valid() could still read
 * usage->subsection_map (kernel-semantics.md §2.8 step 6 and "Later", §3 stable table, §4 row 23).
 *
 * Scenario (boot RAM 0x100000000-0x143ffffff; section 41 = pfn 0x148000 never added):
 *   1. add_pages(section 41)       — a hot-added section with a kzalloc'ed usage
 *   2. __remove_pages(section 41)  — fully deactivated, usage freed:
 *        6.7 / 6.1.75: kfree, hazard F14 race
 *        6.8 / 6.1.76: kfree_rcu, no hazard
 */
import { describe, expect, it } from 'vitest';
import { SECTION, addPages, hazardsOf, mapOf, removePages, secPfn } from '../helpers/model.js';
import { across, expectBoundary, fieldsOf } from './boundary.js';
import type { VersionRun } from './boundary.js';

const OPS = [addPages(secPfn(41), SECTION), removePages(secPfn(41), SECTION)];

function expectFreed(v: VersionRun, how: 'kfree' | 'kfree_rcu', hazards: string[]): void {
  const [add, remove] = v.results;
  expect(add!.outcome.ret).toBe(0);
  expect(remove!.outcome.warnings).toEqual([]);
  expect(remove!.outcome.resources.filter((r) => r.kind === 'usage-free')).toEqual([{ kind: 'usage-free', section: 41, pfn: secPfn(41), nrPages: SECTION, how }]);
  expect(hazardsOf(remove!)).toEqual(hazards);
  expect(fieldsOf(v.p, v.last, 41)).toMatchObject({ flags: 0, map: 'zero', usage: 'none', subsectionMap: [mapOf()], machine: 'absent.deactivated' });
}

function expectRace(v: VersionRun): void {
  expectFreed(v, 'kfree', ['F14:race']);
  const h = v.results[1]!.outcome.hazards[0]!;
  expect(h.text).toBe('usage of section(s) 41 freed with plain kfree() while a concurrent pfn_valid() may still read usage->subsection_map');
  expect(h.fixedBy).toMatch(/5ec8e8ea8b77 .*v6\.8 \(6\.1\.76\)/);
}

describe('F14: a hot-added section\'s usage is freed with kfree_rcu (v6.8, 6.1.76)', () => {
  it('6.7 → 6.8: freeing the usage is a race (F14) with kfree / safe with kfree_rcu', () => {
    expectBoundary('6.7', '6.8', ['F14']);
    const { before, after } = across('6.7', '6.8', OPS);
    expectRace(before);
    expectFreed(after, 'kfree_rcu', []);
  });

  it('6.1.75 → 6.1.76 (stable backport): the same two outcomes', () => {
    expectBoundary('6.1.75', '6.1.76', ['F14']);
    const { before, after } = across('6.1.75', '6.1.76', OPS);
    expectRace(before);
    expectFreed(after, 'kfree_rcu', []);
  });
});
