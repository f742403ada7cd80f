/**
 * REMOVE_SECTION — Yajun Deng's v6.5 rework (kernel-semantics.md §2.9 "Later", §4 row 15):
 * __remove_section() is gone; __remove_pages() calls sparse_remove_section(pfn, nr_pages, altmap)
 * per chunk, and sparse_remove_section() itself does the WARN_ON_ONCE(!valid_section(ms)) that
 * __remove_section() (mm/memory_hotplug.c) did before. The outcome of a removal is the same; the
 * WARN's function and file and every removal's call path change.
 *
 * Scenario A (boot RAM 0x100000000-0x143ffffff; section 41 = pfn 0x148000 never added):
 *   1. __remove_pages(section 41) — not valid: WARN_ON_ONCE, skipped
 *   2. __remove_pages(section 32) — an early section: emptied, free_map_bootmem
 * Scenario B: sparse_remove_section(section 41) called directly
 *   6.4: no valid check there → section_deactivate() → clear_subsection_map() WARN "section already deactivated"
 *   6.5: WARN_ON_ONCE in sparse_remove_section, skipped
 */
import { describe, expect, it } from 'vitest';
import { SECTION, W_REMOVE_SECTION, removePages, secPfn, wAlreadyDeactivated } from '../helpers/model.js';
import { across, expectBoundary, sparseRemoveSection } from './boundary.js';

const W_SPARSE_REMOVE_SECTION = { kind: 'WARN_ON_ONCE', func: 'sparse_remove_section', file: 'mm/sparse.c', text: '' } as const;

describe('REMOVE_SECTION: sparse_remove_section() owns the valid-section check (v6.5)', () => {
  it('6.4 → 6.5: removing an invalid section WARN_ON_ONCEs in __remove_section / sparse_remove_section, and the call path changes', () => {
    expectBoundary('6.4', '6.5', ['FMT_0X', 'REMOVE_SECTION']);
    const { before, after } = across('6.4', '6.5', [removePages(secPfn(41), SECTION), removePages(secPfn(32), SECTION)]);

    const [bInvalid, bEarly] = before.results;
    expect(bInvalid!.outcome.warnings).toEqual([W_REMOVE_SECTION]);
    expect(bInvalid!.outcome.path).toBe('__remove_pages → __remove_section: section 41 not valid: WARN_ON_ONCE, skipped');
    expect(bEarly!.outcome.path).toMatch(/^__remove_pages → __remove_section → sparse_remove_section\(32\) → section_deactivate: /);

    const [aInvalid, aEarly] = after.results;
    expect(aInvalid!.outcome.warnings).toEqual([W_SPARSE_REMOVE_SECTION]);
    expect(aInvalid!.outcome.path).toBe('__remove_pages → sparse_remove_section(41): section 41 not valid: WARN_ON_ONCE, skipped');
    expect(aEarly!.outcome.path).toMatch(/^__remove_pages → sparse_remove_section\(32\) → section_deactivate: /);

    // Same effect either way: nothing for section 41, section 32 emptied with the same resources.
    for (const r of [bInvalid!, aInvalid!]) {
      expect(r.outcome.ret).toBeNull();
      expect(r.outcome.hazards).toEqual([]);
      expect(r.outcome.resources).toEqual([]);
    }
    expect(bInvalid!.state.roots).toStrictEqual(before.boot.roots);
    expect(aInvalid!.state.roots).toStrictEqual(after.boot.roots);
    expect(aEarly!.outcome.warnings).toEqual(bEarly!.outcome.warnings);
    expect(aEarly!.outcome.resources).toEqual(bEarly!.outcome.resources);
    expect(aEarly!.outcome.sections).toEqual(bEarly!.outcome.sections);
    expect(after.last.roots).toStrictEqual(before.last.roots);

    // A direct sparse_remove_section() of the invalid section: 6.4 has no valid check there.
    const direct = across('6.4', '6.5', [sparseRemoveSection(secPfn(41), SECTION)]);
    const b = direct.before.results[0]!;
    // From ~v5.7 the WARN is in clear_subsection_map() (SUBSECTION_MAP_HELPERS).
    expect(b.outcome.warnings).toEqual([wAlreadyDeactivated('section already deactivated (0x148000 + 32768)', 'clear_subsection_map')]);
    expect(b.outcome.path).toMatch(/^sparse_remove_section\(41\) → section_deactivate: /);
    const a = direct.after.results[0]!;
    expect(a.outcome.warnings).toEqual([W_SPARSE_REMOVE_SECTION]);
    expect(a.outcome.path).toBe('sparse_remove_section(41): section 41 not valid: WARN_ON_ONCE, skipped');
    for (const r of [a, b]) {
      expect(r.outcome.hazards).toEqual([]);
      expect(r.outcome.resources).toEqual([]);
    }
  });
});
