/**
 * 6.12 → 7.3 (kernel/versions.ts rows HOTPLUG_IN_SPARSE_VMEMMAP and ONLINE_UNCHECKED, checked
 * against the Debian sources 6.12.95 and 7.3.4): the remove-path WARNs are printed from
 * mm/sparse-vmemmap.c (:727 section_deactivate, :924 sparse_remove_section), and
 * online_mem_sections() / offline_mem_sections() no longer WARN_ON an invalid section — they set or
 * clear SECTION_IS_ONLINE on whatever word is there, and write through NULL without a root.
 *
 * Boot RAM 0x100000000-0x143ffffff (sections 32-39 full, 40 half); section 41 (pfn 0x148000) is
 * never added but lies in the boot root; section 1280 (pfn 0x2800000) has no mem_section root.
 */
import { describe, expect, it } from 'vitest';
import { F, SECTION, SUB, __addPages, onlineSections, removePages, secPfn, sectionView, wOnlineInvalid } from '../helpers/model.js';
import { across } from './boundary.js';

const wRemove = (file: string) => ({ kind: 'WARN_ON_ONCE', func: 'sparse_remove_section', file, text: '' }) as const;

describe('6.12.95 → 7.3.4: the hotplug half of mm/sparse.c in mm/sparse-vmemmap.c', () => {
  it('removing a never-added section: WARN_ON_ONCE in sparse_remove_section, printed from mm/sparse.c then mm/sparse-vmemmap.c', () => {
    const { before, after } = across('6.12.95', '7.3.4', [removePages(secPfn(41), SECTION)]);
    expect(before.results[0]!.outcome.warnings).toEqual([wRemove('mm/sparse.c')]);
    expect(after.results[0]!.outcome.warnings).toEqual([wRemove('mm/sparse-vmemmap.c')]);
    expect(after.last.roots).toStrictEqual(before.last.roots);
  });

  it('removing two sub-sections of which one was added: "section already deactivated" printed from the new file, same state', () => {
    const { before, after } = across('6.12.95', '7.3.4', [__addPages(secPfn(41), SUB), removePages(secPfn(41), 2 * SUB)]);
    const b = before.results[1]!.outcome.warnings;
    const a = after.results[1]!.outcome.warnings;
    expect(b.map((w) => [w.text, w.file])).toEqual([['section already deactivated (0x148000 + 1024)', 'mm/sparse.c']]);
    expect(a.map((w) => [w.text, w.file])).toEqual([['section already deactivated (0x148000 + 1024)', 'mm/sparse-vmemmap.c']]);
    expect(after.last.roots).toStrictEqual(before.last.roots);
  });
});

describe('6.12.95 → 7.3.4: online_mem_sections() without the valid-section check', () => {
  it('onlining a never-added section in an allocated root: 6.12 WARN_ONs and skips it, 7.3 sets SECTION_IS_ONLINE on its zero word', () => {
    const { before, after } = across('6.12.95', '7.3.4', [onlineSections(secPfn(40), secPfn(42))]);
    expect(before.results[0]!.outcome.warnings).toEqual([wOnlineInvalid('online_mem_sections')]);
    expect(sectionView(before.p, before.last, 41).flags).toBe(0);
    expect(after.results[0]!.outcome.warnings).toEqual([]);
    expect(sectionView(after.p, after.last, 41).flags).toBe(F.ONLINE);
    expect(sectionView(after.p, after.last, 40).flags).toBe(sectionView(before.p, before.last, 40).flags);
    expect(after.results[0]!.outcome.hazards).toEqual([]);
  });

  it('offlining a section without a mem_section root: 6.12 WARN_ONs, 7.3 writes through a NULL mem_section', () => {
    const { before, after } = across('6.12.95', '7.3.4', [onlineSections(secPfn(1280), secPfn(1281), false)]);
    expect(before.results[0]!.outcome.warnings).toEqual([wOnlineInvalid('offline_mem_sections')]);
    expect(before.results[0]!.outcome.hazards).toEqual([]);
    expect(after.results[0]!.outcome.warnings).toEqual([]);
    expect(after.results[0]!.outcome.hazards.map((h) => h.kind)).toEqual(['crash']);
    expect(after.results[0]!.outcome.hazards[0]!.oops).toEqual({ line: 'BUG: kernel NULL pointer dereference, address: 0000000000000000', func: 'offline_mem_sections' });
    expect(after.results[0]!.outcome.hazards[0]!.text).toContain('section 1280 is in mem_section root 10, which was never allocated');
  });
});
