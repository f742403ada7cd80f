/**
 * subsection_map bitmaps for any SUBSECTIONS_PER_SECTION from 8 to 512, checked against a plain
 * BigInt reference with fast-check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitmapAndNot, bitmapBits, bitmapEmpty, bitmapFromLongs, bitmapFull, bitmapIntersects, bitmapOr, bitmapSet, bitmapSubset, bitmapToLongs, bitmapWeight, bitmapXor, bitmapZero } from '../kernel/bitmap.js';
import { X86_64, deriveGeometry } from '../kernel/geometry.js';
import { subsection_mask_set } from '../model/mm/subsection_mask_set.js';

/** BigInt reference: the bits [start, start + count) of an nbits-wide map. */
function ref(start: number, count: number): bigint {
  return count <= 0 ? 0n : ((1n << BigInt(count)) - 1n) << BigInt(start);
}
function toBig(map: readonly number[]): bigint {
  return map.reduce((acc, w, i) => acc | (BigInt(w) << BigInt(32 * i)), 0n);
}

const sizes = fc.constantFrom(8, 32, 64, 128, 256, 512);
const rangeIn = (n: number) => fc.tuple(fc.nat(n - 1), fc.nat(n)).map(([s, c]) => [s, Math.min(c, n - s)] as const);
const twoMaps = sizes.chain((n) => fc.tuple(fc.constant(n), rangeIn(n), rangeIn(n)));

describe('bitmaps of 8 to 512 bits', () => {
  it('set / or / xor / andnot / intersects / subset / empty / full / weight agree with BigInt', () => {
    fc.assert(
      fc.property(twoMaps, ([n, [s1, c1], [s2, c2]]) => {
        const a = bitmapSet(bitmapZero(n), s1, c1);
        const b = bitmapSet(bitmapZero(n), s2, c2);
        const A = ref(s1, c1);
        const B = ref(s2, c2);
        expect(toBig(a)).toBe(A);
        expect(toBig(bitmapOr(a, b))).toBe(A | B);
        expect(toBig(bitmapXor(a, b))).toBe(A ^ B);
        expect(toBig(bitmapAndNot(a, b))).toBe(A & ~B);
        expect(bitmapIntersects(a, b)).toBe((A & B) !== 0n);
        expect(bitmapSubset(a, b)).toBe((A & ~B) === 0n);
        expect(bitmapEmpty(a)).toBe(A === 0n);
        expect(bitmapFull(a, n)).toBe(A === (1n << BigInt(n)) - 1n);
        expect(bitmapWeight(a)).toBe(c1);
        expect(bitmapBits(a)).toEqual(Array.from({ length: c1 }, (_, i) => s1 + i));
        expect(bitmapFromLongs(bitmapToLongs(a), n)).toEqual(a);
      }),
      { numRuns: 500 },
    );
  });

  it('prints kernel unsigned longs with 0x%016lx, lowest long first', () => {
    const m = bitmapSet(bitmapZero(512), 60, 8); // bits 60-67 straddle longs 0 and 1
    expect(bitmapToLongs(m)).toEqual(['0xf000000000000000', '0x000000000000000f', ...Array(6).fill('0x0000000000000000')]);
  });
});

describe('subsection_mask_set (mm/sparse.c v5.3) on x86_64', () => {
  const g = deriveGeometry(X86_64);
  it('rounds partial sub-sections outward', () => {
    expect(bitmapToLongs(subsection_mask_set(g, 0x144201, 0xe00))).toEqual(['0x000001fe00000000']);
  });
  it('nr_pages 0 on a section-aligned pfn sets every bit (last index wraps to 63)', () => {
    expect(bitmapToLongs(subsection_mask_set(g, 0x140000, 0))).toEqual(['0xffffffffffffffff']);
  });
  it('nr_pages 0 on another sub-section-aligned pfn sets nothing', () => {
    expect(bitmapToLongs(subsection_mask_set(g, 0x144200, 0))).toEqual(['0x0000000000000000']);
  });
});
