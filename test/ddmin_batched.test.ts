/**
 * ddminBatched (query/ddmin_batched.ts), the ddmin memhp verify --random shrinks with on a real
 * kernel: the same 1-minimal result as query/shrink.ts's ddmin for any monotone test, one batch per
 * round, each distinct candidate tested once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ddminBatched } from '../query/ddmin_batched.js';
import { ddmin } from '../query/shrink.js';

describe('ddminBatched', () => {
  it('finds what ddmin finds, 1-minimal, with every candidate tested once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.uniqueArray(fc.nat({ max: 39 }), { minLength: 1, maxLength: 4 }), async (n, need) => {
        const items = Array.from({ length: n }, (_, i) => i);
        const required = need.filter((x) => x < n);
        if (required.length === 0) required.push(n - 1);
        const holds = (s: readonly number[]): boolean => required.every((x) => s.includes(x));
        const seen = new Set<string>();
        let batches = 0;
        const r = await ddminBatched(items, async (subsets) => {
          batches++;
          for (const s of subsets) {
            const k = s.join(',');
            expect(seen.has(k)).toBe(false);
            seen.add(k);
          }
          return subsets.map(holds);
        });
        expect(r.result).toEqual(ddmin(items, holds).result);
        expect([...r.result].sort((a, b) => a - b)).toEqual([...required].sort((a, b) => a - b));
        expect(r.rounds).toBe(batches);
        for (let j = 0; j < r.result.length; j++) expect(holds(r.result.filter((_, k) => k !== j))).toBe(false);
      }),
    );
  });

  it('runs several candidates a batch: far fewer batches than tests', async () => {
    const items = Array.from({ length: 30 }, (_, i) => i);
    const r = await ddminBatched(items, async (subsets) => subsets.map((s) => s.includes(17)));
    expect(r.result).toEqual([17]);
    expect(r.rounds).toBeLessThan(r.tests);
  });
});
