/**
 * FMT_0X — Rick Wertenbroek's May-2023 fix of the "#" typo (~v6.5, release unverified;
 * kernel-semantics.md §2.4, §5): the misaligned WARN prints "end: %#lx" ("0x…") instead of
 * "end: #%lx" ("#…"). Not backported: Debian's 6.1.192 still prints "end: #" (verified), 6.12.95
 * prints "end: 0x" (verified).
 *
 * Scenario (boot RAM 0x100000000-0x143ffffff):
 *   1. add_pages(pfn 0x144001, nr_pages 0x1000)     — WARN in __add_pages, -EINVAL, x86 WARN_ON_ONCE
 *   2. __remove_pages(pfn 0x144001, nr_pages 0x1000) — WARN in __remove_pages, nothing removed
 *   6.4: "… end: #145000"; 6.5: "… end: 0x145000".
 */
import { describe, expect, it } from 'vitest';
import { ERRNO } from '../../kernel/index.js';
import type { Warning } from '../../kernel/index.js';
import { W_ADD_PAGES, addPages, removePages } from '../helpers/model.js';
import { across, expectBoundary, runOn } from './boundary.js';
import type { VersionRun } from './boundary.js';

const OPS = [addPages(0x144001, 0x1000), removePages(0x144001, 0x1000)];

const misaligned = (func: string, text: string): Warning => ({ kind: 'WARN', func, file: 'mm/memory_hotplug.c', text });

function expectEnd(v: VersionRun, end: string): void {
  const [add, remove] = v.results;
  expect(add!.outcome.ret).toBe(-ERRNO.EINVAL);
  expect(add!.outcome.warnings).toEqual([misaligned('__add_pages', `Misaligned __add_pages start: 0x144001 end: ${end}`), W_ADD_PAGES]);
  expect(remove!.outcome.ret).toBeNull();
  expect(remove!.outcome.warnings).toEqual([misaligned('__remove_pages', `Misaligned __remove_pages start: 0x144001 end: ${end}`)]);
  expect(v.last.roots).toStrictEqual(v.boot.roots);
}

describe('FMT_0X: the misaligned WARN prints "end: 0x…" (v6.5)', () => {
  it('6.4 → 6.5: "end: #145000" / "end: 0x145000"', () => {
    expectBoundary('6.4', '6.5', ['FMT_0X', 'REMOVE_SECTION']);
    const { before, after } = across('6.4', '6.5', OPS);
    expectEnd(before, '#145000');
    expectEnd(after, '0x145000');
  });

  it('Debian releases: 6.1.192 still prints "end: #145000", 6.12.95 prints "end: 0x145000"', () => {
    expectEnd(runOn('6.1.192', OPS), '#145000');
    expectEnd(runOn('6.12.95', OPS), '0x145000');
  });
});
