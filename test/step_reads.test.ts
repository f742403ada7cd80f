/**
 * stepReads(op) bounds what the model reads: every step of random scenarios (all operation kinds,
 * injected failures, altmaps, ZONE_DEVICE, boot RAM) and of bench workloads, under releases whose
 * call paths differ (5.2's whole-section functions, 5.3, 5.10, 6.1, 7.3, no VMEMMAP, arm64 4K and
 * 64K, 5-level paging), runs with the step's WorkingState watched: every section it peeks or writes
 * lies in the op's span, every root it asks for holds one of them, and it reads
 * __highest_present_section_nr or the ZONE_DEVICE ranges only when the read set says so. Forks rely
 * on it (query/fork.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProfile } from '../kernel/index.js';
import type { KernelState, Profile } from '../kernel/index.js';
import { bootState, step } from '../model/index.js';
import { stepReads } from '../model/step_reads.js';
import type { StepReads } from '../model/step_reads.js';
import { WorkingState } from '../model/working.js';
import type { Scenario } from '../inputs/types.js';
import { generateWorkload } from '../bench/generate.js';
import { scenarioArb } from './helpers/arbitraries.js';
import { buildScenario } from './helpers/scenario_build.js';

/** What the watched WorkingStates read since the last reset. */
const seen = { sections: new Set<number>(), roots: new Set<number>(), highest: false, device: false };
/** How many steps read each kind of thing (so the test cannot pass by watching nothing). */
const totals = { sections: 0, roots: 0, highest: 0, device: 0 };

function reset(): void {
  seen.sections.clear();
  seen.roots.clear();
  seen.highest = false;
  seen.device = false;
}

const proto = WorkingState.prototype;
const original = {
  peek: proto.peek,
  write: proto.write,
  hasRoot: proto.hasRoot,
  highest: Object.getOwnPropertyDescriptor(proto, 'highestPresentSectionNr') as PropertyDescriptor,
  device: Object.getOwnPropertyDescriptor(proto, 'deviceRanges') as PropertyDescriptor,
};

beforeAll(() => {
  proto.peek = function (this: WorkingState, nr: number) {
    seen.sections.add(nr);
    return original.peek.call(this, nr);
  };
  proto.write = function (this: WorkingState, nr: number, zero: Parameters<WorkingState['write']>[1]) {
    seen.sections.add(nr);
    return original.write.call(this, nr, zero);
  };
  proto.hasRoot = function (this: WorkingState, r: number) {
    seen.roots.add(r);
    return original.hasRoot.call(this, r);
  };
  Object.defineProperty(proto, 'highestPresentSectionNr', {
    configurable: true,
    get(this: WorkingState) {
      seen.highest = true;
      return original.highest.get?.call(this) as number;
    },
    set: original.highest.set,
  });
  Object.defineProperty(proto, 'deviceRanges', {
    configurable: true,
    get(this: WorkingState) {
      seen.device = true;
      return original.device.get?.call(this) as KernelState['deviceRanges'];
    },
    set: original.device.set,
  });
});

afterAll(() => {
  proto.peek = original.peek;
  proto.write = original.write;
  proto.hasRoot = original.hasRoot;
  Object.defineProperty(proto, 'highestPresentSectionNr', original.highest);
  Object.defineProperty(proto, 'deviceRanges', original.device);
});

