/**
 * The independent reference model written from the seed patch (test/reference/seedModel.ts) on
 * hand-picked v5.3 cases: masks, boot, add and remove corner cases (its agreement with model/ over
 * random sequences: reference.property.slow.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { EEXIST, EINVAL, SeedModel, subsectionMask, type RefRange } from './reference/seedModel.js';

/** Sizes in pfns, spelled out here so the test does not lean on model/geometry. */
const SEC = 32768;
const SUB = 512;
const pfnOf = (section: number, offset = 0): number => section * SEC + offset;

// ---- Sanity of the reference model on its own ------------------------------------------------

/** Boot RAM 0x100000000–0x143ffffff: sections 32–40, section 40 holds sub-sections 0–31. */
const SEED_BOOT: RefRange[] = [{ startPfn: 0x100000, endPfn: 0x144000 }];

describe('seed reference model (x86_64 4K, v5.3)', () => {
  it('subsection_mask_set rounds outward and has the nr_pages = 0 corner cases', () => {
    expect(subsectionMask(0x144200n, 0xe00n)).toBe(0xfen << 32n); // bits 33–39
    expect(subsectionMask(0x140001n, 1n)).toBe(1n);
    expect(subsectionMask(0x1401ffn, 2n)).toBe(3n);
    expect(subsectionMask(0x140000n, 0n)).toBe((1n << 64n) - 1n); // section aligned: all bits
    expect(subsectionMask(0x140200n, 0n)).toBe(0n); // count 0
  });

  it('boots early sections with the sub-sections the ranges intersect, rounded outward', () => {
    const m = SeedModel.boot([
      { startPfn: pfnOf(33, 100), endPfn: pfnOf(33, 1100) },
      { startPfn: pfnOf(34, SEC - 1), endPfn: pfnOf(35, 513) },
    ]);
    expect(m.mapHex(32)).toBe('0000000000000000');
    expect(m.section(32)).toBeUndefined();
    expect(m.mapHex(33)).toBe('0000000000000007'); // pfns 100..1099 → sub-sections 0..2
    expect(m.mapHex(34)).toBe('8000000000000000');
    expect(m.mapHex(35)).toBe('0000000000000003');
    for (const nr of [33, 34, 35]) expect(m.section(nr)).toMatchObject({ valid: true, early: true, usage: 'boot' });
  });

  it('adds sub-sections 33–39 into an early section with RAM in 0–31, then refuses the re-add', () => {
    const m = SeedModel.boot(SEED_BOOT);
    expect(m.mapHex(40)).toBe('00000000ffffffff');
    expect(m.addPages(0, 0x144200, 0xe00)).toBe(0);
    expect(m.mapHex(40)).toBe('000000feffffffff');
    expect(m.section(40)).toMatchObject({ valid: true, early: true, usage: 'boot' });
    expect(m.addPages(0, 0x144200, 0xe00)).toBe(-EEXIST);
    expect(m.addPages(0, 0x144000, 0x200)).toBe(0); // bit 32 was still a hole
    expect(m.mapHex(40)).toBe('000000ffffffffff');
  });

  it('fails misaligned spans with -EINVAL and no change', () => {
    const m = SeedModel.boot(SEED_BOOT);
    expect(m.addPages(0, 0x144201, 0x200)).toBe(-EINVAL);
    expect(m.addPages(0, 0x144200, 0x201)).toBe(-EINVAL);
    expect(m.removePages(0x140000, 0x100)).toBeNull();
    expect(m.mapHex(40)).toBe('00000000ffffffff');
  });

  it('follows the nr_pages = 0 quirk of the v5.3 __add_pages loop', () => {
    const m = SeedModel.boot(SEED_BOOT);
    expect(m.addPages(0, 0x144200, 0)).toBe(-EINVAL); // one chunk of 0 pages → empty mask
    expect(m.addPages(0, pfnOf(41), 0)).toBe(0); // end_sec = start_sec - 1 → no iteration
    expect(m.section(41)).toBeUndefined();
    expect(m.addPages(0, pfnOf(44, 512), 0)).toBe(-EINVAL);
    expect(m.section(44)).toMatchObject({ valid: false, usage: 'none', map: 0n }); // new usage undone
  });

  it('removes once; the second remove of the same range is a no-op', () => {
    const m = SeedModel.boot(SEED_BOOT);
    m.addPages(0, 0x144200, 0xe00);
    m.removePages(0x144200, 0xe00);
    expect(m.mapHex(40)).toBe('00000000ffffffff');
    expect(m.notes).toEqual([{ kind: 'deactivated', section: 40, emptied: false, freedUsage: null }]);
    m.removePages(0x144200, 0xe00);
    expect(m.mapHex(40)).toBe('00000000ffffffff');
    expect(m.notes).toEqual([{ kind: 'already_deactivated', section: 40, pfn: 0x144200, nr: 0xe00 }]);
  });

  it('hot-adds a fresh section, and frees its usage when it empties', () => {
    const m = SeedModel.boot(SEED_BOOT);
    expect(m.addPages(0, pfnOf(42, 4 * SUB), 2 * SUB)).toBe(0);
    expect(m.section(42)).toMatchObject({ valid: true, early: false, usage: 'slab', map: 0x30n });
    m.removePages(pfnOf(42, 4 * SUB), SUB);
    expect(m.section(42)).toMatchObject({ valid: true, usage: 'slab', map: 0x20n });
    m.removePages(pfnOf(42, 5 * SUB), SUB);
    expect(m.section(42)).toMatchObject({ valid: false, early: false, usage: 'none', map: 0n });
    m.removePages(pfnOf(42, 5 * SUB), SUB); // section no longer valid: WARN_ON_ONCE, skipped
    expect(m.notes).toEqual([{ kind: 'remove_invalid_section', section: 42 }]);
  });

  it('breaks on the first failing chunk and keeps the earlier ones (no rollback)', () => {
    const m = SeedModel.boot(SEED_BOOT);
    expect(m.addPages(0, pfnOf(41), 8 * SUB)).toBe(0); // section 41 bits 0–7
    // section 40 bits 48–63 succeed, section 41 bits 0–7 collide
    expect(m.addPages(0, pfnOf(40, 48 * SUB), 24 * SUB)).toBe(-EEXIST);
    expect(m.mapHex(40)).toBe('ffff0000ffffffff');
    expect(m.mapHex(41)).toBe('00000000000000ff');
    // a failing first chunk stops before the second section
    expect(m.addPages(0, pfnOf(40, 63 * SUB), 2 * SUB)).toBe(-EEXIST);
    expect(m.mapHex(41)).toBe('00000000000000ff');
  });

  it('fully removing an early section keeps its boot usage but drops EARLY; re-adding is not early', () => {
    const m = SeedModel.boot(SEED_BOOT);
    m.removePages(pfnOf(40), 32 * SUB);
    expect(m.section(40)).toMatchObject({ valid: false, early: false, usage: 'boot', map: 0n });
    expect(m.addPages(0, pfnOf(40), SEC)).toBe(0);
    expect(m.section(40)).toMatchObject({ valid: true, early: false, usage: 'boot', map: (1n << 64n) - 1n });
    m.removePages(pfnOf(40), SEC); // not early at entry → kfree of the memblock usage (F3)
    expect(m.section(40)).toMatchObject({ valid: false, early: false, usage: 'none', map: 0n });
    expect(m.notes).toEqual([{ kind: 'deactivated', section: 40, emptied: true, freedUsage: 'boot' }]);
  });

  it('refuses a remove whose mask is not a subset of the live map, changing nothing', () => {
    const m = SeedModel.boot(SEED_BOOT);
    m.removePages(pfnOf(40, 31 * SUB), 2 * SUB); // bit 32 is a hole
    expect(m.mapHex(40)).toBe('00000000ffffffff');
    // a multi-section remove still visits every chunk (no break in __remove_pages)
    m.removePages(pfnOf(39, 63 * SUB), 2 * SUB);
    expect(m.mapHex(39)).toBe('7fffffffffffffff');
    expect(m.mapHex(40)).toBe('00000000fffffffe');
  });
});

