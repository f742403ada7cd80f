/**
 * F3 — "mm/memory_hotplug: don't free usage map when removing a re-added early section": from v5.5
 * (and 5.4.14 in the 5.4 stable series) section_deactivate() frees a section's usage only when its
 * page is not PageReserved, i.e. not the memblock usage of boot; before, it freed any usage of a
 * section that was not EARLY at entry — and a fully removed early section loses EARLY, so the
 * second removal of a re-added early section kfree()s memblock memory (kernel-semantics.md §2.8
 * "Later", §3 stable table, §4 rows 21 and 22).
 *
 * Scenario (boot RAM 0x100000000-0x143ffffff: sections 32-39 full and early):
 *   1. __remove_pages(section 32)  — the early section empties: boot usage kept, free_map_bootmem
 *   2. add_pages(section 32)       — re-added: EARLY is gone, the boot usage is reused
 *   3. __remove_pages(section 32)  — v5.4 / 5.4.13: kfree() of the memblock usage → CRASH (F3)
 *                                    v5.5 / 5.4.14: usage kept (PageReserved), section emptied
 */
import { describe, expect, it } from 'vitest';
import { SECTION, addPages, hazardsOf, mapOf, removePages, secPfn } from '../helpers/model.js';
import { across, expectBoundary, fieldsOf } from './boundary.js';
import type { VersionRun } from './boundary.js';

const OPS = [removePages(secPfn(32), SECTION), addPages(secPfn(32), SECTION), removePages(secPfn(32), SECTION)];

/** v5.3 / v5.4 (before F3): the second removal frees the memblock usage. */
function expectCrash(v: VersionRun): void {
  const [first, readd, second] = v.results;
  expect(first!.outcome.hazards).toEqual([]);
  expect(fieldsOf(v.p, first!.state, 32)).toMatchObject({ flags: 0, usage: 'boot', machine: 'absent.emptied-early' });
  expect(readd!.outcome.ret).toBe(0);
  expect(fieldsOf(v.p, readd!.state, 32)).toMatchObject({ usage: 'boot', machine: 'full-hotplug' });
  expect(second!.outcome.warnings).toEqual([]);
  expect(hazardsOf(second!)).toEqual(['F3:crash', 'F14:race']);
  const f3 = second!.outcome.hazards.find((h) => h.bug === 'F3');
  expect(f3?.text).toMatch(/kfree\(\) of a memblock-allocated usage .*kernel BUG at mm\/slub\.c/);
  expect(f3?.fixedBy).toMatch(/v5\.5 \(5\.4\.14\)/);
  expect(second!.outcome.resources.filter((r) => r.kind === 'usage-free')).toEqual([
    { kind: 'usage-free', section: 32, pfn: secPfn(32), nrPages: SECTION, how: 'kfree of memblock memory (F3)' },
  ]);
  expect(fieldsOf(v.p, v.last, 32)).toMatchObject({ flags: 0, usage: 'none', subsectionMap: [mapOf()], machine: 'absent.deactivated' });
}

/** v5.5 / 5.4.14 (F3): the boot usage is PageReserved and stays; nothing is freed but the memmap. */
function expectKept(v: VersionRun): void {
  const [first, readd, second] = v.results;
  expect(first!.outcome.hazards).toEqual([]);
  expect(fieldsOf(v.p, first!.state, 32)).toMatchObject({ flags: 0, usage: 'boot', machine: 'absent.emptied-early' });
  expect(readd!.outcome.ret).toBe(0);
  expect(second!.outcome.warnings).toEqual([]);
  expect(hazardsOf(second!)).toEqual([]);
  expect(second!.outcome.resources.filter((r) => r.kind === 'usage-free')).toEqual([]);
  expect(second!.outcome.resources.map((r) => r.kind)).toEqual(['memmap-free']);
  expect(fieldsOf(v.p, v.last, 32)).toMatchObject({ flags: 0, usage: 'boot', subsectionMap: [mapOf()], machine: 'absent.emptied-early' });
}

describe('F3: removing a re-added early section keeps its boot usage (v5.5, 5.4.14)', () => {
  it('5.4 → 5.5: the second removal kfree()s the memblock usage (CRASH, F3) / keeps it', () => {
    expectBoundary('5.4', '5.5', ['E2BIG', 'F3', 'LOOP_REWRITE', 'ZONELESS_REMOVE']);
    const { before, after } = across('5.4', '5.5', OPS);
    expectCrash(before);
    expectKept(after);
  });

  it('5.4.13 → 5.4.14 (stable backport): the same two outcomes', () => {
    expectBoundary('5.4.13', '5.4.14', ['F3']);
    const { before, after } = across('5.4.13', '5.4.14', OPS);
    expectCrash(before);
    expectKept(after);
  });
});