/** Run every step of `s` under `p`; each step's reads must lie inside stepReads of its operation. */
function readsStayInside(p: Profile, s: Scenario): void {
  const g = p.geometry;
  let state = bootState(p, s.boot).state;
  for (const st of s.steps) {
    reset();
    const r = step(p, state, st.op, st.inject);
    const reads: StepReads | null = stepReads(g, st.op);
    if (reads !== null) {
      const where = `${JSON.stringify(st.op)} under ${p.kernel}/${g.name}`;
      for (const nr of seen.sections) expect(nr >= reads.first && nr <= reads.last, `section ${nr} read by ${where}, outside ${reads.first}..${reads.last}`).toBe(true);
      const lo = Math.floor(reads.first / g.SECTIONS_PER_ROOT);
      const hi = Math.floor(reads.last / g.SECTIONS_PER_ROOT);
      for (const root of seen.roots) expect(root >= lo && root <= hi, `root ${root} read by ${where}, outside ${lo}..${hi}`).toBe(true);
      if (seen.highest) expect(reads.highest, `__highest_present_section_nr read by ${where}`).toBe(true);
      if (seen.device) expect(reads.device, `ZONE_DEVICE ranges read by ${where}`).toBe(true);
    }
    if (seen.sections.size) totals.sections++;
    if (seen.roots.size) totals.roots++;
    if (seen.highest) totals.highest++;
    if (seen.device) totals.device++;
    state = r.state;
  }
}

const PROFILES: readonly Profile[] = [
  createProfile({ kernel: '5.2' }),
  createProfile({ kernel: '5.3' }),
  createProfile({ kernel: '5.10.223' }),
  createProfile({ kernel: '6.1.192' }),
  createProfile({ kernel: '7.3.4' }),
  createProfile({ kernel: '6.1', config: { SPARSEMEM_VMEMMAP: false } }),
  createProfile({ kernel: '5.11', arch: 'arm64-4k' }),
  createProfile({ kernel: '5.12', arch: 'arm64-4k' }),
  createProfile({ kernel: '6.1', arch: 'arm64-64k' }),
  createProfile({ kernel: '7.3.4', paging: 5 }),
];

describe('stepReads bounds what a step reads', () => {
  it('random scenarios under ten releases, architectures and configurations (1,000 runs)', () => {
    fc.assert(
      fc.property(scenarioArb(), fc.nat({ max: PROFILES.length - 1 }), (s, i) => {
        readsStayInside(PROFILES[i] as Profile, s);
      }),
      { numRuns: 1000 },
    );
    expect(totals.sections).toBeGreaterThan(1000);
    expect(totals.roots).toBeGreaterThan(100);
    expect(totals.highest).toBeGreaterThan(100);
    expect(totals.device).toBeGreaterThan(10);
  });

  it('bench workloads (sub-section adds and removes over 1024 sections, collisions, misaligned spans)', () => {
    for (const p of [PROFILES[1] as Profile, PROFILES[4] as Profile]) {
      for (const seed of [1, 2, 3]) readsStayInside(p, generateWorkload(p.geometry, { seed, steps: 3000, firstSection: 32, sections: 1024 }).scenario);
    }
  });

  it("arm64 before 5.12: pfn_valid of a hot-added sub-section asks memblock, which leaves out ZONE_DEVICE pfns: it reads the ranges", () => {
    const p = PROFILES[6] as Profile;
    expect([p.kernel, p.geometry.name]).toEqual(['5.11', 'arm64-4k']);
    const pfn = 5 * p.geometry.PAGES_PER_SECTION;
    const s = buildScenario([], [{ op: { kind: '__add_pages', nid: 0, pfn, nr_pages: 512, altmap: null } }, { op: { kind: 'pfn_valid', pfn } }]);
    const before = totals.device;
    readsStayInside(p, s);
    expect(totals.device).toBe(before + 1);
  });

  it('an operation whose span wraps may read anything: nr_pages 0 gives no read set', () => {
    const g = createProfile().geometry;
    expect(stepReads(g, { kind: '__remove_pages', pfn: 0, nr_pages: 0, altmap: null })).toBeNull();
    expect(stepReads(g, { kind: '__add_pages', nid: 0, pfn: 32768, nr_pages: 0, altmap: null })).toBeNull();
    expect(stepReads(g, { kind: '__add_pages', nid: 0, pfn: 32768 * 3 + 512, nr_pages: 32768, altmap: null })).toEqual({ first: 3, last: 4, highest: true, device: false });
  });
});
