/**
 * F13 — SECTION_NID_SHIFT: memory_present() writes nid << SECTION_NID_SHIFT into the boot word and
 * sparse_init_one_section() keeps the bits below SECTION_MAP_LAST_BIT. With the shift at 3 and the
 * taint bit (4) added in v5.12, a node whose nid has bit 1 set (2, 3, 6, …) boots with
 * SECTION_TAINT_ZONE_DEVICE set; v5.14 moved the shift to 6 (kernel-semantics.md §1.3, §2.10).
 */
import { describe, expect, it } from 'vitest';
import { bootState, getSection } from '../../model/index.js';
import { createProfile, SECTION_TAINT_ZONE_DEVICE } from '../../kernel/index.js';
import { expectBoundary } from './boundary.js';

/** Two nodes: node 0 RAM in section 32, node 2 RAM in section 33. */
function bootTwoNodes(kernel: string): { taint0: number; taint33: number; hazards: string[] } {
  const p = createProfile({ kernel });
  const r = bootState(p, {
    ranges: [
      { startPfn: 0x100000, endPfn: 0x108000, nid: 0 },
      { startPfn: 0x108000, endPfn: 0x110000, nid: 2 },
    ],
    iomem: [],
    source: { file: 't', line: 1 },
  });
  return {
    taint0: getSection(p, r.state, 32)!.flags & SECTION_TAINT_ZONE_DEVICE,
    taint33: getSection(p, r.state, 33)!.flags & SECTION_TAINT_ZONE_DEVICE,
    hazards: r.outcome.hazards.map((h) => `${h.bug}:${h.kind}`),
  };
}

describe('F13: SECTION_NID_SHIFT 6 (v5.14)', () => {
  it('5.11 → 5.12 → 5.14: node 2\'s boot section is tainted only while the taint bit exists and the shift is 3', () => {
    expectBoundary('5.13', '5.14', ['ARM64_GENERIC_PFN_VALID', 'NID_SHIFT']);
    expect(bootTwoNodes('5.11')).toEqual({ taint0: 0, taint33: 0, hazards: [] });
    expect(bootTwoNodes('5.13')).toEqual({ taint0: 0, taint33: SECTION_TAINT_ZONE_DEVICE, hazards: ['F13:wrong-result'] });
    expect(bootTwoNodes('5.14')).toEqual({ taint0: 0, taint33: 0, hazards: [] });
  });
});
