/**
 * memhp verify --random's generator (verify/random.ts): the same seed gives the same calls, every
 * sequence stays inside its own block of fresh sections, and the mix has what the property tests
 * mix (misaligned starts, zero sizes, spans across sections, removes of what was added).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BLOCK_SECTIONS, FIRST_BLOCK_SECTION, randomSequences, sequencesScenario } from '../verify/random.js';
import { operationLine } from '../inputs/trace/scenario_text.js';
import { parseScenario } from '../inputs/scenario.js';
import { createProfile } from '../kernel/profile.js';
import type { Operation } from '../kernel/operation.js';

const SEC = 1 << 15;

function range(op: Operation): [number, number] {
  if ('nr_pages' in op) return [op.pfn, op.pfn + op.nr_pages];
  if ('start_pfn' in op) return [op.start_pfn, op.end_pfn];
  return [op.pfn, op.pfn + 1];
}

describe('randomSequences', () => {
  it('is deterministic: the same seed gives the same sequences, another seed others', () => {
    expect(randomSequences(5, 30, 7)).toEqual(randomSequences(5, 30, 7));
    expect(randomSequences(5, 30, 7)).not.toEqual(randomSequences(5, 30, 8));
  });

  it('keeps every call of sequence i inside block i', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 40 }), fc.integer(), (n, k, seed) => {
        for (const s of randomSequences(n, k, seed)) {
          expect(s.ops).toHaveLength(k);
          const lo = (FIRST_BLOCK_SECTION + s.index * BLOCK_SECTIONS) * SEC;
          const hi = lo + BLOCK_SECTIONS * SEC;
          for (const op of s.ops) {
            const [a, b] = range(op);
            expect(a).toBeGreaterThanOrEqual(lo);
            expect(b).toBeLessThanOrEqual(hi);
          }
        }
      }),
    );
  });

  it('mixes alignments and sizes like the property tests, and removes meet adds', () => {
    const ops = randomSequences(50, 30, 1).flatMap((s) => s.ops);
    const spans = ops.filter((o): o is Extract<Operation, { nr_pages: number }> => 'nr_pages' in o);
    expect(spans.some((o) => o.pfn % 512 !== 0)).toBe(true);
    expect(spans.some((o) => o.nr_pages === 0)).toBe(true);
    expect(spans.some((o) => Math.floor(o.pfn / SEC) !== Math.floor((o.pfn + o.nr_pages - 1) / SEC))).toBe(true);
    const added = new Set(spans.filter((o) => o.kind === '__add_pages').map((o) => `${o.pfn}+${o.nr_pages}`));
    expect(spans.some((o) => o.kind === '__remove_pages' && added.has(`${o.pfn}+${o.nr_pages}`))).toBe(true);
    expect(new Set(ops.map((o) => o.kind))).toEqual(new Set(['__add_pages', 'add_pages', '__remove_pages', 'online_mem_sections', 'offline_mem_sections', 'pfn_valid', 'pfn_to_online_page']));
  });

  it('writes each call in the scenario format, and the scenario parses back to the same operations', () => {
    const seqs = randomSequences(3, 20, 42);
    const text = `ram 0x100000000-0x13fffffff\n${seqs.flatMap((s) => s.ops.map(operationLine)).join('\n')}\n`;
    const parsed = parseScenario(text, 'r.scn', { geometry: createProfile().geometry });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.steps.map((s) => s.op)).toEqual(sequencesScenario(seqs, 'r.scn').steps.map((s) => s.op));
  });
});
